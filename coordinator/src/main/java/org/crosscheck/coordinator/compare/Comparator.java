package org.crosscheck.coordinator.compare;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.runtime.Outcome;

/**
 * Compares the outcomes of one program on several runtimes against the reference runtime's,
 * structurally ({@link Outcome#sameAs}). Runtimes that could not express the program
 * ({@link Outcome.Unsupported}) take no part.
 */
public final class Comparator {
    private Comparator() {}

    /** The divergences, one per kind (empty when all agree). */
    public static List<Divergence> compare(String reference, Map<String, Outcome> outcomes) {
        Outcome ref = outcomes.get(reference);
        if (ref == null) throw new IllegalArgumentException("no outcome of the reference runtime " + reference);
        Map<Divergence.Kind, List<String>> byKind = new EnumMap<>(Divergence.Kind.class);
        for (Map.Entry<String, Outcome> e : new TreeMap<>(outcomes).entrySet()) {
            Outcome o = e.getValue();
            if (e.getKey().equals(reference) || o instanceof Outcome.Unsupported || ref instanceof Outcome.Unsupported) continue;
            if (o.sameAs(ref)) continue;
            byKind.computeIfAbsent(kind(ref, o), k -> new ArrayList<>()).add(e.getKey());
        }
        List<Divergence> out = new ArrayList<>();
        byKind.forEach((kind, odd) -> out.add(new Divergence(kind, List.copyOf(odd), reference, outcomes)));
        return out;
    }

    /** How {@code other} differs from {@code ref}, given that it does. */
    public static Divergence.Kind kind(Outcome ref, Outcome other) {
        if (other instanceof Outcome.Crashed || ref instanceof Outcome.Crashed) return Divergence.Kind.CRASH;
        if (other instanceof Outcome.TimedOut || ref instanceof Outcome.TimedOut) return Divergence.Kind.TIMEOUT;
        if (other instanceof Outcome.Rejected || ref instanceof Outcome.Rejected) return Divergence.Kind.VERIFIER;
        if (ref instanceof Outcome.Returned a && other instanceof Outcome.Returned b) {
            return a.r0() != b.r0() ? Divergence.Kind.R0 : Divergence.Kind.MEMORY;
        }
        return Divergence.Kind.TRAP;
    }
}
