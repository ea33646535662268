package org.crosscheck.runtime;

/**
 * The address space our in-process runtimes (interpreter, JIT) give a program. Addresses are
 * virtual: r1 points at {@link #MEM_BASE}, r10 at the top of a 512-byte frame inside the stack
 * region, a program compiled from C with globals has its global-data region at {@link #GLOBAL_BASE};
 * any other address is out of bounds. Each local call gets a frame of its own below its
 * caller's, so a callee may use pointers into its callers' frames.
 */
public final class Layout {
    private Layout() {}

    public static final long MEM_BASE = 0x10_0000_0000L;
    public static final long STACK_BASE = 0x20_0000_0000L;
    public static final int FRAME_SIZE = 512;
    /** Frames of the entry function plus nested local calls (the kernel allows 8). */
    public static final int MAX_FRAMES = 8;
    public static final int STACK_SIZE = FRAME_SIZE * MAX_FRAMES;
    public static final long STACK_TOP = STACK_BASE + STACK_SIZE;
    /**
     * Where a program's global-data region ({@link org.crosscheck.isa.GlobalData}: its .data, .rodata
     * and .bss) lies: {@code lddw map_idx_value 0, OFF} loads {@code GLOBAL_BASE + OFF}.
     */
    public static final long GLOBAL_BASE = 0x30_0000_0000L;

    /** Helper id of bpf_conformance's {@code unwind}: returns r1; the program stops when it is 0. */
    public static final int HELPER_UNWIND = 5;
}
