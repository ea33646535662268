package org.crosscheck.coordinator.minimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

/** Each pass of the minimizer on its own: what it shrinks, and that it keeps what the predicate needs. */
class MinimizerPassesTest {
    private static Minimizer.Candidate candidate(String asm, byte[] memory) throws IsaException {
        return new Minimizer.Candidate(new ProgramInput(Assembler.assemble(asm), memory));
    }

    private static Minimizer minimizer(Predicate<ProgramInput> stillFails) {
        return new Minimizer(stillFails, 1000, 10_000);
    }

    private static List<Op> ops(Minimizer.Candidate c) {
        return c.program.insns().stream().map(Insn::op).toList();
    }

    private static boolean has(ProgramInput in, Op op) {
        return in.program().insns().stream().anyMatch(i -> i.op() == op);
    }

    private static long r0(ProgramInput in) {
        return new Interpreter().run(in.program(), in.memory(), Limits.DEFAULT) instanceof Outcome.Returned r ? r.r0() : -1;
    }

    @Test
    void removeInstructionsKeepsOnlyWhatThePredicateNeedsAndRetargetsJumps() throws IsaException {
        Minimizer.Candidate c = candidate("""
                mov %r2, 1
                jeq %r2, 1, end
                mov %r3, 2
                arsh32 %r4, 1
                end:
                mov %r0, 0
                exit""", new byte[0]);
        minimizer(in -> has(in, Op.ARSH32_IMM) && has(in, Op.JEQ_IMM) && has(in, Op.EXIT)).removeInstructions(c);
        assertEquals(List.of(Op.JEQ_IMM, Op.ARSH32_IMM, Op.EXIT), ops(c), c.program.insns().toString());
        // the jump to the removed "mov r0, 0" now goes to the survivor after it, the exit
        assertEquals(1, c.program.insns().get(0).jumpOffset());
    }

    @Test
    void operationsToMovesTurnsAluOperationsAndShortLddwIntoMoves() throws IsaException {
        Minimizer.Candidate c = candidate("""
                lddw %r2, 5
                add %r3, %r1
                mul32 %r4, 7
                exit""", new byte[0]);
        minimizer(in -> has(in, Op.EXIT)).operationsToMoves(c);
        assertEquals(List.of(Insn.imm(Op.MOV64_IMM, 2, 5), Insn.reg(Op.MOV64_REG, 3, 1), Insn.imm(Op.MOV32_IMM, 4, 7), Insn.of(Op.EXIT)),
                c.program.insns());
    }

    @Test
    void operationsToMovesKeepsAnOperationThePredicateNeeds() throws IsaException {
        Minimizer.Candidate c = candidate("add %r3, %r1\nexit", new byte[0]);
        minimizer(in -> has(in, Op.ADD64_REG)).operationsToMoves(c);
        assertEquals(List.of(Op.ADD64_REG, Op.EXIT), ops(c));
    }

    @Test
    void valuesToConstantsReplacesALoadByTheValueTheReferenceLoaded() throws IsaException {
        Minimizer.Candidate c = candidate("ldxb %r0, [%r1+0]\nexit", new byte[] {42});
        assertTrue(minimizer(in -> r0(in) == 42).valuesToConstants(c));
        assertEquals(List.of(Insn.imm(Op.MOV64_IMM, 0, 42), Insn.of(Op.EXIT)), c.program.insns());
        Minimizer.Candidate nothing = candidate("mov %r0, 42\nexit", new byte[0]);
        assertFalse(minimizer(in -> r0(in) == 42).valuesToConstants(nothing), "a move of a constant stays");
    }

    @Test
    void shortenMemoryHalvesWhileThePredicateHolds() throws IsaException {
        Minimizer.Candidate c = candidate("exit", new byte[16]);
        minimizer(in -> in.memory().length >= 3).shortenMemory(c);
        assertEquals(4, c.memory.length);
    }

    @Test
    void zeroMemoryZeroesEveryByteThePredicateDoesNotNeed() throws IsaException {
        byte[] memory = {1, 2, 3, 4, 5, 7, 8, 9};
        Minimizer.Candidate c = candidate("exit", memory);
        minimizer(in -> in.memory()[5] == 7).zeroMemory(c);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 7, 0, 0}, c.memory);
        assertEquals(5, memory[4], "the input is not changed in place");
    }
}
