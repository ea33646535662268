package org.crosscheck.coordinator.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

class ReferenceTraceTest {
    static final String LOOP = """
            mov %r2, 3
            mov %r0, 0
            loop:
            add %r0, 5
            sub %r2, 1
            jne %r2, 0, loop
            ldxb %r3, [%r1+0]
            exit""";

    @Test
    void theTraceIsTheInterpretersStepsWithTheRegistersBeforeEach() throws IsaException {
        Program p = Assembler.assemble(LOOP);
        byte[] mem = {9};
        List<String> direct = new ArrayList<>();
        new Interpreter().trace(p, mem, Limits.DEFAULT, (pc, r) -> direct.add(pc + ":" + r[0] + "," + r[2]));
        ReferenceTrace t = Reference.trace(new ProgramInput(p, mem), Limits.DEFAULT);
        List<String> replayed = new ArrayList<>();
        t.forEach((pc, r) -> replayed.add(pc + ":" + r[0] + "," + r[2]));
        assertEquals(direct, replayed);
        assertEquals(direct.size(), t.steps());
        assertEquals(2 + 3 * 3 + 2, t.steps());
        assertEquals(new Outcome.Returned(15, mem).describe(), t.outcome().describe());
        // step 4 is the second "add r0, 5": r0 is 5 before it
        assertEquals(2, t.pc(5));
        assertEquals(5, t.register(5, 0));
    }

    @Test
    void valuesAfterAreTheDestinationsAfterTheFirstExecution() throws IsaException {
        ReferenceTrace t = Reference.trace(new ProgramInput(Assembler.assemble(LOOP), new byte[] {9}), Limits.DEFAULT);
        Map<Integer, Long> v = t.valuesAfter();
        assertEquals(5L, v.get(2), "the first add");
        assertEquals(2L, v.get(3), "the first sub");
        assertEquals(9L, v.get(5), "the load");
        assertFalse(v.containsKey(6), "the exit ended the run");
        assertSame(v, t.valuesAfter(), "derived once");
    }

    @Test
    void aGivenOutcomeIsKeptAndTheTaintIsDerivedOnce() throws IsaException {
        Program p = Assembler.assemble("mov %r0, %r1\nexit");
        Outcome given = new Outcome.Returned(1, new byte[0]);
        ReferenceTrace t = Reference.trace(new ProgramInput(p, new byte[0]), Limits.DEFAULT, given);
        assertSame(given, t.outcome());
        AddressTaint taint = t.addressTaint();
        assertTrue(taint.r0(), "r0 is the input pointer");
        assertTrue(taint.addressDefs().contains(0));
        assertSame(taint, t.addressTaint());
    }
}
