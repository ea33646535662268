package org.crosscheck.coordinator.campaign;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.crosscheck.coordinator.coverage.IsaCoverage;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.generate.PathCorpus;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Runtime;

/**
 * A campaign as its coordinator sees it: what to generate (the generator configuration every worker
 * uses, the corpus to mutate), the batches to hand out ({@link BatchQueue} over the checkpointed
 * {@link CampaignState}), and what comes back: counters, and finding reports stored in the workdir.
 * Workers run the cases ({@link CaseRunner}); on one machine they are threads of the same JVM, in a
 * cluster other nodes. Single-threaded by design (the coordinator actor calls it), except the
 * readings for the progress line and the metrics.
 */
public final class Campaign {
    /** What happened, for the caller's summary. */
    /** {@code verifierAcceptance} as in the progress line, empty without a kernel runtime. */
    /** {@code executions}: (program, input) pairs; {@code paths}: distinct reference paths summed over programs; {@code multiPath}: programs with more than one. */
    /** {@code keptPrograms}: programs this run added to WORKDIR/corpus with their {@code keptInputs} ({@link PathCorpus}). */
    public record Summary(long programs, long executions, long paths, long multiPath, long divergences, int findings, int newFindings, double seconds,
            String verifierAcceptance, long keptPrograms, long keptInputs, String verifierOracle, String guests) {}

    private final CampaignConfig config;
    private final Generator generator;
    private final FindingStore store;
    private final Metrics metrics;
    private final CampaignState state;
    private final BatchQueue queue;
    private final LongAdder programs = new LongAdder();
    private final LongAdder divergences = new LongAdder();
    private final LongAdder executions = new LongAdder(), paths = new LongAdder(), multiPath = new LongAdder();
    private final Map<String, LongAdder> perRuntime = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> litmusIterations = new ConcurrentHashMap<>();
    /** csmith campaigns: C programs of this run by {@link org.crosscheck.coordinator.csmith.Csmith.ProgramBucket} id. */
    private final Map<String, LongAdder> csmithPrograms = new ConcurrentHashMap<>();
    /** Verifier verdicts by "runtime/generated" and "runtime/mutant" (see {@link Tally#verifierRuns}). */
    private final Map<String, LongAdder> verifierRuns = new ConcurrentHashMap<>(), verifierAccepts = new ConcurrentHashMap<>();
    /** The verifier oracle's counts by "runtime/counter" (as {@link Tally#oracle}), for the summary. */
    private final Map<String, LongAdder> oracle = new ConcurrentHashMap<>();
    /** VM guests' restarts and crashes by "runtime/event" (as {@link Tally#guests}), for the summary. */
    private final Map<String, LongAdder> guests = new ConcurrentHashMap<>();
    private final AtomicLong newFindings = new AtomicLong();
    private final IsaCoverage coverage = new IsaCoverage();
    private final Corpus corpus;
    private final PathCorpus pathCorpus;
    private long keptPrograms;
    private final long started = System.nanoTime();
    private final long deadline;

    /** The default lease of a batch part: a worker that does not confirm within it loses the part. */
    public static final Duration LEASE = Duration.ofSeconds(60);

    public Campaign(CampaignConfig config, List<Runtime> runtimes, FindingStore store, Metrics metrics) throws IOException {
        this(config, runtimes, store, metrics, config.csmith() != null ? CSMITH_LEASE : LEASE);
    }

    /** A csmith case's lease: a C program's builds and runs take seconds, a slow one (-O0, the kernel's verifier) minutes. */
    public static final Duration CSMITH_LEASE = Duration.ofMinutes(10);

