package org.crosscheck.runtime.jit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.crosscheck.isa.Semantics;
import org.crosscheck.runtime.MachineState;

/**
 * Memory accesses of a single-threaded run (the {@code jit} runtime): every access is a plain
 * JVM access and an atomic is a plain read-modify-write, exactly as in the interpreter; nothing
 * else can observe the memory meanwhile, so this is both correct and the fastest choice. Values
 * are zero-extended to 64 bits. {@link SharedMemory} has the same methods with ordering.
 */
public final class PlainMemory {
    private PlainMemory() {}

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M32 = Semantics.MASK32;

    static long get(byte[] ram, int i, int size) {
        return switch (size) {
            case 1 -> ram[i] & 0xffL;
            case 2 -> (short) I16.get(ram, i) & 0xffffL;
            case 4 -> (int) I32.get(ram, i) & M32;
            default -> (long) I64.get(ram, i);
        };
    }

    static void set(byte[] ram, int i, int size, long v) {
        switch (size) {
            case 1 -> ram[i] = (byte) v;
            case 2 -> I16.set(ram, i, (short) v);
            case 4 -> I32.set(ram, i, (int) v);
            default -> I64.set(ram, i, v);
        }
    }

    public static long load(MachineState s, long base, int off, int size, int pc) {
        return get(s.ram, JitSupport.index(s, base, off, size, pc), size);
    }

    public static void store(MachineState s, long base, int off, int size, int pc, long v) {
        set(s.ram, JitSupport.index(s, base, off, size, pc), size, v);
    }

    /** Atomic add/or/and/xor without fetch. */
    public static void atomic(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        fetch(s, base, off, size, pc, imm, src);
    }

    /** Fetch forms and xchg: returns the old value. */
    public static long fetch(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        int i = JitSupport.index(s, base, off, size, pc);
        long old = get(s.ram, i, size);
        set(s.ram, i, size, Semantics.atomicApply(imm, old, src));
        return old;
    }

    /** cmpxchg: stores src when the old value equals r0 (its low 32 bits for size 4); returns the old value. */
    public static long cmpxchg(MachineState s, long base, int off, int size, int pc, long r0, long src) {
        int i = JitSupport.index(s, base, off, size, pc);
        long old = get(s.ram, i, size);
        if (old == (size == 4 ? r0 & M32 : r0)) set(s.ram, i, size, src);
        return old;
    }

    public static long loadAcquire(MachineState s, long base, int off, int size, int pc) {
        return load(s, base, off, size, pc);
    }

    public static void storeRelease(MachineState s, long base, int off, int size, int pc, long v) {
        store(s, base, off, size, pc, v);
    }
}
