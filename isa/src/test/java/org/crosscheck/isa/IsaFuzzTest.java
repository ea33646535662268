package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Malformed input never escapes as anything but an {@link IsaException}: Jazzer feeds the decoder,
 * the assembler and the .data reader arbitrary bytes. In regression mode (CI) the committed inputs
 * under IsaFuzzTestInputs/ run; JAZZER_FUZZ=1 fuzzes (see README).
 */
class IsaFuzzTest {

    /** Any bytes: decode succeeds (and re-encodes to the same bytes) or throws DecodeException. */
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] code) {
        try {
            Program p = Program.decode(code);
            assertArrayEquals(code, p.encode(), "decoded program re-encodes differently");
            assertArrayEquals(code, reassemble(p), "disassembly does not assemble back");
        } catch (DecodeException expected) {
            assertEquals(-1, expected.getMessage().indexOf("null"), "message: " + expected.getMessage());
        }
    }

    /** Any text: assembles or throws IsaException naming a line. */
    @FuzzTest(maxDuration = "5m")
    void assemble(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Program p = Assembler.assemble(text, "fuzz.s", 1).program();
            assertArrayEquals(p.encode(), reassemble(p));
        } catch (IsaException expected) {
            // fine: malformed text is reported, not crashed on
        }
    }

    /** Any text as a .data file: parses or throws IsaException. */
    @FuzzTest(maxDuration = "5m")
    void dataFile(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            DataFile f = DataFile.parse(text, "fuzz.data", null);
            f.program();
            f.memory();
        } catch (IsaException expected) {
            // fine
        }
    }

    private static byte[] reassemble(Program p) {
        try {
            return Assembler.assemble(Disassembler.conformance(p, true)).encode();
        } catch (IsaException e) {
            throw new AssertionError("disassembly of a valid program does not assemble: " + e.getMessage() + "\n" + p, e);
        }
    }
}
