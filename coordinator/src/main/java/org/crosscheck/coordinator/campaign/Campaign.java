package org.crosscheck.coordinator.campaign;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.crosscheck.coordinator.compare.Comparator;
import org.crosscheck.coordinator.compare.Deviations;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.compare.Title;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.coverage.IsaCoverage;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.minimize.Minimizer;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * A campaign on one machine: threads pull batches of case indices, generate each case, run it on
 * every runtime, compare with the reference, and turn divergences into findings (minimized,
 * titled, stored). Progress and counters are checkpointed so a campaign resumes where it stopped.
 */
public final class Campaign {
    /** What happened, for the caller's summary. */
    public record Summary(long programs, long divergences, int findings, int newFindings, double seconds) {}

    private final CampaignConfig config;
    private final List<Runtime> runtimes;
    private final Generator generator;
    private final FindingStore store;
    private final Metrics metrics;
    private final CampaignState state;
    private final Limits limits;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final LongAdder programs = new LongAdder();
    private final LongAdder divergences = new LongAdder();
    private final Map<String, LongAdder> perRuntime = new ConcurrentHashMap<>();
    private final LongAdder verifierRuns = new LongAdder(), verifierAccepts = new LongAdder();
    private final AtomicLong newFindings = new AtomicLong();
    /** One case in COVERAGE_SAMPLE runs again on a tracing interpreter to record ISA coverage. */
    private static final int COVERAGE_SAMPLE = 16;
    private final IsaCoverage coverage = new IsaCoverage();
    private final Interpreter coverageInterp = new Interpreter();
    private final Corpus corpus;
    /** Titles known per signature, with the ops that name them: attributes repeats without minimizing again. */
    private final Map<String, Map<String, Set<Op>>> titlesBySignature = new ConcurrentHashMap<>();

    public Campaign(CampaignConfig config, List<Runtime> runtimes, FindingStore store, Metrics metrics) throws IOException {
        this.config = config;
        this.limits = new Limits(Limits.DEFAULT_BUDGET, config.timeoutMillis());
        this.runtimes = List.copyOf(runtimes);
        this.store = store;
        this.metrics = metrics;
        this.state = CampaignState.open(config.workdir(), config.seed() == Long.MIN_VALUE ? null : config.seed());
        // the generator only uses instructions every selected runtime supports (by group, then by op),
        // and loops only when every runtime accepts backward jumps
        Set<Op> excluded = EnumSet.noneOf(Op.class);
        Set<Group> groups = EnumSet.copyOf(config.groups());
        boolean loops = true;
        for (Runtime r : runtimes) {
            groups.retainAll(r.groups());
            excluded.addAll(r.unsupportedOps());
            loops &= r.loops();
        }
        groups.add(Group.BASE32);
        this.generator = new Generator(new Generator.Config(groups, config.cpu(), excluded, config.maxUnits(), loops, config.allowMissingExit()));
        for (Runtime r : runtimes) perRuntime.put(r.name(), new LongAdder());
        metrics.gauge("crosscheck_findings", "Findings stored in the workdir", Map.of(), () -> {
            try {
                return store.list().size();
            } catch (IOException e) {
                return -1;
            }
        });
        long started = System.nanoTime();
        metrics.gauge("crosscheck_campaign_uptime_seconds", "Seconds since the campaign started", Map.of(),
                () -> (System.nanoTime() - started) / 1e9);
        for (Group g : Group.values()) {
            metrics.gauge("crosscheck_isa_coverage_ratio", "Share of a group's (instruction, operand, edge class) cells the reference has run",
                    Map.of("group", g.id()), () -> {
                        int[] c = coverage.count(g, generator.config()::allows);
                        return c[1] == 0 ? 0 : (double) c[0] / c[1];
                    });
            metrics.gauge("crosscheck_isa_coverage_cells", "Cells of a group the reference has run",
                    Map.of("group", g.id()), () -> coverage.count(g, generator.config()::allows)[0]);
        }
        this.corpus = Corpus.load(config.corpusDirs(), generator.config(), msg -> System.err.println("crosscheck: " + msg));
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

    /** Asks the campaign to stop after the batches in flight (Ctrl-C). */
    public void stop() {
        stop.set(true);
    }

    public Summary run(PrintStream progress) throws InterruptedException, IOException {
        long start = System.nanoTime();
        long deadline = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int t = 0; t < config.threads(); t++) {
            Thread th = Thread.ofPlatform().name("campaign-" + t).start(() -> {
                try {
                    work(deadline);
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                    stop.set(true);
                }
            });
            threads.add(th);
        }
        long lastLine = System.nanoTime(), lastPrograms = 0, lastSave = System.nanoTime();
        Map<String, Long> lastPer = new LinkedHashMap<>();
        while (threads.stream().anyMatch(Thread::isAlive)) {
            for (Thread th : threads) th.join(200);
            long now = System.nanoTime();
            if (now - lastSave > 5_000_000_000L) {
                store.flush(); // counts first: the watermark must not pass sightings not yet written
                state.save();
                lastSave = now;
            }
            if (progress != null && now - lastLine >= 2_000_000_000L) {
                double dt = (now - lastLine) / 1e9;
                long p = programs.sum();
                StringBuilder sb = new StringBuilder(String.format("[%s] %,d programs (%,.0f/s)", clock((now - start) / 1e9), p, (p - lastPrograms) / dt));
                for (Map.Entry<String, LongAdder> e : perRuntime.entrySet()) {
                    long v = e.getValue().sum();
                    sb.append(String.format(" %s %,.0f/s", e.getKey(), (v - lastPer.getOrDefault(e.getKey(), 0L)) / dt));
                    lastPer.put(e.getKey(), v);
                }
                sb.append(String.format(" | divergences %,d | findings %d (new %d)", divergences.sum(), store.list().size(), newFindings.get()));
                long vr = verifierRuns.sum();
                if (vr > 0) sb.append(String.format(" | verifier accepts %.1f%%", 100.0 * verifierAccepts.sum() / vr));
                progress.println(sb);
                lastLine = now;
                lastPrograms = p;
            }
        }
        store.flush();
        state.save();
        org.crosscheck.coordinator.findings.AtomicFiles.write(config.workdir().resolve("coverage.txt"), coverageReport());
        if (!errors.isEmpty()) {
            Throwable e = errors.get(0);
            throw new IOException("campaign worker failed: " + e, e);
        }
        return new Summary(programs.sum(), divergences.sum(), store.list().size(), (int) newFindings.get(), (System.nanoTime() - start) / 1e9);
    }

