package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DataFileTest {
    @Test
    void readsSectionsOfBothSuites() throws Exception {
        DataFile f = DataFile.parse("""
                # comment
                -- asm
                mov %r0, %r2  # length
                exit
                -- mem
                00 01 # comment
                ff
                -- result
                0x3
                -- no jit
                reason
                -- description
                something
                """, "t.data", null);
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, f.memory());
        assertEquals(3L, f.expectedResult());
        assertEquals(2, f.program().program().insns().size());
        assertEquals(4, f.program().lines()[1], "line of 'exit'");
    }

    @Test
    void rawWordsAndRawBytesBothWork() throws Exception {
        DataFile words = DataFile.parse("-- raw\n0x00000001000000b7\n0x0000000000000095\n-- result\n1\n", "w.data", null);
        DataFile bytes = DataFile.parse("-- raw\nb7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- result\n1\n", "b.data", null);
        assertEquals(words.program().program(), bytes.program().program());
        assertEquals(Op.MOV64_IMM, words.program().program().insns().get(0).op());
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("x.data:3: unknown section '-- bogus' (known: asm, raw, mem, result, error, error pattern, no jit, "
                        + "test_jit, jit, description, c, no register offset, reload, unload, pyelf, global data, global pointers)",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nexit\n-- bogus\n", "x.data", null)).getMessage());
        assertEquals("x.data:4: invalid memory byte 'zz' (two hex digits, or an even run of them)",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nexit\n-- mem\nzz\n-- result\n0", "x.data", null)).getMessage());
        assertEquals("x.data:5: invalid result 'abc'",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nexit\n\n-- result\nabc\n", "x.data", null)).getMessage());
        IsaException e = assertThrows(IsaException.class,
                () -> DataFile.parse("-- raw\n07 00 01 00 01 00 00 00\n95 00 00 00 00 00 00 00\n-- error\n", "x.data", null).program());
        assertEquals("x.data:2: instruction 0: 0x07 add: reserved field offset must be 0, is 1", e.getMessage());
    }

    /**
     * uBPF's dialect: a test_jit note, a hexdump-prefixed memory, a result beside an error (the error
     * is what is expected), an error pattern (a bad one names its line), no jit with and without a
     * reason, and instruction words that do not decode under an error (read; program() says why).
     */
    @Test
    void uBpfsDialectReads() throws Exception {
        DataFile t = DataFile.parse("-- asm\nldxdw %r0, [%r0+96]\nexit\n-- result\n0xffffffffffffffff\n-- error pattern\nuBPF error: out of bounds\n"
                + "-- test_jit\nThe JIT catches it\n-- mem\n00000000: 00 11 22 33\n00000004: 4455\n", "u.data", null);
        assertEquals("uBPF error: out of bounds", t.expectedErrorPattern().pattern());
        assertEquals(-1L, t.expectedResult());
        assertEquals("001122334455", java.util.HexFormat.of().formatHex(t.memory()));
        assertEquals(null, t.noJitReason());
        assertEquals("JIT and interpreter differ", DataFile.parse("-- asm\nexit\n-- result\n0\n-- no jit\nJIT and interpreter differ\n", "n.data", null).noJitReason());
        assertEquals("no reason given", DataFile.parse("-- asm\nexit\n-- result\n0\n-- no jit\n", "n.data", null).noJitReason());
        assertEquals("p.data:4: invalid error pattern: Unclosed group",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nexit\n\n-- error pattern\n(oops\n", "p.data", null).expectedErrorPattern()).getMessage());
        DataFile undecodable = DataFile.parse("-- raw\n0x0000000000000018\n0x0000000000000100\n0x0000000000000095\n-- error\nFailed to load code: invalid lddw\n", "l.data", null);
        IsaException why = assertThrows(DataFile.Undecodable.class, undecodable::program);
        assertEquals("l.data:3: instruction 1: second slot of lddw must have opcode, registers and offset 0 (is opcode 0x00 regs 0x01 offset 0)", why.getMessage());
        // an ELF loader test has no program of ours; a comment on a section's header line is a comment; an empty 'jit' section
        DataFile elf = DataFile.parse("-- pyelf\nimport elf\n-- error\nFailed to load code: bad relocation type\n", "e.data", null);
        assertTrue(elf.elfTest());
        assertEquals("e.data: an ELF loader test (pyelf) has no asm or raw program", assertThrows(IsaException.class, elf::program).getMessage());
        DataFile commented = DataFile.parse("-- asm   # the program\nexit\n-- jit\n-- result # r0\n0\n", "c.data", null);
        assertEquals(0L, commented.expectedResult());
        assertFalse(commented.elfTest());
        // with a result instead, the file is malformed at read time
        assertThrows(DataFile.Undecodable.class, () -> DataFile.parse("-- raw\n0x0000000000000018\n0x0000000000000100\n0x0000000000000095\n-- result\n0\n", "l.data", null));
    }

    /**
     * A truncated asm line in a test without a result was reported as a missing result section; the
     * line and its problem come first. asm and disasm read a program alone, with no result section.
     */
    @Test
    void aBrokenAsmLineIsNamedAndAProgramAloneNeedsNoResult() throws Exception {
        assertEquals("t.data:2: mov %r0,: missing operand",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nmov %r0,\nexit\n", "t.data", null)).getMessage());
        assertEquals("t.data:2: mov %r0,: missing operand",
                assertThrows(IsaException.class, () -> DataFile.parseProgram("-- asm\nmov %r0,\nexit\n", "t.data", null)).getMessage());
        assertEquals("t.data:3: no expectation: the file needs a 'result' or 'error' section (end of file)",
                assertThrows(IsaException.class, () -> DataFile.parse("-- asm\nexit\n", "t.data", null)).getMessage());
        assertEquals(Op.EXIT, DataFile.parseProgram("-- asm\nexit\n", "t.data", null).program().program().insns().get(0).op());
        assertEquals(Op.EXIT, DataFile.parseProgram("-- raw\n0x0000000000000095\n", "t.data", null).program().program().insns().get(0).op());
        assertEquals("t.data:3: no program: the file needs an 'asm' or 'raw' section (end of file)",
                assertThrows(IsaException.class, () -> DataFile.parseProgram("-- mem\n00\n", "t.data", null)).getMessage());
    }

    @Test
    void writerOutputReadsBackToTheSameTest() throws Exception {
        Program p = Assembler.assemble("lddw %r0, 0x1122334455667788\nldxb %r1, [%r1+1]\njne %r1, 2, +1\nexit\nmov %r0, 0\nexit");
        String text = DataFile.write(p, new byte[] {1, 2, 3}, 0x1122334455667788L, "found by crosscheck");
        DataFile back = DataFile.parse(text, "w.data", null);
        assertEquals(p, back.program().program());
        assertArrayEquals(new byte[] {1, 2, 3}, back.memory());
        assertEquals(0x1122334455667788L, back.expectedResult());
        // the asm section alone says the same
        assertEquals(p, Assembler.assemble(back.sections().get("asm").text()));
    }
}
