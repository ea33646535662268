package org.crosscheck.runtime.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether bpf() works here, found once per process by doing what a run does: create an array
 * map and load a two-instruction socket filter. Where it does not (no CAP_BPF, a container, a
 * seccomp filter, another OS) {@link #reason()} says why and what to change.
 */
final class Availability {
    private Availability() {}

    private static final class Holder {
        static final Optional<String> REASON = probe();
    }

    static Optional<String> reason() {
        return Holder.REASON;
    }

    private static Optional<String> probe() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) return Optional.of("bpf() exists only on Linux; this is " + os);
        if (!arch.equals("amd64") && !arch.equals("x86_64")) return Optional.of("the bpf() binding knows the syscall number of x86-64 only; this is " + arch);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Bpf.errnoSlot(arena);
            MemorySegment attr = arena.allocate(256, 8);
            attr.set(ValueLayout.JAVA_INT, 0, Bpf.MAP_TYPE_ARRAY);
            attr.set(ValueLayout.JAVA_INT, 4, 4);
            attr.set(ValueLayout.JAVA_INT, 8, 8);
            attr.set(ValueLayout.JAVA_INT, 12, 1);
            long map = Bpf.call(errno, Bpf.MAP_CREATE, attr, Bpf.MAP_CREATE_SIZE);
            if (map < 0) return Optional.of(explain("BPF_MAP_CREATE", (int) -map));
            Bpf.close((int) map);
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(ValueLayout.JAVA_LONG, 0, 0xb7L); // mov r0, 0
            insns.set(ValueLayout.JAVA_LONG, 8, 0x95L); // exit
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_INT, Bpf.PL_TYPE, Bpf.PROG_TYPE_SOCKET_FILTER);
            attr.set(ValueLayout.JAVA_INT, Bpf.PL_INSN_CNT, 2);
            attr.set(ValueLayout.JAVA_LONG, Bpf.PL_INSNS, insns.address());
            attr.set(ValueLayout.JAVA_LONG, Bpf.PL_LICENSE, arena.allocateFrom("GPL").address());
            long prog = Bpf.call(errno, Bpf.PROG_LOAD, attr, Bpf.PROG_LOAD_SIZE);
            if (prog < 0) return Optional.of(explain("BPF_PROG_LOAD", (int) -prog));
            Bpf.close((int) prog);
            return Optional.empty();
        } catch (Throwable t) { // no native access, no libc: anything here means "not available"
            return Optional.of("cannot call bpf() through FFM: " + t);
        }
    }

    /** Why bpf({@code command}) failing with {@code errno} makes the runtime unavailable, and what to do. */
    static String explain(String command, int errno) {
        String what = "bpf(" + command + ") failed with " + Errno.describe(errno);
        return switch (Errno.of(errno)) {
            case EPERM -> what + ": run as root or grant CAP_BPF and CAP_PERFMON (inside a container: --cap-add BPF --cap-add PERFMON,"
                    + " and a seccomp profile that allows bpf); unprivileged use is off when kernel.unprivileged_bpf_disabled is set";
            case ENOSYS -> what + ": the kernel lacks CONFIG_BPF_SYSCALL or a seccomp filter blocks the bpf system call";
            case EACCES -> what + ": a security module (SELinux, AppArmor, lockdown) denies bpf()";
            case ENOMEM -> what + ": raise the locked-memory limit (ulimit -l) or the memory cgroup limit";
            default -> what;
        };
    }
}
