package org.crosscheck.runtime.jit;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.crosscheck.isa.Semantics;
import org.crosscheck.runtime.MachineState;

/**
 * Memory accesses when threads share one memory segment (litmus tests on real threads): the mapping of
 * BPF access kinds to JVM {@link VarHandle} access modes. Each mode gives at least the ordering
 * the BPF memory model (herd's bpf.cat, FORMATS.md) requires of that kind:
 *
 * <ul>
 * <li><b>plain load → getAcquire.</b> bpf.cat keeps coherence for plain accesses (opaque would
 *     give that) and orders a read before later accesses that depend on it by address, data or
 *     control ({@code [R];addr;[M]}, {@code [R];data;[W]}, {@code [R];ctrl;[W]}, and the
 *     {@code rfi}/{@code po} chains that start at a read). The JMM keeps no dependencies (C2 may
 *     fold or hoist them), so we order the read before <em>everything</em> after it; on x86
 *     getAcquire is a plain mov, on AArch64 an ldar.
 * <li><b>plain store → setOpaque.</b> Plain writes need coherence and single-copy atomicity
 *     only; every ordering a write takes part in starts at a read (covered above) or at a
 *     release/fetch (below).
 * <li><b>atomic add/or/and/xor without fetch → getAndAddRelease / getAndBitwise*Release.</b>
 *     A relaxed read-modify-write: only atomicity is required (it returns nothing, so no
 *     dependency leaves it). The JVM has no relaxed RMW for byte-array views; the release form
 *     is the weakest atomic one.
 * <li><b>fetch add/or/and/xor, xchg, cmpxchg → fullFence; volatile getAndAdd / getAndBitwise* /
 *     getAndSet / compareAndExchange; fullFence.</b> These are SC R-and-W events and
 *     {@code po_amo_fetch} orders every access before and after them ({@code [M];po;[RMW]},
 *     {@code [RMW];po;[M]}), including plain store→load pairs (store buffering through {@code pb}),
 *     which a volatile RMW alone orders only against other volatile accesses: hence a full
 *     fence on each side, like the kernel's smp_mb() around value-returning atomics. A failed
 *     cmpxchg is a plain read in bpf.cat; the fences make it stronger, which is allowed.
 * <li><b>load_acquire → getAcquire; store_release → setRelease.</b> Exactly
 *     {@code rcpc = [AQ];po;[M] | [M];po;[RL]}; JVM release/acquire is cumulative
 *     (happens-before is transitive), as {@code A-cumul} asks of a release.
 * </ul>
 *
 * The memory is an 8-byte-aligned off-heap {@link MemorySegment} ({@code MachineState.shared}):
 * in JDK 25 byte-array views support plain access only. The atomic modes need natural alignment;
 * a misaligned access has no single-copy atomicity in BPF either (the kernel rejects misaligned
 * atomics), so it is a plain unaligned access (a read-modify-write of two plain accesses).
 */
public final class SharedMemory {
    private SharedMemory() {}

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VarHandle I8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle I16 = ValueLayout.JAVA_SHORT.withOrder(LE).varHandle();
    private static final VarHandle I32 = ValueLayout.JAVA_INT.withOrder(LE).varHandle();
    private static final VarHandle I64 = ValueLayout.JAVA_LONG.withOrder(LE).varHandle();
    private static final long M32 = Semantics.MASK32;

    private static boolean aligned(int i, int size) {
        return (i & (size - 1)) == 0;
    }

