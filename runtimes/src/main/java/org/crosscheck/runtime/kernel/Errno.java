package org.crosscheck.runtime.kernel;

import org.crosscheck.runtime.Outcome.RejectKind;

/** The errno values bpf() gives crosscheck, with what each means for a program load. */
enum Errno {
    EPERM(1, "operation not permitted", RejectKind.PERMISSION),
    ENOENT(2, "no such file or directory", RejectKind.OTHER),
    E2BIG(7, "argument list too long", RejectKind.TOO_LARGE),
    EBADF(9, "bad file descriptor", RejectKind.OTHER),
    EAGAIN(11, "resource temporarily unavailable", RejectKind.OTHER),
    ENOMEM(12, "out of memory", RejectKind.NO_MEMORY),
    EACCES(13, "permission denied", RejectKind.RULE),
    EFAULT(14, "bad address", RejectKind.OTHER),
    EBUSY(16, "device or resource busy", RejectKind.OTHER),
    EINVAL(22, "invalid argument", RejectKind.RULE),
    ENOSPC(28, "no space left on device", RejectKind.OTHER),
    ENOSYS(38, "function not implemented", RejectKind.NOT_SUPPORTED),
    EOPNOTSUPP(95, "operation not supported", RejectKind.NOT_SUPPORTED),
    ENOTSUPP(524, "operation not supported (kernel-internal ENOTSUPP)", RejectKind.NOT_SUPPORTED),
    OTHER(-1, "unknown error", RejectKind.OTHER);

    final int number;
    final String description;
    /** The kind of a load refused with this errno when the verifier explained itself in its log. */
    final RejectKind kind;

    Errno(int number, String description, RejectKind kind) {
        this.number = number;
        this.description = description;
        this.kind = kind;
    }

    static Errno of(int number) {
        for (Errno e : values()) if (e.number == number) return e;
        return OTHER;
    }

    /** {@code EPERM (operation not permitted)}, or {@code errno 77} for one we do not name. */
    static String describe(int number) {
        Errno e = of(number);
        return e == OTHER ? "errno " + number : e.name() + " (" + e.description + ")";
    }
}
