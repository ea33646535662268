package org.crosscheck.runtime.concurrent;

/**
 * Runs the threads of a {@link SharedProgram} concurrently on one runtime, many times, and
 * histograms the final states (litmus7's job). Implementations: the interpreter under a
 * scheduler of sequentially consistent interleavings (the reference), JIT-compiled code on JVM
 * threads over one shared memory segment, and the kernel's JIT on two CPUs over an array map.
 */
public interface ConcurrentRunner {
    /** The runtime's name as campaigns and reports use it ({@code interp}, {@code jit}, {@code kernel}). */
    String name();

    /** Null when this runner can run here; else why not, in one line. */
    default String unavailableReason() {
        return null;
    }

    /**
     * Runs {@code iterations} iterations (an exhaustive runner may run fewer, one per distinct
     * schedule, and says so in {@link Histogram#total()}). Deterministic placement choices derive
     * from {@code seed}.
     *
     * @throws ConcurrentRunException when the test cannot be run on this runtime (the kernel's
     *         verifier refuses a thread, a thread traps, ...): a finding of its own, not a state
     */
    Histogram run(SharedProgram program, long iterations, long seed) throws ConcurrentRunException;

    /** As {@link org.crosscheck.runtime.Runtime#takeRestarts}: guests replaced since the last call. */
    default long takeRestarts() {
        return 0;
    }
}
