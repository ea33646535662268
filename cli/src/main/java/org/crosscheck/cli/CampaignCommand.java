package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.mutant.Mutants;
import org.crosscheck.worker.LocalCampaign;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "campaign",
        description = {
            "Generates programs restricted to conformance groups, runs each on every selected runtime,",
            "compares them with the first runtime (the reference) and stores every divergence as a",
            "minimized, titled, replayable finding in WORKDIR/findings. Prints a progress line every",
            "2 s (rates over the last minute); Ctrl-C stops cleanly; running again on the same workdir",
            "resumes. The coordinator and a worker of a cluster (see the coordinator and worker",
            "commands), in one process.",
            "With --source csmith the cases are csmith's C programs instead (differential compilation,",
            "as the csmith command does it): each compiled natively by gcc and to BPF by each --cc at each",
            "-O, run on interp and jit (and kernel) and compared with the native checksum. The progress",
            "line counts C programs a second and each bucket (agree, compiler-divergent, runtime-divergent,",
            "not compiled, rejected by reader, ..., native non-terminating); findings keep csmith.c."
        },
        footer = {"", "Examples:",
            "  crosscheck campaign --runtimes interp,jit,kernel --duration 10m --workdir work",
            "  crosscheck campaign --runtimes interp,interp-mutant:sdiv-overflow --groups divmul64 --duration 60s",
            "  crosscheck campaign --source csmith --runtimes interp,jit --cc gcc,clang -O 0,2 --duration 10m --workdir csmith-work --seed 1",
            "  crosscheck campaign --list-mutants"})
final class CampaignCommand extends CliCommand {
    @Mixin
    CampaignOptions options;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Prometheus endpoint and live view, 'off' to disable (default: "
            + AUTO_METRICS + ").")
    String metricsAddress; // null: the first free port from 9464

