package org.crosscheck.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.crosscheck.coordinator.campaign.LitmusCaseRunner;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.memmodel.LitmusCompiler;
import org.crosscheck.memmodel.LitmusPrinter;
import org.crosscheck.memmodel.LitmusRun;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.ConcurrentRunners;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs litmus tests on real threads and judges what they show against the BPF memory model.",
            "Each thread becomes a BPF program over shared memory; the threads run concurrently for",
            "N iterations (meeting at a barrier before each, locations re-placed as litmus7 does) and",
            "the final states are histogrammed, litmus7-style, per runtime:",
            "  interp  the reference interpreter under a scheduler of sequentially consistent",
            "          interleavings (every schedule when there are at most N, else N random ones)",
            "  jit     JIT-compiled code on JVM threads over one shared memory segment",
            "  kernel  the kernel's JIT on two CPUs sharing an array map",
            "  jit-mutant:unordered-fetch  a deliberately wrong JIT mapping (fetch atomics neither",
            "          atomic nor ordered), to see a broken runtime caught",
            "A state the model forbids is marked and counted, and so is a runtime that cannot run a test",
            "(the kernel's verifier refuses a thread, ...); the exit code is then 1. With --workdir",
            "it is also stored as a finding (see 'crosscheck triage DIR')."
        },
        footer = {"", "Examples:", "  crosscheck litmus run ../shared/litmus/bpf/SB+fencembonceonces.litmus --runtime interp,jit",
            "  crosscheck litmus run --runtime jit,kernel --iterations 1000000 ../shared/litmus/bpf",
            "  crosscheck litmus run --runtime jit-mutant:unordered-fetch --workdir work corpus/litmus/SB+fetch.litmus"})
final class LitmusRunCommand extends CliCommand {
    @Option(names = {"-r", "--runtime"}, split = ",", paramLabel = "NAME", description = "Runtimes to run on (default: interp,jit).")
    List<String> runtimes = List.of("interp", "jit");

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "Iterations per runtime (default: ${DEFAULT-VALUE}).")
    long iterations = 100_000;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the placement choices (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = {"-q", "--quiet"}, description = "One line per test and runtime: the observation and the number of forbidden states.")
    boolean quiet;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Store what a runtime does wrong (a state the model forbids, a test it cannot run) as findings in DIR/findings/<id>/ (test.litmus, outcomes, description), as litmus campaigns do.")
    Path workdir;

    @Mixin
    LitmusFiles litmusFiles;

    /** Forbidden states shown, runs that could not run their test, new findings stored. */
    private int violations, failed, stored;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        if (iterations < 1) throw new UserError("--iterations must be at least 1, not " + iterations);
        List<ConcurrentRunner> runners;
        try {
            runners = ConcurrentRunners.byNames(runtimes);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        FindingStore store;
        try {
            store = workdir == null ? null : new FindingStore(workdir);
        } catch (java.io.IOException e) {
            throw new UserError("--workdir " + workdir + ": " + e.getMessage());
        }
        for (ConcurrentRunner r : runners)
            if (r.unavailableReason() != null) throw new UserError("runtime " + r.name() + " is not available here: " + r.unavailableReason());
        int unreadable = litmusFiles.each(test -> LitmusRun.run(test, runners, iterations, seed), (f, test, report) -> {
            if (quiet) {
                for (LitmusRun.Observed o : report.runs()) {
                    out.println(o.error() != null ? "Error " + test.name() + " " + o.runtime() + ": " + o.error()
                            : String.format("Observation %s %s %d %d on %s (model: %s; %,.0f iterations/s)%s", test.name(), o.observation(),
                                    o.positive(), o.negative(), o.runtime(), report.model().verdict().text, o.iterationsPerSecond(),
                                    o.forbidden().isEmpty() ? "" : ", " + o.forbidden().size() + " FORBIDDEN state(s)"));
                }
            } else {
                out.print(LitmusRun.format(report, LitmusPrinter.condition(test.condition())));
            }
            out.flush();
            violations += report.violations().size();
            failed += (int) report.runs().stream().filter(o -> o.error() != null).count();
            if (store != null) {
                for (FindingStore.Report found : LitmusCaseRunner.findings(report, LitmusCompiler.compile(test), "file:" + f.getFileName(), seed, 0)) {
                    if (store.record(found)) stored++;
                }
                store.flush();
            }
        });

        if (violations > 0) out.println("litmus: " + violations + " run(s) showed states the BPF memory model forbids");
        if (failed > 0) out.println("litmus: " + failed + " run(s) could not run their test (see the Error lines)");
        if (store != null) out.println("litmus: " + stored + " new finding(s) in " + store.root());
        return unreadable > 0 ? 2 : violations + failed > 0 ? 1 : 0;
    }
}
