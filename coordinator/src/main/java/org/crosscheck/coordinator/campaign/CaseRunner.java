package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.crosscheck.coordinator.compare.Comparator;
import org.crosscheck.coordinator.compare.Deviations;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.compare.Title;
import org.crosscheck.coordinator.coverage.IsaCoverage;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.minimize.Minimizer;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.repro.CRepro;
import org.crosscheck.runtime.repro.Releases;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * What a worker does with a batch: generates each case (or mutates a corpus program), runs it on the
 * batch's runtimes, compares with the reference, and turns divergences into titled, minimized finding
 * reports. Deterministic in (seed, index), so any node computes the same cases. Thread-safe: the
 * worker's threads share one runner, each batch has its own {@link Tally}.
 */
public final class CaseRunner implements BatchRunner {
    /** The counters and finding reports of one batch: what the worker sends to the coordinator. */
    public static final class Tally {
        public long programs;
        public final Map<String, Long> executed = new TreeMap<>();
        public final Map<String, Long> divergences = new TreeMap<>();
        /** "runtime/deviation id" -> count */
        public final Map<String, Long> deviations = new TreeMap<>();
        /** Programs a kernel verifier judged and accepted, by "runtime/generated" and "runtime/mutant". */
        public final Map<String, Long> verifierRuns = new TreeMap<>(), verifierAccepts = new TreeMap<>();
        public final List<FindingStore.Report> findings = new ArrayList<>();
        /** Litmus campaigns: "runtime/verdict/observation" -> tests, and iterations per runtime. */
        public final Map<String, Long> litmusObservations = new TreeMap<>(), litmusIterations = new TreeMap<>();
        /**
         * Titles known per signature in this batch, with the ops that name them: attributes repeats without
         * minimizing again. Per batch, so that a case's title depends on its batch alone, never on which
         * thread or worker ran what before: a campaign finds the same findings on one node or fifty.
         */
        final Map<String, Map<String, Set<Op>>> titlesBySignature = new java.util.HashMap<>();

        public void deviation(String runtime, String id) {
            deviations.merge(runtime + "/" + id, 1L, Long::sum);
        }
    }

    /** Cases generated and announced to the runtimes at once ({@link Runtime#prepare}: the JIT compiles them together). */
    private static final int PREPARE = 64;

    /** One case in COVERAGE_SAMPLE runs again on a tracing interpreter to record ISA coverage. */
    private static final int COVERAGE_SAMPLE = 16;

    private final long seed;
    private final String reference;
    private final Map<String, Runtime> runtimes = new LinkedHashMap<>();
    private final Generator generator;
    private final Corpus corpus;
    private final Metrics metrics;
    private final IsaCoverage coverage;
    private final Interpreter coverageInterp = new Interpreter();
    private final long timeoutMillis;
    /**
     * Per set of runtimes: the divergences each corpus program shows itself, by source and signature,
     * minimized once ({@link #corpusTitles}).
     */
    private final Map<List<String>, Map<String, Map<String, Minimized>>> corpusTitles = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong minimizations = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Instruction budget of a mutated corpus program. Mutation leaves loop counters alone, so a mutant
     * ends within about a thousand instructions, as its seed does; the budget is a safety net (before,
     * 1.1% of the mutants of ./corpus looped, and at the default million they spent half a campaign's
     * time; a budget trap is the same outcome at 100,000).
     */
    public static final long MUTANT_BUDGET = 100_000;

    /**
     * {@code metrics} gets this node's per-run detail (outcome kinds, run times); campaign totals travel in
     * tallies. {@code timeoutMillis} bounds one run on an external runtime.
     */
    public CaseRunner(long seed, String reference, List<Runtime> runtimes, Generator.Config config, Corpus corpus, Metrics metrics,
            IsaCoverage coverage, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.seed = seed;
        this.reference = reference;
        for (Runtime r : runtimes) this.runtimes.put(r.name(), r);
        if (!this.runtimes.containsKey(reference)) throw new IllegalArgumentException("no reference runtime " + reference);
        this.generator = new Generator(config);
        this.corpus = corpus;
        this.metrics = metrics;
        this.coverage = coverage;
    }

    public Generator generator() {
        return generator;
    }

