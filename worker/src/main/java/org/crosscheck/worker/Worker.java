package org.crosscheck.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.crosscheck.coordinator.campaign.BatchRunner;
import org.crosscheck.coordinator.campaign.CaseRunner;
import org.crosscheck.coordinator.campaign.CsmithCaseRunner;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.coordinator.campaign.LitmusCaseRunner;
import org.crosscheck.coordinator.cluster.Wire;
import org.crosscheck.coordinator.coverage.IsaCoverage;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.Group;
import org.crosscheck.proto.Batch;
import org.crosscheck.proto.BatchResult;
import org.crosscheck.proto.NoWork;
import org.crosscheck.proto.Refused;
import org.crosscheck.proto.Register;
import org.crosscheck.proto.RequestWork;
import org.crosscheck.proto.ResultAck;
import org.crosscheck.proto.RuntimeInfo;
import org.crosscheck.proto.Welcome;
import org.crosscheck.runtime.Runtime;

/**
 * A worker: registers with the coordinator (secret, versions, runtimes and groups), then each of its
 * threads pulls a batch part, runs it ({@link CaseRunner}: generate, run, compare, minimize) and sends
 * the result until the coordinator confirms it. Registers again by itself when the coordinator
 * restarted; reports a coordinator silent for too long as lost, so the node can join again.
 */
public final class Worker {
    /** How a worker's run ended. */
    public enum End { FINISHED, REFUSED, LOST }

    /** Who the worker is: the cluster secret, the campaign it may join (empty: any), its node name. */
    public record Identity(String secret, String campaignId, String node) {}

    private static final Duration ASK = Duration.ofSeconds(8);
    /** The shortest wait for an answer (a coordinator answers a request within about 3 s, work or not). */
    public static final Duration MIN_LOST_AFTER = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final ActorRef<Object> coordinator;
    private final Identity identity;
    private final List<Runtime> runtimes;
    private final int threads;
    private final Metrics metrics;
    private final IsaCoverage coverage;
    private final long lostAfterNanos;
    private final Duration ask;
    private final ActorRefResolver resolver;
    private final AtomicReference<End> end = new AtomicReference<>();
    private final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
    private volatile boolean answered;
    private volatile String refusal;
    private volatile boolean noop;
    private volatile String workerId;
    private volatile BatchRunner runner;
    private volatile org.crosscheck.proto.CampaignSpec spec;

    public Worker(ActorSystem<?> system, ActorRef<Object> coordinator, Identity identity, List<Runtime> runtimes, int threads,
            Metrics metrics, IsaCoverage coverage, Duration lostAfter) {
        this.system = system;
        this.coordinator = coordinator;
        this.identity = identity;
        this.runtimes = List.copyOf(runtimes);
        this.threads = threads;
        this.metrics = metrics;
        this.coverage = coverage;
        if (lostAfter.compareTo(MIN_LOST_AFTER) < 0) throw new IllegalArgumentException("lostAfter below " + MIN_LOST_AFTER + ": " + lostAfter);
        this.lostAfterNanos = lostAfter.toNanos();
        this.ask = lostAfter.compareTo(ASK) < 0 ? lostAfter : ASK;
        this.resolver = ActorRefResolver.get(system);
        metrics.gauge("crosscheck_worker_threads", "Threads of this worker running batches", java.util.Map.of(), () -> threads);
    }

    private volatile boolean refusedHere;

    /** Whether this worker refused the campaign itself ({@link End#REFUSED} for want of csmith's tools), not the coordinator it. */
    public boolean refusedHere() {
        return refusedHere;
    }

    /** Why the coordinator refused this worker, or it the campaign (after {@link End#REFUSED}). */
    public String refusal() {
        return refusal;
    }

    /** When the coordinator last answered ({@link System#nanoTime}), or -1 when it never did. */
    public long lastAnswer() {
        return answered ? lastAnswer.get() : -1;
    }

