package org.crosscheck.isa.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.IsaException;

/**
 * Any bytes as an ELF object: the reader gives programs that re-encode and assemble back from their
 * disassembly, or throws {@link ElfException}; nothing else escapes. In regression mode (CI) the
 * committed inputs under ElfFuzzTestInputs/read/ run (real objects of both compilers, a truncated one);
 * {@code JAZZER_FUZZ=1 ./mvnw -pl isa test -Dtest='ElfFuzzTest#read'} fuzzes.
 */
class ElfFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void read(byte[] bytes) {
        ElfObject o;
        try {
            o = ElfObject.read(bytes, "fuzz.o");
        } catch (ElfException expected) {
            if (!new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("null")) { // else a name in the input may say it
                assertEquals(-1, expected.getMessage().indexOf("null"), "message: " + expected.getMessage());
            }
            return;
        }
        for (ElfObject.ProgramSection p : o.programs()) {
            try {
                assertArrayEquals(p.program().encode(), Assembler.assemble(Disassembler.conformance(p.program(), true)).encode(), p.name());
            } catch (IsaException e) {
                throw new AssertionError("disassembly of section " + p.name() + " does not assemble: " + e.getMessage(), e);
            }
        }
        o.globalData();
    }
}
