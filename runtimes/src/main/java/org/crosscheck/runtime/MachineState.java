package org.crosscheck.runtime;

import static org.crosscheck.runtime.Layout.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.crosscheck.isa.GlobalData;

/**
 * The complete state of a BPF machine of the in-process runtimes, so that one runtime can hand a
 * run over to another mid-way: the JIT passes it to the interpreter when its remaining budget is
 * too small for the next basic block, and the interpreter finishes the last few instructions
 * exactly. Mutable on purpose: runtimes update it in place.
 *
 * <p>{@code ram} holds the active stack frames and the input memory:
 * {@code [stackOff, stackOff + STACK_SIZE)} is the stack region {@code [STACK_BASE, STACK_TOP)},
 * {@code [memOff, memOff + memLen)} the input memory at {@code MEM_BASE}. A single-threaded run
 * uses {@link #initial}: stack first, then the memory, then the program's global data
 * ({@code [globalOff, globalOff + globalLen)} is {@code [GLOBAL_BASE, GLOBAL_BASE + globalLen)}). Threads of a litmus test can later share
 * one {@code ram} with one stack region each (different {@code stackOff}, same {@code memOff}).
 */
public final class MachineState {
    /** Registers r0-r10. */
    public final long[] r = new long[11];
    /** Slot of the next instruction. */
    public int pc;
    /** Number of active local calls (0 in the entry function). */
    public int depth;
    /** Per local call: the pc of the call instruction. */
    public final int[] retPc = new int[MAX_FRAMES];
    /** Per local call: the caller's r6-r9 and r10. */
    public final long[] saved = new long[MAX_FRAMES * 5];
    /** Instructions the run may still execute. */
    public long left;
    public final byte[] ram;
    public final int memOff, memLen, stackOff;
    /** The global-data region in {@code ram} (length 0: none). */
    public final int globalOff, globalLen;
    /**
     * The same bytes as {@code ram} in an 8-byte-aligned off-heap segment, for code whose accesses
     * need atomic JVM access modes (the JIT's shared-memory mode; heap byte arrays support only
     * plain access in JDK 25). Null otherwise. Threads of a litmus test can share one.
     */
    public MemorySegment shared;
    /** The input as it was at entry: what legacy packet loads read (as Linux's skb data, a copy). */
    public byte[] packet;

    public MachineState(byte[] ram, int memOff, int memLen, int stackOff) {
        this(ram, memOff, memLen, stackOff, 0, 0);
    }

    public MachineState(byte[] ram, int memOff, int memLen, int stackOff, int globalOff, int globalLen) {
        this.ram = ram;
        this.memOff = memOff;
        this.memLen = memLen;
        this.stackOff = stackOff;
        this.globalOff = globalOff;
        this.globalLen = globalLen;
    }

    /** A run at pc 0 over a copy of {@code memory}: r1 = MEM_BASE, r2 = its length, r10 = STACK_TOP. */
    public static MachineState initial(byte[] memory, long budget) {
        return initial(memory, GlobalData.NONE, budget);
    }

    /** As {@link #initial(byte[], long)}, with {@code globals} placed at GLOBAL_BASE (its initial bytes, pointer words set). */
    public static MachineState initial(byte[] memory, GlobalData globals, long budget) {
        int g = globals.size();
        byte[] ram = new byte[STACK_SIZE + memory.length + g];
        System.arraycopy(memory, 0, ram, STACK_SIZE, memory.length);
        if (g > 0) globals.placeInto(ram, STACK_SIZE + memory.length, GLOBAL_BASE);
        MachineState s = new MachineState(ram, STACK_SIZE, memory.length, 0, STACK_SIZE + memory.length, g);
        s.r[1] = MEM_BASE;
        s.r[2] = memory.length;
        s.r[10] = STACK_TOP;
        s.left = budget;
        s.packet = memory; // callers never change it: every runtime works on its own copy
        return s;
    }

    /** Lowest valid stack address: the bottom of the current frame. */
    public long stackLow() {
        return STACK_TOP - (long) FRAME_SIZE * (depth + 1);
    }

    /** A copy of the input memory as it is now. */
    public byte[] memory() {
        return Arrays.copyOfRange(ram, memOff, memOff + memLen);
    }
}
