package org.crosscheck.runtime.jit;

import static org.crosscheck.runtime.jit.PlainMemory.I16;
import static org.crosscheck.runtime.jit.PlainMemory.I32;
import static org.crosscheck.runtime.jit.PlainMemory.I64;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.crosscheck.isa.Semantics;

/**
 * Memory accesses when threads share one ram array (litmus tests on real threads): the mapping of
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
 * Byte-array views allow these modes only on naturally aligned indexes; a misaligned access has
 * no single-copy atomicity in BPF either (the kernel rejects misaligned atomics), so it falls back
 * to {@link PlainMemory}.
 */
public final class SharedMemory {
    private SharedMemory() {}

    private static final VarHandle I8 = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final long M32 = Semantics.MASK32;
    /** Address of ram[0] modulo 8, found by probing: view alignment is of addresses, not indexes. */
    private static final int BASE = baseMisalignment();

    private static int baseMisalignment() {
        byte[] probe = new byte[16];
        for (int k = 0; k < 8; k++) {
            try {
                I64.getAcquire(probe, k);
                return (8 - k) & 7;
            } catch (IllegalStateException misaligned) {
                // try the next index
            }
        }
        throw new IllegalStateException("no 8-byte aligned index in a byte array");
    }

    static boolean aligned(int i, int size) {
        return ((i + BASE) & (size - 1)) == 0;
    }

    public static long load(byte[] ram, int i, int size) {
        return loadAcquire(ram, i, size);
    }

    public static void store(byte[] ram, int i, int size, long v) {
        if (!aligned(i, size)) {
            PlainMemory.store(ram, i, size, v);
            return;
        }
        switch (size) {
            case 1 -> I8.setOpaque(ram, i, (byte) v);
            case 2 -> I16.setOpaque(ram, i, (short) v);
            case 4 -> I32.setOpaque(ram, i, (int) v);
            default -> I64.setOpaque(ram, i, v);
        }
    }

    public static void atomic(byte[] ram, int i, int size, int imm, long src) {
        if (!aligned(i, size)) {
            PlainMemory.atomic(ram, i, size, imm, src);
            return;
        }
        if (size == 4) {
            int s = (int) src;
            switch (imm) {
                case 0x00 -> I32.getAndAddRelease(ram, i, s);
                case 0x40 -> I32.getAndBitwiseOrRelease(ram, i, s);
                case 0x50 -> I32.getAndBitwiseAndRelease(ram, i, s);
                default -> I32.getAndBitwiseXorRelease(ram, i, s);
            }
        } else {
            switch (imm) {
                case 0x00 -> I64.getAndAddRelease(ram, i, src);
                case 0x40 -> I64.getAndBitwiseOrRelease(ram, i, src);
                case 0x50 -> I64.getAndBitwiseAndRelease(ram, i, src);
                default -> I64.getAndBitwiseXorRelease(ram, i, src);
            }
        }
    }

    public static long fetch(byte[] ram, int i, int size, int imm, long src) {
        if (!aligned(i, size)) return PlainMemory.fetch(ram, i, size, imm, src);
        VarHandle.fullFence();
        long old;
        if (size == 4) {
            int s = (int) src;
            old = switch (imm & ~1) {
                case 0x00 -> (int) I32.getAndAdd(ram, i, s);
                case 0x40 -> (int) I32.getAndBitwiseOr(ram, i, s);
                case 0x50 -> (int) I32.getAndBitwiseAnd(ram, i, s);
                case 0xa0 -> (int) I32.getAndBitwiseXor(ram, i, s);
                default -> (int) I32.getAndSet(ram, i, s);
            } & M32;
        } else {
            old = switch (imm & ~1) {
                case 0x00 -> (long) I64.getAndAdd(ram, i, src);
                case 0x40 -> (long) I64.getAndBitwiseOr(ram, i, src);
                case 0x50 -> (long) I64.getAndBitwiseAnd(ram, i, src);
                case 0xa0 -> (long) I64.getAndBitwiseXor(ram, i, src);
                default -> (long) I64.getAndSet(ram, i, src);
            };
        }
        VarHandle.fullFence();
        return old;
    }

    public static long cmpxchg(byte[] ram, int i, int size, long r0, long src) {
        if (!aligned(i, size)) return PlainMemory.cmpxchg(ram, i, size, r0, src);
        VarHandle.fullFence();
        long old = size == 4
                ? (int) I32.compareAndExchange(ram, i, (int) r0, (int) src) & M32
                : (long) I64.compareAndExchange(ram, i, r0, src);
        VarHandle.fullFence();
        return old;
    }

    public static long loadAcquire(byte[] ram, int i, int size) {
        if (!aligned(i, size)) return PlainMemory.load(ram, i, size);
        return switch (size) {
            case 1 -> (byte) I8.getAcquire(ram, i) & 0xffL;
            case 2 -> (short) I16.getAcquire(ram, i) & 0xffffL;
            case 4 -> (int) I32.getAcquire(ram, i) & M32;
            default -> (long) I64.getAcquire(ram, i);
        };
    }

    public static void storeRelease(byte[] ram, int i, int size, long v) {
        if (!aligned(i, size)) {
            PlainMemory.store(ram, i, size, v);
            return;
        }
        switch (size) {
            case 1 -> I8.setRelease(ram, i, (byte) v);
            case 2 -> I16.setRelease(ram, i, (short) v);
            case 4 -> I32.setRelease(ram, i, (int) v);
            default -> I64.setRelease(ram, i, v);
        }
    }
}