    /** Runs until the campaign is finished, the coordinator refuses this worker, or it is lost. */
    public End run() throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) ts.add(Thread.ofPlatform().name("worker-" + i).start(this::loop));
        for (Thread t : ts) t.join();
        return end.get() == null ? End.LOST : end.get();
    }

    /** Stops the worker's threads after their batches (the node is shutting down). */
    public void stop() {
        end.compareAndSet(null, End.LOST);
    }

    private void loop() {
        try {
            while (end.get() == null) {
                if (workerId == null && !register()) continue;
                String id = workerId;
                Object reply = ask(replyTo -> RequestWork.newBuilder().setWorkerId(id).setReplyTo(ref(replyTo)).build());
                switch (reply) {
                    case Batch b -> {
                        try {
                            runBatch(id, b);
                        } catch (RuntimeException e) { // a bug of ours: say so; the batch returns to the queue when its lease ends
                            System.err.println("crosscheck: worker failed on cases [" + b.getStart() + ", " + b.getEnd() + "): " + e
                                    + " (CROSSCHECK_DEBUG=1 shows the stack trace)");
                            if (System.getenv("CROSSCHECK_DEBUG") != null) e.printStackTrace();
                        }
                    }
                    case NoWork n when n.getFinished() -> end.compareAndSet(null, End.FINISHED);
                    case Refused r -> refused(r, id);
                    case null, default -> { } // no work for now, or no answer: ask again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end.compareAndSet(null, End.LOST);
        }
    }

    /** Registers (one thread at a time); false when not (yet) registered. */
    private synchronized boolean register() throws InterruptedException {
        if (workerId != null || end.get() != null) return workerId != null;
        Object reply = ask(replyTo -> {
            Register.Builder b = Register.newBuilder().setReplyTo(ref(replyTo)).setSecret(identity.secret())
                    .setProtocolVersion(Wire.PROTOCOL_VERSION).setGeneratorVersion(Generator.VERSION)
                    .setCampaignId(identity.campaignId()).setNode(identity.node()).setThreads(threads);
            for (Runtime r : runtimes) {
                RuntimeInfo.Builder ri = RuntimeInfo.newBuilder().setName(r.name());
                for (Group g : r.capabilities().groups()) ri.addGroups(g.id());
                b.addRuntimes(ri);
            }
            return b.build();
        });
        switch (reply) {
            case Welcome w -> {
                if (!w.getSpec().equals(spec)) { // the first, or a coordinator that restarted
                    spec = w.getSpec();
                    if (spec.hasCsmith() && !csmithMissing().isEmpty()) {
                        refusal = "this node cannot run a csmith campaign: it lacks " + csmithMissing();
                        refusedHere = true;
                        end.compareAndSet(null, End.REFUSED);
                        return false;
                    }
                    runner = spec.hasLitmus() ? new LitmusCaseRunner(spec.getSeed(), Wire.litmus(spec.getLitmus()))
                            : spec.hasCsmith() ? new CsmithCaseRunner(spec.getSeed(), Wire.csmith(spec.getCsmith()),
                                    runtimes.stream().filter(r -> spec.getRuntimesList().contains(r.name())).toList())
                            : new CaseRunner(spec.getSeed(), spec.getReference(), runtimes, Wire.generator(spec.getGenerator()),
                                    Wire.corpus(spec.getCorpusList()), metrics, coverage,
                                    spec.getTimeoutMillis() > 0 ? spec.getTimeoutMillis() : org.crosscheck.runtime.Limits.DEFAULT.wallClockMillis(),
                                    spec.getVerifierOracleEvery(), Math.max(1, spec.getInputs()));
                }
                workerId = w.getWorkerId();
                return true;
            }
            case Refused r -> refused(r, null);
            case null, default -> Thread.sleep(200);
        }
        return false;
    }

    /** What this node lacks of csmith's tools (csmith, the host gcc, the campaign's BPF compilers); empty when none. */
    private String csmithMissing() {
        List<String> missing = new ArrayList<>();
        if (!org.crosscheck.coordinator.csmith.Csmith.missingTools().isEmpty()) missing.add(org.crosscheck.coordinator.csmith.Csmith.missingTools());
        for (var cc : Wire.csmith(spec.getCsmith()).compilers())
            if (!cc.available()) missing.add(cc.executable() + " (apt-get install " + cc.debianPackage() + ")");
        return String.join(", ", missing);
    }

    private void refused(Refused r, String id) {
        if (r.getFatal()) {
            refusal = r.getReason();
            end.compareAndSet(null, End.REFUSED);
        } else {
            synchronized (this) {
                if (id == null || id.equals(workerId)) workerId = null; // register again
            }
        }
    }

    private void runBatch(String id, Batch b) throws InterruptedException {
        long t0 = System.nanoTime();
        Tally t = noop ? noopTally(b) : runner.run(b.getStart(), b.getEnd(), b.getRuntimesList());
        metrics.count("crosscheck_worker_programs", "Programs this worker ran (campaign totals are on the coordinator)", t.programs());
        metrics.count("crosscheck_worker_batch_seconds", "Seconds this worker spent running batches", (System.nanoTime() - t0) / 1e9);
        // until confirmed: a lost answer is resent, the coordinator counts a part once
        while (end.get() == null || end.get() == End.FINISHED) {
            String current = workerId != null ? workerId : id;
            BatchResult msg = Wire.result(current, b.getStart(), b.getEnd(), b.getRuntimesList(), t);
            Object reply = ask(replyTo -> msg.toBuilder().setReplyTo(ref(replyTo)).build());
            if (reply instanceof ResultAck) return;
            if (reply instanceof Refused r) {
                refused(r, current);
                if (r.getFatal() || !register()) return;
            }
            if (end.get() != null) return;
        }
    }

    /** For the coordinator benchmark: a batch "run" in no time, every program counted on every runtime. */
    private static Tally noopTally(Batch b) {
        Tally t = new Tally();
        t.countPrograms(b.getEnd() - b.getStart());
        t.countInputs(t.programs(), t.programs(), 0);
        for (String rt : b.getRuntimesList()) t.countExecuted(rt, t.programs());
        return t;
    }

    /** A worker whose batches take no time (measures the coordinator alone). */
    public Worker noop() {
        noop = true;
        return this;
    }

    private String ref(ActorRef<?> r) {
        return resolver.toSerializationFormat(r);
    }

    /** Asks the coordinator; null when no answer came in time (lost after lostAfter without any answer). */
    private Object ask(Function<ActorRef<Object>, Object> message) throws InterruptedException {
        try {
            Object reply = AskPattern.<Object, Object>ask(coordinator, message::apply, ask, system.scheduler())
                    .toCompletableFuture().get(ask.toMillis() + 1000, TimeUnit.MILLISECONDS);
            lastAnswer.set(System.nanoTime());
            answered = true;
            return reply;
        } catch (ExecutionException | CompletionException | TimeoutException e) {
            if (System.nanoTime() - lastAnswer.get() > lostAfterNanos) end.compareAndSet(null, End.LOST);
            else Thread.sleep(100);
            return null;
        } catch (IllegalStateException e) {
            end.compareAndSet(null, End.LOST); // the actor system is gone
            return null;
        }
    }
}
