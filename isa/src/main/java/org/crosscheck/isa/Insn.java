package org.crosscheck.isa;

/**
 * One decoded instruction. {@code imm} is the sign-extended 32-bit immediate, or for lddw the whole
 * 64-bit value of both slots. Fields that the op fixes hold the fixed value.
 */
public record Insn(Op op, int dst, int src, int off, long imm) {

    /** Builds an instruction from its operands, filling the fields the op fixes. */
    public static Insn of(Op op, int dst, int src, int off, long imm) {
        Shape s = op.shape;
        return new Insn(op,
                s.dstReg ? dst : 0,
                s.srcReg ? src : op.src,
                s.off == Shape.Off.FIXED ? op.off : (short) off,
                switch (s.imm) {
                    case FIXED -> op.imm;
                    case WIDE -> imm;
                    default -> (int) imm;
                });
    }

    public static Insn of(Op op) {
        return of(op, 0, 0, 0, 0);
    }

    /** Register-only form: {@code of(op, dst, src)}. */
    public static Insn reg(Op op, int dst, int src) {
        return of(op, dst, src, 0, 0);
    }

    /** Immediate form: {@code of(op, dst, imm)}. */
    public static Insn imm(Op op, int dst, long imm) {
        return of(op, dst, 0, 0, imm);
    }

    public int slots() {
        return op.slots();
    }

    /** Relative jump distance in slots for jumps and local calls (offset or imm), else 0. */
    public int jumpOffset() {
        return op.shape.off == Shape.Off.JUMP ? off : op.shape.imm == Shape.Imm.JUMP ? (int) imm : 0;
    }

    /** The same instruction with its jump distance replaced. */
    public Insn withJumpOffset(int rel) {
        if (op.shape.off == Shape.Off.JUMP) return new Insn(op, dst, src, (short) rel, imm);
        if (op.shape.imm == Shape.Imm.JUMP) return new Insn(op, dst, src, off, rel);
        throw new IllegalStateException(op + " is not a jump");
    }

    /** Writes the instruction's slots (8 bytes each, little-endian) at {@code pos}. */
    public void encodeTo(byte[] out, int pos) {
        out[pos] = (byte) op.code;
        out[pos + 1] = (byte) ((src << 4) | dst);
        out[pos + 2] = (byte) off;
        out[pos + 3] = (byte) (off >> 8);
        putInt(out, pos + 4, (int) imm);
        if (op.slots() == 2) {
            for (int i = 0; i < 4; i++) out[pos + 8 + i] = 0;
            putInt(out, pos + 12, (int) (imm >>> 32));
        }
    }

    private static void putInt(byte[] out, int pos, int v) {
        out[pos] = (byte) v;
        out[pos + 1] = (byte) (v >> 8);
        out[pos + 2] = (byte) (v >> 16);
        out[pos + 3] = (byte) (v >> 24);
    }

    @Override
    public String toString() {
        return Disassembler.conformance(this, false);
    }
}
