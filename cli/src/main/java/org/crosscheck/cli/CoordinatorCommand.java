package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.cluster.CoordinatorHost;
import org.crosscheck.coordinator.cluster.Node;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "coordinator",
        description = {
            "Runs a campaign over a cluster: this node hands out batches of cases to the workers that",
            "join it (crosscheck worker --join HOST:PORT), collects counters and findings into WORKDIR,",
            "and serves Prometheus metrics on --http. The same campaign options as `campaign`; the",
            "runtimes need not run here, the workers run them. Restarted on the same workdir it resumes,",
            "and the workers join again by themselves. Workers must present the cluster secret."
        },
        footer = {"", "Example (3 nodes on one machine):",
            "  crosscheck coordinator --bind 127.0.0.1:25520 --workdir work --http 127.0.0.1:9464 --runtimes interp,kernel --duration 1h",
            "  CROSSCHECK_SECRET=$(cat work/secret) crosscheck worker --join 127.0.0.1:25520",
            "  CROSSCHECK_SECRET=$(cat work/secret) crosscheck worker --join 127.0.0.1:25520 --runtimes interp,kernel --threads 2"})
final class CoordinatorCommand extends CliCommand {
    @Mixin
    CampaignOptions options;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--bind", defaultValue = "127.0.0.1:25520", paramLabel = "HOST:PORT", description = "Where this node listens for workers (default: ${DEFAULT-VALUE}; loopback unless told otherwise).")
    String bind;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "Prometheus endpoint /metrics, 'off' to disable (default: "
            + CampaignCommand.AUTO_METRICS + ").")
    String http; // null: the first free port from 9464

    @Option(names = "--lease", defaultValue = "60s", paramLabel = "D", description = "A batch not confirmed within this goes back to the queue (default: ${DEFAULT-VALUE}).")
    String lease;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = out();
        InetSocketAddress at = ClusterOptions.address("--bind", bind);
        Duration leaseTime;
        try {
            leaseTime = CampaignOptions.parseDuration("--lease", lease);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        List<Runtime> rts = options.runtimes(false);
        CampaignConfig cfg = options.config(rts, 1);
        CampaignOptions.checkWorkdir(cfg.workdir());
        try (WorkdirLock lock = WorkdirLock.take(cfg.workdir())) {
            return run(out, at, leaseTime, rts, cfg);
        }
    }

    private int run(PrintWriter out, InetSocketAddress at, Duration leaseTime, List<Runtime> rts, CampaignConfig cfg)
            throws IOException, InterruptedException {
        String secret = cluster.coordinatorSecret(cfg.workdir());
        Metrics metrics = new Metrics();
        MetricsServer server = CampaignCommand.metricsServer(http, metrics, "--http");
        Campaign campaign;
        try {
            campaign = new Campaign(cfg, rts, new FindingStore(cfg.workdir()), metrics, leaseTime);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        Node node;
        try {
            node = Node.startGuarded(List.of(Node.COORDINATOR), at, cluster.advertise);
        } catch (RuntimeException | IOException e) {
            throw new UserError("--bind " + bind + ": cannot listen there (" + rootMessage(e) + ")");
        }
        CountDownLatch ended = new CountDownLatch(1);
        Thread hook = CampaignCommand.stopHook(campaign, ended);
        try {
            node.joinSelf();
            String campaignId = Long.toHexString(campaign.seed());
            CoordinatorHost host = new CoordinatorHost(node, campaign, secret, campaignId);
            if (campaign.resumedAt() > 0 || campaign.totalPrograms() > 0) {
                out.println("coordinator: resuming in " + cfg.workdir() + " at case " + campaign.resumedAt() + " (" + campaign.totalPrograms() + " programs done)");
            }
            out.println("coordinator: campaign " + campaignId + ", seed " + campaign.seed() + ", runtimes " + String.join(",", cfg.runtimes())
                    + " (reference " + cfg.reference() + "), " + CampaignCommand.cases(cfg, campaign) + ", workdir " + cfg.workdir()
                    + (cfg.csmith() != null ? " (workers need csmith, gcc and the BPF compilers; one without them stops, saying so)" : ""));
            out.println("coordinator: listening on " + node.address() + (server != null ? ", metrics http://"
                    + server.address().getHostString() + ":" + server.address().getPort() + "/metrics" : ""));
            out.println("coordinator: cluster secret " + secret + (cluster.given() == null ? " (in " + cfg.workdir().resolve("secret") + ")" : ""));
            out.println("coordinator: start workers with  CROSSCHECK_SECRET=<secret> crosscheck worker --join "
                    + node.address().host().get() + ":" + node.address().port().get());
            out.flush();
            Campaign.Summary s = host.await(System.out, true);
            host.tellWorkers(Duration.ofSeconds(2), Duration.ofSeconds(15));
            CampaignCommand.printSummary(out, "coordinator", s, cfg, campaign);
            out.printf("coordinator: %,d programs done in this campaign (all runs)%n", campaign.totalPrograms());
            return 0;
        } finally {
            ended.countDown();
            CampaignCommand.removeHook(hook);
            node.close();
            if (server != null) server.close();
        }
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }
}
