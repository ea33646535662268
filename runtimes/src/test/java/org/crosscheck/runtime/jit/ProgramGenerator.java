package org.crosscheck.runtime.jit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Shape;

/**
 * Builds a valid program, its input memory and a budget from fuzzer bytes: a small structured
 * generator over the {@link Op} table. Memory accesses mostly go through r1 (input memory) or
 * r10 (stack) with offsets near the valid range, so both in-bounds and out-of-bounds accesses
 * occur; jumps and local calls go to any instruction (backward ones make loops that a small
 * budget or a counted-loop pattern ends); immediates favour edge values.
 */
final class ProgramGenerator {
    /** A generated program and input, with the instruction budget to run it under. */
    record Case(ProgramInput input, long budget) {
        Program program() {
            return input.program();
        }

        byte[] memory() {
            return input.memory();
        }
    }

    private static final Op[] OPS = Op.values();
    private static final long[] EDGES = {0, 1, -1, 2, 5, 7, 8, 16, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
        0xffff, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE, 0x8000_0000L, -0x8000_0001L};

    private ProgramGenerator() {}

    static Case generate(FuzzedDataProvider in) {
        int memLen = in.consumeInt(0, 64);
        byte[] memory = Arrays.copyOf(in.consumeBytes(memLen), memLen);
        long budget = in.consumeBoolean() ? in.consumeLong(1, 400) : 100_000;
        int count = in.consumeInt(1, 48);
        List<Insn> insns = new ArrayList<>();
        List<Integer> targets = new ArrayList<>(); // per instruction: index it jumps to, or -1
        int loopStart = -1;
        while (insns.size() < count && in.remainingBytes() > 0) {
            int k = insns.size();
            int pattern = in.consumeInt(0, 15);
            if (pattern == 0 && loopStart < 0) { // counted loop: mov r9, n ... sub r9, 1; jne r9, 0, start
                add(insns, targets, Insn.imm(Op.MOV64_IMM, 9, in.consumeInt(1, 6)), -1);
                loopStart = insns.size();
                continue;
            }
            if (pattern == 1 && loopStart >= 0) {
                add(insns, targets, Insn.imm(Op.ADD64_IMM, 9, -1), -1);
                add(insns, targets, Insn.imm(Op.JNE_IMM, 9, 0), loopStart);
                loopStart = -1;
                continue;
            }
            Op op = OPS[in.consumeInt(0, OPS.length - 1)];
            if (op.shape == Shape.LDDW && op.src != 0 && in.consumeInt(0, 7) != 0) op = Op.LDDW; // pseudo lddw: rarely
            Shape s = op.shape;
            int dst = s.dstWritten ? in.consumeInt(0, 9) : in.consumeInt(0, 10);
            int src = in.consumeInt(0, 10);
            int off = 0;
            long imm = s.imm == Shape.Imm.WIDE ? in.consumeLong() : immediate(in);
            int target = -1;
            int size = op.size();
            if (size > 0 && s != Shape.LD_ABS && s != Shape.LD_IND) {
                int base = switch (in.consumeInt(0, 3)) {
                    case 0, 1 -> 1;
                    case 2 -> 10;
                    default -> in.consumeInt(0, 10);
                };
                if (s == Shape.LDX || s == Shape.LOAD_ACQ) src = base;
                else dst = base;
                int aligned = in.consumeBoolean() ? ~(size - 1) : ~0;
                off = switch (base) {
                    case 1 -> in.consumeInt(-2, memLen + 1) & aligned;
                    case 10 -> in.consumeInt(-520, 8) & aligned;
                    default -> in.consumeInt(-64, 64);
                };
            } else if (s == Shape.LD_ABS || s == Shape.LD_IND) {
                imm = in.consumeInt(-4, memLen + 2);
            } else if (s.isJump()) {
                target = in.consumeInt(0, count); // count: the final exit
            } else if (s == Shape.CALL_HELPER) {
                imm = in.consumeInt(0, 7) == 0 ? in.consumeInt(0, 10) : 5;
            }
            add(insns, targets, Insn.of(op, dst, src, off, imm), target);
        }
        add(insns, targets, Insn.of(Op.EXIT), -1);
        // jump offsets in slots, now that every instruction's slot is known
        int[] slot = new int[insns.size() + 1];
        for (int k = 0; k < insns.size(); k++) slot[k + 1] = slot[k] + insns.get(k).slots();
        for (int k = 0; k < insns.size(); k++) {
            int t = Math.min(targets.get(k), insns.size() - 1);
            if (t >= 0) insns.set(k, insns.get(k).withJumpOffset(slot[t] - slot[k] - 1));
        }
        try {
            return new Case(new ProgramInput(Program.of(insns), memory), budget);
        } catch (DecodeException e) {
            throw new IllegalStateException("generator built an invalid program: " + e.getMessage(), e);
        }
    }

    private static void add(List<Insn> insns, List<Integer> targets, Insn i, int target) {
        insns.add(i);
        targets.add(target);
    }

    private static long immediate(FuzzedDataProvider in) {
        return switch (in.consumeInt(0, 3)) {
            case 0 -> in.consumeInt();
            case 1 -> in.consumeInt(-16, 16);
            default -> (int) EDGES[in.consumeInt(0, EDGES.length - 1)];
        };
    }
}
