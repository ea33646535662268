package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.coverage.IsaCoverage;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.generate.Inputs;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.oracle.VerifierOracle;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.kernel.Verifying;
import org.crosscheck.runtime.kernel.VerifierStates;

/**
 * What a worker does with a batch: generates each case (or mutates a corpus program), runs it on the
 * batch's runtimes and judges the outcomes against the reference ({@link Judge}); the divergences
 * left go to the {@link FindingMaker}. Deterministic in (seed, index), so any node computes the same
 * cases. Thread-safe: the worker's threads share one runner, each batch has its own {@link Tally}.
 */
public final class CaseRunner implements BatchRunner {
    /**
     * Cases generated, announced to the runtimes ({@link Runtime#prepare}: the JIT compiles them together) and
     * run ({@link Runtime#runBatch}: a VM guest gets them in one exchange) at once.
     */
    public static final int CHUNK = 64;

    /** One case in COVERAGE_SAMPLE has its reference trace recorded as ISA coverage. */
    private static final int COVERAGE_SAMPLE = 16;

    /**
     * Instruction budget of a mutated corpus program. Mutation leaves loop counters alone, so a mutant
     * ends within about a thousand instructions, as its seed does; the budget is a safety net (before,
     * 1.1% of the mutants of ./corpus looped, and at the default million they spent half a campaign's
     * time; a budget trap is the same outcome at 100,000).
     */
    public static final long MUTANT_BUDGET = 100_000;

    private final long seed;
    private final Map<String, Runtime> runtimes = new LinkedHashMap<>();
    private final Generator generator;
    private final Corpus corpus;
    private final IsaCoverage coverage;
    private final long timeoutMillis;
    private final Judge judge;
    private final FindingMaker findings;
    private final int oracleEvery;
    private final int inputs;

    /**
     * {@code reference} names the runtime the others are compared with; {@code metrics} gets this node's
     * per-run detail (outcome kinds, run times), campaign totals travel in tallies; {@code timeoutMillis}
     * bounds one run on an external runtime; {@code oracleEvery} N has the verifier oracle check one case in N
     * on each kernel runtime (0: off).
     */
    public CaseRunner(long seed, String reference, List<Runtime> runtimes, Generator.Config config, Corpus corpus, Metrics metrics,
            IsaCoverage coverage, long timeoutMillis, int oracleEvery) {
        this(seed, reference, runtimes, config, corpus, metrics, coverage, timeoutMillis, oracleEvery, 1);
    }

    /** As above, each program loaded once per runtime and run on up to {@code inputs} inputs ({@link #runInputs}). */
    public CaseRunner(long seed, String reference, List<Runtime> runtimes, Generator.Config config, Corpus corpus, Metrics metrics,
            IsaCoverage coverage, long timeoutMillis, int oracleEvery, int inputs) {
        if (inputs < 1) throw new IllegalArgumentException("inputs must be at least 1, is " + inputs);
        this.inputs = inputs;
        this.oracleEvery = oracleEvery;
        this.timeoutMillis = timeoutMillis;
        this.seed = seed;
        for (Runtime r : runtimes) this.runtimes.put(r.name(), r);
        if (!this.runtimes.containsKey(reference)) throw new IllegalArgumentException("no reference runtime " + reference);
        this.generator = new Generator(config);
        this.corpus = corpus;
        this.coverage = coverage;
        this.judge = new Judge(reference, metrics);
        this.findings = new FindingMaker(seed, judge, corpus, this.runtimes, timeoutMillis);
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
        FindingMaker.BatchTitles titles = new FindingMaker.BatchTitles();
        for (long from = start; from < end; from += CHUNK) {
            List<Generator.Case> cases = new ArrayList<>();
            for (long i = from; i < Math.min(end, from + CHUNK); i++) cases.add(next(i));
            List<Program> programs = cases.stream().map(Generator.Case::program).toList();
            for (Runtime r : which) r.prepare(programs);
            List<Plan> plans = cases.stream().map(this::plan).toList();
            Map<String, List<List<Outcome>>> outcomes = runPlans(plans, which, t);
            for (int k = 0; k < plans.size(); k++) judgePlan(plans.get(k), k, outcomes, which, t, titles);
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

    /**
     * A case's inputs: its own, then (with {@link #inputs} &gt; 1 and memory to vary) inputs made to matter
     * ({@link Inputs}) until {@link #inputs} or no input the program reads can change anything. The
     * reference interpreter runs them here, as it chooses them: its outcome and path on each ({@code
     * reference} null: one input, the reference runs as the other runtimes do).
     */
    record Plan(Generator.Case c, List<byte[]> inputs, List<Outcome> reference, long[] paths) {}

    Plan plan(Generator.Case c) {
        if (inputs == 1 || c.memory().length == 0) return new Plan(c, List.of(c.memory()), null, null);
        Limits limits = limits(c, timeoutMillis);
        Inputs next = new Inputs(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c.index()));
        Reference.PathProbe probe = new Reference.PathProbe(c.program());
        List<byte[]> in = new ArrayList<>();
        List<Outcome> ref = new ArrayList<>();
        long[] paths = new long[inputs];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < inputs; i++) {
            if (i > 0 && !next.worthMore()) break;
            byte[] m = i == 0 ? c.memory() : next.next();
            Reference.Path path = probe.run(m, limits);
            paths[i] = path.hash();
            next.observed(m, path.reads(), path.hints(), seen.add(path.hash()));
            in.add(m);
            ref.add(path.outcome());
        }
        return new Plan(c, in, ref, paths);
    }

