package org.crosscheck.coordinator.compare;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.TreeSet;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;

/**
 * Which registers some path may leave unwritten at an instruction, by the rules the kernel's verifier
 * and DPDK's validator apply: a function starts with r1 (the memory), r2 (its length; a callee: r1-r5,
 * its arguments) and r10, a packet program also with r6 (the context); a call or legacy packet load
 * writes r0 and leaves r1-r5 unreadable. The reference starts every register at 0, so a verifier that
 * refuses such a read is following its rules; one that refuses a read of a register this analysis
 * says every path wrote is not, and stays a finding.
 */
final class UnwrittenRegisters {
    private UnwrittenRegisters() {}

    private static final int CALLER_SAVED = 0b11_1110; // r1-r5
    private static final int R0 = 1;

    /** Whether some path from its function's entry reaches {@code pc} with {@code reg} unwritten. */
    static boolean mayBeUnwritten(Program p, int pc, int reg) {
        if (pc < 0 || pc >= p.slotCount() || p.at(pc) == null || reg < 0 || reg > Program.MAX_REGISTER) return false;
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        for (int k = 0; k < p.slotCount(); k++) {
            Insn i = p.at(k);
            if (i != null && i.op() == Op.CALL_LOCAL) entries.add(k + 1 + i.jumpOffset());
        }
        int entry = entries.floor(pc);
        Integer next = entries.higher(entry);
        int end = next == null ? p.slotCount() : next;
        int start = entry == 0 ? (1 << 1 | 1 << 2 | 1 << 10 | (p.groups().contains(Group.PACKET) ? 1 << 6 : 0)) : (CALLER_SAVED | 1 << 10);
        // written[k]: registers every path so far wrote before k (-1: not reached yet); the meet is intersection
        int[] written = new int[p.slotCount()];
        Arrays.fill(written, -1);
        written[entry] = start;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(entry);
        while (!work.isEmpty()) {
            int k = work.poll();
            Insn i = p.at(k);
            if (i == null) continue;
            int out = written[k] | writes(i);
            if (i.op().shape == Shape.CALL_HELPER || i.op().shape == Shape.CALL_LOCAL || i.op().shape == Shape.CALLX
                    || i.op().shape == Shape.CALL_RUNTIME || i.op().shape == Shape.LD_ABS || i.op().shape == Shape.LD_IND) {
                out = (out & ~CALLER_SAVED) | R0;
            }
            for (int succ : p.successors(k)) {
                if (succ < entry || succ >= end) continue;
                int merged = written[succ] == -1 ? out : written[succ] & out;
                if (merged != written[succ]) {
                    written[succ] = merged;
                    work.add(succ);
                }
            }
        }
        return written[pc] == -1 || (written[pc] & 1 << reg) == 0;
    }

    /** Registers {@code i} writes (calls and packet loads are handled by the caller). */
    private static int writes(Insn i) {
        Shape s = i.op().shape;
        int w = s.dstWritten ? 1 << i.dst() : 0;
        if (s == Shape.ATOMIC) {
            long op = i.imm();
            if (op == 0xf1) w |= R0;                  // cmpxchg: r0 = the old value
            else if ((op & 1) != 0) w |= 1 << i.src(); // fetch forms and xchg: src = the old value
        }
        return w;
    }
}
