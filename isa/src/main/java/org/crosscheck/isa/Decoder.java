package org.crosscheck.isa;

import java.util.ArrayList;
import java.util.List;

/** Bytes to {@link Program}, rejecting every encoding the {@link Op} table does not allow. */
final class Decoder {
    private Decoder() {}

    static Program decode(byte[] code) throws DecodeException {
        if (code.length == 0) throw new DecodeException(0, "empty program");
        if (code.length % 8 != 0) {
            throw new DecodeException(code.length / 8, "program length " + code.length + " is not a multiple of 8 bytes");
        }
        int slots = code.length / 8;
        List<Insn> insns = new ArrayList<>(slots);
        for (int pc = 0; pc < slots; pc++) {
            int p = pc * 8;
            int opcode = code[p] & 0xff;
            int dst = code[p + 1] & 0x0f;
            int src = (code[p + 1] >> 4) & 0x0f;
            int off = (short) ((code[p + 2] & 0xff) | (code[p + 3] << 8));
            long imm = readInt(code, p + 4);
            List<Op> candidates = Op.byCode(opcode);
            if (candidates.isEmpty()) throw new DecodeException(pc, String.format("unknown opcode 0x%02x", opcode));
            Op op = choose(pc, opcode, candidates, src, off, imm);
            if (op.slots() == 2) {
                if (pc + 1 >= slots) throw new DecodeException(pc, "lddw without its second slot");
                int q = p + 8;
                int off2 = (code[q + 2] & 0xff) | (code[q + 3] << 8);
                if (code[q] != 0 || code[q + 1] != 0 || off2 != 0) {
                    throw new DecodeException(pc + 1, String.format(
                            "second slot of lddw must have opcode, registers and offset 0 (is opcode 0x%02x regs 0x%02x offset %d)",
                            code[q] & 0xff, code[q + 1] & 0xff, (short) off2));
                }
                imm = (imm & 0xffffffffL) | (readInt(code, q + 4) << 32);
                pc++;
            }
            String problem = Program.fieldProblem(op, dst, src, off, imm);
            if (problem != null) {
                int at = op.slots() == 2 ? pc - 1 : pc;
                throw new DecodeException(at, String.format("0x%02x %s: %s", opcode, op.mnemonic, problem));
            }
            insns.add(new Insn(op, dst, src, off, imm));
        }
        return Program.of(insns);
    }

    /**
     * Picks the op whose discriminating field (the one of src, offset, imm on which the ops sharing
     * this opcode differ) matches; the remaining fields are checked afterwards with precise messages.
     */
    private static Op choose(int pc, int opcode, List<Op> candidates, int src, int off, long imm) throws DecodeException {
        if (candidates.size() == 1) return candidates.get(0);
        Op a = candidates.get(0), b = candidates.get(1);
        String field = a.src != b.src ? "src" : a.off != b.off ? "offset" : "imm";
        long value = field.equals("src") ? src : field.equals("offset") ? off : imm;
        StringBuilder valid = new StringBuilder();
        for (Op op : candidates) {
            long v = field.equals("src") ? op.src : field.equals("offset") ? op.off : op.imm;
            if (v == value) return op;
            if (!valid.isEmpty()) valid.append(", ");
            valid.append(field.equals("imm") ? "0x" + Long.toHexString(v) : Long.toString(v)).append(' ').append(op.mnemonic);
        }
        throw new DecodeException(pc, String.format("opcode 0x%02x with %s %s is no instruction (valid: %s)",
                opcode, field, field.equals("imm") ? "0x" + Long.toHexString(value) : Long.toString(value), valid));
    }

    private static long readInt(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (long) (b[p + 3]) << 24;
    }
}
