package org.crosscheck.memmodel;

import java.util.Map;
import org.crosscheck.memmodel.Litmus.Final;

/**
 * The checker's answer for one test: the final states of the allowed executions (with how many
 * executions reach each), how many allowed executions satisfy the condition's proposition
 * (positive) and how many do not (negative), and the verdict.
 */
public record Result(String name, Final condition, Map<String, Long> states, long positive, long negative, long candidates) {

    public Result {
        states = Map.copyOf(states);
    }

    public enum Verdict {
        ALLOWED("Allowed"), FORBIDDEN("Forbidden"), REQUIRED("Required");

        public final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    /**
     * As herd's kinds: {@code exists p} is Allowed when some allowed execution satisfies p, else
     * Forbidden; {@code ~exists p} has the kind Forbidden, which holds when no allowed execution
     * satisfies p and becomes Allowed otherwise; {@code forall p} is Required when every allowed
     * execution satisfies p, else Allowed.
     */
    public Verdict verdict() {
        return switch (condition.quantifier()) {
            case EXISTS, NOT_EXISTS -> positive > 0 ? Verdict.ALLOWED : Verdict.FORBIDDEN;
            case FORALL -> negative == 0 ? Verdict.REQUIRED : Verdict.ALLOWED;
        };
    }

    /** Whether the condition as written holds (herd's Ok / No). */
    public boolean validated() {
        return switch (condition.quantifier()) {
            case EXISTS -> positive > 0;
            case NOT_EXISTS -> positive == 0;
            case FORALL -> negative == 0;
        };
    }

    /** herd-like output: the states, Ok/No, witnesses, the condition and the observation. */
    public String format(String conditionText) {
        StringBuilder sb = new StringBuilder();
        sb.append("Test ").append(name).append(' ').append(verdict().text).append('\n');
        sb.append("States ").append(states.size()).append('\n');
        states.keySet().stream().sorted().forEach(s -> sb.append(s).append('\n'));
        sb.append(validated() ? "Ok" : "No").append('\n');
        sb.append("Witnesses\n");
        sb.append("Positive: ").append(positive).append(" Negative: ").append(negative).append('\n');
        sb.append("Condition ").append(conditionText).append('\n');
        String observation = positive == 0 ? "Never" : negative == 0 ? "Always" : "Sometimes";
        sb.append("Observation ").append(name).append(' ').append(observation).append(' ').append(positive).append(' ').append(negative).append('\n');
        sb.append("Candidates ").append(candidates).append('\n');
        return sb.toString();
    }

}
