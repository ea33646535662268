package org.crosscheck.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * Differential fuzzing of the JIT against the reference interpreter: a valid program and input
 * built from the fuzzer's bytes must give the same outcome (trap kind and pc, r0, memory) and the
 * same final stack and memory bytes, in both memory modes. Regression inputs live in
 * {@code JitDifferentialFuzzTestInputs/sameAsInterpreter/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl runtimes -am test -Dtest=JitDifferentialFuzzTest -Djazzer.max_duration=10m}.
 */
class JitDifferentialFuzzTest {
    private static final Interpreter INTERPRETER = new Interpreter();

    @FuzzTest
    void sameAsInterpreter(FuzzedDataProvider in) {
        MemoryMode mode = in.consumeBoolean() ? MemoryMode.SHARED : MemoryMode.PLAIN;
        ProgramGenerator.Case c = ProgramGenerator.generate(in);
        MachineState expected = MachineState.initial(c.memory(), c.budget());
        Outcome want = INTERPRETER.resume(Interpreter.Decoded.of(c.program()), expected, c.budget()).outcome();
        MachineState actual = MachineState.initial(c.memory(), c.budget());
        Compiled code = Jit.compile(c.program(), mode);
        Outcome got = code.execute(actual, c.budget());
        String where = "\n" + mode + " budget " + c.budget() + " memory " + c.memory().length + " bytes\n" + Disassembler.conformance(c.program(), true);
        assertNull(code.fallbackReason(), "the JIT fell back to the interpreter" + where);
        assertTrue(want.sameAs(got), "interp: " + want.describe() + "\njit:    " + got.describe() + where);
        assertArrayEquals(expected.ram, actual.ram, "final stack and memory differ" + where);
    }
}
