package org.crosscheck.runtime.jit;

import static org.crosscheck.runtime.Layout.*;

import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome.TrapKind;

/** Static helpers the generated code calls (small, so HotSpot inlines them into the chunk). */
public final class JitSupport {
    private JitSupport() {}

    /**
     * Index into the state's ram (or shared segment) of an access of {@code size} bytes at virtual
     * address {@code a = base + off} (the offset added here keeps the generated code short): inside the input memory, the active stack frames [stackLow, STACK_TOP) or the global data,
     * else an OUT_OF_BOUNDS trap at pc. The interpreter's rule; both subtractions compare correctly
     * under overflow because each valid range is far smaller than 2^63.
     */
    static int index(MachineState s, long base, int off, int size, int pc) {
        long a = base + off;
        long o = a - MEM_BASE;
        if (o >= 0 && o <= s.memLen - size) return (int) o + s.memOff;
        if (a >= STACK_TOP - (long) FRAME_SIZE * (s.depth + 1) && a <= STACK_TOP - size) return (int) (a - STACK_BASE) + s.stackOff;
        o = a - GLOBAL_BASE;
        if (o >= 0 && o <= s.globalLen - size) return (int) o + s.globalOff;
        throw outOfBounds(a, size, pc);
    }

    private static JitTrap outOfBounds(long a, int size, int pc) {
        return new JitTrap(TrapKind.OUT_OF_BOUNDS, pc, size + "-byte access at 0x" + Long.toHexString(a));
    }

    /**
     * The budget a chunk counts down in an int local: what is left, at most Integer.MAX_VALUE, taken
     * out of {@code s.left} until {@link #giveBudget} puts the rest back when the chunk leaves.
     */
    public static int takeBudget(MachineState s) {
        int left = (int) Math.min(s.left, Integer.MAX_VALUE);
        s.left -= left;
        return left;
    }

    public static void giveBudget(MachineState s, int left) {
        s.left += left;
    }

    /** Legacy packet load: are the {@code size} bytes at packet offset o inside the input memory? (Else the program returns 0.) */
    public static boolean inPacket(MachineState s, long o, int size) {
        return o >= 0 && o <= s.memLen - size;
    }

    /** Legacy packet load of {@code size} bytes at packet offset o (in range), in network byte order. */
    public static long packetLoad(MachineState s, long o, int size) {
        long v = 0;
        for (int b = 0; b < size; b++) v = (v << 8) | (s.packet[(int) o + b] & 0xff);
        return v;
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
