package org.crosscheck.coordinator.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
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

    /**
     * After the campaign: answers (every worker asking learns that it is over) until each worker node
     * of the cluster has been told, for {@code min} at least (workers joining now learn it too) and
     * {@code max} at most (a worker deep in a batch gives up by itself).
     */
    public void tellWorkers(Duration min, Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < max.toNanos()) {
            if (System.nanoTime() - t0 >= min.toNanos() && untold().isEmpty()) return;
            Thread.sleep(100);
        }
    }

    /** Worker nodes of the cluster not yet told that the campaign is over. */
    private List<Address> untold() {
        List<Address> out = new ArrayList<>();
        for (Member m : Cluster.get(node.system()).state().getMembers()) {
            boolean alive = m.status() == MemberStatus.up() || m.status() == MemberStatus.joining() || m.status() == MemberStatus.weaklyUp();
            if (alive && m.hasRole(Node.WORKER) && !registry.told.contains(m.address())) out.add(m.address());
        }
        return out;
    }
}
