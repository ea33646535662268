package org.crosscheck.runtime.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.Histogram.State;
import org.crosscheck.runtime.concurrent.SharedProgram.ThreadCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JIT-compiled threads on real JVM threads: this machine (x86) shows store buffering unless the
 * threads are fenced, and the deliberately wrong fetch mapping lets it through the fence.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a broken barrier hangs rather than fails
class JitConcurrentRunnerTest {
    /**
     * Bounds for a busy two-core machine, where an iteration costs 0.5 µs with both threads on a CPU
     * and up to ~100 µs when the scheduler keeps them apart. The weak SB outcome shows in 1-10% of
     * the iterations (with the mutant's fences gone, ~1%): rounds of ROUND iterations stop at the
     * first sight of it. FENCED iterations without it make a missing fence all but certain to show.
     * MAX_ITERATIONS is reached only when other processes keep the two threads apart (1M was once not
     * enough beside a build); within the class's time-out even at the slowest rate seen, ~18 µs each.
     */
    private static final long ROUND = 5_000, MAX_ITERATIONS = 3_000_000, FENCED = 50_000;

    private final JitConcurrentRunner jit = new JitConcurrentRunner();

    @Test
    void storeBufferingShowsTheWeakOutcome() throws ConcurrentRunException {
        StoreBufferingChecks.assertWeakShows(jit, ROUND, MAX_ITERATIONS);
    }

    @Test
    void aFullyOrderedAtomicForbidsTheWeakOutcome() throws ConcurrentRunException {
        StoreBufferingChecks.assertFencedNeverWeak(jit, FENCED);
    }

    /**
     * With fetch-add a plain load and store, the mutant breaks what the fully ordered atomic guarantees: an
     * update of z can be lost (z = 1, impossible for an atomic add), and both loads can read 0 again. Either
     * is a state the model forbids for the fenced test. (On x86 (TSO) the weak outcome comes with a lost
     * update; on the AMD EPYC guest of one session both loads never read 0 in 3,000,000 iterations while 2%
     * of them lost an update, so the test takes either.)
     */
    @Test
    void theUnorderedFetchMutantShowsTheForbiddenOutcome() throws ConcurrentRunException {
        ConcurrentRunner mutant = ConcurrentRunners.byName("jit-mutant:unordered-fetch");
        assertEquals("jit-mutant:unordered-fetch", mutant.name());
        java.util.function.Predicate<Histogram.State> forbidden = s -> StoreBufferingChecks.bothReadZero(s) || s.values()[4] != 2;
        Histogram all = StoreBufferingChecks.until(mutant, true, ROUND, MAX_ITERATIONS, forbidden);
        assertTrue(all.counts().keySet().stream().anyMatch(forbidden),
                () -> "the mutant hid its missing fences for " + all.total() + " iterations: " + all.counts());
    }

