package org.crosscheck.coordinator.compare;

import java.util.List;
import java.util.Map;
import org.crosscheck.runtime.Outcome;

/**
 * Runtimes whose outcome differs from the reference's in one way ({@link Kind}). Its
 * {@link #signature()} (kind, odd runtimes, reference) is what minimization must keep; the finding's
 * title adds the instructions the minimized program points at.
 */
public record Divergence(Kind kind, String detail, List<String> odd, String reference, Map<String, Outcome> outcomes) {

    /** How outcomes differ, from the most to the least specific. */
    public enum Kind {
        R0("r0 mismatch"),
        MEMORY("memory mismatch"),
        TRAP("trap mismatch"),
        VERIFIER("verifier verdict"),
        CRASH("crash"),
        TIMEOUT("timeout"),
        /** Not of outcomes: the verifier oracle's, a claim of the verifier the reference's run broke (detail: the check). */
        VERIFIER_CLAIM("verifier claim");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Kind, detail (the rejection reason class, or the trap kinds), odd runtimes and reference. */
    public String signature() {
        return kind.label + (detail.isEmpty() ? "" : " (" + detail + ")") + ": " + String.join(",", odd) + " vs " + reference;
    }
}
