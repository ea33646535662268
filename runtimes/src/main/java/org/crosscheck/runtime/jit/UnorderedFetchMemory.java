package org.crosscheck.runtime.jit;

import org.crosscheck.isa.Semantics;
import org.crosscheck.runtime.MachineState;

/**
 * A deliberately wrong shared-memory mapping ({@link MemoryMode#UNORDERED_FETCH}): every access as
 * {@link SharedMemory} except that fetch atomics, xchg and cmpxchg are a plain load followed by a
 * plain store, neither atomic nor ordered. On x86 the store can then wait in the store buffer
 * while later loads go ahead, so store buffering with fetch atomics (forbidden by the BPF memory
 * model) becomes observable: litmus runs must catch it.
 */
public final class UnorderedFetchMemory {
    private UnorderedFetchMemory() {}

    public static long load(MachineState s, long base, int off, int size, int pc) {
        return SharedMemory.load(s, base, off, size, pc);
    }

    public static void store(MachineState s, long base, int off, int size, int pc, long v) {
        SharedMemory.store(s, base, off, size, pc, v);
    }

    public static void atomic(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        SharedMemory.atomic(s, base, off, size, pc, imm, src);
    }

    public static long fetch(MachineState s, long base, int off, int size, int pc, int imm, long src) {
        long old = SharedMemory.load(s, base, off, size, pc);
        SharedMemory.store(s, base, off, size, pc, Semantics.atomicApply(imm, old, src));
        return old;
    }

    public static long cmpxchg(MachineState s, long base, int off, int size, int pc, long r0, long src) {
        long old = SharedMemory.load(s, base, off, size, pc);
        if (old == (size == 4 ? r0 & Semantics.MASK32 : r0)) SharedMemory.store(s, base, off, size, pc, src);
        return old;
    }

    public static long loadAcquire(MachineState s, long base, int off, int size, int pc) {
        return SharedMemory.loadAcquire(s, base, off, size, pc);
    }

    public static void storeRelease(MachineState s, long base, int off, int size, int pc, long v) {
        SharedMemory.storeRelease(s, base, off, size, pc, v);
    }
}