    /**
     * Each runtime runs the chunk's plans in one {@link Runtime#runBatch} (a VM guest gets them in one
     * pipelined exchange; every runtime loads a program once for all its inputs): outcomes by runtime, plan,
     * input. Run times are the batch's, shared evenly among its runs.
     */
    private Map<String, List<List<Outcome>>> runPlans(List<Plan> plans, List<Runtime> which, Tally tally) {
        Map<String, List<List<Outcome>>> out = new LinkedHashMap<>();
        for (Runtime r : which) {
            boolean reference = r.name().equals(judge.reference());
            List<Runtime.Job> jobs = new ArrayList<>();
            for (Plan p : plans) if (!reference || p.reference() == null) jobs.add(new Runtime.Job(p.c().program(), p.inputs(), limits(p.c(), timeoutMillis)));
            long t0 = System.nanoTime();
            List<List<Outcome>> ran = jobs.isEmpty() ? List.of() : r.runBatch(jobs);
            long runs = ran.stream().mapToLong(List::size).sum();
            long each = runs == 0 ? 0 : (System.nanoTime() - t0) / runs;
            long crashed = 0; // jobs that ended in a kernel report (a VM guest's)
            for (List<Outcome> os : ran) {
                boolean reported = false;
                for (Outcome o : os) {
                    judge.ran(r.name(), o, each);
                    reported |= o instanceof Outcome.Crashed c && c.isKernelReport();
                }
                if (reported) crashed++;
            }
            List<List<Outcome>> byPlan = new ArrayList<>(plans.size());
            int j = 0;
            for (Plan p : plans) byPlan.add(reference && p.reference() != null ? p.reference() : ran.get(j++));
            out.put(r.name(), byPlan);
            tally.countExecuted(r.name(), plans.size());
            tally.countGuests(r.name() + "/restarts", r.takeRestarts());
            tally.countGuests(r.name() + "/crashes", crashed);
        }
        return out;
    }

    /** Runs one case everywhere and reports what no deviation explains; returns the number of divergences. */
    int runCase(Generator.Case c, List<Runtime> which, Tally tally, FindingMaker.BatchTitles titles) {
        Plan p = plan(c);
        return judgePlan(p, 0, runPlans(List.of(p), which, tally), which, tally, titles);
    }

    /**
     * Judges plan k's outcomes input by input, until one diverges (the finding has that input; the next inputs
     * would mostly show the same); the distinct reference paths among the inputs judged are counted.
     */
    private int judgePlan(Plan p, int k, Map<String, List<List<Outcome>>> outcomes, List<Runtime> which, Tally tally, FindingMaker.BatchTitles titles) {
        Generator.Case c = p.c();
        Set<Long> paths = new HashSet<>();
        List<Tally.Input> newPaths = p.paths() == null ? List.of() : new ArrayList<>(); // the inputs that each took a path no earlier one did
        int ran = 0, divergences = 0;
        for (int i = 0; i < p.inputs().size() && divergences == 0; i++) {
            Map<String, Outcome> os = new LinkedHashMap<>();
            for (Runtime r : which) os.put(r.name(), outcomes.get(r.name()).get(k).get(i));
            Generator.Case ci = i == 0 ? c : c.withMemory(p.inputs().get(i));
            if (p.paths() != null && paths.add(p.paths()[i]))
                newPaths.add(new Tally.Input(p.inputs().get(i), p.reference().get(i) instanceof Outcome.Returned r ? r.r0() : null));
            ran++;
            divergences = judge(c, ci, which, os, tally, titles);
        }
        tally.countPrograms(1);
        tally.countInputs(ran, Math.max(1, paths.size()), paths.size() > 1 ? 1 : 0);
        // a divergent program is kept as a finding; one that agreed on every path joins the corpus
        if (divergences == 0 && newPaths.size() > 1) tally.offerPathInputs(new Tally.PathInputs(c.program(), newPaths, c.index()));
        return divergences;
    }