    private static String clock(double seconds) {
        long s = (long) seconds;
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private void work(long deadline) throws IOException {
        while (!stop.get() && System.nanoTime() < deadline) {
            if (config.maxPrograms() > 0 && programs.sum() >= config.maxPrograms()) return;
            long[] batch = state.issue(config.batchSize());
            long found = 0;
            for (long i = batch[0]; i < batch[1]; i++) found += runCase(next(i));
            state.done(batch[0], batch[1], batch[1] - batch[0], found);
        }
    }

    /** Case i: a mutant of a corpus program (a fifth of the time, when there is a corpus) or a new program. */
    Generator.Case next(long i) {
        if (corpus.size() > 0) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(state.seed() * 31 + i ^ 0x5DEECE66DL);
            if (rnd.nextInt(5) == 0) {
                Corpus.Entry e = corpus.mutate(rnd, generator.config());
                return new Generator.Case(state.seed(), i, e.program(), e.memory(), true);
            }
        }
        return generator.generate(state.seed(), i);
    }

    /** Number of corpus programs loaded for mutation. */
    public int corpusSize() {
        return corpus.size();
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

    /** Runs one case everywhere; returns the number of divergences. */
    int runCase(Generator.Case c) throws IOException {
        metrics.generated();
        Map<String, Outcome> outcomes = runAll(c.program(), c.memory(), runtimes);
        programs.increment();
        if (c.index() % COVERAGE_SAMPLE == 0) coverageInterp.trace(c.program(), c.memory(), limits, coverage.tracer(c.program()));
        List<Divergence> ds = Comparator.compare(config.reference(), outcomes);
        for (Divergence d : ds) {
            if (c.mutated() && d.kind() == Divergence.Kind.VERIFIER && d.outcomes().get(d.reference()) instanceof Outcome.Returned) {
                // mutation keeps a program's shape, not what the verifier can prove about it: a documented deviation
                for (String rt : d.odd()) metrics.deviation(rt, "verifier-rejects-mutated-corpus-program");
                continue;
            }
            d = withoutDeviations(c.program(), c.memory(), d, true);
            if (d == null) continue;
            divergences.increment();
            metrics.divergence(d.kind().name().toLowerCase());
            report(c, d);
        }
        return ds.size();
    }

    /** The divergence without the runtimes a declared deviation explains (counted), or null when none is left. */
    private Divergence withoutDeviations(Program p, byte[] memory, Divergence d, boolean count) {
        List<String> odd = new ArrayList<>();
        Outcome ref = d.outcomes().get(d.reference());
        for (String rt : d.odd()) {
            Deviations.Deviation dev = Deviations.explain(rt, p, memory, ref, d.outcomes().get(rt));
            if (dev == null) odd.add(rt);
            else if (count) metrics.deviation(rt, dev.id());
        }
        if (odd.isEmpty()) return null;
        return odd.size() == d.odd().size() ? d : new Divergence(d.kind(), d.detail(), List.copyOf(odd), d.reference(), d.outcomes());
    }

    private static Set<Op> opsOf(Program p) {
        Set<Op> s = EnumSet.noneOf(Op.class);
        for (var i : p.insns()) s.add(i.op());
        return s;
    }

    private Map<String, Outcome> runAll(Program p, byte[] memory, List<Runtime> which) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Runtime r : which) {
            long t0 = System.nanoTime();
            Outcome o = r.run(p, memory, limits);
            metrics.executed(r.name(), o, System.nanoTime() - t0);
            LongAdder a = perRuntime.get(r.name());
            if (a != null) a.increment();
            if (!r.name().equals(config.reference()) && r.name().startsWith("kernel")) {
                verifierRuns.increment();
                if (!(o instanceof Outcome.Rejected)) verifierAccepts.increment();
            }
            outcomes.put(r.name(), o);
        }
        return outcomes;
    }

    /** Attributes a divergence to a known title when its program has that title's instructions, else minimizes. */
    private void report(Generator.Case c, Divergence d) throws IOException {
        String caseId = state.seed() + ":" + c.index();
        Map<String, Set<Op>> known = titlesBySignature.computeIfAbsent(d.signature(), k -> new ConcurrentHashMap<>());
        Set<Op> ops = opsOf(c.program());
        for (Map.Entry<String, Set<Op>> t : known.entrySet()) {
            if (ops.containsAll(t.getValue())) {
                store.record(report(t.getKey(), d, c, c.program(), c.memory(), d.outcomes(), caseId, false));
                metrics.sighting(t.getKey());
                return;
            }
        }
        List<Runtime> involved = new ArrayList<>();
        for (Runtime r : runtimes) if (r.name().equals(d.reference()) || d.odd().contains(r.name())) involved.add(r);
        Minimizer m = new Minimizer((p, mem) -> {
            for (Divergence e : Comparator.compare(d.reference(), runAll(p, mem, involved))) {
                e = withoutDeviations(p, mem, e, false);
                if (e != null && e.signature().equals(d.signature())) return true;
            }
            return false;
        }, 3000, 10_000);
        Minimizer.Case small = m.minimize(c.program(), c.memory());
        Map<String, Outcome> smallOutcomes = runAll(small.program(), small.memory(), involved);
        String title = Title.of(d, small.program());
        known.put(title, Title.culprits(small.program()));
        metrics.sighting(title);
        if (store.record(report(title, d, c, small.program(), small.memory(), smallOutcomes, caseId, true))) {
            newFindings.incrementAndGet();
            metrics.newFinding();
        }
    }

    private FindingStore.Report report(String title, Divergence d, Generator.Case c, Program repro, byte[] reproMemory,
            Map<String, Outcome> outcomes, String caseId, boolean minimized) {
        Set<Op> culprits = Title.culprits(repro);
        String group = culprits.isEmpty() ? "" : culprits.iterator().next().group.id();
        return new FindingStore.Report(title, d.kind().label, d.odd(), d.reference(), group, c.program(), c.memory(),
                repro, reproMemory, outcomes, caseId, c.seed(), c.index(), Generator.VERSION, minimized);
    }
}
