package org.crosscheck.coordinator.compare;

import java.util.ArrayList;
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

    /**
     * The divergences, one per kind and detail (empty when all agree). Runtimes that return other
     * results than the reference and than each other are divergences of their own: two runtimes
     * that differ for two reasons (DPDK's interpreter on le16, its JIT on a shift) would otherwise be
     * minimized together, to a program with both causes, under a title of both.
     */
    public static List<Divergence> compare(String reference, Map<String, Outcome> outcomes) {
        Outcome ref = outcomes.get(reference);
        if (ref == null) throw new IllegalArgumentException("no outcome of the reference runtime " + reference);
        Map<Key, List<String>> byKey = new TreeMap<>(Key.ORDER);
        for (Map.Entry<String, Outcome> e : new TreeMap<>(outcomes).entrySet()) {
            Outcome o = e.getValue();
            if (e.getKey().equals(reference) || o instanceof Outcome.Unsupported || ref instanceof Outcome.Unsupported) continue;
            if (o.sameAs(ref) || bothRefuse(ref, o)) continue;
            Divergence.Kind kind = kind(ref, o);
            String result = o instanceof Outcome.Returned r ? r.r0() + "/" + java.util.Arrays.hashCode(r.memory()) : "";
            byKey.computeIfAbsent(new Key(kind, detail(kind, ref, o), result), k -> new ArrayList<>()).add(e.getKey());
        }
        List<Divergence> out = new ArrayList<>();
        byKey.forEach((key, odd) -> out.add(new Divergence(key.kind(), key.detail(), List.copyOf(odd), reference, outcomes)));
        return out;
    }

    /** What runtimes sharing a divergence have in common: kind, detail and, for a returned run, its result. */
    private record Key(Divergence.Kind kind, String detail, String result) {
        static final java.util.Comparator<Key> ORDER = java.util.Comparator.comparing(Key::kind)
                .thenComparing(Key::detail).thenComparing(Key::result);
    }

    /**
     * A verifier that refuses a program the reference traps on (out of bounds, endless loop, falling
     * off the end) agrees with it: both say the program is unsafe, one statically, one at run time.
     * So does a loader that validates (DPDK's), and a plugin's error exit (its protocol has no kinds).
     */
    static boolean bothRefuse(Outcome ref, Outcome other) {
        return ref instanceof Outcome.Trapped && other instanceof Outcome.Rejected r && r.stage() != Outcome.Stage.JIT;
    }

    /** What tells divergences of one kind apart: the rejection reason class, or the two trap kinds. */
    static String detail(Divergence.Kind kind, Outcome ref, Outcome other) {
        return switch (kind) {
            case VERIFIER -> {
                Outcome.Rejected r = other instanceof Outcome.Rejected x ? x : (Outcome.Rejected) ref;
                yield (other instanceof Outcome.Rejected ? "" : "reference ") + Reasons.normalize(r.reason());
            }
            case TRAP -> short_(ref) + " vs " + short_(other);
            // a kernel's crash report is titled by its first line, as syzkaller titles its crashes
            case CRASH -> other instanceof Outcome.Crashed c && !c.reportTitle().isEmpty() ? Reasons.normalize(c.reportTitle()) : "";
            default -> "";
        };
    }

    private static String short_(Outcome o) {
        return o instanceof Outcome.Trapped t ? t.kind().name() : o instanceof Outcome.Returned ? "returned" : o.getClass().getSimpleName();
    }

    /** How {@code other} differs from {@code ref}, given that it does. */
    public static Divergence.Kind kind(Outcome ref, Outcome other) {
        if (other instanceof Outcome.Crashed || ref instanceof Outcome.Crashed) return Divergence.Kind.CRASH;
        if (other instanceof Outcome.TimedOut || ref instanceof Outcome.TimedOut) return Divergence.Kind.TIMEOUT;
        if (other instanceof Outcome.Rejected || ref instanceof Outcome.Rejected) return Divergence.Kind.VERIFIER;
        if (ref instanceof Outcome.Returned a && other instanceof Outcome.Returned b) {
            return a.sameR0(b) ? Divergence.Kind.MEMORY : Divergence.Kind.R0;
        }
        return Divergence.Kind.TRAP;
    }
}
