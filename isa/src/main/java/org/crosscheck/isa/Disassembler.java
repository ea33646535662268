package org.crosscheck.isa;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Text of instructions in two dialects: the bpf_conformance assembly that {@link Assembler} reads
 * back (round trip is exact), and the LLVM/kernel dialect ({@code r0 = 1}, {@code if r1 s> 5 goto +2})
 * used in reports.
 */
public final class Disassembler {
    private Disassembler() {}

    /** Keyword of each lddw source (src field 1..6) in the conformance dialect. */
    static final String[] LDDW_KEYWORDS = {"", "map_fd", "map_value", "var_addr", "code_addr", "map_idx", "map_idx_value"};

    /** The whole program in the conformance dialect; with labels, jump targets become {@code L<pc>:}. */
    public static String conformance(Program p, boolean labels) {
        TreeSet<Integer> targets = new TreeSet<>();
        if (labels) {
            for (int pc = 0; pc < p.slotCount(); pc++) {
                Insn i = p.at(pc);
                if (i != null && i.op().shape.isJump()) targets.add(pc + 1 + i.jumpOffset());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            if (targets.contains(pc)) sb.append("L").append(pc).append(":\n");
            String target = labels && i.op().shape.isJump() ? "L" + (pc + 1 + i.jumpOffset()) : null;
            sb.append(conformance(i, target)).append('\n');
        }
        return sb.toString();
    }

    public static String conformance(Insn i, boolean unused) {
        return conformance(i, null);
    }

    /** One instruction in the conformance dialect; {@code target} replaces a relative jump when not null. */
    public static String conformance(Insn i, String target) {
        Op op = i.op();
        String m = op.mnemonic;
        String dst = "%r" + i.dst(), src = "%r" + i.src();
        String jump = target != null ? target : rel(i.jumpOffset());
        return switch (op.shape) {
            case ALU_IMM -> m + " " + dst + ", " + (int) i.imm();
            case ALU_REG -> m + " " + dst + ", " + src;
            case NEG, ENDIAN -> m + " " + dst;
            case LDX, LOAD_ACQ -> m + " " + dst + ", " + mem(i.src(), i.off());
            case ST -> m + " " + mem(i.dst(), i.off()) + ", " + (int) i.imm();
            case STX, ATOMIC, STORE_REL -> m + " " + mem(i.dst(), i.off()) + ", " + src;
            case JMP_IMM -> m + " " + dst + ", " + (int) i.imm() + ", " + jump;
            case JMP_REG -> m + " " + dst + ", " + src + ", " + jump;
            case JA, JA32 -> m + " " + jump;
            case CALL_HELPER -> "call " + (int) i.imm();
            case CALL_LOCAL -> "call local " + jump;
            case CALL_RUNTIME -> "call runtime " + (int) i.imm();
            case CALLX -> "call " + dst;
            case EXIT -> "exit";
            case LDDW -> i.src() == 0
                    ? "lddw " + dst + ", 0x" + Long.toHexString(i.imm())
                    : "lddw " + dst + ", " + LDDW_KEYWORDS[i.src()] + " " + (int) i.imm()
                            + ((i.imm() >>> 32) != 0 ? ", " + (int) (i.imm() >>> 32) : "");
            case LD_ABS -> m + " " + (int) i.imm();
            case LD_IND -> m + " " + src + ", " + (int) i.imm();
        };
    }

    private static String rel(int off) {
        return off < 0 ? Integer.toString(off) : "+" + off;
    }

    private static String mem(int reg, int off) {
        return "[%r" + reg + (off < 0 ? "-" + -off : "+" + off) + "]";
    }

    // ---------------------------------------------------------------- LLVM dialect

    /** The whole program in the LLVM dialect, one instruction per line, prefixed by its pc. */
    public static String llvm(Program p) {
        List<String> lines = new ArrayList<>();
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i != null) lines.add(String.format(Locale.ROOT, "%4d: %s", pc, llvm(i)));
        }
        return String.join("\n", lines) + "\n";
    }

    private static final String[] ALU_SYMBOL = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "", "%=", "^=", "=", "s>>="};
    private static final String[] JMP_SYMBOL = {"", "==", ">", ">=", "&", "!=", "s>", "s>=", "", "", "<", "<=", "s<", "s<="};

    /** One instruction in the LLVM dialect. */
    public static String llvm(Insn i) {
        Op op = i.op();
        boolean w = op.is32();
        String d = (w ? "w" : "r") + i.dst(), s = (w ? "w" : "r") + i.src();
        int aluOp = (op.code >> 4) & 0x0f;
        String imm = Integer.toString((int) i.imm());
        return switch (op.shape) {
            case ALU_IMM, ALU_REG -> {
                String rhs = op.shape == Shape.ALU_IMM ? imm : s;
                if (op.name().startsWith("MOVSX")) {
                    yield d + " = (s" + op.off + ")" + (op.off == 32 ? "r" + i.src() : s);
                }
                String sym = ALU_SYMBOL[aluOp];
                if (op.off == 1) sym = "s" + sym; // sdiv, smod
                yield d + " " + sym + " " + rhs;
            }
            case NEG -> d + " = -" + d;
            case ENDIAN -> "r" + i.dst() + " = " + op.mnemonic.replaceAll("\\d+$", "") + i.imm() + " r" + i.dst();
            case LDX -> d + " = *(" + (op.name().startsWith("LDXS") ? "s" : "u") + op.size() * 8 + " *)" + addr(i.src(), i.off());
            case ST -> "*(u" + op.size() * 8 + " *)" + addr(i.dst(), i.off()) + " = " + imm;
            case STX -> "*(u" + op.size() * 8 + " *)" + addr(i.dst(), i.off()) + " = r" + i.src();
            case ATOMIC -> atomic(i, w);
            case LOAD_ACQ -> (op.size() == 8 ? "r" : "w") + i.dst() + " = load_acquire((u" + op.size() * 8 + " *)" + addr(i.src(), i.off()) + ")";
            case STORE_REL -> "store_release((u" + op.size() * 8 + " *)" + addr(i.dst(), i.off()) + ", "
                    + (op.size() == 8 ? "r" : "w") + i.src() + ")";
            case JMP_IMM, JMP_REG -> "if " + d + " " + JMP_SYMBOL[aluOp] + " " + (op.shape == Shape.JMP_IMM ? imm : s)
                    + " goto " + rel(i.jumpOffset());
            case JA -> "goto " + rel(i.jumpOffset());
            case JA32 -> "gotol " + rel(i.jumpOffset());
            case CALL_HELPER -> "call " + imm;
            case CALL_LOCAL -> "call pc" + rel(i.jumpOffset());
            case CALL_RUNTIME -> "call kfunc " + imm;
            case CALLX -> "callx r" + i.dst();
            case EXIT -> "exit";
            case LDDW -> "r" + i.dst() + " = " + switch (i.src()) {
                case 0 -> "0x" + Long.toHexString(i.imm());
                case 1 -> "map_by_fd(" + (int) i.imm() + ")";
                case 2 -> "map_val(map_by_fd(" + (int) i.imm() + ")) + " + (int) (i.imm() >>> 32);
                case 3 -> "var_addr(" + (int) i.imm() + ")";
                case 4 -> "code_addr(" + (int) i.imm() + ")";
                case 5 -> "map_by_idx(" + (int) i.imm() + ")";
                default -> "map_val(map_by_idx(" + (int) i.imm() + ")) + " + (int) (i.imm() >>> 32);
            } + " ll";
            case LD_ABS -> "r0 = *(u" + op.size() * 8 + " *)skb[" + imm + "]";
            case LD_IND -> "r0 = *(u" + op.size() * 8 + " *)skb[r" + i.src() + " + " + imm + "]";
        };
    }

    private static String atomic(Insn i, boolean w) {
        Op op = i.op();
        String reg = (w ? "w" : "r") + i.src();
        String type = "u" + op.size() * 8;
        String where = "(" + type + " *)" + addr(i.dst(), i.off());
        int kind = op.imm & ~1;
        boolean fetch = (op.imm & 1) != 0;
        String name = switch (kind) {
            case 0x00 -> "add";
            case 0x40 -> "or";
            case 0x50 -> "and";
            case 0xa0 -> "xor";
            default -> "";
        };
        if (op.imm == 0xe1) return reg + " = xchg" + (w ? "32_32" : "_64") + "(" + addr(i.dst(), i.off()).replaceAll("[()]", "") + ", " + reg + ")";
        if (op.imm == 0xf1) {
            String r0 = w ? "w0" : "r0";
            return r0 + " = cmpxchg" + (w ? "32_32" : "_64") + "(" + addr(i.dst(), i.off()).replaceAll("[()]", "") + ", " + r0 + ", " + reg + ")";
        }
        if (fetch) return reg + " = atomic_fetch_" + name + "(" + where + ", " + reg + ")";
        String sym = switch (kind) {
            case 0x00 -> "+=";
            case 0x40 -> "|=";
            case 0x50 -> "&=";
            default -> "^=";
        };
        return "lock *" + where + " " + sym + " " + reg;
    }

    private static String addr(int reg, int off) {
        return "(r" + reg + (off < 0 ? " - " + -off : " + " + off) + ")";
    }
}
