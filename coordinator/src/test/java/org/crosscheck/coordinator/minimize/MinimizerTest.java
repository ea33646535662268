package org.crosscheck.coordinator.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

class MinimizerTest {
    private static final Interpreter INTERPRETER = new Interpreter();

    /** r0 of a run that returns, else -1. */
    private static long r0(Program p, byte[] memory) {
        return INTERPRETER.run(p, memory, Limits.DEFAULT) instanceof Outcome.Returned r ? r.r0() : -1;
    }

    /**
     * A "bug" in arsh32 seen only when r0 ends up 42: the arithmetic that computes 42 (from the
     * input memory, through a loop) is replaced by the values it computed, and then removed.
     */
    @Test
    void computationsFeedingTheDivergenceBecomeTheirValues() throws IsaException {
        Program p = Assembler.assemble("""
                ldxb %r1, [%r1+0]
                mov %r2, 3
                mov %r3, 0
                loop:
                add %r3, %r1
                sub %r2, 1
                jne %r2, 0, loop
                mul %r3, 2
                add %r3, -12
                mov %r5, -7
                arsh32 %r5, 1
                mov %r0, %r3
                exit""");
        byte[] memory = {9, 0, 0, 0};
        assertEquals(42, r0(p, memory)); // (9 * 3) * 2 - 12
        Minimizer m = new Minimizer(in -> in.program().insns().stream().anyMatch(i -> i.op() == Op.ARSH32_IMM) && r0(in.program(), in.memory()) == 42, 1000, 10_000);
        ProgramInput small = m.minimize(new ProgramInput(p, memory));
        List<Op> ops = small.program().insns().stream().map(Insn::op).toList();
        assertEquals(List.of(Op.ARSH32_IMM, Op.MOV64_IMM, Op.EXIT), ops, small.program().insns().toString());
        assertEquals(42, r0(small.program(), small.memory()));
        assertEquals(0, small.memory().length);
    }

    /**
     * A pointer is never replaced by the address it had in the reference's layout: the reproducer
     * must still reach memory through r1, as on a runtime placing memory elsewhere (a campaign's
     * DPDK findings had become {@code r8 = 0x1000000000 ll; r8 = *(u32 *)(r8 + 0)}).
     */
    @Test
    void pointersStayComputedFromTheirBase() throws IsaException {
        Program p = Assembler.assemble("""
                mov %r8, %r1
                add %r8, 2
                mov %r7, %r8
                ldxb %r0, [%r7+0]
                exit""");
        byte[] memory = {0, 0, 42, 0};
        Minimizer m = new Minimizer(in -> in.program().insns().stream().anyMatch(i -> i.op() == Op.LDXB) && r0(in.program(), in.memory()) == 42, 1000, 10_000);
        Program small = m.minimize(new ProgramInput(p, memory)).program();
        for (Insn i : small.insns()) {
            assertTrue(i.op() != Op.LDDW && !(i.op() == Op.MOV64_IMM && i.imm() != 0), "an address became a constant: " + small.insns());
        }
        assertTrue(small.insns().stream().anyMatch(i -> i.op().shape == org.crosscheck.isa.Shape.ALU_REG && i.src() == 1), small.insns().toString());
        assertEquals(42, r0(small, memory));
    }

    @Test
    void constantsTakeTheShortestMove() {
        assertEquals(Insn.imm(Op.MOV64_IMM, 1, -5), Minimizer.constant(1, -5));
        assertEquals(Insn.imm(Op.MOV32_IMM, 2, (int) 0xfffffff0L), Minimizer.constant(2, 0xfffffff0L));
        assertEquals(Insn.imm(Op.LDDW, 3, 0x123456789L), Minimizer.constant(3, 0x123456789L));
        assertTrue(Minimizer.constant(3, 0x123456789L).slots() == 2);
    }
}
