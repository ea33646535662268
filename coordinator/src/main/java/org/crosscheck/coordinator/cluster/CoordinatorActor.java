package org.crosscheck.coordinator.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.crosscheck.coordinator.campaign.BatchQueue;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.findings.NoSpaceException;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.Group;
import org.crosscheck.proto.Batch;
import org.crosscheck.proto.BatchResult;
import org.crosscheck.proto.CampaignSpec;
import org.crosscheck.proto.NoWork;
import org.crosscheck.proto.Refused;
import org.crosscheck.proto.Register;
import org.crosscheck.proto.RequestWork;
import org.crosscheck.proto.ResultAck;
import org.crosscheck.proto.RuntimeInfo;
import org.crosscheck.proto.Welcome;

/**
 * The coordinator (a cluster singleton): registers workers (cluster secret, protocol and generator
 * version, campaign id), answers their requests for work with batch parts they can run (a request
 * with no work waits, so workers pull), absorbs results (each part counted once), returns the parts
 * of expired leases and of workers whose node left to the queue, and checkpoints the campaign.
 */
public final class CoordinatorActor extends AbstractBehavior<Object> {
    /** The coordinator's side of the cluster: what the hosting process shares with the actor. */
    public record Setup(Campaign campaign, String secret, String campaignId, CompletableFuture<Void> finished, Cluster cluster) {}

    private enum Tick { TICK }

    private record Worker(String id, String node, Address address, Set<String> runtimes, int threads, long[] lastSeen) {}

    private record Parked(String worker, ActorRef<Object> replyTo, long since) {}

    private static final long PARK_NANOS = Duration.ofSeconds(3).toNanos();
    private static final long CHECKPOINT_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long WORKER_SILENT_NANOS = Duration.ofSeconds(60).toNanos();

    private final Setup setup;
    private final Campaign campaign;
    private final ActorRefResolver resolver;
    private final Map<String, Worker> workers;
    private final Set<Address> told;
    private final Deque<Parked> parked = new ArrayDeque<>();
    private final CampaignSpec spec;
    private long lastCheckpoint = System.nanoTime();
    /** Why storing failed (a full disk), once it has: the campaign is over, workers are told so, nothing more is written. */
    private String failure;

    /** Workers known to the coordinator, for the gauges (shared with the metrics thread). */
    public static final class Registry {
        final Map<String, Worker> workers = new ConcurrentHashMap<>();
        /** Nodes of the workers told that the campaign is over. */
        final Set<Address> told = ConcurrentHashMap.newKeySet();

        public int up() {
            return workers.size();
        }

        public long withRuntime(String rt) {
            return workers.values().stream().filter(w -> w.runtimes().contains(rt)).count();
        }
    }

