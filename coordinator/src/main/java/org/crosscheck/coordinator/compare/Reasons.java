package org.crosscheck.coordinator.compare;

/** Rejection reasons folded into classes: no numbers, no instruction text, bounded length. */
public final class Reasons {
    private Reasons() {}

    public static String normalize(String reason) {
        if (reason == null || reason.isBlank()) return "unknown";
        String r = reason.replaceAll("\\(at pc [^)]*\\)", "").replaceAll("0x[0-9a-fA-F]+|[0-9]+", "N").replaceAll("\\s+", " ").strip();
        return r.length() > 60 ? r.substring(0, 60) : r;
    }
}