    /** Plain, possibly misaligned access (zero-extended). */
    private static long plainLoad(MemorySegment m, int i, int size) {
        return switch (size) {
            case 1 -> m.get(ValueLayout.JAVA_BYTE, i) & 0xffL;
            case 2 -> m.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), i) & 0xffffL;
            case 4 -> m.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), i) & M32;
            default -> m.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE), i);
        };
    }

    private static void plainStore(MemorySegment m, int i, int size, long v) {
        switch (size) {
            case 1 -> m.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            case 2 -> m.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), i, (short) v);
            case 4 -> m.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), i, (int) v);
            default -> m.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE), i, v);
        }
    }

    public static long load(MachineState s, long base, int off, int size, int pc) {
        return loadAcquire(s, base, off, size, pc);
    }

    public static void store(MachineState s, long base, int off, int size, int pc, long v) {
        write(s, base, off, size, pc, v, false);
    }

    /** A store: opaque, or with release; a misaligned one plain (see the class comment). */
    private static void write(MachineState s, long base, int off, int size, int pc, long v, boolean release) {
        MemorySegment m = s.shared;
        int i = JitSupport.index(s, base, off, size, pc);
        if (!aligned(i, size)) {
            plainStore(m, i, size, v);
            return;
        }
        long at = i;
        switch (size) {
            case 1 -> { if (release) I8.setRelease(m, at, (byte) v); else I8.setOpaque(m, at, (byte) v); }
            case 2 -> { if (release) I16.setRelease(m, at, (short) v); else I16.setOpaque(m, at, (short) v); }
            case 4 -> { if (release) I32.setRelease(m, at, (int) v); else I32.setOpaque(m, at, (int) v); }
            default -> { if (release) I64.setRelease(m, at, v); else I64.setOpaque(m, at, v); }
        }
    }

    public static void atomic(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        MemorySegment m = s.shared;
        int i = JitSupport.index(s, base, off, size, pc);
        if (!aligned(i, size)) {
            plainStore(m, i, size, Semantics.atomicApply(imm, plainLoad(m, i, size), src));
            return;
        }
        if (size == 4) {
            int v = (int) src;
            switch (imm) {
                case 0x00 -> I32.getAndAddRelease(m, (long) i, v);
                case 0x40 -> I32.getAndBitwiseOrRelease(m, (long) i, v);
                case 0x50 -> I32.getAndBitwiseAndRelease(m, (long) i, v);
                default -> I32.getAndBitwiseXorRelease(m, (long) i, v);
            }
        } else {
            switch (imm) {
                case 0x00 -> I64.getAndAddRelease(m, (long) i, src);
                case 0x40 -> I64.getAndBitwiseOrRelease(m, (long) i, src);
                case 0x50 -> I64.getAndBitwiseAndRelease(m, (long) i, src);
                default -> I64.getAndBitwiseXorRelease(m, (long) i, src);
            }
        }
    }

    public static long fetch(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        MemorySegment m = s.shared;
        int i = JitSupport.index(s, base, off, size, pc);
        if (!aligned(i, size)) {
            long old = plainLoad(m, i, size);
            plainStore(m, i, size, Semantics.atomicApply(imm, old, src));
            return old;
        }
        VarHandle.fullFence();
        long old;
        if (size == 4) {
            int v = (int) src;
            old = switch (imm & ~1) {
                case 0x00 -> (int) I32.getAndAdd(m, (long) i, v);
                case 0x40 -> (int) I32.getAndBitwiseOr(m, (long) i, v);
                case 0x50 -> (int) I32.getAndBitwiseAnd(m, (long) i, v);
                case 0xa0 -> (int) I32.getAndBitwiseXor(m, (long) i, v);
                default -> (int) I32.getAndSet(m, (long) i, v);
            } & M32;
        } else {
            old = switch (imm & ~1) {
                case 0x00 -> (long) I64.getAndAdd(m, (long) i, src);
                case 0x40 -> (long) I64.getAndBitwiseOr(m, (long) i, src);
                case 0x50 -> (long) I64.getAndBitwiseAnd(m, (long) i, src);
                case 0xa0 -> (long) I64.getAndBitwiseXor(m, (long) i, src);
                default -> (long) I64.getAndSet(m, (long) i, src);
            };
        }
        VarHandle.fullFence();
        return old;
    }

    public static long cmpxchg(MachineState s, long base, int off, int size, int pc, long r0, long src) {
        MemorySegment m = s.shared;
        int i = JitSupport.index(s, base, off, size, pc);
        if (!aligned(i, size)) {
            long old = plainLoad(m, i, size);
            if (old == (size == 4 ? r0 & M32 : r0)) plainStore(m, i, size, src);
            return old;
        }
        VarHandle.fullFence();
        long old = size == 4
                ? (int) I32.compareAndExchange(m, (long) i, (int) r0, (int) src) & M32
                : (long) I64.compareAndExchange(m, (long) i, r0, src);
        VarHandle.fullFence();
        return old;
    }

    public static long loadAcquire(MachineState s, long base, int off, int size, int pc) {
        MemorySegment m = s.shared;
        int i = JitSupport.index(s, base, off, size, pc);
        if (!aligned(i, size)) return plainLoad(m, i, size);
        return switch (size) {
            case 1 -> (byte) I8.getAcquire(m, (long) i) & 0xffL;
            case 2 -> (short) I16.getAcquire(m, (long) i) & 0xffffL;
            case 4 -> (int) I32.getAcquire(m, (long) i) & M32;
            default -> (long) I64.getAcquire(m, (long) i);
        };
    }

    public static void storeRelease(MachineState s, long base, int off, int size, int pc, long v) {
        write(s, base, off, size, pc, v, true);
    }
}
