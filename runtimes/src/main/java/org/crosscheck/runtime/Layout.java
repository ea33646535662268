package org.crosscheck.runtime;

/**
 * The address space our in-process runtimes (interpreter, JIT) give a program. Addresses are
 * virtual: r1 points at {@link #MEM_BASE}, r10 at the top of a 512-byte frame inside the stack
 * region; any other address is out of bounds. Each local call gets a frame of its own below its
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

    /** Helper id of bpf_conformance's {@code unwind}: returns r1; the program stops when it is 0. */
    public static final int HELPER_UNWIND = 5;
}