    @Option(names = "--list-mutants", description = "Print the names of the interp-mutant:<name> runtimes and exit.")
    boolean listMutants;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = out();
        if (listMutants) {
            Mutants.names().forEach(out::println);
            return 0;
        }
        options.pluginOptions.define();
        List<Runtime> rts = options.runtimes(true);
        // a litmus run keeps every CPU busy by itself: one test at a time unless asked otherwise
        int nThreads = threads.resolve(options.litmus ? 1 : ThreadsOption.cores());
        CampaignConfig cfg = options.config(rts, nThreads);
        CampaignOptions.checkCsmithTools(cfg);
        CampaignOptions.checkWorkdir(cfg.workdir());
        try (WorkdirLock lock = WorkdirLock.take(cfg.workdir())) {
            return run(out, rts, nThreads, cfg);
        }
    }

    private int run(PrintWriter out, List<Runtime> rts, int nThreads, CampaignConfig cfg) throws IOException, InterruptedException {
        Metrics metrics = new Metrics();
        MetricsServer server = metricsServer(metricsAddress, metrics, "--metrics");
        Campaign campaign;
        try {
            FindingStore store = new FindingStore(cfg.workdir());
            campaign = new Campaign(cfg, rts, store, metrics);
            if (server != null) server.addWebView(store, metrics);
        } catch (IOException e) {
            if (server != null) server.close();
            throw new UserError(e.getMessage());
        }
        CountDownLatch ended = new CountDownLatch(1);
        Thread hook = stopHook(campaign, ended);
        if (campaign.resumedAt() > 0) out.println("campaign: resuming in " + cfg.workdir() + " at case " + campaign.resumedAt());
        out.println("campaign: seed " + campaign.seed() + ", runtimes " + String.join(",", cfg.runtimes()) + " (reference "
                + cfg.reference() + "), " + cases(cfg, campaign)
                + ", workdir " + cfg.workdir()
                + (server != null ? ", live view http://" + server.address().getHostString() + ":" + server.address().getPort() + "/ (metrics at /metrics)" : ""));
        if (campaign.corpusSize() > 0 && cfg.csmith() == null) out.println("campaign: mutating " + campaign.corpusSize() + " corpus programs alongside generation");
        out.flush();
        try {
            Campaign.Summary s = LocalCampaign.run(campaign, rts, nThreads, System.out);
            printSummary(out, "campaign", s, cfg, campaign);
            return 0;
        } finally {
            ended.countDown();
            removeHook(hook);
            if (server != null) server.close();
            for (Runtime r : rts) r.close();
        }
    }

    /** What the campaign's cases are, for the start line. */
    static String cases(CampaignConfig cfg, Campaign campaign) {
        if (cfg.litmus() != null) return "litmus tests of " + cfg.litmus().generator().groups() + ", " + cfg.litmus().iterations() + " iterations each";
        if (cfg.csmith() != null) return "csmith C programs built by " + String.join(",", cfg.csmith().compilers().stream().map(c -> c.id()).toList())
                + " at " + String.join(",", cfg.csmith().opts()) + " -mcpu=" + cfg.csmith().cpu() + ", compared with native gcc";
        return "groups " + campaign.generator().config().groups() + ", cpu " + cfg.cpu();
    }

    static void printSummary(PrintWriter out, String who, Campaign.Summary s, CampaignConfig cfg, Campaign campaign) {
        boolean csmith = cfg.csmith() != null;
        out.printf(Locale.ROOT, csmith ? "%s: %,d %s in %.1f s (%,.2f/s), %,d divergences, %d findings (%d new) in %s%n"
                        : "%s: %,d %s in %.1f s (%,.0f/s), %,d divergences, %d findings (%d new) in %s%n",
                who, s.programs(), cfg.litmus() != null ? "litmus tests" : csmith ? "C programs" : "programs", s.seconds(), s.programs() / Math.max(s.seconds(), 1e-9), s.divergences(), s.findings(), s.newFindings(),
                cfg.workdir().resolve("findings"));
        if (csmith) {
            out.println(who + ": " + campaign.csmithBuckets());
            return;
        }
        if (cfg.litmus() == null && cfg.inputs() > 1) {
            out.printf(Locale.ROOT, "%s: %,d executions (%,.0f/s) on up to %d inputs a program; %.2f distinct paths a program, %.1f%% of programs took more than one%n",
                    who, s.executions(), s.executions() / Math.max(s.seconds(), 1e-9), cfg.inputs(), s.programs() == 0 ? 0.0 : s.paths() / (double) s.programs(),
                    s.programs() == 0 ? 0.0 : 100.0 * s.multiPath() / s.programs());
            if (s.keptPrograms() > 0)
                out.printf(Locale.ROOT, "%s: kept %,d programs with their %,d inputs that reached new paths in %s (the next campaign over this workdir mutates them)%n",
                        who, s.keptPrograms(), s.keptInputs(), org.crosscheck.coordinator.generate.PathCorpus.dirOf(cfg.workdir()));
        }
        if (!s.verifierAcceptance().isEmpty()) out.println(who + ": " + s.verifierAcceptance());
        if (!s.verifierOracle().isEmpty()) out.println(who + ": " + s.verifierOracle());
        if (!s.guests().isEmpty()) out.println(who + ": " + s.guests());
        if (cfg.litmus() == null) out.println(who + ": ISA coverage in " + cfg.workdir().resolve("coverage.txt"));
    }

    /** The first port tried when no metrics address is given, and how many from there. */
    static final int METRICS_PORT = 9464, METRICS_PORTS = 16;

    /** What --metrics (--http) does when not given, for the help. */
    static final String AUTO_METRICS = "127.0.0.1:" + METRICS_PORT + ", or the next free port up to " + (METRICS_PORT + METRICS_PORTS - 1)
            + ", else any free port; the URL is printed";

    /**
     * The metrics server on the address given ('off': none; taken: an error naming it), or with none
     * given (null) on the first free port of 127.0.0.1 from {@link #METRICS_PORT}, so that campaigns
     * side by side each get one.
     */
    static MetricsServer metricsServer(String address, Metrics metrics, String option) {
        if (address == null) {
            for (int port = METRICS_PORT; port < METRICS_PORT + METRICS_PORTS; port++) {
                try {
                    return new MetricsServer(new InetSocketAddress("127.0.0.1", port), metrics);
                } catch (BindException taken) {
                    // the next one
                } catch (IOException e) {
                    throw new UserError(option + " 127.0.0.1:" + port + ": " + e.getMessage() + " (pick an address, or 'off')");
                }
            }
            address = "127.0.0.1:0";
        }
        if (address.equals("off")) return null;
        try {
            return new MetricsServer(MetricsServer.parse(address), metrics);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(option + " " + address + ": " + e.getMessage() + " (pick another port, or 'off')");
        }
    }

    /** Ctrl-C: no new batches; the batches in flight finish and the last checkpoint is written (10 s at most). */
    static Thread stopHook(Campaign campaign, CountDownLatch ended) {
        Thread hook = new Thread(() -> {
            campaign.stop();
            try {
                ended.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ctrl-c");
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void removeHook(Thread hook) {
        try {
            java.lang.Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // already in shutdown: the hook is running
        }
    }
}
