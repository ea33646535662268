package org.crosscheck.coordinator.reference;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * What the reference did with one (program, input): its outcome and, built once when first asked, the
 * concrete state before every instruction it executed, in order, with what is derived from them
 * (address taint, values computed). Read by the comparison's deviations, the minimizer, ISA coverage
 * and the verifier oracle instead of each running the interpreter again. Not thread-safe: one case's.
 */
public final class ReferenceTrace {
    /** Registers r0-r10 and the pc, per step. */
    private static final int WIDTH = 12;

    private final ProgramInput input;
    private final Limits limits;
    private Outcome outcome;
    private long[] steps;
    private int count;
    private AddressTaint taint;
    private Map<Integer, Long> valuesAfter;

    ReferenceTrace(ProgramInput input, Limits limits, Outcome outcome) {
        this.input = input;
        this.limits = limits;
        this.outcome = outcome;
    }

    public ProgramInput input() {
        return input;
    }

    public Program program() {
        return input.program();
    }

    public byte[] memory() {
        return input.memory();
    }

    /** How the reference ended (run for it, traced, only if no outcome was given). */
    public Outcome outcome() {
        if (outcome == null) traced();
        return outcome;
    }

    /** Instructions the reference executed (steps of the trace). */
    public int steps() {
        traced();
        return count;
    }

    /** The pc of step {@code k}. */
    public int pc(int k) {
        return (int) traced()[k * WIDTH + 11];
    }

    /** Register {@code reg} before step {@code k} executed. */
    public long register(int k, int reg) {
        return traced()[k * WIDTH + reg];
    }

    /** Replays the trace to {@code tracer}: each step's pc and registers before it (an array it must not keep). */
    public void forEach(Interpreter.Tracer tracer) {
        long[] s = traced();
        long[] r = new long[11];
        for (int k = 0; k < count; k++) {
            System.arraycopy(s, k * WIDTH, r, 0, 11);
            tracer.step((int) s[k * WIDTH + 11], r);
        }
    }

    /**
     * By pc: the value of the destination register after the first execution of the instruction there
     * (read before the next step; an instruction that ended the run has none).
     */
    public Map<Integer, Long> valuesAfter() {
        if (valuesAfter != null) return valuesAfter;
        Map<Integer, Long> out = valuesAfter = new HashMap<>();
        Program p = program();
        for (int k = 1; k < steps(); k++) {
            int prev = pc(k - 1);
            out.putIfAbsent(prev, register(k, p.at(prev).dst()));
        }
        return out;
    }

    /** Which values of the run were computed from an address of the reference's layout. */
    public AddressTaint addressTaint() {
        if (taint == null) taint = AddressTaint.of(this);
        return taint;
    }

    private long[] traced() {
        if (steps != null) return steps;
        long[][] buf = {new long[64 * WIDTH]};
        int[] n = {0};
        Interpreter.Result result = Reference.INTERPRETER.trace(program(), memory(), limits, (pc, r) -> {
            int at = n[0] * WIDTH;
            if (at + WIDTH > buf[0].length) buf[0] = Arrays.copyOf(buf[0], buf[0].length * 2);
            System.arraycopy(r, 0, buf[0], at, 11);
            buf[0][at + 11] = pc;
            n[0]++;
        });
        if (outcome == null) outcome = result.outcome();
        steps = buf[0];
        count = n[0];
        return steps;
    }
}
