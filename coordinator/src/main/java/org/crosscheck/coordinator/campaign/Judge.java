package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.coordinator.compare.Comparator;
import org.crosscheck.coordinator.compare.Deviations;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;

/**
 * Runs a program on runtimes and judges the outcomes: the divergences from the reference runtime that
 * no documented deviation explains. Shared by the campaign's cases, the minimizer's candidates and the
 * bare re-runs, so all three judge alike.
 */
final class Judge {
    private final String reference;
    private final Metrics metrics;

    Judge(String reference, Metrics metrics) {
        this.reference = reference;
        this.metrics = metrics;
    }

    String reference() {
        return reference;
    }

    /** Outcomes by runtime; counted as executions in {@code tally} unless it is null (the minimizer's runs). */
    Map<String, Outcome> runAll(ProgramInput in, List<Runtime> which, Tally tally, Limits limits) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (Runtime r : which) {
            long t0 = System.nanoTime();
            Outcome o = r.run(in.program(), in.memory(), limits);
            metrics.ran(r.name(), o, System.nanoTime() - t0);
            if (tally != null) tally.countExecuted(r.name(), 1);
            outcomes.put(r.name(), o);
        }
        return outcomes;
    }

    /** Records one run of a batch (its share of the batch's time) in the node's metrics. */
    void ran(String runtime, Outcome o, long nanos) {
        metrics.ran(runtime, o, nanos);
    }

    /**
     * The divergences of {@code outcomes} no documented deviation explains (those it does are counted in
     * {@code tally} when not null); {@code trace} is the reference's for the same (program, input).
     */
    List<Divergence> unexplained(ReferenceTrace trace, boolean mutated, Map<String, Outcome> outcomes, Tally tally) {
        List<Divergence> out = new ArrayList<>();
        for (Divergence d : Comparator.compare(reference, outcomes)) {
            if (mutated && d.kind() == Divergence.Kind.VERIFIER && d.outcomes().get(d.reference()) instanceof Outcome.Returned) {
                // mutation keeps a program's shape, not what the verifier can prove about it: a documented deviation
                if (tally != null) for (String rt : d.odd()) tally.countDeviation(rt, "verifier-rejects-mutated-corpus-program");
                continue;
            }
            d = withoutDeviations(trace, d, tally);
            if (d != null) out.add(d);
        }
        return out;
    }

    /** The divergence without the runtimes a declared deviation explains (counted in {@code tally} when not null), or null when none is left. */
    static Divergence withoutDeviations(ReferenceTrace trace, Divergence d, Tally tally) {
        List<String> odd = new ArrayList<>();
        for (String rt : d.odd()) {
            Deviations.Deviation dev = Deviations.explain(rt, trace, d.outcomes().get(rt));
            if (dev == null) odd.add(rt);
            else if (tally != null) tally.countDeviation(rt, dev.id());
        }
        if (odd.isEmpty()) return null;
        return odd.size() == d.odd().size() ? d : new Divergence(d.kind(), d.detail(), List.copyOf(odd), d.reference(), d.outcomes());
    }
}
