package org.crosscheck.runtime.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The bpf(2) system call through FFM: {@code syscall(SYS_bpf, cmd, attr, size)} as a variadic
 * downcall with errno captured, plus close(2). Only the commands crosscheck needs; attribute
 * offsets are those of {@code union bpf_attr} in include/uapi/linux/bpf.h.
 */
final class Bpf {
    private Bpf() {}

    static final long SYS_BPF = 321; // x86-64
    static final int MAP_CREATE = 0, PROG_LOAD = 5, PROG_TEST_RUN = 10, OBJ_GET_INFO_BY_FD = 15;
    static final int MAP_TYPE_ARRAY = 2;
    /** Map flag: the values can be mmap()ed, so we read and write them without system calls. */
    static final int F_MMAPABLE = 1 << 10;
    static final long PAGE = 4096;
    static final int PROG_TYPE_SOCKET_FILTER = 1;

    /** Sizes of the attribute blocks we pass (each ends at the last field we use). */
    static final int MAP_CREATE_SIZE = 72, PROG_LOAD_SIZE = 144, TEST_RUN_SIZE = 80;

    /** Offsets in the BPF_PROG_LOAD attributes. */
    static final long PL_TYPE = 0, PL_INSN_CNT = 4, PL_INSNS = 8, PL_LICENSE = 16, PL_LOG_LEVEL = 24,
            PL_LOG_SIZE = 28, PL_LOG_BUF = 32, PL_FLAGS = 44, PL_NAME = 48, PL_LOG_TRUE_SIZE = 140;
    /** BPF_OBJ_GET_INFO_BY_FD's attributes (bpf_fd, info_len, info), and the struct bpf_prog_info we pass (up to xlated_prog_insns). */
    static final int GET_INFO_SIZE = 16, PROG_INFO_SIZE = 40;
    /** Offsets in the BPF_OBJ_GET_INFO_BY_FD attributes and in struct bpf_prog_info. */
    static final long GI_FD = 0, GI_INFO_LEN = 4, GI_INFO = 8, PI_JITED_LEN = 16, PI_JITED_INSNS = 24;
    /** Offsets in the BPF_PROG_TEST_RUN attributes. */
    static final long TR_PROG_FD = 0, TR_RETVAL = 4, TR_DATA_SIZE_IN = 8, TR_DATA_IN = 16, TR_REPEAT = 32;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle MMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(
            LINKER.defaultLookup().find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    /** sched_getaffinity/sched_setaffinity(pid, size, mask): the calling thread's CPU set when pid is 0. */
    private static final FunctionDescriptor AFFINITY = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle GET_AFFINITY = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_getaffinity").orElseThrow(), AFFINITY, Linker.Option.captureCallState("errno"));
    private static final MethodHandle SET_AFFINITY = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_setaffinity").orElseThrow(), AFFINITY, Linker.Option.captureCallState("errno"));
    /** Bytes of a cpu_set_t (1024 CPUs). */
    private static final int CPU_SET_SIZE = 128;
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** Memory for the captured errno of one thread's calls (allocate one per context). */
    static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** bpf(cmd, attr, size): the non-negative result, or minus errno. */
    static long call(MemorySegment errno, int cmd, MemorySegment attr, int size) {
        try {
            long r = (long) SYSCALL.invokeExact(errno, SYS_BPF, cmd, attr, size);
            return r >= 0 ? r : -(int) ERRNO.get(errno, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("bpf() downcall failed", t);
        }
    }

    /** Maps {@code length} bytes of the mmapable map {@code fd} read-write; NULL on failure. */
    static MemorySegment mmap(int fd, long length) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, 3 /* PROT_READ|PROT_WRITE */, 1 /* MAP_SHARED */, fd, 0L);
            return p.address() == -1L ? MemorySegment.NULL : p.reinterpret(length);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap() downcall failed", t);
        }
    }

    static void munmap(MemorySegment mapped) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapped, mapped.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap() downcall failed", t);
        }
    }

    static void close(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close() downcall failed", t);
        }
    }

    /** The CPUs the calling thread may run on, in increasing order (empty when the call fails). */
    static int[] allowedCpus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_SIZE, 8);
            int r = (int) GET_AFFINITY.invokeExact(errnoSlot(arena), 0, (long) CPU_SET_SIZE, mask);
            if (r != 0) return new int[0];
            return java.util.BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE)).stream().toArray();
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity() downcall failed", t);
        }
    }

    /** Pins the calling thread to {@code cpu}: 0, or the errno of the failure. */
    static int pinTo(int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = errnoSlot(arena);
            MemorySegment mask = arena.allocate(CPU_SET_SIZE, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int r = (int) SET_AFFINITY.invokeExact(errno, 0, (long) CPU_SET_SIZE, mask);
            return r == 0 ? 0 : (int) ERRNO.get(errno, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity() downcall failed", t);
        }
    }
}