    /**
     * Every iteration counts once and starts from the initial values, including partial chunks: one
     * thread does x += 40 with x initially 2, and observes the sum.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 4095, 4096, 4097, 3 * 4096 + 5})
    void everyIterationCountsOnceFromTheInitialValues(long iterations) throws ConcurrentRunException {
        ThreadCode t = new ThreadCode(List.of(Insn.of(Op.LDXDW, 2, 1, 0, 0), Insn.imm(Op.ADD64_IMM, 2, 40), Insn.of(Op.STXDW, 1, 2, 0, 0), Insn.reg(Op.MOV64_REG, 1, 2)),
                new long[11], new int[] {-1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}, new int[] {1});
        Histogram h = jit.run(new SharedProgram(List.of(t), new long[] {2}, List.of("x")), iterations, 3);
        assertEquals(Map.of(new State(new long[] {42, 42}), iterations), h.counts());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 4097})
    void storeBufferingCountsEveryIteration(long iterations) throws ConcurrentRunException {
        assertEquals(iterations, jit.run(StoreBuffering.program(false), iterations, iterations).total());
    }

    @Test
    void registersHoldingAddressesAreReportedAsTheirLocations() throws ConcurrentRunException {
        // P0 observes r2 (y's address, wherever y is placed) and r3 = x's address + 5
        ThreadCode t = new ThreadCode(List.of(Insn.reg(Op.MOV64_REG, 3, 1), Insn.imm(Op.ADD64_IMM, 3, 5)), new long[11],
                new int[] {-1, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1}, new int[] {2, 3});
        Histogram h = jit.run(new SharedProgram(List.of(t), new long[2], List.of("x", "y")), 5000, 1);
        long base = SharedProgram.SYMBOLIC_BASE;
        assertEquals(Map.of(new State(new long[] {base + 8, base + 5, 0, 0}), 5000L), h.counts());
    }

    @Test
    void aThreadThatTrapsIsAnErrorAndTheOthersStop() {
        // P1 loads from address 0 (r0): outside the shared memory on its first iteration
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> jit.run(withP1(Insn.of(Op.LDXDW, 1, 0, 0, 0)), 100_000, 1));
        assertTrue(e.getMessage().startsWith("P1: OUT_OF_BOUNDS at pc 1"), e.getMessage());
        assertNoRunnerThreads();
    }

    @Test
    void aThreadThatTrapsOnlySometimesMidChunkIsAnError() {
        // P1: r1 = x; if r1 == 0 skip the trap; else load from address 0: traps once P0's store is seen,
        // in some iteration of some chunk while P0 may be waiting for it at the barrier. A third thread
        // (more threads than CPUs) also waits. Should P1 never see the store (threads kept apart by a
        // busy machine), it traps anyway in its 5,000th iteration, in the second chunk: a counter on its
        // stack, which persists across iterations, bounds the test.
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode trapper = countingP1(Insn.of(Op.JEQ_IMM, 5, 0, 2, 5_000),
                Insn.of(Op.LDXW, 1, 2, 0, 0), Insn.of(Op.JEQ_IMM, 1, 0, 1, 0),
                Insn.of(Op.LDXDW, 1, 0, 0, 0));
        SharedProgram p = new SharedProgram(List.of(sb.threads().get(0), trapper, sb.threads().get(0)), sb.initial(), sb.locationNames());
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> jit.run(p, 3 * JitConcurrentRunner.INSTANCES, 2));
        assertTrue(e.getMessage().startsWith("P1: OUT_OF_BOUNDS at pc 6"), e.getMessage());
        assertNoRunnerThreads();
    }

    /**
     * A thread that traps in the first iteration of a chunk, among more threads than CPUs: the others
     * may still be waking from the barrier before it. Every thread must stop after that chunk; when
     * each read the failure for itself, a late one left early and the rest waited for it forever.
     */
    @Test
    void aTrapRightAfterABarrierStopsEveryThread() {
        SharedProgram sb = StoreBuffering.program(false);
        // traps in the first iteration of the second chunk
        ThreadCode trapper = countingP1(Insn.of(Op.JNE_IMM, 5, 0, 1, JitConcurrentRunner.INSTANCES + 1), Insn.of(Op.LDXDW, 1, 0, 0, 0));
        List<ThreadCode> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) threads.add(t == 3 ? trapper : sb.threads().get(0));
        SharedProgram p = new SharedProgram(threads, sb.initial(), sb.locationNames());
        for (int run = 0; run < 20; run++) {
            ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> jit.run(p, 4 * JitConcurrentRunner.INSTANCES, 5));
            assertTrue(e.getMessage().startsWith("P3: OUT_OF_BOUNDS at pc 4"), e.getMessage());
        }
        assertNoRunnerThreads();
    }

    @Test
    void aThreadThatNeverEndsIsAnError() {
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> jit.run(withP1(Insn.of(Op.JA, 0, 0, -1, 0)), 1_000, 1));
        assertEquals("P1: instruction budget used up before pc 1", e.getMessage());
        assertNoRunnerThreads();
    }

    @Test
    void aThreadThatIsNotAProgramIsAnError() {
        // a jump out of the thread's code
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> jit.run(withP1(Insn.of(Op.JA, 0, 0, 5, 0)), 10, 1));
        assertTrue(e.getMessage().startsWith("P1: not a valid program: "), e.getMessage());
    }

    @Test
    void onlySharedMemoryModesRunConcurrently() {
        assertThrows(IllegalArgumentException.class, () -> new JitConcurrentRunner("jit-plain", org.crosscheck.runtime.jit.MemoryMode.PLAIN));
    }

    /**
     * SB's P1 counting its iterations in r5 (a counter on its stack, which persists across iterations),
     * then running {@code rest} (pcs from 3).
     */
    private static ThreadCode countingP1(Insn... rest) {
        ThreadCode p1 = StoreBuffering.program(false).threads().get(1);
        List<Insn> code = new ArrayList<>(List.of(Insn.of(Op.LDXDW, 5, 10, -8, 0), Insn.imm(Op.ADD64_IMM, 5, 1), Insn.of(Op.STXDW, 10, 5, -8, 0)));
        code.addAll(List.of(rest));
        return new ThreadCode(code, p1.regValue(), p1.regLocation(), p1.observed());
    }

    /** SB whose P1 stores to its location, then runs {@code last}. */
    private static SharedProgram withP1(Insn last) {
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode p1 = sb.threads().get(1);
        return new SharedProgram(List.of(sb.threads().get(0),
                new ThreadCode(List.of(Insn.of(Op.STW, 1, 0, 0, 1), last), p1.regValue(), p1.regLocation(), p1.observed())),
                sb.initial(), sb.locationNames());
    }

    private static void assertNoRunnerThreads() {
        List<String> left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("litmus-jit")) left.add(t.getName());
        assertEquals(List.of(), left, "runner threads still alive");
    }

}
