package org.crosscheck.coordinator.minimize;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;

/**
 * Does every read of the stack (through r10 with a constant offset) read bytes the same function
 * wrote before, on every path? Privileged Linux lets programs read uninitialised stack, whose
 * contents then differ from run to run; the minimizer must not shrink a case into such a program.
 */
public final class StackInit {
    private StackInit() {}

    private static final int FRAME = 512;

    public static boolean readsOnlyWrittenStack(Program p) {
        BitSet entries = new BitSet();
        entries.set(0);
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i != null && i.op() == Op.CALL_LOCAL) entries.set(pc + 1 + i.jumpOffset());
        }
        for (int e = entries.nextSetBit(0); e >= 0; e = entries.nextSetBit(e + 1)) {
            if (!function(p, e)) return false;
        }
        return true;
    }

    /** Forward must-analysis from one function entry; states meet by intersection. */
    private static boolean function(Program p, int entry) {
        BitSet[] in = new BitSet[p.slotCount()];
        in[entry] = new BitSet(FRAME);
        Deque<Integer> work = new ArrayDeque<>();
        work.add(entry);
        while (!work.isEmpty()) {
            int pc = work.poll();
            Insn i = p.at(pc);
            BitSet s = (BitSet) in[pc].clone();
            Op op = i.op();
            Shape sh = op.shape;
            int size = op.size();
            boolean stackBase = (sh == Shape.LDX || sh == Shape.LOAD_ACQ) ? i.src() == 10 : i.dst() == 10;
            if (size > 0 && stackBase && sh != Shape.LD_ABS && sh != Shape.LD_IND) {
                int from = FRAME + i.off();
                boolean reads = sh == Shape.LDX || sh == Shape.LOAD_ACQ || sh == Shape.ATOMIC;
                boolean writes = sh == Shape.ST || sh == Shape.STX || sh == Shape.STORE_REL || sh == Shape.ATOMIC;
                if (from < 0 || from + size > FRAME) return false; // outside the frame: not ours to judge, be strict
                if (reads && s.get(from, from + size).cardinality() != size) return false;
                if (writes) s.set(from, from + size);
            }
            if (op == Op.EXIT) continue;
            int next = pc + i.slots();
            boolean falls = sh != Shape.JA && sh != Shape.JA32;
            if (sh.isJump() && op != Op.CALL_LOCAL) flow(in, work, pc + 1 + i.jumpOffset(), s);
            if (falls && next < in.length) flow(in, work, next, s);
        }
        return true;
    }

    private static void flow(BitSet[] in, Deque<Integer> work, int to, BitSet s) {
        if (to < 0 || to >= in.length) return;
        if (in[to] == null) {
            in[to] = (BitSet) s.clone();
            work.add(to);
        } else {
            BitSet before = (BitSet) in[to].clone();
            in[to].and(s);
            if (!in[to].equals(before)) work.add(to);
        }
    }
}
