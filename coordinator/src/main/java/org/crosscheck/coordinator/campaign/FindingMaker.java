package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.crosscheck.coordinator.compare.Comparator;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.compare.Title;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.minimize.Minimizer;
import org.crosscheck.coordinator.oracle.VerifierOracle;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.kernel.Verifying;
import org.crosscheck.runtime.kernel.VerifierStates;
import org.crosscheck.runtime.repro.CRepro;
import org.crosscheck.runtime.repro.Releases;

/**
 * Turns a case's unexplained divergence into a finding report: attributes it to a title known for
 * its signature, or minimizes it and titles the reproducer; labels kernel and DPDK findings with
 * whether they reproduce on the bare runtime, and with the runtimes' releases. Thread-safe.
 */
final class FindingMaker {
    private final long seed;
    private final Judge judge;
    private final Corpus corpus;
    private final Map<String, Runtime> campaignRuntimes;
    private final long timeoutMillis;

    /** A set of runtimes, by name in order: what the corpus's own divergences are computed for. */
    private record RuntimeSet(List<String> names) {}

    /** A divergence a corpus program shows itself: the program's source and the divergence's signature. */
    private record CorpusDivergence(String source, String signature) {}

    /** Per set of runtimes: the divergences the corpus programs show themselves, minimized once ({@link #corpusTitles}). */
    private final Map<RuntimeSet, Map<CorpusDivergence, Minimized>> corpusTitles = new ConcurrentHashMap<>();

    /**
     * Faithful runtimes that re-run the repro of an instrumented one's divergence, by name (created when
     * first needed unless the campaign has them, and kept as long as this maker).
     */
    private final Map<String, Runtime> bareRuntimes = new ConcurrentHashMap<>();
    private final AtomicLong minimizations = new AtomicLong();

