package org.crosscheck.runtime.jit;

import static org.crosscheck.runtime.Layout.*;

import org.crosscheck.runtime.Outcome.TrapKind;

/** Static helpers the generated code calls (small, so HotSpot inlines them into the chunk). */
public final class JitSupport {
    private JitSupport() {}

    /**
     * Index into ram of an access of {@code size} bytes at virtual address {@code a}: inside the
     * input memory or the active stack frames [stackLow, STACK_TOP), else an OUT_OF_BOUNDS trap at pc.
     * The same rule as the interpreter's; both subtractions compare correctly under overflow
     * because each valid range is far smaller than 2^63.
     */
    public static int index(int memOff, int memLen, int stackOff, long stackLow, long a, int size, int pc) {
        long o = a - MEM_BASE;
        if (o >= 0 && o <= memLen - size) return (int) o + memOff;
        if (a >= stackLow && a <= STACK_TOP - size) return (int) (a - STACK_BASE) + stackOff;
        throw outOfBounds(a, size, pc);
    }

    private static JitTrap outOfBounds(long a, int size, int pc) {
        return new JitTrap(TrapKind.OUT_OF_BOUNDS, pc, size + "-byte access at 0x" + Long.toHexString(a));
    }

    /** Legacy packet load: index into ram of {@code size} bytes at packet offset o, or -1 (the program then returns 0). */
    public static int packetIndex(int memOff, int memLen, long o, int size) {
        return o < 0 || o > memLen - size ? -1 : (int) o + memOff;
    }

    public static JitTrap badCall(long id, int pc) {
        return new JitTrap(TrapKind.BAD_CALL, pc, "no helper " + id);
    }

    public static JitTrap badKfunc(long id, int pc) {
        return new JitTrap(TrapKind.BAD_CALL, pc, "no kfunc with BTF id " + id);
    }

    public static JitTrap callDepth(int pc) {
        return new JitTrap(TrapKind.CALL_DEPTH, pc, "more than " + MAX_FRAMES + " frames");
    }
}