    public static Behavior<Object> create(Setup setup, Registry registry) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CoordinatorActor(ctx, timers, setup, registry)));
    }

    /** Registers the cluster gauges of a coordinator on its campaign's metrics. */
    public static Registry gauges(Campaign campaign) {
        Registry r = new Registry();
        var m = campaign.metrics();
        m.gauge("crosscheck_cluster_workers_up", "Workers registered with the coordinator", Map.of(), r::up);
        for (String rt : campaign.config().runtimes()) {
            m.gauge("crosscheck_cluster_runtime_workers", "Workers offering a runtime of the campaign", Map.of("runtime", rt),
                    () -> r.withRuntime(rt));
        }
        return r;
    }

    private CoordinatorActor(ActorContext<Object> ctx, TimerScheduler<Object> timers, Setup setup, Registry registry) {
        super(ctx);
        this.setup = setup;
        this.campaign = setup.campaign();
        this.resolver = ActorRefResolver.get(ctx.getSystem());
        this.workers = registry.workers;
        this.told = registry.told;
        this.workers.clear(); // after a restart of this actor workers register again
        CampaignSpec.Builder spec = CampaignSpec.newBuilder().setCampaignId(setup.campaignId()).setSeed(campaign.seed())
                .setReference(campaign.config().reference()).addAllRuntimes(campaign.config().runtimes())
                .setGenerator(Wire.generator(campaign.generator().config())).setTimeoutMillis(campaign.config().timeoutMillis()).addAllCorpus(Wire.corpus(campaign.corpus()));
        if (campaign.config().litmus() != null) spec.setLitmus(Wire.litmus(campaign.config().litmus()));
        if (campaign.config().csmith() != null) spec.setCsmith(Wire.csmith(campaign.config().csmith()));
        spec.setVerifierOracleEvery(campaign.config().verifierOracleEvery());
        spec.setInputs(campaign.config().inputs());
        this.spec = spec.build();
        timers.startTimerWithFixedDelay(Tick.TICK, Duration.ofMillis(250));
        setup.cluster().subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
        setup.cluster().subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.UnreachableMember.class));
    }

    @Override
    public Receive<Object> createReceive() {
        return newReceiveBuilder()
                .onMessage(Register.class, this::onRegister)
                .onMessage(RequestWork.class, this::onRequest)
                .onMessage(BatchResult.class, this::onResult)
                .onMessageEquals(Tick.TICK, this::onTick)
                .onMessage(ClusterEvent.MemberRemoved.class, e -> nodeGone(e.member().address()))
                .onMessage(ClusterEvent.UnreachableMember.class, e -> nodeGone(e.member().address()))
                .build();
    }

    private Behavior<Object> onRegister(Register r) {
        ActorRef<Object> replyTo = resolver.resolveActorRef(r.getReplyTo());
        if (failure != null) return failed(replyTo);
        String refusal = refusal(r);
        if (refusal != null) {
            getContext().getLog().warn("refused worker {}: {}", r.getNode(), refusal);
            replyTo.tell(Refused.newBuilder().setReason(refusal).setFatal(true).build());
            return this;
        }
        Set<String> usable = usableRuntimes(r);
        String id = r.getNode() + "/" + UUID.randomUUID();
        workers.put(id, new Worker(id, r.getNode(), replyTo.path().address(), usable, r.getThreads(), new long[] {System.nanoTime()}));
        replyTo.tell(Welcome.newBuilder().setWorkerId(id).setSpec(spec).build());
        return this;
    }

    /** Why a worker may not join, or null. */
    private String refusal(Register r) {
        byte[] want = setup.secret().getBytes(StandardCharsets.UTF_8), got = r.getSecret().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(want, got)) {
            return "wrong cluster secret (use the coordinator's: --secret, CROSSCHECK_SECRET, or the file secret in its workdir)";
        }
        if (r.getProtocolVersion() != Wire.PROTOCOL_VERSION || r.getGeneratorVersion() != Generator.VERSION) {
            return "version mismatch: worker speaks protocol " + r.getProtocolVersion() + " with generator " + r.getGeneratorVersion()
                    + ", coordinator protocol " + Wire.PROTOCOL_VERSION + " with generator " + Generator.VERSION
                    + " (run the same crosscheck on every node)";
        }
        if (!r.getCampaignId().isEmpty() && !r.getCampaignId().equals(setup.campaignId())) {
            return "this coordinator runs campaign " + setup.campaignId() + ", not " + r.getCampaignId();
        }
        Set<String> usable = usableRuntimes(r);
        List<String> rts = campaign.config().runtimes();
        if (!usable.contains(rts.get(0)) || rts.stream().skip(1).noneMatch(usable::contains)) {
            return "the worker can run none of this campaign's comparisons: it needs the reference " + rts.get(0)
                    + " and one of " + rts.subList(1, rts.size()) + ", it offers " + r.getRuntimesList().stream().map(RuntimeInfo::getName).toList();
        }
        return null;
    }

    /** The worker's runtimes that belong to the campaign and support every group the generator uses. */
    private Set<String> usableRuntimes(Register r) {
        Set<String> out = new HashSet<>();
        Set<Group> needed = EnumSet.copyOf(campaign.generator().config().groups());
        for (RuntimeInfo ri : r.getRuntimesList()) {
            if (!campaign.config().runtimes().contains(ri.getName())) continue;
            Set<Group> has = EnumSet.of(Group.BASE32);
            for (String g : ri.getGroupsList()) has.add(Group.parse(g));
            if (has.containsAll(needed)) out.add(ri.getName());
        }
        return out;
    }

    private Behavior<Object> onRequest(RequestWork r) {
        ActorRef<Object> replyTo = resolver.resolveActorRef(r.getReplyTo());
        if (failure != null) return failed(replyTo);
        Worker w = seen(r.getWorkerId(), replyTo);
        if (w == null) return this;
        if (!dispatch(w, replyTo)) parked.add(new Parked(w.id(), replyTo, System.nanoTime()));
        return this;
    }

    /** The registered worker with this id, marked as seen now; null (and told to register again) when unknown. */
    private Worker seen(String workerId, ActorRef<Object> replyTo) {
        Worker w = workers.get(workerId);
        if (w == null) {
            replyTo.tell(unknown());
            return null;
        }
        w.lastSeen()[0] = System.nanoTime();
        return w;
    }

    private static Refused unknown() {
        return Refused.newBuilder().setReason("unknown worker (the coordinator restarted): register again").setFatal(false).build();
    }

    /** Sends a batch part (or the end of the campaign); false when there is nothing for this worker now. */
    private boolean dispatch(Worker w, ActorRef<Object> replyTo) {
        long now = System.nanoTime();
        BatchQueue.Lease l = campaign.queue().next(w.id(), w.runtimes(), now);
        if (l != null) {
            replyTo.tell(Batch.newBuilder().setId(l.start()).setSeed(campaign.seed()).setStart(l.start()).setEnd(l.end())
                    .addAllRuntimes(l.runtimes()).setGenerator(spec.getGenerator())
                    .setLeaseMillis((l.deadline() - now) / 1_000_000).build());
            return true;
        }
        if (campaign.finished(now)) {
            replyTo.tell(NoWork.newBuilder().setFinished(true).build());
            told.add(w.address());
            return true;
        }
        return false;
    }

    private Behavior<Object> onResult(BatchResult r) {
        ActorRef<Object> replyTo = resolver.resolveActorRef(r.getReplyTo());
        if (failure != null) return failed(replyTo);
        Worker w = seen(r.getWorkerId(), replyTo);
        if (w == null) return this;
        boolean counted;
        try {
            counted = campaign.absorb(r.getBatchId(), r.getEnd(), r.getRuntimesList(), Wire.tally(r));
        } catch (java.io.IOException | RuntimeException e) {
            fail("cannot store the result of batch " + r.getBatchId(), e);
            return failed(replyTo);
        }
        replyTo.tell(ResultAck.newBuilder().setBatchId(r.getBatchId()).setCounted(counted).build());
        serveParked();
        return this;
    }

    private Behavior<Object> onTick() {
        if (failure != null) return this;
        long now = System.nanoTime();
        campaign.queue().expire(now);
        workers.values().removeIf(w -> {
            boolean silent = now - w.lastSeen()[0] > WORKER_SILENT_NANOS;
            if (silent) campaign.queue().release(w.id());
            return silent;
        });
        serveParked();
        for (Iterator<Parked> it = parked.iterator(); it.hasNext();) {
            Parked p = it.next();
            if (now - p.since() > PARK_NANOS) {
                p.replyTo().tell(NoWork.newBuilder().setFinished(false).build()); // ask again: keeps the worker's ask from timing out
                it.remove();
            }
        }
        boolean done = campaign.finished(now);
        if (done || now - lastCheckpoint > CHECKPOINT_NANOS) {
            try {
                campaign.checkpoint();
            } catch (NoSpaceException e) {
                fail("checkpoint failed", e);
                return this;
            } catch (java.io.IOException e) {
                getContext().getLog().error("checkpoint failed: {}", e.toString());
            }
            lastCheckpoint = now;
        }
        if (done) setup.finished().complete(null);
        return this;
    }

    /** Storing failed: one line, the campaign ends at once with the error (the command exits), the queue stops. */
    private void fail(String what, Exception e) {
        if (failure != null) return;
        getContext().getLog().error("{}: {}", what, e.getMessage());
        failure = "the coordinator stopped the campaign: " + e.getMessage();
        setup.finished().completeExceptionally(e);
        campaign.stop();
    }

    /** The answer to every worker once storing failed: the campaign is over for it (fatal). */
    private Behavior<Object> failed(ActorRef<Object> replyTo) {
        replyTo.tell(Refused.newBuilder().setReason(failure).setFatal(true).build());
        return this;
    }

    private void serveParked() {
        if (!campaign.queue().hasWaiting() && !campaign.finished(System.nanoTime())) return; // nothing anyone could get
        for (Iterator<Parked> it = parked.iterator(); it.hasNext();) {
            Parked p = it.next();
            Worker w = workers.get(p.worker());
            if (w == null) {
                p.replyTo().tell(unknown());
                it.remove();
            } else if (dispatch(w, p.replyTo())) {
                it.remove();
            }
        }
    }

    /** A node left or cannot be reached: its workers' parts go back to the queue now rather than at lease expiry. */
    private Behavior<Object> nodeGone(Address a) {
        for (Iterator<Worker> it = workers.values().iterator(); it.hasNext();) {
            Worker w = it.next();
            if (w.address().equals(a)) {
                int n = campaign.queue().release(w.id());
                getContext().getLog().warn("worker {} left ({} batch parts back in the queue)", w.node(), n);
                it.remove();
            }
        }
        return this;
    }
}
