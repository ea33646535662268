package org.crosscheck.coordinator.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crosscheck.coordinator.csmith.Csmith;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.runtime.Runtime;

/**
 * A worker's batches of a csmith campaign ({@code campaign --source csmith}): case i is the csmith program
 * of seed {@link Csmith#caseSeed}(campaign seed, i), put through the {@code csmith} command's pipeline
 * ({@link Csmith#run}: native checksum, each compiler at each -O, interp and jit, and the kernel when the
 * campaign has it) and its findings ({@link Csmith#findings}). Each C program counts once, in the bucket of
 * {@link Csmith.ProgramBucket}; each build in its {@link Csmith.Bucket}. Thread-safe: the worker's threads
 * share one {@link Csmith}, whose scratch files are named by csmith seed.
 */
public final class CsmithCaseRunner implements BatchRunner {
    /** The runtimes a csmith campaign can run: interp and jit always, the host kernel optionally. */
    public static final List<String> RUNTIMES = List.of("interp", "jit", "kernel");

    private final long seed;
    private final Csmith engine;

    /** {@code runtimes}: this node's runtimes of the campaign (interp and jit among them). */
    public CsmithCaseRunner(long seed, Csmith.Options options, List<Runtime> runtimes) {
        this.seed = seed;
        Runtime interp = named(runtimes, "interp"), jit = named(runtimes, "jit"), kernel = named(runtimes, "kernel");
        if (interp == null || jit == null) throw new IllegalArgumentException("a csmith campaign runs on interp and jit (and optionally kernel)");
        Path scratch;
        try {
            scratch = Files.createTempDirectory("crosscheck-csmith");
        } catch (IOException e) {
            throw new UncheckedIOException("no scratch directory for csmith: " + e.getMessage(), e);
        }
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AtomicFiles.deleteTree(scratch);
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }, "csmith-scratch"));
        this.engine = new Csmith(options, interp, jit, kernel, scratch);
    }

    private static Runtime named(List<Runtime> runtimes, String name) {
        return runtimes.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public Tally run(long start, long end, List<String> names) {
        Tally t = new Tally();
        for (long i = start; i < end; i++) runCase(i, t);
        return t;
    }

    private void runCase(long i, Tally t) {
        long csmithSeed = Csmith.caseSeed(seed, i);
        Csmith.Result r;
        try {
            r = engine.run(csmithSeed);
        } catch (IOException e) { // csmith itself failed: counted, visible in its bucket
            t.countPrograms(1);
            t.countCsmith("programs/" + Csmith.ProgramBucket.CSMITH_FAILED.id(), 1);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in csmith case " + i, e);
        }
        count(r, t);
        for (FindingStore.Report f : engine.findings(r, seed, i)) {
            t.countDivergences(f.kind(), 1);
            t.addFinding(f);
        }
    }

    /** A program's counts: one C program in its bucket, each build in its own, each run on its runtime, each BPF program read an execution. */
    static void count(Csmith.Result r, Tally t) {
        t.countPrograms(1);
        t.countCsmith("programs/" + Csmith.ProgramBucket.of(r).id(), 1);
        long ran = 0;
        for (Csmith.Build b : r.builds()) {
            t.countCsmith("builds/" + b.cc().id() + " " + b.opt() + "/" + b.bucket().id(), 1);
            for (Map.Entry<String, ?> o : b.outcomes().entrySet()) t.countExecuted(o.getKey(), 1);
            if (b.program() != null) ran++;
        }
        t.countInputs(ran, 0, 0); // executions: the BPF programs the compilers made and the runtimes ran (one input each)
    }
}
