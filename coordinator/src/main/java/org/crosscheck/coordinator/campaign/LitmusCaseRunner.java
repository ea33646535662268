package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.memmodel.Litmus;
import org.crosscheck.memmodel.LitmusCompiler;
import org.crosscheck.memmodel.LitmusException;
import org.crosscheck.memmodel.LitmusGenerator;
import org.crosscheck.memmodel.LitmusPrinter;
import org.crosscheck.memmodel.LitmusProgram;
import org.crosscheck.memmodel.LitmusRun;
import org.crosscheck.memmodel.Checker;
import org.crosscheck.memmodel.Result;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.ConcurrentRunners;
import org.crosscheck.runtime.concurrent.SharedProgram;

/**
 * A worker's batches of a litmus campaign: case i is the litmus test the generator makes of
 * (seed, i), judged by the memory-model checker, run on each runtime for the campaign's
 * iterations. A runtime that shows a state the model forbids, or cannot run the test, is a
 * finding; every run counts its observation (Never/Sometimes/Always against the model's verdict).
 */
public final class LitmusCaseRunner implements BatchRunner {
    /** What a litmus campaign generates and how long it runs each test. */
    public record Options(LitmusGenerator.Config generator, long iterations) {
        public Options {
            if (iterations < 1) throw new IllegalArgumentException("litmus iterations must be at least 1, not " + iterations);
        }
    }

    /** Generator version of litmus findings (bumped when (seed, index) starts meaning another test). */
    public static final int VERSION = 1;

    private final long seed;
    private final Options options;
    private final LitmusGenerator generator;
    private final Map<String, ConcurrentRunner> runners = new ConcurrentHashMap<>();

    public LitmusCaseRunner(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.generator = new LitmusGenerator(options.generator());
    }

    @Override
    public Tally run(long start, long end, List<String> names) {
        List<ConcurrentRunner> which = new ArrayList<>();
        for (String n : names) which.add(runners.computeIfAbsent(n, ConcurrentRunners::byName));
        Tally t = new Tally();
        for (long i = start; i < end; i++) runTest(i, which, t);
        return t;
    }

    private void runTest(long i, List<ConcurrentRunner> which, Tally t) {
        LitmusGenerator.Generated g = generator.generate(seed, i);
        Litmus test = g.test();
        LitmusProgram p;
        Result model;
        try {
            p = LitmusCompiler.compile(test);
            model = Checker.check(test);
        } catch (LitmusException e) { // a generated test we cannot run: our bug, counted and visible
            t.countDivergences("litmus-uncompilable", 1);
            return;
        }
        t.countPrograms(1);
        String verdict = model.verdict().text;
        List<LitmusRun.Observed> runs = new ArrayList<>();
        for (ConcurrentRunner r : which) {
            LitmusRun.Observed o = LitmusRun.observe(p, model, r, options.iterations(), seed * 31 + i);
            runs.add(o);
            t.countExecuted(r.name(), 1);
            t.countLitmusIterations(r.name(), o.iterations());
            t.countGuests(r.name() + "/restarts", r.takeRestarts());
            t.countLitmusTests(r.name() + "/" + verdict + "/" + (o.error() != null ? "Error" : o.observation()), 1);
        }
        LitmusRun.Report report = new LitmusRun.Report(test, model, runs);
        for (FindingStore.Report f : findings(report, p, seed + ":" + i, seed, i)) {
            t.countDivergences(f.kind().replace(' ', '-'), 1);
            t.addFinding(f);
        }
    }

    /**
     * The findings of a litmus test's runs: one per runtime that showed a state the model forbids or could
     * not run the test, titled by kind, runtime, groups and test shape (the name without diy's _2
     * disambiguation), carrying the test and every runtime's histogram. Campaigns and {@code litmus run
     * --workdir} report them alike.
     */
    public static List<FindingStore.Report> findings(LitmusRun.Report report, LitmusProgram p, String caseId, long seed, long index) {
        Litmus test = report.test();
        List<FindingStore.Report> out = new ArrayList<>();
        String text = null, histograms = null;
        for (LitmusRun.Observed o : report.runs()) {
            String kind = o.error() != null ? "litmus run error" : !o.forbidden().isEmpty() ? "forbidden state" : null;
            if (kind == null) continue;
            if (text == null) {
                text = LitmusPrinter.format(test);
                histograms = LitmusRun.format(report, LitmusPrinter.condition(test.condition()));
            }
            String groups = groups(p.program());
            String title = kind + ": " + o.runtime() + " vs bpf-memory-model [" + groups + " " + test.name().replaceAll("_\\d+$", "") + "]";
            out.add(FindingStore.Report.litmus(title, kind, List.of(o.runtime()), groups, caseId, seed, index, VERSION, text, histograms));
        }
        return out;
    }

    /** The memory-model groups a test's threads use ("plain" when none). */
    private static String groups(SharedProgram p) {
        Set<String> gs = new TreeSet<>();
        for (SharedProgram.ThreadCode t : p.threads())
            for (var insn : t.body()) if (LitmusGenerator.Config.MEMORY_GROUPS.contains(insn.op().group)) gs.add(insn.op().group.id());
        return gs.isEmpty() ? "plain" : String.join("+", gs);
    }
}
