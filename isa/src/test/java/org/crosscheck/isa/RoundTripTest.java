package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for every op of the table and many random operands, encode -> decode -> disassemble
 * -> assemble gives back the same bytes, in both the relative-offset and the label form.
 */
class RoundTripTest {
    static final int PAD = 40;

    /** A random valid instance of op, placed at slot PAD of a program of exits. */
    static Program sample(Op op, Random rnd) throws DecodeException {
        Shape s = op.shape;
        int dst = s.dstWritten ? rnd.nextInt(10) : rnd.nextInt(11);
        int src = rnd.nextInt(11);
        int off = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Short.MIN_VALUE + rnd.nextInt(3);
            case 2 -> Short.MAX_VALUE - rnd.nextInt(3);
            default -> (short) rnd.nextInt();
        };
        long imm = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Integer.MIN_VALUE;
            case 2 -> -1;
            default -> rnd.nextInt();
        };
        if (s.imm == Shape.Imm.WIDE) imm = rnd.nextLong();
        if (s.isJump()) off = rnd.nextInt(2 * PAD) - PAD;
        if (s.imm == Shape.Imm.JUMP) imm = rnd.nextInt(2 * PAD) - PAD;
        List<Insn> insns = new ArrayList<>();
        for (int i = 0; i < PAD; i++) insns.add(Insn.of(Op.EXIT));
        insns.add(Insn.of(op, dst, src, off, imm));
        for (int i = 0; i < PAD + 2; i++) insns.add(Insn.of(Op.EXIT));
        return Program.of(insns);
    }

    @Test
    void everyEncodingSurvivesDisassemblyAndAssembly() throws Exception {
        Random rnd = new Random(42);
        int checked = 0;
        for (Op op : Op.values()) {
            for (int k = 0; k < 200; k++) {
                Program p = sample(op, rnd);
                byte[] bytes = p.encode();
                Program decoded = Program.decode(bytes);
                assertEquals(p, decoded, op + ": decode(encode) differs");
                Insn insn = decoded.insns().get(PAD);
                String relative = Disassembler.conformance(insn, (String) null);
                String whole = String.join("\n", decoded.insns().stream().map(Insn::toString).toList());
                assertArrayEquals(bytes, Assembler.assemble(whole).encode(), op + ": " + relative);
                assertArrayEquals(bytes, Assembler.assemble(Disassembler.conformance(decoded, true)).encode(),
                        op + " (labels): " + relative);
                assertFalse(Disassembler.llvm(insn).isBlank());
                checked++;
            }
        }
        assertEquals(Op.values().length * 200, checked);
    }

    @Test
    void groupsAndCpuAreComputedFromInstructions() throws Exception {
        Program p = Assembler.assemble("""
                mov32 %r0, 1
                sdiv %r0, 3
                lock fetch add [%r10-8], %r0
                ldacqw %r1, [%r10-8]
                call %r2
                exit
                """);
        assertEquals(java.util.EnumSet.of(Group.BASE32, Group.DIVMUL64, Group.ATOMIC64, Group.ACQREL, Group.CALLX), p.groups());
        assertEquals(CpuVersion.V4, p.cpu());
    }

    @Test
    void tableHasEveryRfcInstructionOnce() {
        // 179 rows: 56 ALU, 2 neg, 5 movsx, 9 byte order, 4+3 ldx, 4 st, 4 stx, 20 atomics,
        // 8 acquire/release, 44 conditional jumps, 7 control, 7 lddw forms, 6 packet loads
        assertEquals(179, Op.values().length);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Op op : Op.values()) {
            String key = op.code + "/" + (op.shape.srcReg ? "r" : op.src) + "/" + op.off + "/" + op.imm;
            assertFalse(!keys.add(key), "two rows encode alike: " + op);
        }
    }
}