    /** {@code runtimes} are only asked their names and groups: the coordinator need not be able to run them. */
    public Campaign(CampaignConfig config, List<Runtime> runtimes, FindingStore store, Metrics metrics, Duration lease) throws IOException {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.state = CampaignState.open(config.workdir(), config.seed() == Long.MIN_VALUE ? null : config.seed(), config.kind());
        this.generator = new Generator(generatorConfig(runtimes, config.groups(), config.cpu(), config.maxUnits(), config.allowMissingExit())
                .withProfile(config.profile()));
        for (Runtime r : runtimes) perRuntime.put(r.name(), new LongAdder());
        this.queue = new BatchQueue(state, config.runtimes(), config.batchSize(),
                config.maxPrograms() > 0 ? config.maxPrograms() : Long.MAX_VALUE, lease.toNanos());
        if (config.csmith() != null) queue.whole();
        this.deadline = config.duration() == null ? Long.MAX_VALUE : started + config.duration().toNanos();
        metrics.gauge("crosscheck_findings", "Findings stored in the workdir", Map.of(), () -> {
            try {
                return store.list().size();
            } catch (IOException e) {
                return -1;
            }
        });
        metrics.gauge("crosscheck_campaign_uptime_seconds", "Seconds since the campaign started", Map.of(),
                () -> (System.nanoTime() - started) / 1e9);
        metrics.gauge("crosscheck_batches_in_flight", "Batch parts leased to workers and not yet confirmed", Map.of(), queue::inFlight);
        metrics.gauge("crosscheck_queue_depth", "Issued batches with a part waiting for a worker", Map.of(), queue::queueDepth);
        for (Group g : Group.values()) {
            metrics.gauge("crosscheck_isa_coverage_ratio", "Share of a group's (instruction, operand, edge class) cells the reference has run",
                    Map.of("group", g.id()), () -> {
                        int[] c = coverage.count(g, generator.config()::allows);
                        return c[1] == 0 ? 0 : (double) c[0] / c[1];
                    });
            metrics.gauge("crosscheck_isa_coverage_cells", "Cells of a group the reference has run",
                    Map.of("group", g.id()), () -> coverage.count(g, generator.config()::allows)[0]);
        }
        this.corpus = Corpus.frozen(config.workdir(), config.corpusDirs(), generator.config(), msg -> System.err.println("crosscheck: " + msg));
        this.pathCorpus = PathCorpus.open(config.workdir());
        metrics.gauge("crosscheck_corpus_path_programs", "Programs kept in WORKDIR/corpus with the inputs that reached new paths", Map.of(),
                pathCorpus::programs);
    }

    /**
     * The generator configuration of a campaign over {@code runtimes}: only instructions every one of
     * them supports (by group, then by op), loops only when every one accepts backward jumps, and
     * offsets added to pointers (not pointers to offsets) when one refuses {@code scalar += pointer}.
     */
    public static Generator.Config generatorConfig(List<Runtime> runtimes, Set<Group> groups, CpuVersion cpu, int maxUnits, boolean allowMissingExit) {
        Capabilities common = Capabilities.common(runtimes.stream().map(Runtime::capabilities).toList()).within(groups);
        return new Generator.Config(common, cpu, maxUnits, allowMissingExit);
    }

    public CampaignConfig config() {
        return config;
    }

    public long seed() {
        return state.seed();
    }

    /** Where this run starts: 0 for a new campaign, the saved watermark for a resumed one. */
    public long resumedAt() {
        return state.watermark();
    }

    public Generator generator() {
        return generator;
    }

    public Corpus corpus() {
        return corpus;
    }

    /** Number of corpus programs loaded for mutation. */
    public int corpusSize() {
        return corpus.size();
    }

    /** ISA coverage of the cases run by workers of this JVM (the single-node campaign). */
    public IsaCoverage coverage() {
        return coverage;
    }

