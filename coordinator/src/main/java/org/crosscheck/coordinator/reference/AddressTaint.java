package org.crosscheck.coordinator.reference;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Outcome;

/**
 * The address taint of a reference run: whether r0 at exit holds a value computed from an address
 * (r1, the input pointer, r10, the frame pointer, and the global data's address and pointer words), whether the layout steered the run (a branch
 * compared an address, or a memory access went through an address that is not a pointer plus a
 * non-address: {@code r1 & 127} added to a pointer), the pcs of the instructions whose destination got
 * such a value at some execution, and the addresses of the bytes holding such a value at exit.
 * Taint flows through moves, arithmetic, calls and memory (per byte); a constant or a loaded untainted
 * value clears it. Over-approximates ({@code r1 & 0} is tainted).
 */
public record AddressTaint(boolean returned, boolean r0, boolean steered, Set<Integer> addressDefs, Set<Long> bytes) {
    static AddressTaint of(ReferenceTrace trace) {
        Program program = trace.program();
        Set<Integer> defs = new HashSet<>();
        boolean[] steered = {false};
        boolean[] t = new boolean[11];  // computed from an address
        boolean[] x = new boolean[11];  // exactly a pointer: r1 or r10 plus values that are not addresses
        t[1] = t[10] = x[1] = x[10] = true;
        Set<Long> bytes = new HashSet<>();   // tainted byte addresses
        for (int w : program.globalData().pointers()) taint(bytes, org.crosscheck.runtime.Layout.GLOBAL_BASE + w, 8, true);
        ArrayDeque<boolean[]> frames = new ArrayDeque<>();
        trace.forEach((pc, r) -> {
            Insn i = program.at(pc);
            if (i == null) return;
            Op op = i.op();
            int d = i.dst(), sr = i.src();
            boolean addOrSub = op.mnemonic.equals("add") || op.mnemonic.equals("sub");
            switch (op.shape) {
                case ALU_IMM -> {
                    if (op.mnemonic.startsWith("mov")) t[d] = false;
                    x[d] &= addOrSub;
                }
                case ALU_REG -> {
                    if (op.mnemonic.startsWith("mov")) {
                        t[d] = t[sr];
                        x[d] = x[sr] && op.mnemonic.equals("mov");
                    } else {
                        // pointer + scalar, pointer - scalar and scalar + pointer stay pointers
                        x[d] = addOrSub && (x[d] && !t[sr] || op.mnemonic.equals("add") && !t[d] && x[sr]);
                        t[d] |= t[sr];
                    }
                }
                case LDDW, LD_ABS, LD_IND -> {
                    int to = op.shape == Shape.LDDW ? d : 0;
                    t[to] = op == Op.LDDW_MAP_IDX_VALUE; // the global data's address is a pointer as r1 is
                    if (t[to]) x[to] = true;
                }
                case LDX, LOAD_ACQ -> {
                    steered[0] |= t[sr] && !x[sr];
                    t[d] = x[d] = anyTainted(bytes, r[sr] + i.off(), op.size()); // a spilled pointer comes back as one
                }
                case ST -> {
                    steered[0] |= t[d] && !x[d];
                    taint(bytes, r[d] + i.off(), op.size(), false);
                }
                case STX, STORE_REL -> {
                    steered[0] |= t[d] && !x[d];
                    taint(bytes, r[d] + i.off(), op.size(), t[sr]);
                }
                case ATOMIC -> {
                    steered[0] |= t[d] && !x[d];
                    long a = r[d] + i.off();
                    boolean old = anyTainted(bytes, a, op.size());
                    boolean cmpxchg = (i.imm() & 0xf0) == 0xf0, fetch = (i.imm() & 1) != 0;
                    taint(bytes, a, op.size(), (i.imm() & 0xf0) == 0xe0 ? t[sr] : old | t[sr]);
                    if (cmpxchg) t[0] = x[0] = old;
                    else if (fetch) t[sr] = x[sr] = old;
                }
                case CALL_HELPER, CALLX -> { // unwind returns r1
                    t[0] = t[1];
                    x[0] = x[1];
                }
                case CALL_RUNTIME -> t[0] = false;
                case CALL_LOCAL -> {
                    boolean[] saved = new boolean[8];
                    System.arraycopy(t, 6, saved, 0, 4);
                    System.arraycopy(x, 6, saved, 4, 4);
                    frames.push(saved);
                }
                case EXIT -> {
                    if (frames.isEmpty()) break;
                    boolean[] saved = frames.pop();
                    System.arraycopy(saved, 0, t, 6, 4);
                    System.arraycopy(saved, 4, x, 6, 4);
                }
                case JMP_IMM -> steered[0] |= t[d];
                case JMP_REG -> steered[0] |= t[d] | t[sr];
                default -> { // unconditional jumps keep what they had; byte swaps and negation keep the taint only
                    if (op.shape.dstWritten) x[d] = false;
                }
            }
            for (int k = 0; k < 11; k++) x[k] &= t[k];
            if (op.shape.dstWritten && t[d]) defs.add(pc);
        });
        return new AddressTaint(trace.outcome() instanceof Outcome.Returned, t[0], steered[0], defs, bytes);
    }

    private static boolean anyTainted(Set<Long> bytes, long a, int size) {
        if (bytes.isEmpty()) return false; // most programs never store an address
        for (int k = 0; k < size; k++) if (bytes.contains(a + k)) return true;
        return false;
    }

    private static void taint(Set<Long> bytes, long a, int size, boolean tainted) {
        if (!tainted && bytes.isEmpty()) return;
        for (int k = 0; k < size; k++) {
            if (tainted) bytes.add(a + k);
            else bytes.remove(a + k);
        }
    }
}
