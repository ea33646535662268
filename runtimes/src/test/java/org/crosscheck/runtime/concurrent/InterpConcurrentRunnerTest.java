package org.crosscheck.runtime.concurrent;

import static org.crosscheck.runtime.concurrent.StoreBuffering.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.Histogram.State;
import org.crosscheck.runtime.concurrent.SharedProgram.ThreadCode;
import org.junit.jupiter.api.Test;

/**
 * The reference scheduler: every sequentially consistent interleaving at the granularity of one
 * memory access, nothing weaker, and threads that cannot run are errors.
 */
class InterpConcurrentRunnerTest {
    private final InterpConcurrentRunner runner = new InterpConcurrentRunner();

    /**
     * Plain SB: each thread takes 3 steps (store, load, then the exit), so there are C(6,3) = 20
     * schedules. P0 reads 0 exactly when its store and load both come before P1's store: P0's exit
     * then falls in any of 4 places among P1's 3 steps. The same for P1; the other 12 see (1,1).
     */
    static final Map<State, Long> SB_PLAIN = Map.of(state(0, 1, false), 4L, state(1, 0, false), 4L, state(1, 1, false), 12L);
    /** Fenced SB: 4 steps each (store, fetch-add, load, exit): C(8,4) = 70; 5 ways for each thread to read 0. */
    static final Map<State, Long> SB_FENCED = Map.of(state(0, 1, true), 5L, state(1, 0, true), 5L, state(1, 1, true), 60L);

    @Test
    void storeBufferingRunsEveryScheduleOnceAndNeverTheWeakOne() throws ConcurrentRunException {
        assertEquals(SB_PLAIN, runner.run(StoreBuffering.program(false), 1_000, 1).counts());
        assertEquals(SB_FENCED, runner.run(StoreBuffering.program(true), 1_000, 1).counts());
    }

    @Test
    void exhaustiveRunsIgnoreTheSeedAndStopAtTheScheduleCount() throws ConcurrentRunException {
        SharedProgram sb = StoreBuffering.program(false);
        assertEquals(SB_PLAIN, runner.run(sb, 20, 99).counts(), "exactly as many iterations as schedules is still exhaustive");
        assertEquals(SB_PLAIN, runner.run(sb, Long.MAX_VALUE, -5).counts());
    }

    @Test
    void fewerIterationsThanSchedulesRunRandomSchedulesReproducibly() throws ConcurrentRunException {
        SharedProgram sb = StoreBuffering.program(false);
        Histogram h = runner.run(sb, 19, 4);
        assertEquals(19, h.total());
        assertTrue(SB_PLAIN.keySet().containsAll(h.counts().keySet()), () -> "a state no SC schedule gives: " + h.counts());
        assertEquals(h.counts(), runner.run(sb, 19, 4).counts(), "same seed, same schedules");

        // 69 of the 70 fenced schedules, drawn at random: every SC state comes up, the weak one never
        Histogram f = runner.run(StoreBuffering.program(true), 69, 8);
        assertEquals(69, f.total());
        assertEquals(SB_FENCED.keySet(), f.counts().keySet());
    }

    @Test
    void aStepEndsAtAMemoryAccessSoOnlyAtomicsAreIndivisible() throws ConcurrentRunException {
        // two threads increment x: plainly (load; add; store) the increments can overlap and one is lost
        // (both loads before both stores: 2 * C(4,2) = 12 of the 20 schedules); with lock add never
        Histogram plain = runner.run(increments(List.of(Insn.of(Op.LDXDW, 2, 1, 0, 0), Insn.imm(Op.ADD64_IMM, 2, 1), Insn.of(Op.STXDW, 1, 2, 0, 0))), 1_000, 1);
        assertEquals(Map.of(new State(new long[] {1}), 12L, new State(new long[] {2}), 8L), plain.counts());
        Histogram atomic = runner.run(increments(List.of(Insn.imm(Op.MOV64_IMM, 2, 1), Insn.of(Op.ATOMIC64_ADD, 1, 2, 0, 0))), 1_000, 1);
        assertEquals(Map.of(new State(new long[] {2}), 6L), atomic.counts(), "C(4,2) = 6 schedules, all with both increments");
    }

    @Test
    void aThreadThatTrapsIsAnErrorNamingIt() {
        // P1 loads 8 bytes past z, the last location: outside the shared memory
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode p1 = sb.threads().get(1);
        SharedProgram bad = new SharedProgram(List.of(sb.threads().get(0),
                new ThreadCode(List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.LDXDW, 1, 3, 8, 0)), p1.regValue(), p1.regLocation(), p1.observed())),
                sb.initial(), sb.locationNames());
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> runner.run(bad, 1_000, 1));
        assertTrue(e.getMessage().startsWith("P1: trap OUT_OF_BOUNDS at pc 1"), e.getMessage());
    }

    @Test
    void aThreadThatNeverEndsIsAnError() {
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode p0 = sb.threads().get(0);
        SharedProgram loop = new SharedProgram(List.of(new ThreadCode(List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.JA, 0, 0, -1, 0)),
                p0.regValue(), p0.regLocation(), p0.observed()), sb.threads().get(1)), sb.initial(), sb.locationNames());
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> runner.run(loop, 1_000, 1));
        assertEquals("P0: still running after " + InterpConcurrentRunner.MAX_STEPS + " instructions", e.getMessage());
    }

    /** Two threads running {@code body} with r1 = x (initially 0); the state is x's final value. */
    static SharedProgram increments(List<Insn> body) {
        ThreadCode t = new ThreadCode(body, new long[11], new int[] {-1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}, new int[0]);
        return new SharedProgram(List.of(t, t), new long[1], List.of("x"));
    }
}
