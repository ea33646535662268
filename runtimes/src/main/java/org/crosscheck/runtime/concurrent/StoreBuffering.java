package org.crosscheck.runtime.concurrent;

import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.Histogram.State;
import org.crosscheck.runtime.concurrent.SharedProgram.ThreadCode;

/**
 * Store buffering (SB), the litmus test that shows a store buffer, built directly (for runner
 * tests and benchmarks that must not depend on the litmus compiler):
 *
 * <pre>
 *   P0                          | P1
 *   *(u32 *)(x + 0) = 1         | *(u32 *)(y + 0) = 1
 *   [r4 = atomic_fetch_add((u64 *)(z + 0), r4)]   (the fenced variant; r4 = 1)
 *   r1 = *(u32 *)(y + 0)        | r1 = *(u32 *)(x + 0)
 *   exists (0:r1=0 /\ 1:r1=0)
 * </pre>
 *
 * Plain, the weak outcome is allowed (and x86 shows it); with the fully ordered atomic between
 * store and load it is forbidden. Locations x, y, z (all initially 0); each thread starts with
 * r1 = its own location, r2 = the other's, r3 = z, and observes r1.
 */
public final class StoreBuffering {
    private StoreBuffering() {}

    public static final int X = 0, Y = 1, Z = 2;

    public static SharedProgram program(boolean fenced) {
        List<ThreadCode> threads = List.of(X, Y).stream().map(mine -> {
            List<Insn> body = fenced
                    ? List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.ATOMIC64_FETCH_ADD, 3, 4, 0, 0), Insn.of(Op.LDXW, 1, 2, 0, 0))
                    : List.of(Insn.of(Op.STW, 1, 0, 0, 1), Insn.of(Op.LDXW, 1, 2, 0, 0));
            long[] values = new long[11];
            values[4] = 1;
            int[] locations = {-1, mine, Y - mine, Z, -1, -1, -1, -1, -1, -1, -1};
            return new ThreadCode(body, values, locations, new int[] {1});
        }).toList();
        return new SharedProgram(threads, new long[3], List.of("x", "y", "z"));
    }

    /** The final state P0:r1, P1:r1, x = 1, y = 1, z (0 plain, 2 fenced). */
    public static State state(long p0r1, long p1r1, boolean fenced) {
        return new State(new long[] {p0r1, p1r1, 1, 1, fenced ? 2 : 0});
    }

    /** The weak outcome: both loads read 0. */
    public static State weak(boolean fenced) {
        return state(0, 0, fenced);
    }
}
