package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.Histogram;

/**
 * Runs a litmus test on runtimes and judges what they show against the BPF memory model: each
 * runtime's histogram of final states, herd's observation of the final condition, and the
 * states the model forbids (a runtime showing one is a finding).
 */
public final class LitmusRun {
    private LitmusRun() {}

    /** One runtime's run: its states (test-formatted) with counts, or why it could not run. */
    public record Observed(String runtime, Map<String, Long> states, List<String> forbidden, long positive, long negative,
            long nanos, String error) {

        public long iterations() {
            return positive + negative;
        }

        /** herd's observation: Never, Sometimes or Always (the condition's proposition over the iterations). */
        public String observation() {
            return positive == 0 ? "Never" : negative == 0 ? "Always" : "Sometimes";
        }

        public double iterationsPerSecond() {
            return nanos == 0 ? 0 : iterations() * 1e9 / nanos;
        }
    }

    /** A test's run on every runtime, with the model's verdict and allowed states. */
    public record Report(Litmus test, Result model, List<Observed> runs) {
        /** Runs that showed a state the model forbids. */
        public List<Observed> violations() {
            return runs.stream().filter(o -> !o.forbidden().isEmpty()).toList();
        }
    }

    public static Report run(Litmus test, List<ConcurrentRunner> runners, long iterations, long seed) {
        LitmusProgram p = LitmusCompiler.compile(test);
        Result model = Checker.check(test);
        List<Observed> runs = new ArrayList<>();
        for (ConcurrentRunner r : runners) runs.add(observe(p, model, r, iterations, seed));
        return new Report(test, model, runs);
    }

    /** One runtime's run of a compiled test, judged against the model's allowed states. */
    public static Observed observe(LitmusProgram p, Result model, ConcurrentRunner runner, long iterations, long seed) {
        String unavailable = runner.unavailableReason();
        if (unavailable != null) return new Observed(runner.name(), Map.of(), List.of(), 0, 0, 0, "unavailable: " + unavailable);
        long start = System.nanoTime();
        Histogram h;
        try {
            h = runner.run(p.program(), iterations, seed);
        } catch (ConcurrentRunException e) {
            return new Observed(runner.name(), Map.of(), List.of(), 0, 0, System.nanoTime() - start, e.getMessage());
        }
        long nanos = System.nanoTime() - start;
        Map<String, Long> states = new TreeMap<>();
        long positive = 0, negative = 0;
        for (Map.Entry<Histogram.State, Long> e : h.counts().entrySet()) {
            states.merge(p.format(e.getKey()), e.getValue(), Long::sum);
            if (p.satisfies(e.getKey())) positive += e.getValue(); else negative += e.getValue();
        }
        List<String> forbidden = states.keySet().stream().filter(s -> !model.states().containsKey(s)).toList();
        return new Observed(runner.name(), states, forbidden, positive, negative, nanos, null);
    }

    /** litmus7-like output: per runtime, the histogram (forbidden states marked), witnesses, the observation. */
    public static String format(Report r, String conditionText) {
        StringBuilder sb = new StringBuilder();
        String name = r.test().name();
        for (Observed o : r.runs()) {
            sb.append("Test ").append(name).append(' ').append(r.model().verdict().text).append(" on ").append(o.runtime()).append('\n');
            if (o.error() != null) {
                sb.append("Error ").append(o.error()).append("\n\n");
                continue;
            }
            sb.append("Histogram (").append(o.states().size()).append(" states)\n");
            o.states().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .forEach(e -> sb.append(String.format("%-10d%s%s%n", e.getValue(), e.getKey(),
                            o.forbidden().contains(e.getKey()) ? "   <- forbidden by the BPF memory model" : "")));
            sb.append(o.positive() > 0 ? "Ok" : "No").append('\n');
            sb.append("Witnesses\nPositive: ").append(o.positive()).append(", Negative: ").append(o.negative()).append('\n');
            sb.append("Condition ").append(conditionText).append('\n');
            sb.append("Observation ").append(name).append(' ').append(o.observation()).append(' ').append(o.positive()).append(' ')
                    .append(o.negative()).append('\n');
            sb.append(String.format("Time %s %.3f s (%,.0f iterations/s)%n", name, o.nanos() / 1e9, o.iterationsPerSecond()));
            if (!o.forbidden().isEmpty())
                sb.append("FORBIDDEN ").append(name).append(" on ").append(o.runtime()).append(": ").append(o.forbidden().size())
                        .append(" state(s) the BPF memory model forbids\n");
            sb.append('\n');
        }
        return sb.toString();
    }
}
