package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.mutant.Mutants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "campaign",
        description = {
            "Generates programs restricted to conformance groups, runs each on every selected runtime,",
            "compares them with the first runtime (the reference) and stores every divergence as a",
            "minimized, titled, replayable finding in WORKDIR/findings. Prints a progress line every",
            "2 s; Ctrl-C stops cleanly; running again on the same workdir resumes."
        },
        footer = {"", "Examples:",
            "  crosscheck campaign --runtimes interp,jit,kernel --duration 10m --workdir work",
            "  crosscheck campaign --runtimes interp,interp-mutant:sdiv-overflow --groups divmul64 --duration 60s",
            "  crosscheck campaign --list-mutants"})
final class CampaignCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--runtimes", paramLabel = "R,R", description = "Runtimes, the reference first (default: interp and every other available built-in runtime).")
    String runtimes;

    @Option(names = "--groups", paramLabel = "G,G", description = "Conformance groups to generate (default: all RFC groups the runtimes support).")
    String groups;

    @Option(names = "--cpu", defaultValue = "v4", paramLabel = "v1..v4", description = "Newest CPU version to generate (default: ${DEFAULT-VALUE}).")
    String cpu;

    @Option(names = "--duration", paramLabel = "D", description = "How long to run: 90s, 10m, 2h, 7d (default: until Ctrl-C).")
    String duration;

    @Option(names = "--programs", defaultValue = "0", paramLabel = "N", description = "Stop after N programs (0: no limit).")
    long maxPrograms;

    @Option(names = "--workdir", defaultValue = "crosscheck-work", paramLabel = "DIR", description = "Where findings and campaign state live (default: ${DEFAULT-VALUE}).")
    Path workdir;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of a new campaign (default: random; a resumed campaign keeps its own).")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: number of cores).")
    Integer threads;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N", description = "Cases per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-units", defaultValue = "24", paramLabel = "N", description = "Largest program, in generator units (default: ${DEFAULT-VALUE}).")
    int maxUnits;

    @Option(names = "--metrics", defaultValue = "127.0.0.1:9464", paramLabel = "HOST:PORT", description = "Prometheus endpoint, 'off' to disable (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(names = "--corpus", paramLabel = "DIR", split = ",",
            description = "Directories of .data programs to mutate alongside generation (default: ./corpus when present); the workdir's reproducers are always added.")
    List<Path> corpus;

    @Option(names = "--allow-missing-exit", description = "Let the generator drop the final exit of one program in "
            + org.crosscheck.coordinator.generate.Generator.MISSING_EXIT_SHARE + " (finds loaders that trust it, such as DPDK's).")
    boolean allowMissingExit;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS", description = "Wall-clock limit per run for external runtimes (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions;

    @Option(names = "--list-mutants", description = "Print the names of the interp-mutant:<name> runtimes and exit.")
    boolean listMutants;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (listMutants) {
            Mutants.names().forEach(out::println);
            return 0;
        }
        pluginOptions.define();
        List<Runtime> rts = openRuntimes();
        Set<Group> gs;
        CpuVersion cv;
        Duration d;
        try {
            gs = groups == null ? Group.rfc() : Group.parseList(groups);
            cv = CpuVersion.parse(cpu);
            d = duration == null ? null : parseDuration(duration);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        int nThreads = threads != null ? threads : java.lang.Runtime.getRuntime().availableProcessors();
        CampaignConfig cfg;
        try {
            cfg = new CampaignConfig(rts.stream().map(Runtime::name).toList(), gs, cv, seed == null ? Long.MIN_VALUE : seed, d,
                    maxPrograms, workdir, nThreads, batchSize, maxUnits,
                    corpus != null ? corpus : java.nio.file.Files.isDirectory(Path.of("corpus")) ? List.of(Path.of("corpus")) : List.of(),
                    allowMissingExit, timeoutMillis);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Metrics metrics = new Metrics();
        MetricsServer server = null;
        if (!metricsAddress.equals("off")) {
            try {
                server = new MetricsServer(MetricsServer.parse(metricsAddress), metrics);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserError("--metrics " + metricsAddress + ": " + e.getMessage() + " (pick another port, or 'off')");
            }
        }
        Campaign campaign;
        try {
            FindingStore store = new FindingStore(workdir);
            campaign = new Campaign(cfg, rts, store, metrics);
            if (server != null) server.addWebView(store, metrics);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        Thread hook = new Thread(campaign::stop, "ctrl-c");
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        if (campaign.resumedAt() > 0) out.println("campaign: resuming in " + workdir + " at case " + campaign.resumedAt());
        out.println("campaign: seed " + campaign.seed() + ", runtimes " + String.join(",", cfg.runtimes()) + " (reference "
                + cfg.reference() + "), groups " + campaign.generator().config().groups() + ", cpu " + cv + ", workdir " + workdir
                + (server != null ? ", live view http://" + server.address().getHostString() + ":" + server.address().getPort() + "/ (metrics at /metrics)" : ""));
        if (campaign.corpusSize() > 0) out.println("campaign: mutating " + campaign.corpusSize() + " corpus programs alongside generation");
        out.flush();
        try {
            Campaign.Summary s = campaign.run(System.out);
            out.printf(Locale.ROOT, "campaign: %,d programs in %.1f s (%,.0f/s), %,d divergences, %d findings (%d new) in %s%n",
                    s.programs(), s.seconds(), s.programs() / Math.max(s.seconds(), 1e-9), s.divergences(), s.findings(), s.newFindings(),
                    workdir.resolve("findings"));
            out.println("campaign: ISA coverage in " + workdir.resolve("coverage.txt"));
            return 0;
        } finally {
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already in shutdown: the hook is running
            }
            if (server != null) server.close();
            for (Runtime r : rts) r.close();
        }
    }

    private List<Runtime> openRuntimes() {
        List<String> names = new ArrayList<>();
        if (runtimes == null) {
            for (String n : Runtimes.names()) {
                if (!n.startsWith("dpdk-")) names.add(n); // DPDK narrows what the generator may use: only when asked for
            }
        } else {
            for (String n : runtimes.split(",")) if (!n.isBlank()) names.add(n.strip());
        }
        List<Runtime> out = new ArrayList<>();
        for (String n : names) {
            Runtime r;
            try {
                r = Runtimes.create(n);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            var why = r.unavailableReason();
            if (why.isPresent()) {
                if (runtimes != null) throw new UserError("runtime " + n + " is not available here: " + why.get());
                continue; // default set: skip what this machine lacks
            }
            out.add(r);
        }
        if (out.size() < 2) throw new UserError("a campaign needs at least two runtimes, got " + names);
        return out;
    }

    static Duration parseDuration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofSeconds(Long.parseLong(t));
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--duration: expected a number with s, m, h or d (90s, 10m, 2h), got '" + s + "'");
        }
    }
}