    FindingMaker(long seed, Judge judge, Corpus corpus, Map<String, Runtime> campaignRuntimes, long timeoutMillis) {
        this.seed = seed;
        this.judge = judge;
        this.corpus = corpus;
        this.campaignRuntimes = campaignRuntimes;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Titles known per signature in one batch, with the ops that name them: attributes repeats without
     * minimizing again. Per batch, so that a case's title depends on its batch alone, never on which
     * thread or worker ran what before: a campaign finds the same findings on one node or fifty.
     */
    static final class BatchTitles {
        private final Map<String, Map<String, Set<Op>>> bySignature = new HashMap<>();

        /** The title found earlier for {@code d}'s signature whose ops {@code ops} has, or null. */
        String known(Divergence d, Set<Op> ops) {
            for (Map.Entry<String, Set<Op>> t : bySignature.getOrDefault(d.signature(), Map.of()).entrySet()) {
                if (ops.containsAll(t.getValue())) return t.getKey();
            }
            return null;
        }

        void add(Divergence d, Minimized m) {
            bySignature.computeIfAbsent(d.signature(), k -> new LinkedHashMap<>()).put(m.title(), m.culprits());
        }
    }

    /** A minimized reproducer with its outcomes, the title it names and the ops that name it. */
    private record Minimized(ProgramInput small, Map<String, Outcome> outcomes, String title, Set<Op> culprits) {}

    /** Minimizations so far (for tests: what attribution saves). */
    long minimizations() {
        return minimizations.get();
    }

    /**
     * Adds the finding of {@code d} to {@code tally}: a mutant of a corpus program that diverges as the
     * program itself does, and still has the ops that name that divergence, has its title (with the
     * reproducer's minimized program); any case with the ops of a title found earlier in the batch with
     * the same signature has that one; else the case is minimized and titled.
     */
    void report(Generator.Case c, Divergence d, List<Runtime> which, Tally tally, BatchTitles titles) {
        String caseId = seed + ":" + c.index();
        Set<Op> ops = opsOf(c.program());
        if (c.mutated()) {
            Minimized k = corpusTitles(which).get(new CorpusDivergence(c.origin(), d.signature()));
            if (k != null && ops.containsAll(k.culprits())) {
                tally.addFinding(report(k.title(), d, c, k.small(), k.outcomes(), caseId, true));
                return;
            }
        }
        String known = titles.known(d, ops);
        if (known != null) {
            tally.addFinding(report(known, d, c, c.input(), d.outcomes(), caseId, false));
            return;
        }
        Minimized m = minimize(c, d, which);
        if (m == null) {
            // the case run again (a fresh guest, for a VM kernel) does not diverge so: a crash or hang of the runtime's
            // state, not of the program alone. The finding keeps the case as it ran and the outcomes it had (a
            // kernel's crash report among them), unminimized
            tally.addFinding(report(Title.of(d, c.program()), d, c, c.input(), d.outcomes(), caseId, false));
            return;
        }
        titles.add(d, m);
        tally.addFinding(report(m.title(), d, c, m.small(), m.outcomes(), caseId, true));
    }

    /**
     * Adds the finding of a verifier claim the reference's run of {@code c} broke on {@code kernel}: titled as
     * one found earlier in the batch with its check and ops, else minimized while the same check still fails
     * (on the verifier's log of each candidate), with the claim and the log's lines about it.
     */
    void reportClaim(Generator.Case c, Verifying kernel, VerifierOracle.Violation v, VerifierOracle.Result result,
            Map<String, Outcome> outcomes, Tally tally, BatchTitles titles) {
        Divergence d = new Divergence(Divergence.Kind.VERIFIER_CLAIM, v.check().id, List.of(kernel.name()), judge.reference(), outcomes);
        String caseId = seed + ":" + c.index();
        String known = titles.known(d, opsOf(c.program()));
        if (known != null) {
            tally.addFinding(report(known, d, c, c.input(), outcomes, caseId, false).withClaim(v.describe() + "\n" + result.excerpt(v)));
            return;
        }
        minimizations.incrementAndGet();
        Limits limits = CaseRunner.limits(c, timeoutMillis);
        // cheap refusals first: a candidate the reference does not end as the case did, or the verifier rejects
        // (a loop it cannot bound walks a million instructions; with a log of states that takes seconds)
        String ending = ending(outcomes.get(judge.reference()));
        Minimizer m = new Minimizer(in -> {
            ReferenceTrace trace = Reference.trace(in, limits);
            return ending(trace.outcome()).equals(ending) && kernel.run(in.program(), in.memory(), limits) instanceof Outcome.Returned
                    && violation(kernel, trace, v.check()) != null;
        }, 3000, 10_000);
        ProgramInput small = m.minimize(c.input());
        List<Runtime> involved = List.of(campaignRuntimes.get(judge.reference()), kernel);
        Map<String, Outcome> smallOutcomes = judge.runAll(small, involved, null, limits);
        Minimized min = new Minimized(small, smallOutcomes, Title.of(d, small.program()), Title.culprits(small.program()));
        titles.add(d, min);
        Found found = violation(kernel, Reference.trace(small, limits), v.check());
        String claim = found == null ? v.describe() + "\n" + result.excerpt(v) // the minimizer kept the case as it was
                : found.violation().describe() + "\n" + found.result().excerpt(found.violation());
        tally.addFinding(report(min.title(), d, c, small, smallOutcomes, caseId, true).withClaim(claim));
    }

    /** A violation with the check's result it is in. */
    private record Found(VerifierOracle.Violation violation, VerifierOracle.Result result) {}

    /** The violation of {@code check} on the reference's run of {@code trace}, with the result it is in, or null. */
    private static Found violation(Verifying kernel, ReferenceTrace trace, VerifierOracle.Check check) {
        try {
            VerifierOracle.Result r = VerifierOracle.run(kernel, trace);
            for (VerifierOracle.Violation x : r.violations()) if (x.check() == check) return new Found(x, r);
        } catch (VerifierStates.Unreadable e) {
            // a candidate whose log cannot be read shows nothing
        }
        return null;
    }

    /**
     * The titles of the divergences that the corpus programs show themselves on {@code which}: its
     * reproducers' bugs. Computed once per set of runtimes, the same on every node (they are the
     * campaign's corpus and runtimes), so attributing by them keeps a case's title independent of
     * the cluster's layout.
     */
    private Map<CorpusDivergence, Minimized> corpusTitles(List<Runtime> which) {
        return corpusTitles.computeIfAbsent(new RuntimeSet(which.stream().map(Runtime::name).toList()), names -> {
            Map<CorpusDivergence, Minimized> out = new HashMap<>();
            for (Corpus.Entry e : corpus.entries()) {
                Generator.Case c = new Generator.Case(seed, -1, e.program(), e.memory(), e.source());
                Limits limits = CaseRunner.limits(c, timeoutMillis);
                Map<String, Outcome> outcomes = judge.runAll(c.input(), which, null, limits);
                for (Divergence d : judge.unexplained(Reference.trace(c.input(), limits, outcomes.get(judge.reference())), true, outcomes, null)) {
                    out.putIfAbsent(new CorpusDivergence(e.source(), d.signature()), minimize(c, d, which));
                }
            }
            return out;
        });
    }

    /**
     * Shrinks the case while it keeps the divergence's signature and the reference's way of ending
     * (returned, or the same trap), re-running only the runtimes involved. Why the latter: a DPDK
     * JIT crash on jset otherwise minimized to a program without its exit, on which DPDK's loader
     * crashes for another reason (and the reference traps for falling off the end). Null when the case
     * itself, run again, does not diverge so (a runtime's crash or hang of its own state).
     */
    private Minimized minimize(Generator.Case c, Divergence d, List<Runtime> which) {
        minimizations.incrementAndGet();
        List<Runtime> involved = new ArrayList<>();
        for (Runtime r : which) if (r.name().equals(d.reference()) || d.odd().contains(r.name())) involved.add(r);
        String ending = ending(d.outcomes().get(d.reference()));
        Limits limits = CaseRunner.limits(c, timeoutMillis);
        java.util.function.Predicate<ProgramInput> same = in -> {
            Map<String, Outcome> outcomes = judge.runAll(in, involved, null, limits);
            Outcome ref = outcomes.get(d.reference());
            if (!ending(ref).equals(ending)) return false;
            ReferenceTrace trace = Reference.trace(in, limits, ref); // one per candidate, however many divergences
            for (Divergence e : Comparator.compare(d.reference(), outcomes)) {
                e = Judge.withoutDeviations(trace, e, null);
                if (e != null && e.signature().equals(d.signature())) return true;
            }
            return false;
        };
        if (!same.test(c.input())) return null;
        Minimizer m = new Minimizer(same, 3000, 10_000);
        ProgramInput small = m.minimize(c.input());
        Map<String, Outcome> smallOutcomes = judge.runAll(small, involved, null, limits);
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

    private FindingStore.Report report(String title, Divergence d, Generator.Case c, ProgramInput repro, Map<String, Outcome> outcomes,
            String caseId, boolean minimized) {
        Set<Op> culprits = Title.culprits(repro.program());
        String group = culprits.isEmpty() ? "" : culprits.iterator().next().group.id();
        return new FindingStore.Report(title, d.kind().label, d.odd(), d.reference(), group, c.program(), c.memory(),
                repro.program(), repro.memory(), outcomes, caseId, c.seed(), c.index(), Generator.VERSION, minimized,
                bare(d, repro, outcomes, c), releases(d));
    }

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
    private String bare(Divergence d, ProgramInput repro, Map<String, Outcome> outcomes, Generator.Case c) {
        boolean bareRuntime = false, reproduces = true;
        Outcome ref = outcomes.get(d.reference());
        Limits limits = CaseRunner.limits(c, timeoutMillis);
        for (String name : d.odd()) {
            if (CRepro.Target.of(name) == null) continue;
            bareRuntime = true;
            String faithful = faithfulOf(name);
            if (faithful == null || ref == null) continue;
            Runtime r = campaignRuntimes.containsKey(faithful) ? campaignRuntimes.get(faithful) : bareRuntimes.computeIfAbsent(faithful, Runtimes::create);
            // a repro that needs what only the wrapper gives (the test suites' unwind as helper 5) is not shown bare
            if (opsOf(repro.program()).stream().anyMatch(r.capabilities().unsupportedOps()::contains)) {
                reproduces = false;
                continue;
            }
            Map<String, Outcome> both = new LinkedHashMap<>();
            both.put(d.reference(), ref);
            both.put(faithful, r.run(repro.program(), repro.memory(), limits));
            boolean diverges = false;
            ReferenceTrace trace = Reference.trace(repro, limits, ref);
            for (Divergence e : Comparator.compare(d.reference(), both)) diverges |= Judge.withoutDeviations(trace, e, null) != null;
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

    static Set<Op> opsOf(Program p) {
        Set<Op> s = EnumSet.noneOf(Op.class);
        for (var i : p.insns()) s.add(i.op());
        return s;
    }
}
