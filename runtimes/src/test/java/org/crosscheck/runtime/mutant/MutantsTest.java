package org.crosscheck.runtime.mutant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

class MutantsTest {
    /** A program per mutant on which its bug shows. */
    static final Map<String, String> EXPOSING = Map.ofEntries(
            Map.entry("sdiv-overflow", "lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit"),
            Map.entry("add32-zext", "mov32 %r0, 0x7fffffff\nadd32 %r0, 1\nexit"),
            Map.entry("arsh32-logical", "mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit"),
            Map.entry("shift-mask", "mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1\nexit"),
            Map.entry("mod-by-zero", "mov %r0, 7\nmov %r1, 0\nmod %r0, %r1\nexit"),
            Map.entry("movsx16-zext", "mov %r1, 0x8000\nmovsx1664 %r0, %r1\nexit"),
            Map.entry("cmpxchg32-r0-sext", "stw [%r10-4], -1\nmov %r0, 0\nmov %r1, 1\nlock cmpxchg32 [%r10-4], %r1\nexit"),
            Map.entry("bswap16-upper", "lddw %r0, 0x1122334455667788\nbswap16 %r0\nexit"),
            Map.entry("jsgt32-unsigned", "mov %r0, 0\nmov32 %r1, -1\njsgt32 %r1, 1, +1\nexit\nmov %r0, 1\nexit"),
            Map.entry("ldxsh-zext", "sth [%r10-2], -2\nldxsh %r0, [%r10-2]\nexit"),
            Map.entry("neg32-sext", "mov %r0, 1\nneg32 %r0\nexit"),
            Map.entry("ldxw-input-31", "ldxw %r0, [%r1+4]\nexit"),
            Map.entry("mul32-high", "mov32 %r0, 0x10000\nmul32 %r0, 0x10000\nexit"));

    /** The input of every run: a word of 31 at offset 4 (what ldxw-input-31 needs). */
    private static final byte[] INPUT = {0, 0, 0, 0, 31, 0, 0, 0};

    /** ldxw-input-31 is wrong only on the input: 31 stored on the stack and loaded back is right. */
    @Test
    void theInputOnlyMutantLeavesTheStackAlone() throws Exception {
        Program p = Assembler.assemble("stw [%r10-4], 31\nldxw %r0, [%r10-4]\nexit");
        assertTrue(new Interpreter().run(p, INPUT.clone(), Limits.DEFAULT).sameAs(Runtimes.create("interp-mutant:ldxw-input-31").run(p, INPUT.clone(), Limits.DEFAULT)));
    }

    @Test
    void everyMutantDiffersFromTheReferenceOnItsInstructionOnly() throws Exception {
        assertEquals(Mutants.names().size(), EXPOSING.size());
        assertTrue(Mutants.names().size() >= 10);
        Interpreter ref = new Interpreter();
        Program neutral = Assembler.assemble("mov %r0, 3\nadd %r0, 4\nstxdw [%r10-8], %r0\nldxdw %r0, [%r10-8]\nexit");
        for (String name : Mutants.names()) {
            var mutant = Runtimes.create(Mutants.PREFIX + name);
            assertEquals("interp-mutant:" + name, mutant.name());
            Program p = Assembler.assemble(EXPOSING.get(name));
            Outcome good = ref.run(p, INPUT.clone(), Limits.DEFAULT), bad = mutant.run(p, INPUT.clone(), Limits.DEFAULT);
            assertFalse(good.sameAs(bad), name + ": " + good.describe() + " vs " + bad.describe());
            assertTrue(ref.run(neutral, INPUT.clone(), Limits.DEFAULT).sameAs(mutant.run(neutral, INPUT.clone(), Limits.DEFAULT)), name);
        }
    }
}
