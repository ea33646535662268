package org.crosscheck.runtime.kernel;

import static org.crosscheck.runtime.concurrent.StoreBuffering.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.Histogram.State;
import org.crosscheck.runtime.concurrent.SharedProgram;
import org.crosscheck.runtime.concurrent.SharedProgram.ThreadCode;
import org.crosscheck.runtime.concurrent.StoreBuffering;
import org.crosscheck.runtime.concurrent.StoreBufferingChecks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Litmus runs on the live kernel: store buffering is weak without a fence and strong with one. */
class KernelConcurrentRunnerTest {
    /** Bounds that keep each test to a few seconds on a busy two-core machine. */
    private static final long CHUNK = 20_000, MAX_ITERATIONS = 2_000_000, FENCED_ITERATIONS = 500_000;

    private static final KernelConcurrentRunner runner = new KernelConcurrentRunner();

    @BeforeAll
    static void kernel() {
        KernelTests.assumeKernel();
    }

    @Test
    void storeBufferingShowsTheWeakOutcome() throws ConcurrentRunException {
        Histogram all = StoreBufferingChecks.assertWeakShows(runner, CHUNK, MAX_ITERATIONS);
        assertTrue(all.count(state(0, 1, false)) > 0 && all.count(state(1, 0, false)) > 0, () -> "SC outcomes missing: " + all.counts());
    }

    @Test
    void aFullyOrderedAtomicForbidsTheWeakOutcome() throws ConcurrentRunException {
        StoreBufferingChecks.assertFencedNeverWeak(runner, FENCED_ITERATIONS);
    }

    @Test
    void everyIterationStartsFromTheInitialValues() throws ConcurrentRunException {
        // one thread: r1 = *x + 40 with x initially 2, then *x = r1; 2500 iterations end in a partial chunk
        ThreadCode t = new ThreadCode(List.of(Insn.of(Op.LDXDW, 2, 1, 0, 0), Insn.imm(Op.ADD64_IMM, 2, 40), Insn.of(Op.STXDW, 1, 2, 0, 0), Insn.reg(Op.MOV64_REG, 1, 2)),
                new long[11], new int[] {-1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}, new int[] {1});
        Histogram h = runner.run(new SharedProgram(List.of(t), new long[] {2}, List.of("x")), 2500, 3);
        assertEquals(Map.of(new State(new long[] {42, 42}), 2500L), h.counts());
    }

    @Test
    void anExitInTheBodyEndsTheThreadThroughTheEpilogue() throws ConcurrentRunException {
        // r1 = 5; if r3 != 0 goto +1; exit; r1 = 6 (r3 is 0: the last instruction never runs); 64-bit initial values use lddw
        int[] noLocations = new int[11];
        Arrays.fill(noLocations, -1);
        ThreadCode t = new ThreadCode(List.of(Insn.imm(Op.MOV64_IMM, 1, 5), Insn.of(Op.JNE_IMM, 3, 0, 1, 0), Insn.of(Op.EXIT), Insn.imm(Op.MOV64_IMM, 1, 6)),
                new long[] {0, 0, 0x1234_5678_9abcL}, noLocations, new int[] {1, 2});
        Histogram h = runner.run(new SharedProgram(List.of(t), new long[0], List.of()), 10, 3);
        assertEquals(Map.of(new State(new long[] {5, 0x1234_5678_9abcL}), 10L), h.counts());
    }

    @Test
    void aThreadTheVerifierRefusesIsAnError() {
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> runner.run(badProgram(), 10, 1));
        assertTrue(e.getMessage().startsWith("thread P1 refused by the kernel's verifier: invalid access to map value"), e.getMessage());
        assertTrue(e.getMessage().contains("(at pc 1: r1 = *(u64 *)(r2 +8))"), e.getMessage());
    }

    @Test
    void moreThreadsThanCpusShareThemAndStillCount() throws ConcurrentRunException {
        // P_t: *(u64 *)loc_t = t + 10; r1 = t; P2 observes r1 and r3 (r3 starts at 7); 3 threads on this machine's 2 CPUs
        List<ThreadCode> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int[] locations = {-1, t, -1, -1, -1, -1, -1, -1, -1, -1, -1};
            threads.add(new ThreadCode(List.of(Insn.of(Op.STDW, 1, 0, 0, t + 10), Insn.imm(Op.MOV64_IMM, 1, t)),
                    new long[] {0, 0, 0, 7}, locations, t == 2 ? new int[] {1, 3} : new int[] {1}));
        }
        Histogram h = runner.run(new SharedProgram(threads, new long[3], List.of("a", "b", "c")), 1500, 5);
        assertEquals(Map.of(new State(new long[] {0, 1, 2, 7, 10, 11, 12}), 1500L), h.counts());
    }

    @Test
    void aThreadObservingTheFramePointerIsAnError() {
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode p0 = sb.threads().get(0);
        SharedProgram p = new SharedProgram(List.of(new ThreadCode(p0.body(), p0.regValue(), p0.regLocation(), new int[] {10}), sb.threads().get(1)),
                sb.initial(), sb.locationNames());
        ConcurrentRunException e = assertThrows(ConcurrentRunException.class, () -> runner.run(p, 10, 1));
        assertEquals("thread P0 observes r10; only r0-r9 can be observed", e.getMessage());
    }

    @Test
    void runsCloseTheirProgramsMapsAndThreads() throws Exception {
        runner.run(StoreBuffering.program(false), 10, 1); // classes and the JVM's own descriptors settle
        long fds = KernelLeakTest.openFds(), maps = KernelLeakTest.mappedMaps();
        for (int k = 0; k < 5; k++) runner.run(StoreBuffering.program(k % 2 == 0), 2000, k);
        assertThrows(ConcurrentRunException.class, () -> runner.run(badProgram(), 10, 1));
        assertEquals(fds, KernelLeakTest.openFds());
        assertEquals(maps, KernelLeakTest.mappedMaps());
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("kernel-litmus-")).toList());
    }

    @Test
    void namedKernelAndAvailableWhereBpfWorks() {
        assertEquals("kernel", runner.name());
        assertEquals(null, runner.unavailableReason());
    }

    /** SB whose P1 reads 8 bytes past its location: out of the map value wherever the location is placed. */
    private static SharedProgram badProgram() {
        SharedProgram sb = StoreBuffering.program(false);
        ThreadCode p1 = sb.threads().get(1);
        return new SharedProgram(List.of(sb.threads().get(0),
                new ThreadCode(List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.LDXDW, 1, 2, 8, 0)), p1.regValue(), p1.regLocation(), p1.observed())),
                sb.initial(), sb.locationNames());
    }
}
