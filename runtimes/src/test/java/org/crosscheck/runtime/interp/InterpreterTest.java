package org.crosscheck.runtime.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.TrapKind;
import org.crosscheck.runtime.SharedSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InterpreterTest {
    final Interpreter interp = new Interpreter();

    Outcome run(String asm, byte[] mem) throws Exception {
        return interp.run(Assembler.assemble(asm), mem, Limits.DEFAULT);
    }

    long r0(String asm) throws Exception {
        return assertInstanceOf(Outcome.Returned.class, run(asm, new byte[0])).r0();
    }

    static Stream<Path> suite() {
        return SharedSuite.tests().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void passesTheConformanceSuite(Path test) throws Exception {
        DataFile f = DataFile.read(test);
        Outcome o = interp.run(f.program().program(), f.memory(), Limits.DEFAULT);
        assertEquals(f.expectedResult(), assertInstanceOf(Outcome.Returned.class, o, o.describe()).r0());
    }

    /**
     * The budget is charged a stretch of instructions at a time; a traced run charges each one on
     * its own. Whatever the budget, both must stop on the same instruction: budget b traps BUDGET at
     * the (b+1)-th instruction the trace saw, and a run resumed one instruction at a time (as the
     * litmus scheduler does) walks the same pcs to the same end.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suite")
    void everyBudgetStopsWhereSteppingDoes(Path test) throws Exception {
        DataFile f = DataFile.read(test);
        stopsWhereSteppingDoes(f.program().program(), f.memory());
    }

    @Test
    void everyBudgetStopsWhereSteppingDoesOnTrapsReturnsAndCalls() throws Exception {
        for (String asm : List.of(
                "mov %r0, 1\nmov %r2, 3\nldxb %r0, [%r1+9]\nadd %r0, 1\nexit", // out of bounds mid-stretch
                "mov %r0, 5\nmov %r3, 9\nldindw %r3, 0\nmov %r0, 1\nexit", // packet load ends the program mid-stretch
                "mov %r1, 0\ncall 5\nmov %r0, 2\nexit", // unwind returns 0 mid-stretch
                "lddw %r0, 0x100000001\nmov %r2, 0\nloop: add %r2, 1\njlt %r2, 3, loop\ncall local f\nexit\nf: lddw %r3, 7\nadd %r0, %r3\nexit",
                "call local f\nexit\nf: call local f\nexit", // call depth trap
                "mov %r0, 1\njeq %r0, 1, +0\nmov %r0, 2")) { // falls off the end
            stopsWhereSteppingDoes(Assembler.assemble(asm), new byte[] {1, 2, 3, 4});
        }
    }

    private void stopsWhereSteppingDoes(Program p, byte[] memory) {
        List<Integer> pcs = new ArrayList<>();
        Interpreter.Result traced = interp.trace(p, memory, Limits.DEFAULT, (pc, r) -> pcs.add(pc));
        Interpreter.Result fast = interp.execute(p, memory, Limits.DEFAULT);
        assertTrue(fast.outcome().sameAs(traced.outcome()), fast.outcome().describe() + " vs traced " + traced.outcome().describe());
        assertEquals(pcs.size(), fast.executed(), "executed");
        assertEquals(pcs.size(), traced.executed(), "executed when traced");
        Interpreter.Decoded d = Interpreter.Decoded.of(p);
        for (int b = 0; b < Math.min(pcs.size(), 300); b++) {
            Interpreter.Result cut = interp.execute(d, memory, b);
            Outcome.Trapped t = assertInstanceOf(Outcome.Trapped.class, cut.outcome(), "budget " + b);
            assertEquals(TrapKind.BUDGET, t.kind(), "budget " + b + ": " + t.describe());
            assertEquals(pcs.get(b), t.pc(), "budget " + b);
            assertEquals(b, cut.executed());
        }
        assertTrue(interp.execute(d, memory, pcs.size()).outcome().sameAs(fast.outcome()), "budget = executed");
        // one instruction at a time through resume
        MachineState s = MachineState.initial(memory, 0);
        Outcome last = null;
        for (int i = 0; i <= Math.min(pcs.size(), 300); i++) {
            if (i < pcs.size()) assertEquals(pcs.get(i), s.pc, "step " + i);
            s.left = 1;
            last = interp.resume(d, s, 1).outcome();
            if (!(last instanceof Outcome.Trapped t && t.kind() == TrapKind.BUDGET)) break;
        }
        if (pcs.size() < 300) assertTrue(last.sameAs(fast.outcome()), "stepped: " + last.describe() + " vs " + fast.outcome().describe());
    }

    @Test
    void outOfBoundsAccessesTrapWithTheirPc() throws Exception {
        assertEquals(new Outcome.Trapped(TrapKind.OUT_OF_BOUNDS, 1, "4-byte access at 0x1000000002"),
                run("mov %r0, 0\nldxw %r0, [%r1+2]\nexit", new byte[5]));
        Outcome below = run("stb [%r10-513], 1\nexit", new byte[0]);
        assertEquals(TrapKind.OUT_OF_BOUNDS, ((Outcome.Trapped) below).kind(), "below the frame");
        Outcome above = run("ldxb %r0, [%r10+0]\nexit", new byte[0]);
        assertEquals(TrapKind.OUT_OF_BOUNDS, ((Outcome.Trapped) above).kind(), "at the frame top");
        assertEquals(0, r0("stdw [%r10-512], 0\nldxdw %r0, [%r10-512]\nexit"), "whole frame is usable");
    }

    @Test
    void memoryIsReturnedChanged() throws Exception {
        Outcome.Returned r = assertInstanceOf(Outcome.Returned.class,
                run("mov %r0, 7\nstxb [%r1+1], %r0\nlock add32 [%r1+4], %r0\nexit", new byte[] {1, 2, 3, 4, 1, 0, 0, 0}));
        assertArrayEquals(new byte[] {1, 7, 3, 4, 8, 0, 0, 0}, r.memory());
    }

    @Test
    void budgetTrapsAtTheInstructionPastIt() throws Exception {
        var prog = Assembler.assemble("mov %r0, 0\nloop: add %r0, 1\nja loop\nexit");
        Interpreter.Result res = interp.execute(prog, new byte[0], Limits.DEFAULT.withBudget(10));
        // executed: mov, then (add, ja) x4, then add = 10; the 11th (ja at pc 2) traps
        assertEquals(new Outcome.Trapped(TrapKind.BUDGET, 2, "budget of 10 instructions used up"), res.outcome());
        assertEquals(10, res.executed());
        Interpreter.Result exact = interp.execute(Assembler.assemble("mov %r0, 1\nexit"), new byte[0], Limits.DEFAULT.withBudget(2));
        assertEquals(1, ((Outcome.Returned) exact.outcome()).r0(), "a budget equal to the length suffices");
    }

    @Test
    void callsHelpersAndFrames() throws Exception {
        assertEquals(0, r0("mov %r1, 0\nmov %r0, 9\ncall 5\nmov %r0, 2\nexit"), "unwind with r1 = 0 stops the program");
        assertEquals(new Outcome.Trapped(TrapKind.BAD_CALL, 0, "no helper 6"), run("call 6\nexit", new byte[0]));
        assertEquals(TrapKind.BAD_CALL, ((Outcome.Trapped) run("mov %r2, 7\ncall %r2\nexit", new byte[0])).kind());
        // each local call gets its own frame; r10 moves down by 512 and back
        assertEquals(Layout.STACK_TOP - 512, r0("call local f\nexit\nf: mov %r0, %r10\nexit"));
        assertEquals(Layout.STACK_TOP, r0("call local f\nmov %r0, %r10\nexit\nf: exit"));
        // a callee may write into its caller's frame through a pointer
        assertEquals(42, r0("mov %r1, %r10\ncall local f\nldxdw %r0, [%r10-8]\nexit\nf: stdw [%r1-8], 42\nexit"));
        Outcome deep = run("call local f\nexit\nf: call local f\nexit", new byte[0]);
        assertEquals(new Outcome.Trapped(TrapKind.CALL_DEPTH, 2, "more than 8 frames"), deep);
        // a function at pc 0, called from later on (found by JitDifferentialFuzzTest: the call's
        // continuation pc, -1, was taken for "the program returned")
        assertEquals(8, r0("f: mov %r0, 7\njne %r6, 0, ret\nmov %r6, 1\ncall local f\nadd %r0, 1\nret: exit"));
        assertEquals(TrapKind.CALL_DEPTH, ((Outcome.Trapped) run("f: mov %r0, 7\ncall local f\nexit", new byte[0])).kind());
    }

    @Test
    void fallingOffTheEndAndPseudoLddw() throws Exception {
        assertEquals(TrapKind.FELL_OFF_END, ((Outcome.Trapped) run("mov %r0, 1", new byte[0])).kind());
        assertInstanceOf(Outcome.Unsupported.class, run("lddw %r1, map_fd 3\nexit", new byte[0]));
    }

    @Test
    void atomicsAndAcquireRelease() throws Exception {
        // cmpxchg32 compares the low half of r0 and loads the old value zero-extended
        assertEquals(0xffffffffL, r0("stw [%r10-4], -1\nmov %r0, -1\nmov %r1, 5\nlock cmpxchg32 [%r10-4], %r1\nexit"));
        assertEquals(5, r0("stw [%r10-4], -1\nmov %r0, -1\nmov %r1, 5\nlock cmpxchg32 [%r10-4], %r1\nldxw %r0, [%r10-4]\nexit"));
        assertEquals(0x1_0000_0000L, r0("lddw %r1, 0x1ffffffff\nstxdw [%r10-8], %r1\nmov %r0, 1\n"
                + "lock fetch add [%r10-8], %r0\nldxdw %r0, [%r10-8]\nsub %r0, %r1\nlsh %r0, 32\nexit"));
        assertEquals(0xff, r0("mov %r1, -1\nstrelb [%r10-1], %r1\nldacqb %r0, [%r10-1]\nexit"), "8-bit acquire zero-extends");
    }

    @Test
    void legacyPacketLoadsAreBigEndianAndEndTheProgramOutside() throws Exception {
        assertEquals(0x0102, ((Outcome.Returned) run("ldabsh 1\nexit", new byte[] {0, 1, 2})).r0());
        assertEquals(0, ((Outcome.Returned) run("mov %r0, 5\nmov %r3, 2\nldindw %r3, 0\nmov %r0, 9\nexit", new byte[] {0, 1, 2})).r0());
    }
}
