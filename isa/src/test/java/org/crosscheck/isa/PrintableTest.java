package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlAndInvisibleCharactersBecomeEscapes() {
        assertEquals("a\\x00b\\x1b[31m\\x7f\\x9b\\t\\n\\r", Printable.escape("a\0b\u001b[31m\u007f\u009b\t\n\r"));
        assertEquals("evil\\u202etxt.exe \\u2028", Printable.escape("evil\u202etxt.exe \u2028"));
        String plain = "mov %r0, 1 # ünïcode, 'quotes' and \\x00 as text";
        assertSame(plain, Printable.escape(plain));
        String once = Printable.escape("\0\u202e");
        assertEquals(once, Printable.escape(once), "applying it twice changes nothing");
    }

    @Test
    void isaErrorsQuoteTheirInputPrintably() {
        IsaException e = org.junit.jupiter.api.Assertions.assertThrows(IsaException.class,
                () -> DataFile.parse("\0\0\0\0\n-- asm\nexit\n-- result\n0\n", "nul\u0007.data", null));
        assertEquals("nul\\x07.data:1: text before the first section: '\\x00\\x00\\x00\\x00'", e.getMessage());
        assertEquals("text before the first section: '\\x00\\x00\\x00\\x00'", e.problem());
    }
}
