package org.crosscheck.runtime;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * A BPF runtime behind one interface: our interpreter and JIT, the kernel, DPDK, plugins. Every run
 * is bounded ({@link Limits}); nothing a program does escapes as a Java exception.
 */
public interface Runtime extends AutoCloseable {
    /** Short name used on the command line and in findings: {@code interp}, {@code jit}, {@code kernel}. */
    String name();

    /** What this runtime can load: a campaign's generator sends only that, so every program it sends can load. */
    Capabilities capabilities();

    /** Whether it compiles programs to machine code (a JIT): a test marked {@code -- no jit} is skipped on it. */
    default boolean compiles() {
        return false;
    }

    /** Empty when the runtime can run here, else why not (and what to install or change). */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** Runs one program on a copy of {@code memory}; the outcome holds the final memory. */
    Outcome run(Program program, byte[] memory, Limits limits);

    /**
     * A program loaded once (verified, compiled) and run on many inputs of {@code memoryLength} bytes:
     * each run's outcome is what {@link #run} gives for that input. A runtime without a load step of its
     * own runs the program anew each time. Close it when done (the kernel keeps the program's fd).
     */
    default Loaded load(Program program, int memoryLength) {
        return (memory, limits) -> run(program, memory, limits);
    }

    /**
     * Whether {@link #load} does real work once (verifies, compiles) that each run then saves: campaigns give
     * such runtimes' programs more inputs by default.
     */
    default boolean loadsOnce() {
        return false;
    }

    /** A loaded program (see {@link #load}). Not thread-safe: one thread runs it. */
    @FunctionalInterface
    interface Loaded extends AutoCloseable {
        /** Runs on a copy of {@code memory}, of the length it was loaded for. */
        Outcome run(byte[] memory, Limits limits);

        @Override
        default void close() {}

        /** A load that failed: every run has its outcome (a rejection, unsupported). */
        static Loaded always(Outcome outcome) {
            return (memory, limits) -> outcome;
        }
    }

    /** A program to run, loaded once, on each of its inputs (all of one length) within {@code limits}: see {@link #runBatch}. */
    record Job(Program program, List<byte[]> inputs, Limits limits) {
        public Job {
            if (inputs.isEmpty()) throw new IllegalArgumentException("a job has at least one input");
            inputs = List.copyOf(inputs);
        }
    }

    /**
     * Runs every job: {@code result.get(j).get(i)} is job j's outcome on its input i, what {@link #run} (one
     * input) or {@link #load} then {@link Loaded#run} (several) gives for it. A runtime behind a round trip
     * (a VM guest) sends the jobs together so that round trips amortise; by default they run one by one.
     */
    default List<List<Outcome>> runBatch(List<Job> jobs) {
        List<List<Outcome>> out = new java.util.ArrayList<>(jobs.size());
        for (Job j : jobs) {
            if (j.inputs().size() == 1) {
                out.add(List.of(run(j.program(), j.inputs().get(0), j.limits())));
                continue;
            }
            List<Outcome> os = new java.util.ArrayList<>(j.inputs().size());
            try (Loaded l = load(j.program(), j.inputs().get(0).length)) {
                for (byte[] in : j.inputs()) os.add(l.run(in, j.limits()));
            }
            out.add(os);
        }
        return out;
    }

    /**
     * A hint that this thread will run these programs next: a runtime may prepare them together
     * (the JIT compiles them into shared classes). Outcomes are the same with or without it.
     */
    default void prepare(List<Program> programs) {}

    /**
     * How many times the process behind this runtime (a VM guest) was killed and replaced, after a crash, a
     * hang or a kernel report, since the last call: each restart is told once, to whichever thread asks.
     */
    default long takeRestarts() {
        return 0;
    }

    @Override
    default void close() {}
}
