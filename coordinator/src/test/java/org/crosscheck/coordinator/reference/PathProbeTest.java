package org.crosscheck.coordinator.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crosscheck.isa.Assembler;
import org.crosscheck.runtime.Limits;
import org.junit.jupiter.api.Test;

/** The probe's hints: the input places a division, shift or comparison took its operand from, and the value that drives it to its edge. */
class PathProbeTest {
    private static List<Reference.Hint> hints(String asm, byte[] memory) throws Exception {
        return new Reference.PathProbe(Assembler.assemble(asm)).run(memory, Limits.DEFAULT).hints();
    }

    private static byte[] memory(long at0, long at8) {
        byte[] m = new byte[16];
        for (int i = 0; i < 8; i++) {
            m[i] = (byte) (at0 >>> 8 * i);
            m[8 + i] = (byte) (at8 >>> 8 * i);
        }
        return m;
    }

    @Test
    void aSignedDivisionsOperandsGetTheOverflowingPair() throws Exception {
        List<Reference.Hint> h = hints("ldxdw %r3, [%r1+0]\nldxdw %r4, [%r1+8]\nsdiv %r3, %r4\nmov %r0, %r3\nexit", memory(100, 7));
        int dividend = 0 << 4 | 8, divisor = 8 << 4 | 8;
        assertTrue(h.contains(new Reference.Hint(dividend, Long.MIN_VALUE, divisor, -1)), h.toString());
        assertTrue(h.contains(Reference.Hint.of(divisor, 0)), h.toString());
        // by the immediate -1: the dividend alone
        assertEquals(List.of(Reference.Hint.of(dividend, Long.MIN_VALUE)), hints("ldxdw %r3, [%r1+0]\nsdiv %r3, -1\nmov %r0, %r3\nexit", memory(100, 7)));
    }

    @Test
    void shiftsAndComparisonsGetTheirEdges() throws Exception {
        int amount = 8 << 4 | 4;
        assertEquals(List.of(Reference.Hint.of(amount, 31), Reference.Hint.of(amount, 32), Reference.Hint.of(amount, 33)),
                hints("ldxw %r4, [%r1+8]\nmov32 %r0, 1\nlsh32 %r0, %r4\nexit", memory(0, 3)));
        int word = 0 << 4 | 4;
        assertEquals(List.of(Reference.Hint.of(word, 0x1234), Reference.Hint.of(word, 0x1235), Reference.Hint.of(word, 0x1233)),
                hints("ldxw %r3, [%r1+0]\nmov %r0, 0\njeq %r3, 0x1234, +1\nmov %r0, 1\nexit", memory(5, 0)));
        // an operand that was not read from the input gives nothing
        assertEquals(List.of(), hints("mov %r3, 9\nldxw %r4, [%r1+0]\nmov %r0, 0\njeq %r3, 0x1234, +1\nmov %r0, 1\nexit", memory(5, 0)));
    }
}
