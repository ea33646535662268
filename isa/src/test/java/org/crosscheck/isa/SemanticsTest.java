package org.crosscheck.isa;

import static org.crosscheck.isa.Semantics.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The RFC 9669 rules that are easy to get wrong, pinned down once. */
class SemanticsTest {
    @Test
    void divisionAndModuloByZero() {
        assertEquals(0, div64(7, 0));
        assertEquals(7, mod64(7, 0));
        assertEquals(0, sdiv64(-7, 0));
        assertEquals(-7, smod64(-7, 0));
        assertEquals(0, div32(0xffff_ffff_0000_0007L, 0));
        assertEquals(7, mod32(0xffff_ffff_0000_0007L, 0), "32-bit modulo by zero keeps the low half, zero-extended");
        assertEquals(0xffff_fff9L, smod32(-7, 0));
    }

    @Test
    void signedOverflowAndSigns() {
        assertEquals(Long.MIN_VALUE, sdiv64(Long.MIN_VALUE, -1));
        assertEquals(0, smod64(Long.MIN_VALUE, -1));
        assertEquals(0x8000_0000L, sdiv32(Integer.MIN_VALUE, -1));
        assertEquals(0, smod32(Integer.MIN_VALUE, -1));
        assertEquals(-1, smod64(-7, 3), "sign of the dividend");
        assertEquals(1, smod64(7, -3));
        assertEquals(-2, sdiv64(-7, 3), "truncates toward zero");
        assertEquals(Long.divideUnsigned(-7, 3), div64(-7, 3), "unsigned");
    }

    @Test
    void shiftsMaskTheirAmount() {
        assertEquals(2, lsh64(1, 65));
        assertEquals(2, lsh32(1, 33));
        assertEquals(0xffff_ffffL, arsh32(0x8000_0000L, 63));
        assertEquals(0x4000_0000L, rsh32(0xffff_ffff_8000_0000L, 1), "32-bit shifts see only the low half");
    }

    @Test
    void byteOrderAndSignExtension() {
        assertEquals(0x3412, be(0xffff_1234L, 16));
        assertEquals(0x1234, le(0xffff_1234L, 16));
        assertEquals(0x7856_3412L, be(0x1234_5678L, 32));
        assertEquals(0x0807_0605_0403_0201L, be(0x0102_0304_0506_0708L, 64));
        assertEquals(-128, sext64(0x80, 8));
        assertEquals(0xffff_ff80L, sext32(0x80, 8));
        assertEquals(-1, sext64(0xffff_ffffL, 32));
    }

    @Test
    void jumpPredicates() {
        assertTrue(jump64(0x2, -1, 1), "jgt is unsigned");
        assertFalse(jump64(0x6, -1, 1), "jsgt is signed");
        assertTrue(jump32(0x1, 0x1_0000_0005L, 5), "jeq32 compares low halves");
        assertTrue(jump64(0x4, 6, 2), "jset");
        assertTrue(jump32(0xc, 0x8000_0000L, 0), "jslt32");
    }

    @Test
    void atomicOperations() {
        assertEquals(5, atomicApply(0x01, 2, 3));
        assertEquals(3, atomicApply(0x40, 1, 2));
        assertEquals(2, atomicApply(0x51, 6, 3));
        assertEquals(5, atomicApply(0xa0, 6, 3));
        assertEquals(9, atomicApply(0xe1, 1, 9), "xchg stores src");
    }
}
