package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.worker.LocalCampaign;

/**
 * {@code bench campaign}: the same campaign (seed 1, the runtimes given, ./corpus when there is one) run
 * back to back on one input a program and on K, in fresh workdirs: programs/s and executions/s of each,
 * and their ratios. Each pair is run {@code rounds} times, alternating, so that a noisy machine shows,
 * after one pair not reported (HotSpot's warm-up).
 */
final class CampaignBench {
    private CampaignBench() {}

    static void run(PrintWriter out, List<Runtime> rts, int inputs, double seconds, int rounds, int threads) throws IOException, InterruptedException {
        List<String> names = rts.stream().map(Runtime::name).toList();
        List<Path> corpus = Files.isDirectory(Path.of("corpus")) ? List.of(Path.of("corpus")) : List.of();
        out.printf(Locale.ROOT, "bench campaign: %s, seed 1, %.0f s each, %d threads, --inputs 1 against --inputs %d, %d rounds after a pair for warm-up%n",
                String.join(",", names), seconds, threads, inputs, rounds);
        out.flush();
        once(rts, names, corpus, 1, 0, seconds, threads); // warm-up, not reported: HotSpot compiles the engine in the first seconds
        once(rts, names, corpus, inputs, 0, seconds, threads);
        for (int round = 1; round <= rounds; round++) {
            Campaign.Summary one = once(rts, names, corpus, 1, 0, seconds, threads), k = once(rts, names, corpus, inputs, 0, seconds, threads);
            double p1 = one.programs() / one.seconds(), pk = k.programs() / k.seconds(), ek = k.executions() / k.seconds();
            out.printf(Locale.ROOT, "round %d: --inputs 1 %,.0f programs/s; --inputs %d %,.0f programs/s, %,.0f executions/s (%.2f paths a program):"
                    + " executions %.2fx the programs/s of one input, programs/s %.0f%% of it%n", round, p1, inputs, pk, ek,
                    k.programs() == 0 ? 0.0 : k.paths() / (double) k.programs(), ek / p1, 100 * pk / p1);
            out.flush();
        }
    }

    /**
     * The verifier oracle's cost: the same campaign (seed 1, {@code inputs} a program) without the oracle and
     * with it checking one case in {@code every}, back to back, alternating, after a pair for warm-up.
     */
    static void oracle(PrintWriter out, List<Runtime> rts, int inputs, int every, double seconds, int rounds, int threads)
            throws IOException, InterruptedException {
        List<String> names = rts.stream().map(Runtime::name).toList();
        List<Path> corpus = Files.isDirectory(Path.of("corpus")) ? List.of(Path.of("corpus")) : List.of();
        out.printf(Locale.ROOT, "bench campaign: %s, seed 1, %.0f s each, %d threads, --inputs %d, --verifier-oracle off against 1/%d, %d rounds after a pair for warm-up%n",
                String.join(",", names), seconds, threads, inputs, every, rounds);
        out.flush();
        once(rts, names, corpus, inputs, 0, seconds, threads);
        once(rts, names, corpus, inputs, every, seconds, threads);
        for (int round = 1; round <= rounds; round++) {
            Campaign.Summary off = once(rts, names, corpus, inputs, 0, seconds, threads), on = once(rts, names, corpus, inputs, every, seconds, threads);
            double p0 = off.programs() / off.seconds(), p1 = on.programs() / on.seconds();
            out.printf(Locale.ROOT, "round %d: oracle off %,.0f programs/s; oracle 1/%d %,.0f programs/s: %.0f%% of it%n", round, p0, every, p1, 100 * p1 / p0);
            out.flush();
        }
    }

    private static Campaign.Summary once(List<Runtime> rts, List<String> names, List<Path> corpus, int inputs, int oracleEvery, double seconds, int threads)
            throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("crosscheck-bench-campaign-");
        try {
            CampaignConfig cfg = new CampaignConfig(names, Group.rfc(), CpuVersion.V4, 1, Duration.ofMillis((long) (seconds * 1000)), 0, work, threads, 256,
                    Generator.DEFAULT_MAX_UNITS, corpus, false, 10_000, null, oracleEvery, Generator.Profile.DEFAULT, inputs);
            Campaign c = new Campaign(cfg, rts, new FindingStore(work), new Metrics());
            return LocalCampaign.run(c, rts, threads, null);
        } finally {
            org.crosscheck.coordinator.findings.AtomicFiles.deleteTree(work);
        }
    }
}
