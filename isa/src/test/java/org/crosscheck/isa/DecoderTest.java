package org.crosscheck.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The decoder refuses what the table does not allow, naming the instruction and the field. */
class DecoderTest {
    static DecodeException reject(String hex) {
        return assertThrows(DecodeException.class, () -> Program.decode(HexFormat.of().parseHex(hex.replace(" ", ""))));
    }

    static final String EXIT = "9500000000000000";

    @Test
    void reservedFields() {
        assertEquals("instruction 0: 0x07 add: reserved field offset must be 0, is 1", reject("0700010001000000" + EXIT).getMessage());
        assertEquals("instruction 0: 0x0f add: reserved field imm must be 0, is 0x1", reject("0f00000001000000" + EXIT).getMessage());
        assertEquals("instruction 1: 0x95 exit: reserved field dst must be 0, is 1", reject(EXIT + "9501000000000000").getMessage());
        assertEquals("instruction 0: 0x62 stw: field src must be 0, is 1", reject("621afcff00000000" + EXIT).getMessage());
    }

    @Test
    void unknownOpcodeAndDiscriminators() {
        assertEquals("instruction 0: unknown opcode 0xff", reject("ff00000000000000" + EXIT).getMessage());
        assertEquals("instruction 0: opcode 0xdb with imm 0x2 is no instruction (valid: 0x0 lock add, 0x1 lock fetch add, "
                + "0x40 lock or, 0x41 lock fetch or, 0x50 lock and, 0x51 lock fetch and, 0xa0 lock xor, 0xa1 lock fetch xor, "
                + "0xe1 lock xchg, 0xf1 lock cmpxchg, 0x100 ldacqdw, 0x110 streldw)", reject("db1a000002000000" + EXIT).getMessage());
        assertEquals("instruction 0: opcode 0x3f with offset 2 is no instruction (valid: 0 div, 1 sdiv)",
                reject("3f10020000000000" + EXIT).getMessage());
    }

    @Test
    void registersAndReadOnlyFramePointer() {
        assertEquals("instruction 0: 0xb7 mov: invalid destination register r11", reject("b70b000000000000" + EXIT).getMessage());
        assertEquals("instruction 0: 0xbf mov: invalid source register r12", reject("bfc0000000000000" + EXIT).getMessage());
        assertEquals("instruction 0: 0xb7 mov: r10 is read-only and cannot be a destination", reject("b70a000000000000" + EXIT).getMessage());
    }

    @Test
    void lddwNeedsItsSecondSlot() {
        assertEquals("instruction 0: lddw without its second slot", reject("1800000001000000").getMessage());
        assertEquals("instruction 1: second slot of lddw must have opcode, registers and offset 0 (is opcode 0x95 regs 0x00 offset 0)",
                reject("1800000001000000" + EXIT).getMessage());
    }

    @Test
    void jumpsStayInsideAndOnBoundaries() {
        assertEquals("instruction 0: ja: jump out of range (target 5, program has 2 slots)", reject("0500040000000000" + EXIT).getMessage());
        assertEquals("instruction 0: ja: jump into the second slot of lddw at 1",
                reject("0500010000000000" + "1800000001000000" + "0000000000000000" + EXIT).getMessage());
        assertEquals("instruction 0: call local: jump out of range (target -2, program has 2 slots)",
                reject("85100000fdffffff" + EXIT).getMessage());
    }

    @Test
    void lengths() {
        assertEquals("instruction 0: empty program", reject("").getMessage());
        assertEquals("instruction 1: program length 12 is not a multiple of 8 bytes", reject(EXIT + "95000000").getMessage());
    }

    @Test
    void pseudoLddwFormsDecodeAndShow() throws Exception {
        Program p = Program.decode(HexFormat.of().parseHex("1821000003000000" + "0000000008000000" + EXIT));
        assertEquals(Op.LDDW_MAP_VALUE, p.at(0).op());
        assertEquals("lddw %r1, map_value 3, 8", p.at(0).toString());
        assertEquals("r1 = map_val(map_by_fd(3)) + 8 ll", Disassembler.llvm(p.at(0)));
    }

    @Test
    void aLoopIsACycleOfJumpsNotABackwardJump() throws Exception {
        Program back = Program.of(Insn.imm(Op.MOV64_IMM, 0, 3), Insn.of(Op.JA, 0, 0, 1, 0), Insn.of(Op.EXIT), Insn.of(Op.JA, 0, 0, -2, 0), Insn.of(Op.EXIT));
        assertFalse(back.hasLoop());
        Program loop = Program.of(Insn.imm(Op.MOV64_IMM, 0, 3), Insn.imm(Op.SUB64_IMM, 0, 1), Insn.of(Op.JNE_IMM, 0, 0, -2, 0), Insn.of(Op.EXIT));
        assertTrue(loop.hasLoop());
        Program self = Program.of(Insn.of(Op.JA, 0, 0, -1, 0), Insn.of(Op.EXIT));
        assertTrue(self.hasLoop());
        // an lddw's second slot is no instruction to land on
        Program lddw = Program.of(Insn.imm(Op.LDDW, 0, 7), Insn.of(Op.EXIT));
        assertFalse(lddw.hasLoop());
    }
}