    public BatchQueue queue() {
        return queue;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Asks the campaign to stop after the batches in flight (Ctrl-C). */
    public void stop() {
        queue.stop();
    }

    /** Stops issuing when the duration is over; true when the campaign is finished. */
    public boolean finished(long now) {
        if (now - deadline >= 0) queue.stop();
        return queue.finished();
    }

    /**
     * Takes a worker's result for part (start, end, runtimes): counters once per part, findings always
     * (the store counts a case once per finding); of a part already done (its lease expired and
     * another worker ran it too) only findings not yet stored, whose sightings were counted with
     * it. Returns whether the counters counted.
     */
    public boolean absorb(long start, long end, List<String> runtimes, Tally t) throws IOException {
        long divs = t.divergences().values().stream().mapToLong(Long::longValue).sum();
        boolean again = queue.isDuplicate(start, end, runtimes);
        for (FindingStore.Report r : t.findings()) {
            if (again && store.has(r.title())) continue;
            metrics.sighting(r.title());
            if (store.record(r)) {
                newFindings.incrementAndGet();
                metrics.newFinding();
            }
        }
        BatchQueue.Result counted = queue.complete(start, end, runtimes, t.programs(), t.executions(), divs);
        if (counted == BatchQueue.Result.DUPLICATE) return false;
        if (t.pathInputs() != null && pathCorpus.keep(t.pathInputs())) keptPrograms++;
        if (counted == BatchQueue.Result.COUNTED) {
            programs.add(t.programs());
            metrics.generated(t.programs());
            executions.add(t.executions());
            paths.add(t.paths());
            multiPath.add(t.multiPathPrograms());
            metrics.inputs(t.executions(), t.paths());
            t.csmith().forEach((k, n) -> { // programs/BUCKET, builds/CC -O/BUCKET: once per batch, as programs
                String bucket = k.substring(k.lastIndexOf('/') + 1);
                if (k.startsWith("programs/")) {
                    metrics.csmithPrograms(bucket, n);
                    csmithPrograms.computeIfAbsent(bucket, x -> new LongAdder()).add(n);
                } else {
                    metrics.csmithBuilds(k.substring(k.indexOf('/') + 1, k.lastIndexOf('/')), bucket, n);
                }
            });
        }
        divergences.add(divs);
        t.executed().forEach((rt, n) -> {
            metrics.executed(rt, n, t.executions());
            perRuntime.computeIfAbsent(rt, k -> new LongAdder()).add(n);
        });
        t.divergences().forEach(metrics::divergence);
        t.deviations().forEach((k, n) -> metrics.deviation(k.substring(0, k.indexOf('/')), k.substring(k.indexOf('/') + 1), n));
        t.verifierRuns().forEach((k, n) -> verifierRuns.computeIfAbsent(k, x -> new LongAdder()).add(n));
        t.verifierAccepts().forEach((k, n) -> verifierAccepts.computeIfAbsent(k, x -> new LongAdder()).add(n));
        t.litmusObservations().forEach((k, n) -> {
            String[] f = k.split("/", 3); // runtime/verdict/observation; a runtime name has no '/'
            metrics.litmus(f[0], f[1], f[2], n);
        });
        t.oracle().forEach((k, n) -> {
            metrics.oracle(k.substring(0, k.indexOf('/')), k.substring(k.indexOf('/') + 1), n);
            oracle.computeIfAbsent(k, x -> new LongAdder()).add(n);
        });
        t.falseRejections().forEach((k, n) -> metrics.falseRejection(k.substring(0, k.indexOf('/')), k.substring(k.indexOf('/') + 1), n));
        t.guests().forEach((k, n) -> {
            metrics.guests(k.substring(0, k.lastIndexOf('/')), k.substring(k.lastIndexOf('/') + 1), n);
            guests.computeIfAbsent(k, x -> new LongAdder()).add(n);
        });
        t.litmusIterations().forEach((rt, n) -> {
            metrics.litmusIterations(rt, n);
            litmusIterations.computeIfAbsent(rt, k -> new LongAdder()).add(n);
        });
        return true;
    }

    /** Counts first: the watermark must not pass sightings not yet written. */
    public void checkpoint() throws IOException {
        store.flush();
        state.save();
    }

    /** The last checkpoint, and the coverage report of this JVM's cases in WORKDIR/coverage.txt. */
    public Summary finish() throws IOException {
        checkpoint();
        AtomicFiles.write(config.workdir().resolve("coverage.txt"), coverageReport());
        return new Summary(programs.sum(), executions.sum(), paths.sum(), multiPath.sum(), divergences.sum(), store.list().size(), (int) newFindings.get(), (System.nanoTime() - started) / 1e9,
                verifierAcceptance().replaceFirst("^ \\| ", ""), keptPrograms, pathCorpus.keptInputs(), verifierOracle(), guests());
    }

    /** Programs of every batch done, this run and before (the durable count). */
    public long totalPrograms() {
        return state.programs();
    }

    /** Rates average over this much of the past: a slow runtime finishes a batch every 20 s or so. */
    static final long RATE_WINDOW_NANOS = 60_000_000_000L;

    /** Counts at a progress line (programs, then per runtime), for rates over {@link #RATE_WINDOW_NANOS}. */
    private record Sample(long nanos, long programs, long executions, Map<String, Long> perRuntime) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(List.of(new Sample(started, 0, 0, Map.of())));

    /**
     * The progress line: programs, rates per runtime (averaged over the last minute, or since the
     * start when shorter: the last 2 s alone showed 0/s between the batches of a DPDK campaign),
     * divergences, findings. Called by one thread.
     */
    public String progressLine(String extra) throws IOException {
        long now = System.nanoTime();
        while (samples.size() > 1 && now - samples.peekFirst().nanos() > RATE_WINDOW_NANOS) samples.removeFirst();
        Sample since = samples.peekFirst();
        double dt = Math.max((now - since.nanos()) / 1e9, 1e-9);
        long p = programs.sum();
        boolean litmus = config.litmus() != null, csmith = config.csmith() != null;
        StringBuilder sb = new StringBuilder(csmith ? String.format("[%s] %,d C programs (%,.2f/s)", clock((now - started) / 1e9), p, (p - since.programs()) / dt)
                : String.format("[%s] %,d %s (%,.0f/s)", clock((now - started) / 1e9), p, litmus ? "litmus tests" : "programs", (p - since.programs()) / dt));
        if (csmith) sb.append(" | ").append(csmithBuckets());
        // litmus campaigns: iterations per second per runtime; else programs per second per runtime
        Map<String, Long> per = new LinkedHashMap<>();
        for (Map.Entry<String, LongAdder> e : (litmus ? litmusIterations : perRuntime).entrySet()) {
            long v = e.getValue().sum();
            if (csmith) { // runs per runtime are builds, shown by bucket instead
                per.put(e.getKey(), v);
                continue;
            }
            sb.append(String.format(" %s %,.0f%s/s", e.getKey(), (v - since.perRuntime().getOrDefault(e.getKey(), 0L)) / dt, litmus ? " it" : ""));
            per.put(e.getKey(), v);
        }
        long e = executions.sum();
        if (!litmus && config.inputs() > 1) {
            sb.append(String.format(" | executions %,d (%,.0f/s), %.2f paths a program", e, (e - since.executions()) / dt, p == 0 ? 0.0 : paths.sum() / (double) p));
        }
        sb.append(String.format(" | divergences %,d | findings %d (new %d)", divergences.sum(), store.list().size(), newFindings.get()));
        sb.append(verifierAcceptance());
        if (extra != null) sb.append(extra);
        samples.addLast(new Sample(now, p, e, per));
        return sb.toString();
    }

    /**
     * {@code | verifier accepts kernel 96.3% (generated 99.9%)}: per kernel runtime, the share of all
     * programs it accepted and of the generated ones (corpus mutants may read registers they never wrote).
     */
    public String verifierAcceptance() {
        Map<String, long[]> per = new java.util.TreeMap<>(); // runtime -> runs, accepts, generated runs, generated accepts
        verifierRuns.forEach((k, n) -> {
            long[] v = per.computeIfAbsent(k.substring(0, k.lastIndexOf('/')), x -> new long[4]);
            long a = verifierAccepts.getOrDefault(k, new LongAdder()).sum();
            v[0] += n.sum();
            v[1] += a;
            if (k.endsWith("/generated")) {
                v[2] += n.sum();
                v[3] += a;
            }
        });
        if (per.isEmpty()) return "";
        StringBuilder sb = new StringBuilder(" | verifier accepts");
        per.forEach((rt, v) -> sb.append(String.format(" %s %.1f%% (generated %.1f%%)", rt, 100.0 * v[1] / Math.max(v[0], 1), 100.0 * v[3] / Math.max(v[2], 1))));
        return sb.toString();
    }

    /**
     * {@code verifier oracle kernel: 200 checks (1,234 states, 5.1 MB of logs), 0 unreadable, 0 findings}: per
     * kernel runtime it checked (the name up to the first '/' of the key: runtime names have none); "" when it
     * checked none.
     */
    public String verifierOracle() {
        Map<String, Map<String, Long>> per = new java.util.TreeMap<>();
        oracle.forEach((k, n) -> per.computeIfAbsent(k.substring(0, k.indexOf('/')), x -> new java.util.TreeMap<>()).merge(k.substring(k.indexOf('/') + 1), n.sum(), Long::sum));
        StringBuilder sb = new StringBuilder();
        per.forEach((rt, c) -> {
            long findings = c.entrySet().stream().filter(e -> e.getKey().startsWith("findings/")).mapToLong(Map.Entry::getValue).sum();
            sb.append(sb.isEmpty() ? "verifier oracle" : ";").append(String.format(" %s: %,d checks (%,d states, %.1f MB of logs), %,d unreadable, %,d findings",
                    rt, c.getOrDefault("checks", 0L), c.getOrDefault("states", 0L), c.getOrDefault("log_bytes", 0L) / 1e6, c.getOrDefault("unreadable", 0L), findings));
            c.forEach((k, n) -> {
                if (k.startsWith("findings/")) sb.append(String.format(" (%s %,d)", k.substring("findings/".length()), n));
            });
        });
        return sb.toString();
    }

    /**
     * {@code guests vm:arm64-6.1:jit: 2 restarts, 1 kernel crash}: per VM runtime whose guests were replaced
     * or crashed in this run; "" when none was.
     */
    public String guests() {
        Map<String, long[]> per = new java.util.TreeMap<>();
        guests.forEach((k, n) -> per.computeIfAbsent(k.substring(0, k.lastIndexOf('/')), x -> new long[2])[k.endsWith("/restarts") ? 0 : 1] += n.sum());
        StringBuilder sb = new StringBuilder();
        per.forEach((rt, v) -> sb.append(sb.isEmpty() ? "guests" : ";").append(String.format(" %s: %,d restart%s, %,d kernel crash%s", rt, v[0],
                v[0] == 1 ? "" : "s", v[1], v[1] == 1 ? "" : "es")));
        return sb.toString();
    }

    /**
     * csmith campaigns: this run's C programs per bucket, every bucket named ({@code agree 12, compiler-divergent 0, ...});
     * they sum to the programs counted.
     */
    public String csmithBuckets() {
        StringBuilder sb = new StringBuilder();
        for (var b : org.crosscheck.coordinator.csmith.Csmith.ProgramBucket.all()) {
            long n = csmithPrograms.getOrDefault(b.id(), new LongAdder()).sum();
            sb.append(sb.isEmpty() ? "" : ", ").append(b.label()).append(' ').append(String.format("%,d", n));
        }
        return sb.toString();
    }

    private static String clock(double seconds) {
        long s = (long) seconds;
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** The coverage cells not yet reached, one per line (written to WORKDIR/coverage.txt at the end). */
    public String coverageReport() {
        StringBuilder sb = new StringBuilder("# ISA coverage of this run: cells (op/edge class) the reference has executed\n");
        for (Group g : Group.values()) {
            int[] c = coverage.count(g, generator.config()::allows);
            if (c[1] > 0) sb.append(String.format("%-9s %4d / %4d cells%n", g.id(), c[0], c[1]));
        }
        sb.append("# not reached:\n");
        for (String m : coverage.missing(generator.config()::allows)) sb.append(m).append('\n');
        return sb.toString();
    }
}
