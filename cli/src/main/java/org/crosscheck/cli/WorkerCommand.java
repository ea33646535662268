package org.crosscheck.cli;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.crosscheck.coordinator.cluster.Node;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.worker.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker",
        description = {
            "Joins a campaign's cluster through its coordinator, pulls batches of cases, runs them on",
            "this machine's runtimes (it gets only work those can run), compares, minimizes, and sends",
            "counters and findings back. Exits 0 when the campaign is over, 1 when the coordinator",
            "refuses it (wrong secret, another version or campaign); when the coordinator is lost it",
            "joins again by itself, and exits 1 once it has heard nothing from it for --give-up-after."
        },
        footer = {"", "Example:",
            "  CROSSCHECK_SECRET=$(cat work/secret) crosscheck worker --join 127.0.0.1:25520 --runtimes interp,kernel --threads 2"})
final class WorkerCommand extends CliCommand {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--join", required = true, split = ",", paramLabel = "HOST:PORT", description = "The coordinator's address (several: seed nodes, tried in order).")
    List<String> join;

    @Option(names = "--bind", defaultValue = "127.0.0.1:0", paramLabel = "HOST:PORT", description = "Where this node listens (default: ${DEFAULT-VALUE}, any free loopback port).")
    String bind;

    @Option(names = "--runtimes", paramLabel = "R,R", description = "Runtimes this worker offers (default: every available built-in runtime).")
    String runtimes;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--metrics", defaultValue = "off", paramLabel = "HOST:PORT", description = "This node's Prometheus endpoint, or 'off' (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(names = "--give-up-after", defaultValue = "2m", paramLabel = "D",
            description = "Exit (code 1) when no coordinator has answered for this long, at least 5s (default: ${DEFAULT-VALUE}).")
    String giveUpAfter;

    @Option(names = "--campaign", defaultValue = "", paramLabel = "ID", description = "Join only this campaign (the id the coordinator prints).")
    String campaignId;

    /** A coordinator silent this long is lost: the node leaves and joins again. */
    private static final Duration LOST_AFTER = Duration.ofSeconds(20);

    private volatile boolean stopping;

    @Override
    public Integer call() throws InterruptedException {
        var out = out();
        var err = err();
        String secret = cluster.given();
        if (secret == null) {
            throw new UserError("no cluster secret: pass --secret or set " + ClusterOptions.SECRET_ENV
                    + " (the coordinator prints it and keeps it in WORKDIR/secret)");
        }
        Duration giveUp;
        try {
            giveUp = CampaignOptions.parseDuration("--give-up-after", giveUpAfter);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (giveUp.compareTo(Worker.MIN_LOST_AFTER) < 0) throw new UserError("--give-up-after: expected at least 5s, got '" + giveUpAfter + "'");
        Duration lostAfter = giveUp.compareTo(LOST_AFTER) < 0 ? giveUp : LOST_AFTER;
        long lastHeard = System.nanoTime();
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (String j : join) seeds.add(ClusterOptions.address("--join", j));
        InetSocketAddress at = ClusterOptions.address("--bind", bind);
        List<Runtime> rts = CampaignOptions.open(runtimes, true, 1);
        int n = threads.resolve(ThreadsOption.cores());
        Metrics metrics = new Metrics();
        MetricsServer server = CampaignCommand.metricsServer(metricsAddress, metrics, "--metrics");
        try {
            while (true) {
                Node node;
                try {
                    node = Node.start(List.of(Node.WORKER), at, cluster.advertise);
                } catch (RuntimeException e) {
                    throw new UserError("--bind " + bind + ": cannot listen there (" + CoordinatorCommand.rootMessage(e) + ")");
                }
                Worker.End end;
                String refusal;
                boolean refusedHere;
                try {
                    node.join(seeds);
                    String name = node.address().host().get() + ":" + node.address().port().get();
                    out.println("worker: " + name + " joining " + String.join(",", join) + " with " + n + " threads, runtimes "
                            + String.join(",", rts.stream().map(Runtime::name).toList())
                            + (server != null ? ", metrics http://" + server.address().getHostString() + ":" + server.address().getPort() + "/metrics" : ""));
                    out.flush();
                    Worker w = new Worker(node.system(), node.coordinatorProxy(), new Worker.Identity(secret, campaignId, name), rts, n,
                            metrics, null, lostAfter);
                    Thread hook = new Thread(() -> {
                        stopping = true;
                        w.stop();
                    }, "ctrl-c");
                    java.lang.Runtime.getRuntime().addShutdownHook(hook);
                    end = w.run();
                    refusal = w.refusal();
                    refusedHere = w.refusedHere();
                    if (w.lastAnswer() >= 0) lastHeard = w.lastAnswer();
                    CampaignCommand.removeHook(hook);
                } finally {
                    node.close();
                }
                if (stopping) return 0;
                switch (end) {
                    case FINISHED -> {
                        out.println("worker: the campaign is over");
                        return 0;
                    }
                    case REFUSED -> {
                        Main.report(spec.commandLine(), "crosscheck: worker " + (refusedHere ? "cannot join" : "refused by the coordinator") + ": " + refusal);
                        return 1;
                    }
                    case LOST -> {
                        if (System.nanoTime() - lastHeard >= giveUp.toNanos()) {
                            Main.report(spec.commandLine(), "crosscheck: coordinator " + String.join(",", join) + " unreachable for " + giveUpAfter);
                            return 1;
                        }
                        err.println("crosscheck: worker: no answer from the coordinator at " + String.join(",", join) + "; joining again");
                        Thread.sleep(1000);
                    }
                }
            }
        } finally {
            if (server != null) server.close();
            for (Runtime r : rts) r.close();
        }
    }
}
