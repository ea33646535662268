package org.crosscheck.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.cluster.CoordinatorHost;
import org.crosscheck.coordinator.cluster.Node;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;

/**
 * The coordinator alone: a coordinator node and a worker node (two actor systems over Artery TCP on
 * loopback, protobuf on the wire) whose worker threads "run" each batch in no time. Measures
 * batches dispatched and results absorbed per second, and the programs they stand for.
 */
public final class CoordinatorBench {
    private CoordinatorBench() {}

    public static void run(PrintWriter out, double seconds, int threads, int batchSize) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("crosscheck-bench-coordinator");
        List<Runtime> rts = List.of(Runtimes.create("interp"), Runtimes.create("interp-mutant:add32-zext"), Runtimes.create("interp-mutant:neg32-sext"));
        CampaignConfig cfg = new CampaignConfig(rts.stream().map(Runtime::name).toList(), Group.rfc(), CpuVersion.V4, 1, null, 0, work,
                1, batchSize, org.crosscheck.coordinator.generate.Generator.DEFAULT_MAX_UNITS, List.of());
        Campaign campaign = new Campaign(cfg, rts, new FindingStore(work), new Metrics());
        Node coord = Node.start(List.of(Node.COORDINATOR), new InetSocketAddress("127.0.0.1", 0), null);
        Node worker = Node.start(List.of(Node.WORKER), new InetSocketAddress("127.0.0.1", 0), null);
        try {
            coord.joinSelf();
            new CoordinatorHost(coord, campaign, "bench", "bench");
            InetSocketAddress seed = new InetSocketAddress(coord.address().host().get(), (Integer) coord.address().port().get());
            worker.join(List.of(seed));
            Worker w = new Worker(worker.system(), worker.coordinatorProxy(), new Worker.Identity("bench", "", "bench"), rts, threads,
                    new Metrics(), null, Duration.ofSeconds(30)).noop();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    w.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            out.printf(Locale.ROOT, "bench coordinator: %d no-op worker threads on a second node (Artery TCP, loopback), batches of %d, %.0f s per round%n",
                    threads, batchSize, seconds);
            waitForPrograms(campaign, 1, 30);
            measure(campaign, 2, null, batchSize); // warm-up
            for (int round = 1; round <= 3; round++) measure(campaign, seconds, out, batchSize);
            campaign.stop();
            w.stop();
            t.join(20_000);
        } finally {
            worker.close();
            coord.close();
        }
    }

    private static void waitForPrograms(Campaign c, long n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (c.totalPrograms() < n) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the no-op worker got no batch in " + seconds + " s");
            Thread.sleep(20);
        }
    }

    private static void measure(Campaign c, double seconds, PrintWriter out, int batchSize) throws InterruptedException {
        long p0 = c.totalPrograms(), t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long p1 = c.totalPrograms(), t1 = System.nanoTime();
        double s = (t1 - t0) / 1e9, programs = (p1 - p0) / s;
        if (out != null) {
            out.printf(Locale.ROOT, "bench coordinator: %,.0f programs/s absorbed (%,.0f batches/s dispatched and confirmed)%n",
                    programs, programs / batchSize);
            out.flush();
        }
    }
}
