package org.crosscheck.runtime.kernel;

import org.crosscheck.runtime.Outcome;

/**
 * A kernel JIT's machine code for one program (BPF_OBJ_GET_INFO_BY_FD's {@code jited_prog_insns}), or
 * why there is none.
 *
 * @param code the image (empty unless {@link Status#JITED})
 * @param errno the load's or the failed call's errno (0 otherwise)
 * @param detail the verifier's reason when refused, the failing call when failed, else empty
 * @param log the verifier's log when refused, else empty
 */
public record JitImage(Status status, byte[] code, int errno, String detail, String log) {
    public enum Status {
        /** The image. */
        JITED,
        /** Loaded, but the kernel reports no image (its interpreter runs the program). */
        NOT_JITED,
        /** Loaded and JITed, but the kernel withholds the image (kallsyms: kptr_restrict, no CAP_SYSLOG). */
        WITHHELD,
        /** The load was refused (the verifier, or the JIT: ENOTSUPP). */
        REFUSED,
        /** A system call failed, or the runtime is not there. */
        FAILED
    }

    public static JitImage jited(byte[] code) {
        return new JitImage(Status.JITED, code, 0, "", "");
    }

    public static JitImage of(Status status, int errno, String detail) {
        return new JitImage(status, new byte[0], errno, detail, "");
    }

    /** A refused load: the verifier's (or loader's) reason and log. */
    static JitImage refused(int errno, Outcome.Rejected why) {
        return new JitImage(Status.REFUSED, new byte[0], errno, why.reason(), why.log() == null ? "" : why.log());
    }

    /** What a kernel runtime that can show its JIT's code offers: the image of a program loaded as its runs load it. */
    public interface Source {
        /** The runtime's name. */
        String name();

        /** The kernel's architecture, Debian's name (amd64, arm64, ...). */
        String arch();

        /** The kernel's release (uname -r). */
        String release();

        /** The image of {@code program} loaded behind {@code memory} (the faithful prologue: r1 = the memory, r2 = its length). */
        JitImage jitImage(org.crosscheck.isa.Program program, byte[] memory);
    }
}
