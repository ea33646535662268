package org.crosscheck.runtime.concurrent;

import java.util.Arrays;
import java.util.List;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * A concurrent test as runtimes see it (a litmus test compiled by {@code memmodel}): threads of
 * BPF code over shared memory locations. Every location is 8 bytes, 8-byte aligned; where each
 * one lives is the runner's choice (and may change from iteration to iteration, as litmus7
 * randomises placement), which is why a thread's code reaches locations only through registers
 * the runner initialises with their addresses.
 *
 * @param threads        the threads, in litmus order (P0, P1, ...)
 * @param initial        per location: its value before every iteration
 * @param locationNames  per location: its name in the test (for messages)
 */
public record SharedProgram(List<ThreadCode> threads, long[] initial, List<String> locationNames) {

    public SharedProgram {
        threads = List.copyOf(threads);
        initial = initial.clone();
        locationNames = List.copyOf(locationNames);
        if (initial.length != locationNames.size())
            throw new IllegalArgumentException(initial.length + " initial values for " + locationNames.size() + " locations");
    }

    /**
     * What runners report for a register holding the address of a location (plus 0..7): runs place
     * locations anew every iteration, so states speak of locations, not of addresses.
     */
    public static final long SYMBOLIC_BASE = 0x5ec0_0000_0000L;

    /** {@code v}, or {@code SYMBOLIC_BASE + 8 * l + d} when {@code v} is {@code address[l] + d} with 0 <= d < 8. */
    public static long symbolize(long v, long[] address) {
        for (int l = 0; l < address.length; l++) {
            long d = v - address[l];
            if (d >= 0 && d < 8) return SYMBOLIC_BASE + 8L * l + d;
        }
        return v;
    }

    public int locations() {
        return initial.length;
    }

    /** Length of one observed state: every thread's observed registers in order, then every location's final value. */
    public int stateWidth() {
        int n = initial.length;
        for (ThreadCode t : threads) n += t.observed().length;
        return n;
    }

    /**
     * One thread.
     *
     * @param body        its instructions with jumps resolved and no final {@code exit}: a runner
     *                    adds its own epilogue (the JIT an {@code exit}; the kernel code that
     *                    stores the observed registers); a jump to the slot after the last
     *                    instruction ends the thread (jump offsets count 8-byte slots, as in BPF)
     * @param regValue    r0..r10 at entry where {@code regLocation} is -1 (other registers are 0)
     * @param regLocation r0..r10: the index of the location whose address the register holds at
     *                    entry, or -1
     * @param observed    the registers whose final values make up this thread's part of a state
     */
    public record ThreadCode(List<Insn> body, long[] regValue, int[] regLocation, int[] observed) {
        public ThreadCode {
            body = List.copyOf(body);
            regValue = Arrays.copyOf(regValue, 11);
            regLocation = Arrays.copyOf(regLocation, 11);
            observed = observed.clone();
        }
    }

    /**
     * Thread t as a runnable program: its body and a final exit (what the interpreter and JIT runners
     * execute, and what reports show).
     *
     * @throws ConcurrentRunException naming the thread when the body is not a valid program
     */
    public Program program(int t) throws ConcurrentRunException {
        List<Insn> code = new java.util.ArrayList<>(threads.get(t).body());
        code.add(Insn.of(Op.EXIT));
        try {
            return Program.of(code);
        } catch (DecodeException e) {
            throw new ConcurrentRunException("P" + t + ": not a valid program: " + e.getMessage());
        }
    }
}
