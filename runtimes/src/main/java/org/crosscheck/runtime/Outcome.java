package org.crosscheck.runtime;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What one run of a program produced. Kinds are enums, never message strings; two outcomes are
 * compared structurally with {@link #sameAs(Outcome)} (details such as verifier logs are kept for
 * triage but do not take part).
 */
public sealed interface Outcome {

    /** Why a run stopped early inside the program. */
    enum TrapKind {
        /** A load or store outside the input memory and the active stack frames. */
        OUT_OF_BOUNDS,
        /** A helper, kfunc or callx target the runtime does not have. */
        BAD_CALL,
        /** Local calls nested deeper than the runtime allows. */
        CALL_DEPTH,
        /** The instruction budget ran out (a loop that does not end). */
        BUDGET,
        /** Execution ran past the last instruction. */
        FELL_OFF_END
    }

    /** Who said no before the program ran. */
    enum Stage { LOADER, VERIFIER, JIT }

    /** What kind of no it was (the reason text is for people; this is for comparison and counting). */
    enum RejectKind {
        /** The program breaks a rule of the verifier or loader (the reason says which). */
        RULE,
        /** The program, or the analysis of it, is too large (E2BIG, the verifier's complexity limit). */
        TOO_LARGE,
        /** The caller lacks a privilege (EPERM). */
        PERMISSION,
        /** The loader ran out of memory (ENOMEM). */
        NO_MEMORY,
        /** A request the loader refused without explaining it (EINVAL with an empty log). */
        INVALID,
        /** A feature the loader lacks (ENOTSUPP, EOPNOTSUPP). */
        NOT_SUPPORTED,
        /** Any other failure of the loader (the reason names the errno). */
        OTHER
    }

    /**
     * The program ran to its exit: r0 and the final bytes of the input memory. {@code r0Bits} is how
     * much of r0 the runtime reports: 64 for most, 32 for the faithful kernel (BPF_PROG_TEST_RUN
     * returns only r0's low 32 bits), whose upper half is then 0 here and unknown in fact. Two
     * outcomes agree on r0 when the bits both report agree.
     */
    record Returned(long r0, byte[] memory, int r0Bits) implements Outcome {
        public Returned {
            if (r0Bits != 32 && r0Bits != 64) throw new IllegalArgumentException("r0Bits must be 32 or 64, not " + r0Bits);
            if (r0Bits == 32) r0 &= 0xffff_ffffL;
        }

        /** The full 64-bit r0. */
        public Returned(long r0, byte[] memory) {
            this(r0, memory, 64);
        }

        /** Whether {@code value} is r0 on the bits this outcome reports. */
        public boolean r0Is(long value) {
            return r0Bits == 64 ? r0 == value : r0 == (value & 0xffff_ffffL);
        }

        /** Whether the two agree on r0 in the bits both report. */
        public boolean sameR0(Returned other) {
            return r0Bits <= other.r0Bits ? other.narrowed(r0Bits) == r0 : narrowed(other.r0Bits) == other.r0;
        }

        private long narrowed(int bits) {
            return bits == 64 ? r0 : r0 & 0xffff_ffffL;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Returned r && r.r0 == r0 && r.r0Bits == r0Bits && Arrays.equals(r.memory, memory);
        }

        @Override
        public int hashCode() {
            return (Long.hashCode(r0) * 31 + Arrays.hashCode(memory)) * 31 + r0Bits;
        }

        @Override
        public String toString() {
            return "Returned[r0=0x" + Long.toHexString(r0) + (r0Bits == 64 ? "" : " (low 32 bits)") + ", memory=" + HexFormat.of().formatHex(memory) + "]";
        }
    }

    /** The run stopped at {@code pc} for {@code kind}; {@code detail} is for people. */
    record Trapped(TrapKind kind, int pc, String detail) implements Outcome {}

    /** A loader or verifier refused the program; {@code reason} is the decisive line, {@code log} the whole text. */
    record Rejected(Stage stage, RejectKind kind, String reason, String log) implements Outcome {
        /** A rule broken (the common case). */
        public Rejected(Stage stage, String reason, String log) {
            this(stage, RejectKind.RULE, reason, log);
        }
    }

    /**
     * The runtime itself died (a signal, a crashed executor). A kernel's crash report (an oops, BUG,
     * WARNING, panic) is {@link #kernelReport}: its first line then the console excerpt.
     */
    record Crashed(String detail) implements Outcome {
        private static final String KERNEL = "kernel crash report: ";

        /** A guest kernel's crash report titled {@code title}, with its console excerpt. */
        public static Crashed kernelReport(String title, String console) {
            return new Crashed(KERNEL + title + "\n" + console);
        }

        /** Whether this is a kernel's report (an oops, BUG, WARNING, panic on a VM guest's console). */
        public boolean isKernelReport() {
            return detail.startsWith(KERNEL);
        }

        /** The kernel report's title, or empty when the crash is not a kernel's report. */
        public String reportTitle() {
            if (!detail.startsWith(KERNEL)) return "";
            int nl = detail.indexOf('\n');
            return detail.substring(KERNEL.length(), nl < 0 ? detail.length() : nl);
        }
    }

    /** A wall-clock limit passed. */
    record TimedOut(long millis) implements Outcome {}

    /** The runtime cannot express the program (a group or feature it lacks). */
    record Unsupported(String what) implements Outcome {}

    /** Structural equality: kind-level fields only (trap kind and pc, rejection stage and kind, r0 and memory). */
    default boolean sameAs(Outcome other) {
        return switch (this) {
            case Returned r -> other instanceof Returned o && r.sameR0(o) && Arrays.equals(r.memory(), o.memory());
            case Trapped t -> other instanceof Trapped u && u.kind() == t.kind() && u.pc() == t.pc();
            case Rejected r -> other instanceof Rejected s && s.stage() == r.stage() && s.kind() == r.kind();
            case Crashed c -> other instanceof Crashed;
            case TimedOut t -> other instanceof TimedOut;
            case Unsupported u -> other instanceof Unsupported;
        };
    }

    /** One line for people: {@code r0 = 0x2a}, {@code trap OUT_OF_BOUNDS at pc 3 (...)}. */
    default String describe() {
        return switch (this) {
            case Returned r -> r.r0Bits() == 64 ? "r0 = 0x" + Long.toHexString(r.r0()) + " (" + r.r0() + ")"
                    : "w0 = 0x" + Integer.toHexString((int) r.r0()) + " (" + r.r0() + "; only r0's low 32 bits are reported)";
            case Trapped t -> "trap " + t.kind() + " at pc " + t.pc() + (t.detail() == null || t.detail().isEmpty() ? "" : " (" + t.detail() + ")");
            case Rejected r -> "rejected by " + r.stage().name().toLowerCase()
                    + (r.kind() == RejectKind.RULE ? "" : " (" + r.kind() + ")") + ": " + r.reason();
            case Crashed c -> "crashed: " + c.detail();
            case TimedOut t -> "timed out after " + t.millis() + " ms";
            case Unsupported u -> "unsupported: " + u.what();
        };
    }
}
