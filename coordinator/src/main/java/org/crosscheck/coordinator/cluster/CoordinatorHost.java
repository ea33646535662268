package org.crosscheck.coordinator.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.crosscheck.coordinator.campaign.Campaign;

/** Hosts a campaign's coordinator on a node: starts the singleton, prints the progress line every 2 s, returns when it is finished. */
public final class CoordinatorHost {
    private final Node node;
    private final Campaign campaign;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final CoordinatorActor.Registry registry;
    private final ActorRef<Object> ref;

    public CoordinatorHost(Node node, Campaign campaign, String secret, String campaignId) {
        this.node = node;
        this.campaign = campaign;
        this.registry = CoordinatorActor.gauges(campaign);
        this.ref = node.coordinator(CoordinatorActor.create(new CoordinatorActor.Setup(campaign, secret, campaignId, finished,
                Cluster.get(node.system())), registry));
    }

    /** The coordinator singleton (a proxy to it). */
    public ActorRef<Object> ref() {
        return ref;
    }

    /** Workers registered now. */
    public int workers() {
        return registry.up();
    }

    /** Blocks until the campaign is finished (its programs, its duration, or {@link Campaign#stop()}). */
    public Campaign.Summary await(PrintStream progress, boolean showCluster) throws IOException, InterruptedException {
        long lastLine = System.nanoTime();
        while (true) {
            try {
                finished.get(200, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                // still running
            } catch (ExecutionException e) {
                throw new IOException("campaign failed: " + e.getCause().getMessage(), e.getCause());
            }
            if (node.terminated()) throw new IOException("the coordinator's node stopped");
            long now = System.nanoTime();
            if (progress != null && now - lastLine >= 2_000_000_000L) {
                progress.println(campaign.progressLine(showCluster ? String.format(" | workers %d | in flight %d | queue %d",
                        registry.up(), campaign.queue().inFlight(), campaign.queue().queueDepth()) : null));
                lastLine = now;
            }
        }
        return campaign.finish();
    }
}
