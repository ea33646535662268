package org.crosscheck.runtime.conformance;

import java.util.Locale;
import java.util.regex.Pattern;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.IsaException;
import org.crosscheck.runtime.Outcome;

/**
 * The outcome a {@code .data} test expects, one of four, judged the same way on every runtime:
 * a value of r0 ({@code -- result}); a decode rejection (the instruction words are not a program:
 * crosscheck's decoder refuses them before any runtime sees them); a rejection by a verifier,
 * validator, loader or JIT compiler; a trap while running. A test whose error text does not say
 * which ({@code -- error} in bpf_conformance, often empty) expects any of the three errors.
 *
 * <p>uBPF's texts say which: {@code Failed to load code: ...} is a load-time refusal (a decode
 * rejection when it is about the encoding: an opcode, a register field, an lddw; else a verifier
 * rejection), {@code Failed to compile: ...} a JIT rejection, {@code uBPF error: ...} a trap. A uBPF
 * test with both a result and an error wants the error (the result is what uBPF returns then).
 * The text itself is not compared: each runtime words its errors its own way.
 */
public record Expected(Kind kind, long value, String text) {
    public enum Kind { VALUE, DECODE_REJECTION, REJECTION, TRAP, AN_ERROR }

    private static final Pattern ENCODING = Pattern.compile("opcode|lddw|register|field|instruction|encoding", Pattern.CASE_INSENSITIVE);

    /** The test's expectation, from its {@code error}, {@code error pattern} and {@code result} sections. */
    public static Expected of(DataFile data) throws IsaException {
        Pattern pattern = data.expectedErrorPattern();
        String error = data.expectedError() != null ? data.expectedError() : pattern != null ? pattern.pattern() : null;
        if (error == null) return new Expected(Kind.VALUE, data.expectedResult(), null);
        return new Expected(classify(error), 0, error);
    }

    /** Which error a text names (see the class comment). */
    static Kind classify(String error) {
        String t = error.toLowerCase(Locale.ROOT);
        if (t.contains("failed to load code")) return ENCODING.matcher(t.substring(t.indexOf("failed to load code"))).find() ? Kind.DECODE_REJECTION : Kind.REJECTION;
        if (t.contains("failed to compile")) return Kind.REJECTION;
        if (t.contains("ubpf error")) return Kind.TRAP;
        return Kind.AN_ERROR;
    }

    /** Whether a run's outcome is the expected one (a decode rejection never runs: see {@link #meetsDecodeRejection}). */
    public boolean meets(Outcome o) {
        return switch (kind) {
            case VALUE -> o instanceof Outcome.Returned r && r.r0Is(value);
            case DECODE_REJECTION -> false;
            case REJECTION -> o instanceof Outcome.Rejected;
            case TRAP -> o instanceof Outcome.Trapped;
            case AN_ERROR -> !(o instanceof Outcome.Returned);
        };
    }

    /** Whether a program that does not decode is what the test expects. */
    public boolean meetsDecodeRejection() {
        return kind == Kind.DECODE_REJECTION || kind == Kind.AN_ERROR;
    }

    /** In words: {@code r0 = 0x11}, {@code a trap ("uBPF error: out of bounds ...")}, {@code an error "Invalid"}. */
    public String describe() {
        String quoted = text == null || text.isEmpty() ? "" : " \"" + text + "\"";
        return switch (kind) {
            case VALUE -> "r0 = 0x" + Long.toHexString(value);
            case DECODE_REJECTION -> "a decode rejection" + quoted;
            case REJECTION -> "a rejection by a verifier, loader or JIT" + quoted;
            case TRAP -> "a trap" + quoted;
            case AN_ERROR -> "an error" + quoted;
        };
    }
}
