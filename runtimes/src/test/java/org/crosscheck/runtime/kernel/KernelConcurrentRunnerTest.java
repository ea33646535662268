package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.Histogram.State;
import org.crosscheck.runtime.concurrent.SharedProgram;
import org.crosscheck.runtime.concurrent.SharedProgram.ThreadCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Litmus runs on the live kernel: store buffering is weak without a fence and strong with one. */
class KernelConcurrentRunnerTest {
    /** Location indices of the tests below. */
    private static final int X = 0, Y = 1, Z = 2;
    /** Bounds that keep each test to a few seconds on a busy two-core machine. */
    private static final long CHUNK = 100_000, MAX_ITERATIONS = 3_000_000;

    private static final KernelConcurrentRunner runner = new KernelConcurrentRunner();

    @BeforeAll
    static void kernel() {
        KernelTests.assumeKernel();
    }

    /** A thread with r1 = &mine, r2 = &theirs, r3 = &z, r4 = 1, observing r1. */
    private static ThreadCode thread(int mine, int theirs, List<Insn> body) {
        long[] values = new long[11];
        values[4] = 1;
        int[] locations = {-1, mine, theirs, Z, -1, -1, -1, -1, -1, -1, -1};
        return new ThreadCode(body, values, locations, new int[] {1});
    }

    /** SB: *(u32*)mine = 1; [fence]; r1 = *(u32*)theirs. */
    private static SharedProgram storeBuffering(boolean fenced) {
        List<ThreadCode> threads = List.of(X, Y).stream().map(mine -> {
            List<Insn> body = fenced
                    ? List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.ATOMIC64_FETCH_ADD, 3, 4, 0, 0), Insn.of(Op.LDXW, 1, 2, 0, 0))
                    : List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.LDXW, 1, 2, 0, 0));
            return thread(mine, 1 - mine, body);
        }).toList();
        return new SharedProgram(threads, new long[3], List.of("x", "y", "z"));
    }

    /** P0's r1, P1's r1, then x, y, z. */
    private static State state(long r1p0, long r1p1, long z) {
        return new State(new long[] {r1p0, r1p1, 1, 1, z});
    }

    @Test
    void storeBufferingShowsTheWeakOutcome() throws ConcurrentRunException {
        SharedProgram sb = storeBuffering(false);
        Histogram all = new Histogram();
        long start = System.nanoTime();
        for (long seed = 1; all.total() < MAX_ITERATIONS && all.count(state(0, 0, 0)) == 0; seed++) all.addAll(runner.run(sb, CHUNK, seed));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("kernel SB: %d iterations in %.2f s (%.0f/s), %d barrier time-outs in the last run; %s%n",
                all.total(), seconds, all.total() / seconds, runner.lastTimeouts(), all.counts());
        assertTrue(all.count(state(0, 0, 0)) > 0, () -> "no weak outcome in " + all.total() + " iterations: " + all.counts());
        assertTrue(all.count(state(0, 1, 0)) > 0 && all.count(state(1, 0, 0)) > 0, () -> "SC outcomes missing: " + all.counts());
        assertOnly(all, state(0, 0, 0), state(0, 1, 0), state(1, 0, 0), state(1, 1, 0));
    }

    @Test
    void aFullyOrderedAtomicForbidsTheWeakOutcome() throws ConcurrentRunException {
        Histogram h = runner.run(storeBuffering(true), 1_000_000, 7);
        System.out.println("kernel SB+fetch_add: " + h.counts());
        assertEquals(1_000_000, h.total());
        assertEquals(0, h.count(state(0, 0, 2)), () -> "weak outcome despite the atomics: " + h.counts());
        assertOnly(h, state(0, 1, 2), state(1, 0, 2), state(1, 1, 2));
    }

    @Test
    void everyIterationStartsFromTheInitialValues() throws ConcurrentRunException {
        // one thread: r1 = *x + 40 with x initially 2, then *x = r1; a partial last chunk included
        ThreadCode t = new ThreadCode(List.of(Insn.of(Op.LDXDW, 2, 1, 0, 0), Insn.imm(Op.ADD64_IMM, 2, 40), Insn.of(Op.STXDW, 1, 2, 0, 0), Insn.reg(Op.MOV64_REG, 1, 2)),
                new long[11], new int[] {-1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}, new int[] {1});
        Histogram h = runner.run(new SharedProgram(List.of(t), new long[] {2}, List.of("x")), 2500, 3);
        assertEquals(Map.of(new State(new long[] {42, 42}), 2500L), h.counts());
    }

    @Test
    void anExitInTheBodyEndsTheThreadThroughTheEpilogue() throws ConcurrentRunException {
        // r1 = 5; if r3 != 0 goto +1; exit; r1 = 6 (r3 is 0: the last instruction never runs); 64-bit initial values use lddw
        int[] noLocations = new int[11];
        java.util.Arrays.fill(noLocations, -1);
        ThreadCode t = new ThreadCode(List.of(Insn.imm(Op.MOV64_IMM, 1, 5), Insn.of(Op.JNE_IMM, 3, 0, 1, 0), Insn.of(Op.EXIT), Insn.imm(Op.MOV64_IMM, 1, 6)),
                new long[] {0, 0, 0x1234_5678_9abcL}, noLocations, new int[] {1, 2});
        Histogram h = runner.run(new SharedProgram(List.of(t), new long[0], List.of()), 10, 3);
        assertEquals(Map.of(new State(new long[] {5, 0x1234_5678_9abcL}), 10L), h.counts());
    }

    @Test
    void aThreadTheVerifierRefusesIsAnError() {
        // P1 reads 8 bytes past its location (out of the map value, wherever the location is)
        SharedProgram p = new SharedProgram(List.of(
                thread(X, Y, List.of(Insn.of(Op.STW, 1, 0, 0, 1))),
                thread(Y, X, List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.LDXDW, 1, 2, 8, 0)))), new long[3], List.of("x", "y", "z"));
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> runner.run(p, 10, 1));
        assertTrue(e.getMessage().startsWith("thread P1 refused by the kernel's verifier: "), e.getMessage());
        assertTrue(e.getMessage().contains("map value") && e.getMessage().contains("(at pc 1: "), e.getMessage());
    }

    private static void assertOnly(Histogram h, State... allowed) {
        for (State s : h.counts().keySet()) assertTrue(List.of(allowed).contains(s), () -> "unexpected state " + s + " in " + h.counts());
    }
}
