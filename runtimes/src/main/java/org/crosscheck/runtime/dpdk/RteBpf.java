package org.crosscheck.runtime.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * DPDK's librte_bpf (Debian {@code librte-bpf23}, DPDK 22.11) through FFM, without {@code rte_eal_init}.
 * Layouts are those of /usr/include/dpdk/rte_bpf.h, checked with offsetof on this machine:
 * {@code struct rte_bpf_prm} is 56 bytes {ins@0, nb_ins@8 (u32), xsym@16, nb_xsym@24 (u32),
 * prog_arg@32 {type@0 (enum), size@8, buf_size@16}}; {@code struct rte_bpf_jit} is {func@0, sz@8}.
 *
 * <p>rte_errno is thread-local (unreachable through FFM), so the reason of a failed load is the
 * text DPDK logs: the log goes to an {@code open_memstream} buffer that is rewound before each load.
 * Not thread-safe: one caller at a time (the executor child is single-threaded).
 */
final class RteBpf {
    static final long PRM_SIZE = 56, PRM_INS = 0, PRM_NB_INS = 8, PRM_ARG_TYPE = 32, PRM_ARG_SIZE = 40, PRM_ARG_BUF_SIZE = 48;
    static final long JIT_SIZE = 16, JIT_FUNC = 0, JIT_SZ = 8;
    static final int ARG_PTR = 0x10;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final String INSTALL = "install it with: apt-get install librte-bpf23 (Debian 12; DPDK 22.11)";

    /** The handles, or why they could not be bound (library missing, no native access). */
    private static final class Lib {
        static final Lib INSTANCE;
        static final String PROBLEM;

        static {
            Lib lib = null;
            String problem = null;
            try {
                lib = new Lib();
            } catch (Throwable t) {
                problem = "cannot bind librte_bpf.so.23 (" + t.getMessage() + "); " + INSTALL;
            }
            INSTANCE = lib;
            PROBLEM = problem;
        }

        final MethodHandle load, exec, getJit, destroy, callJit, fflush, fseek;
        final MemorySegment logBuf, logSize, logStream;

        Lib() throws Throwable {
            Arena global = Arena.global();
            SymbolLookup bpf = SymbolLookup.libraryLookup("librte_bpf.so.23", global);
            SymbolLookup eal = SymbolLookup.libraryLookup("librte_eal.so.23", global);
            SymbolLookup libc = LINKER.defaultLookup();
            load = handle(bpf, "rte_bpf_load", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            exec = handle(bpf, "rte_bpf_exec", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            getJit = handle(bpf, "rte_bpf_get_jit", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            destroy = handle(bpf, "rte_bpf_destroy", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            callJit = LINKER.downcallHandle(FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS)); // (func, ctx)
            MethodHandle openLog = handle(eal, "rte_openlog_stream", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle memstream = handle(libc, "open_memstream", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            fflush = handle(libc, "fflush", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            fseek = handle(libc, "fseek", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            logBuf = global.allocate(ValueLayout.ADDRESS);
            logSize = global.allocate(ValueLayout.JAVA_LONG);
            logStream = (MemorySegment) memstream.invokeExact(logBuf, logSize);
            if (logStream.address() == 0) throw new IllegalStateException("open_memstream failed");
            int rc = (int) openLog.invokeExact(logStream);
            if (rc != 0) throw new IllegalStateException("rte_openlog_stream failed");
        }

        private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor fd) {
            return LINKER.downcallHandle(lookup.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name)), fd);
        }
    }

    private RteBpf() {}

    /** Empty when librte_bpf can be called here, else why not and how to install it. */
    static Optional<String> unavailable() {
        return Optional.ofNullable(Lib.PROBLEM);
    }

    private static Lib lib() {
        if (Lib.INSTANCE == null) throw new IllegalStateException(Lib.PROBLEM);
        return Lib.INSTANCE;
    }

    /** Starts a fresh log capture (call before a load). */
    static void resetLog() {
        Lib l = lib();
        try {
            int unused = (int) l.fseek.invokeExact(l.logStream, 0L, 0 /* SEEK_SET */);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** What DPDK logged since {@link #resetLog()}. */
    static String log() {
        Lib l = lib();
        try {
            int unused = (int) l.fflush.invokeExact(l.logStream);
            long size = l.logSize.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment buf = l.logBuf.get(ValueLayout.ADDRESS, 0).reinterpret(size);
            return new String(buf.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** rte_bpf_load of {@code nbIns} instructions with one pointer argument to {@code argSize} bytes; NULL on failure. */
    static MemorySegment load(MemorySegment prm, MemorySegment ins, int nbIns, long argSize) {
        prm.fill((byte) 0);
        prm.set(ValueLayout.ADDRESS, PRM_INS, ins);
        prm.set(ValueLayout.JAVA_INT, PRM_NB_INS, nbIns);
        prm.set(ValueLayout.JAVA_INT, PRM_ARG_TYPE, ARG_PTR);
        prm.set(ValueLayout.JAVA_LONG, PRM_ARG_SIZE, argSize);
        try {
            return (MemorySegment) lib().load.invokeExact(prm);
        } catch (Throwable t) {
            throw new IllegalStateException("rte_bpf_load downcall failed", t);
        }
    }

    static long exec(MemorySegment bpf, MemorySegment ctx) {
        try {
            return (long) lib().exec.invokeExact(bpf, ctx);
        } catch (Throwable t) {
            throw new IllegalStateException("rte_bpf_exec downcall failed", t);
        }
    }

    /** The JIT-compiled function of a loaded program, or NULL when DPDK did not compile it. */
    static MemorySegment jit(MemorySegment bpf, MemorySegment jitInfo) {
        try {
            int rc = (int) lib().getJit.invokeExact(bpf, jitInfo);
            return rc != 0 ? MemorySegment.NULL : jitInfo.get(ValueLayout.ADDRESS, JIT_FUNC);
        } catch (Throwable t) {
            throw new IllegalStateException("rte_bpf_get_jit downcall failed", t);
        }
    }

    static long callJit(MemorySegment func, MemorySegment ctx) {
        try {
            return (long) lib().callJit.invokeExact(func, ctx);
        } catch (Throwable t) {
            throw new IllegalStateException("JIT-compiled code call failed", t);
        }
    }

    static void destroy(MemorySegment bpf) {
        try {
            lib().destroy.invokeExact(bpf);
        } catch (Throwable t) {
            throw new IllegalStateException("rte_bpf_destroy downcall failed", t);
        }
    }
}
