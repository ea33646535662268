package org.crosscheck.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.cluster.CoordinatorHost;
import org.crosscheck.coordinator.cluster.Node;
import org.crosscheck.runtime.Runtime;

/**
 * The single-node campaign: the same coordinator and worker as a cluster, in one JVM (one node with
 * both roles on a loopback port of its own), the worker running {@code threads} threads.
 */
public final class LocalCampaign {
    private LocalCampaign() {}

    public static Campaign.Summary run(Campaign campaign, List<Runtime> runtimes, int threads, PrintStream progress)
            throws IOException, InterruptedException {
        Node node = Node.start(List.of(Node.COORDINATOR, Node.WORKER), new InetSocketAddress("127.0.0.1", 0), null);
        try {
            node.joinSelf();
            String secret = UUID.randomUUID().toString();
            CoordinatorHost host = new CoordinatorHost(node, campaign, secret, "local");
            Worker worker = new Worker(node.system(), host.ref(), new Worker.Identity(secret, "", "local"), runtimes,
                    threads, campaign.metrics(), campaign.coverage(), Duration.ofDays(365));
            Thread t = Thread.ofPlatform().name("local-worker").start(() -> {
                try {
                    worker.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                return host.await(progress, false);
            } finally {
                worker.stop();
                t.join(30_000);
            }
        } finally {
            node.close();
        }
    }
}
