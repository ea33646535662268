package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AssemblerTest {
    static IsaException reject(String text) {
        return assertThrows(IsaException.class, () -> Assembler.assemble(text, "t.s", 1));
    }

    @Test
    void errorsNameLineAndProblem() {
        assertEquals("t.s:2: unknown mnemonic 'ldxq'", reject("mov %r0, 1\nldxq %r0, %r1\nexit").getMessage());
        assertEquals("t.s:1: invalid register '%r50' (registers are %r0 to %r10)", reject("or %r0, %r50\nexit").getMessage());
        assertEquals("t.s:1: undefined label 'nowhere'", reject("ja nowhere\nexit").getMessage());
        assertEquals("t.s:1: immediate 2147483648 does not fit in 32 bits (signed decimal or unsigned hex)",
                reject("mov32 %r0, 2147483648\nexit").getMessage());
        assertEquals("t.s:1: invalid number of operands for ldxb: expected 2 (register, [register+offset]), got 1",
                reject("ldxb %r0\nexit").getMessage());
        assertEquals("t.s:3: duplicate label 'a'", reject("a:\nexit\na:\nexit").getMessage());
        assertEquals("t.s:1: mov: r10 is read-only and cannot be a destination", reject("mov %r10, 1\nexit").getMessage());
        assertEquals("t.s:2: no instructions", reject("# nothing\n").getMessage());
    }

    @Test
    void labelsAliasesAndImplicitExit() throws Exception {
        Program p = Assembler.assemble("""
                mov %r0, 0    # comment
                jeq %r1, 0x0, exit
                add64 %r0, -1
                swap16 %r0
                lock fetch xor32 [%r10-4], %r0
                ja32 done
                exit
                done: exit
                """);
        assertEquals(Op.JEQ_IMM, p.insns().get(1).op());
        assertEquals(4, p.insns().get(1).off(), "'exit' is the first exit");
        assertEquals(Op.ADD64_IMM, p.insns().get(2).op());
        assertEquals(-1, p.insns().get(2).imm());
        assertEquals(Op.BSWAP16, p.insns().get(3).op());
        assertEquals(Op.ATOMIC32_FETCH_XOR, p.insns().get(4).op());
        assertEquals(1, p.insns().get(5).imm());
    }

    @Test
    void immediatesFollowTheDialect() throws Exception {
        assertEquals(-1, Assembler.assemble("mov32 %r0, 0xffffffff\nexit").insns().get(0).imm());
        assertEquals(Integer.MIN_VALUE, Assembler.assemble("mov %r0, -2147483648\nexit").insns().get(0).imm());
        assertEquals(0x80000000L, Assembler.assemble("lddw %r0, 2147483648\nexit").insns().get(0).imm());
        assertEquals(-1L, Assembler.assemble("lddw %r0, 0xffffffffffffffff\nexit").insns().get(0).imm());
        assertEquals(-8, Assembler.assemble("stxdw [%r10 - 8], %r1\nexit").insns().get(0).off());
    }
}
