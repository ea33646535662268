package org.crosscheck.isa;

/**
 * The operand layout of an instruction: which fields carry operands. Every field that is not an
 * operand must equal the value fixed by the {@link Op} (zero unless the op says otherwise).
 */
public enum Shape {
    //          dstReg dstWritten srcReg offset      imm
    ALU_IMM(    true,  true,      false, Off.FIXED,  Imm.FREE),
    ALU_REG(    true,  true,      true,  Off.FIXED,  Imm.FIXED),
    NEG(        true,  true,      false, Off.FIXED,  Imm.FIXED),
    ENDIAN(     true,  true,      false, Off.FIXED,  Imm.FIXED),
    LDX(        true,  true,      true,  Off.FREE,   Imm.FIXED),
    ST(         true,  false,     false, Off.FREE,   Imm.FREE),
    STX(        true,  false,     true,  Off.FREE,   Imm.FIXED),
    ATOMIC(     true,  false,     true,  Off.FREE,   Imm.FIXED),
    LOAD_ACQ(   true,  true,      true,  Off.FREE,   Imm.FIXED),
    STORE_REL(  true,  false,     true,  Off.FREE,   Imm.FIXED),
    JMP_IMM(    true,  false,     false, Off.JUMP,   Imm.FREE),
    JMP_REG(    true,  false,     true,  Off.JUMP,   Imm.FIXED),
    JA(         false, false,     false, Off.JUMP,   Imm.FIXED),
    JA32(       false, false,     false, Off.FIXED,  Imm.JUMP),
    CALL_HELPER(false, false,     false, Off.FIXED,  Imm.FREE),
    CALL_LOCAL( false, false,     false, Off.FIXED,  Imm.JUMP),
    CALL_RUNTIME(false, false,    false, Off.FIXED,  Imm.FREE),
    CALLX(      true,  false,     false, Off.FIXED,  Imm.FIXED),
    EXIT(       false, false,     false, Off.FIXED,  Imm.FIXED),
    LDDW(       true,  true,      false, Off.FIXED,  Imm.WIDE),
    LD_ABS(     false, false,     false, Off.FIXED,  Imm.FREE),
    LD_IND(     false, false,     true,  Off.FIXED,  Imm.FREE);

    /** How the offset field is used. */
    public enum Off { FIXED, FREE, JUMP }

    /** How the immediate field is used: WIDE is the 64-bit value of lddw's two slots. */
    public enum Imm { FIXED, FREE, JUMP, WIDE }

    public final boolean dstReg;
    public final boolean dstWritten;
    public final boolean srcReg;
    public final Off off;
    public final Imm imm;

    Shape(boolean dstReg, boolean dstWritten, boolean srcReg, Off off, Imm imm) {
        this.dstReg = dstReg;
        this.dstWritten = dstWritten;
        this.srcReg = srcReg;
        this.off = off;
        this.imm = imm;
    }

    public boolean isJump() {
        return off == Off.JUMP || imm == Imm.JUMP;
    }
}