    @Override
    public Tally run(long start, long end, List<String> names) {
        List<Runtime> which = new ArrayList<>();
        for (String n : names) {
            Runtime r = runtimes.get(n);
            if (r == null) throw new IllegalArgumentException("this node has no runtime " + n);
            which.add(r);
        }
        Tally t = new Tally();
        for (long from = start; from < end; from += PREPARE) {
            List<Generator.Case> cases = new ArrayList<>();
            for (long i = from; i < Math.min(end, from + PREPARE); i++) cases.add(next(i));
            List<Program> programs = cases.stream().map(Generator.Case::program).toList();
            for (Runtime r : which) r.prepare(programs);
            for (Generator.Case c : cases) runCase(c, which, t);
        }
        return t;
    }

    Generator.Case next(long i) {
        return caseOf(seed, i, generator, corpus);
    }

    /** Case i of a campaign: a mutant of a corpus program (a fifth of the time, when there is a corpus) or a new program. */
    public static Generator.Case caseOf(long seed, long i, Generator generator, Corpus corpus) {
        if (corpus.size() > 0) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed * 31 + i ^ 0x5DEECE66DL);
            if (rnd.nextInt(5) == 0) {
                Corpus.Entry e = corpus.mutate(rnd, generator.config());
                return new Generator.Case(seed, i, e.program(), e.memory(), e.source());
            }
        }
        return generator.generate(seed, i);
    }

    /** The instruction budget of a case's runs: {@link #MUTANT_BUDGET} for a mutant. */
    public static Limits limits(Generator.Case c, long timeoutMillis) {
        return new Limits(c.mutated() ? MUTANT_BUDGET : Limits.DEFAULT_BUDGET, timeoutMillis);
    }

    /** Runs one case everywhere; returns the number of divergences. */
    int runCase(Generator.Case c, List<Runtime> which, Tally tally) {
        Map<String, Outcome> outcomes = runAll(c.program(), c.memory(), which, tally, limits(c));
        countVerdicts(c, outcomes, tally);
        tally.programs++;
        if (coverage != null && c.index() % COVERAGE_SAMPLE == 0) {
            IsaCoverage.Run run = coverage.tracer(c.program());
            coverageInterp.trace(c.program(), c.memory(), limits(c), run);
            run.commit();
        }
        List<Divergence> ds = Comparator.compare(reference, outcomes);
        for (Divergence d : unexplained(c, ds, tally)) {
            tally.divergences.merge(d.kind().name().toLowerCase(), 1L, Long::sum);
            report(c, d, which, tally);
        }
        return ds.size();
    }

    /** The divergences no documented deviation explains (those it does are counted in {@code tally} when not null). */
    private static List<Divergence> unexplained(Generator.Case c, List<Divergence> ds, Tally tally) {
        List<Divergence> out = new ArrayList<>();
        for (Divergence d : ds) {
            if (c.mutated() && d.kind() == Divergence.Kind.VERIFIER && d.outcomes().get(d.reference()) instanceof Outcome.Returned) {
                // mutation keeps a program's shape, not what the verifier can prove about it: a documented deviation
                if (tally != null) for (String rt : d.odd()) tally.deviation(rt, "verifier-rejects-mutated-corpus-program");
                continue;
            }
            d = withoutDeviations(c.program(), c.memory(), d, tally);
            if (d != null) out.add(d);
        }
        return out;
    }

    /**
     * The titles of the divergences that the corpus programs show themselves on {@code which}: its
     * reproducers' bugs. Computed once per set of runtimes, the same on every node (they are the
     * campaign's corpus and runtimes), so attributing by them keeps a case's title independent of
     * the cluster's layout.
     */
    private Map<String, Map<String, Minimized>> corpusTitles(List<Runtime> which) {
        return corpusTitles.computeIfAbsent(which.stream().map(Runtime::name).toList(), names -> {
            Map<String, Map<String, Minimized>> bySource = new java.util.HashMap<>();
            for (Corpus.Entry e : corpus.entries()) {
                Generator.Case c = new Generator.Case(seed, -1, e.program(), e.memory(), e.source());
                for (Divergence d : unexplained(c, Comparator.compare(reference, runAll(c.program(), c.memory(), which, null, limits(c))), null)) {
                    bySource.computeIfAbsent(e.source(), s -> new LinkedHashMap<>()).putIfAbsent(d.signature(), minimize(c, d, which));
                }
            }
            return bySource;
        });
    }

    /**
     * The divergence without the runtimes a declared deviation explains (counted in {@code tally} when
     * not null), or null when none is left.
     */
    private static Divergence withoutDeviations(Program p, byte[] memory, Divergence d, Tally tally) {
        List<String> odd = new ArrayList<>();
        Outcome ref = d.outcomes().get(d.reference());
        for (String rt : d.odd()) {
            Deviations.Deviation dev = Deviations.explain(rt, p, memory, ref, d.outcomes().get(rt));
            if (dev == null) odd.add(rt);
            else if (tally != null) tally.deviation(rt, dev.id());
        }
        if (odd.isEmpty()) return null;
        return odd.size() == d.odd().size() ? d : new Divergence(d.kind(), d.detail(), List.copyOf(odd), d.reference(), d.outcomes());
    }

    private static Set<Op> opsOf(Program p) {
        Set<Op> s = EnumSet.noneOf(Op.class);
        for (var i : p.insns()) s.add(i.op());
        return s;
    }

    /** Runs on each runtime; {@code tally} null for the minimizer's runs (not counted as campaign programs). */
    private Limits limits(Generator.Case c) {
        return limits(c, timeoutMillis);
    }

    private Map<String, Outcome> runAll(Program p, byte[] memory, List<Runtime> which, Tally tally, Limits limits) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Runtime r : which) {
            long t0 = System.nanoTime();
            Outcome o = r.run(p, memory, limits);
            metrics.ran(r.name(), o, System.nanoTime() - t0);
            if (tally != null) {
                tally.executed.merge(r.name(), 1L, Long::sum);
            }
            outcomes.put(r.name(), o);
        }
        return outcomes;
    }

    /** Counts each kernel verifier's verdicts, apart for generated programs and corpus mutants. */
    private void countVerdicts(Generator.Case c, Map<String, Outcome> outcomes, Tally tally) {
        outcomes.forEach((name, o) -> {
            if (name.equals(reference) || !name.startsWith("kernel") || o instanceof Outcome.Unsupported) return;
            String key = name + (c.mutated() ? "/mutant" : "/generated");
            tally.verifierRuns.merge(key, 1L, Long::sum);
            if (!(o instanceof Outcome.Rejected)) tally.verifierAccepts.merge(key, 1L, Long::sum);
        });
    }

    /**
     * Attributes a divergence to a known title, else minimizes: a mutant of a corpus program that
     * diverges as the program itself does, and still has the ops that name that divergence, has its
     * title; any case with the ops of a title found earlier in the batch with the same signature has
     * that one.
     */
    private void report(Generator.Case c, Divergence d, List<Runtime> which, Tally tally) {
        String caseId = seed + ":" + c.index();
        Set<Op> ops = opsOf(c.program());
        if (c.mutated()) {
            Minimized k = corpusTitles(which).getOrDefault(c.origin(), Map.of()).get(d.signature());
            if (k != null && ops.containsAll(k.culprits())) { // with the reproducer's minimized program
                tally.findings.add(report(k.title(), d, c, k.small().program(), k.small().memory(), k.outcomes(), caseId, true));
                return;
            }
        }
        Map<String, Set<Op>> known = tally.titlesBySignature.computeIfAbsent(d.signature(), k -> new LinkedHashMap<>());
        for (Map.Entry<String, Set<Op>> t : known.entrySet()) {
            if (ops.containsAll(t.getValue())) {
                tally.findings.add(report(t.getKey(), d, c, c.program(), c.memory(), d.outcomes(), caseId, false));
                return;
            }
        }
        Minimized m = minimize(c, d, which);
        known.put(m.title(), m.culprits());
        tally.findings.add(report(m.title(), d, c, m.small().program(), m.small().memory(), m.outcomes(), caseId, true));
    }

    /** Minimizations so far (for tests: what attribution saves). */
    long minimizations() {
        return minimizations.get();
    }

    /** A minimized reproducer with its outcomes, the title it names and the ops that name it. */
    private record Minimized(Minimizer.Case small, Map<String, Outcome> outcomes, String title, Set<Op> culprits) {}

    /**
     * Shrinks the case while it keeps the divergence's signature and the reference's way of ending
     * (returned, or the same trap), re-running only the runtimes involved. Why the latter: a DPDK
     * JIT crash on jset otherwise minimized to a program without its exit, on which DPDK's loader
     * crashes for another reason (and the reference traps for falling off the end).
     */
    private Minimized minimize(Generator.Case c, Divergence d, List<Runtime> which) {
        minimizations.incrementAndGet();
        List<Runtime> involved = new ArrayList<>();
        for (Runtime r : which) if (r.name().equals(d.reference()) || d.odd().contains(r.name())) involved.add(r);
        String ending = ending(d.outcomes().get(d.reference()));
        Minimizer m = new Minimizer((p, mem) -> {
            Map<String, Outcome> outcomes = runAll(p, mem, involved, null, limits(c));
            if (!ending(outcomes.get(d.reference())).equals(ending)) return false;
            for (Divergence e : Comparator.compare(d.reference(), outcomes)) {
                e = withoutDeviations(p, mem, e, null);
                if (e != null && e.signature().equals(d.signature())) return true;
            }
            return false;
        }, 3000, 10_000);
        Minimizer.Case small = m.minimize(c.program(), c.memory());
        Map<String, Outcome> smallOutcomes = runAll(small.program(), small.memory(), involved, null, limits(c));
        return new Minimized(small, smallOutcomes, Title.of(d, small.program()), Title.culprits(small.program()));
    }

    /** How a run ended, for minimization: "returned", the trap's kind, or the outcome's type. */
    static String ending(Outcome o) {
        return switch (o) {
            case Outcome.Returned r -> "returned";
            case Outcome.Trapped t -> "trap " + t.kind();
            case null -> "none";
            default -> o.getClass().getSimpleName();
        };
    }

    private FindingStore.Report report(String title, Divergence d, Generator.Case c, Program repro, byte[] reproMemory,
            Map<String, Outcome> outcomes, String caseId, boolean minimized) {
        Set<Op> culprits = Title.culprits(repro);
        String group = culprits.isEmpty() ? "" : culprits.iterator().next().group.id();
        return new FindingStore.Report(title, d.kind().label, d.odd(), d.reference(), group, c.program(), c.memory(),
                repro, reproMemory, outcomes, caseId, c.seed(), c.index(), Generator.VERSION, minimized,
                bare(d, repro, reproMemory, outcomes, c), releases(d));
    }

    /**
     * Faithful runtimes that re-run the repro of an instrumented one's divergence, by name (created when
     * first needed unless the campaign has them, and kept as long as this runner).
     */
    private final Map<String, Runtime> bareRuntimes = new java.util.concurrent.ConcurrentHashMap<>();

    /** The faithful runtime of an instrumented kernel or DPDK runtime's name ({@code kernel-instrumented} -> {@code kernel}), or null. */
    static String faithfulOf(String name) {
        String suffix = "-instrumented";
        return CRepro.Target.of(name) != null && name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
    }

    /**
     * {@code reproduces bare} when every kernel or DPDK runtime of the divergence is faithful or its
     * faithful runtime, running the repro exactly as given, still diverges from the reference (beyond
     * documented deviations); {@code only instrumented} when one does not, or the repro uses what only the
     * wrapper gives (helper 5 as unwind); empty for runtimes of ours.
     */
    private String bare(Divergence d, Program repro, byte[] memory, Map<String, Outcome> outcomes, Generator.Case c) {
        boolean bareRuntime = false, reproduces = true;
        Outcome ref = outcomes.get(d.reference());
        for (String name : d.odd()) {
            if (CRepro.Target.of(name) == null) continue;
            bareRuntime = true;
            String faithful = faithfulOf(name);
            if (faithful == null || ref == null) continue;
            Runtime r = runtimes.containsKey(faithful) ? runtimes.get(faithful) : bareRuntimes.computeIfAbsent(faithful, Runtimes::create);
            // a repro that needs what only the wrapper gives (the test suites' unwind as helper 5) is not shown bare
            if (opsOf(repro).stream().anyMatch(r.unsupportedOps()::contains)) {
                reproduces = false;
                continue;
            }
            Map<String, Outcome> both = new LinkedHashMap<>();
            both.put(d.reference(), ref);
            both.put(faithful, r.run(repro, memory, limits(c)));
            boolean diverges = false;
            for (Divergence e : Comparator.compare(d.reference(), both)) diverges |= withoutDeviations(repro, memory, e, null) != null;
            reproduces &= diverges;
        }
        return !bareRuntime ? "" : reproduces ? FindingStore.Report.REPRODUCES_BARE : FindingStore.Report.ONLY_INSTRUMENTED;
    }

    /** {@code kernel: Linux 6.18.44-fc-v1272 ...; dpdk-jit: DPDK librte-bpf23 22.11.11-0+deb12u1}, or empty. */
    private static String releases(Divergence d) {
        List<String> out = new ArrayList<>();
        for (String name : d.odd()) {
            String release = Releases.of(name);
            if (release != null) out.add(name + ": " + release);
        }
        return String.join("; ", out);
    }
}