    /**
     * Judges the outcomes of case {@code c} on input {@code ci} (c itself, or c on another input): verdicts,
     * coverage and the verifier oracle on c's own input only, divergences reported with ci's input.
     */
    private int judge(Generator.Case c, Generator.Case ci, List<Runtime> which, Map<String, Outcome> outcomes, Tally tally,
            FindingMaker.BatchTitles titles) {
        boolean first = ci == c;
        if (first) countVerdicts(c, outcomes, tally);
        ReferenceTrace trace = Reference.trace(ci.input(), limits(c, timeoutMillis), outcomes.get(judge.reference()));
        if (first && coverage != null && c.index() % COVERAGE_SAMPLE == 0) {
            IsaCoverage.Run run = coverage.tracer(c.program());
            trace.forEach(run);
            run.commit();
        }
        List<Divergence> ds = judge.unexplained(trace, c.mutated(), outcomes, tally);
        for (Divergence d : ds) {
            tally.countDivergences(d.kind().name().toLowerCase(), 1);
            findings.report(ci, d, which, tally, titles);
        }
        if (first && oracleEvery > 0 && c.index() % oracleEvery == 0) checkClaims(c, which, outcomes, trace, tally, titles);
        return ds.size();
    }

    /**
     * The verifier oracle on a sampled case: each kernel runtime that accepted and ran the program loads it
     * again with its log of states, and the reference's run is checked against what it claimed. Only runs
     * the reference ended by returning or by an out-of-bounds access are judged (a budget or a trap of
     * another kind leaves no complete path to compare).
     */
    private void checkClaims(Generator.Case c, List<Runtime> which, Map<String, Outcome> outcomes, ReferenceTrace trace, Tally tally,
            FindingMaker.BatchTitles titles) {
        boolean judged = trace.outcome() instanceof Outcome.Returned
                || trace.outcome() instanceof Outcome.Trapped t && t.kind() == Outcome.TrapKind.OUT_OF_BOUNDS;
        if (!judged) return;
        for (Runtime r : which) {
            if (!(r instanceof Verifying kernel) || !(outcomes.get(r.name()) instanceof Outcome.Returned)) continue;
            VerifierOracle.Result result;
            try {
                result = VerifierOracle.run(kernel, trace);
            } catch (VerifierStates.Unreadable e) {
                tally.countOracle(r.name() + "/unreadable", 1); // counted and shown on the dashboard, never silent
                continue;
            }
            tally.countOracle(r.name() + "/checks", 1);
            tally.countOracle(r.name() + "/states", result.states());
            tally.countOracle(r.name() + "/log_bytes", result.log().length());
            for (VerifierOracle.Violation v : result.violations()) {
                tally.countOracle(r.name() + "/findings/" + v.check().id, 1);
                tally.countDivergences("verifier_claim", 1);
                findings.reportClaim(c, kernel, v, result, outcomes, tally, titles);
            }
        }
    }

    /** Counts each kernel verifier's verdicts, apart for generated programs and corpus mutants. */
    private void countVerdicts(Generator.Case c, Map<String, Outcome> outcomes, Tally tally) {
        outcomes.forEach((name, o) -> {
            if (name.equals(judge.reference()) || !(runtimes.get(name) instanceof Verifying) || o instanceof Outcome.Unsupported) return;
            tally.countVerdicts(name + (c.mutated() ? "/mutant" : "/generated"), 1, o instanceof Outcome.Rejected ? 0 : 1);
            // a false rejection: the reference ran the program safely (it returned) and the verifier refused it
            if (o instanceof Outcome.Rejected r && r.stage() == Outcome.Stage.VERIFIER && outcomes.get(judge.reference()) instanceof Outcome.Returned)
                tally.countFalseRejection(name + "/" + org.crosscheck.coordinator.compare.Reasons.normalize(r.reason()), 1);
        });
    }

    /** Minimizations so far (for tests: what attribution saves). */
    long minimizations() {
        return findings.minimizations();
    }
}
