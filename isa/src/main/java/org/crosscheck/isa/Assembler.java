package org.crosscheck.isa;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bpf_conformance assembly dialect (FORMATS.md) to {@link Program}. Every error names the line
 * and the problem. Mnemonics come from the {@link Op} table, plus the dialect's aliases.
 */
public final class Assembler {

    /** A program with the source line of each instruction (index into {@link Program#insns()}). */
    public record Assembled(Program program, int[] lines) {
        /** Source line of the instruction at slot pc (0 if unknown). */
        public int lineOfPc(int pc) {
            int idx = program.indexAt(pc);
            return idx >= 0 && idx < lines.length ? lines[idx] : 0;
        }
    }

    private static final Map<String, List<Op>> BY_MNEMONIC = new HashMap<>();

    static {
        for (Op op : Op.values()) {
            if (op.shape == Shape.LDDW || op.name().startsWith("CALL")) continue; // operand-driven, see below
            BY_MNEMONIC.computeIfAbsent(op.mnemonic, k -> new ArrayList<>()).add(op);
        }
        // Aliases of the dialect: add64 = add, swap16 = bswap16, neg64 = neg ...
        for (Op op : Op.values()) {
            if (op.insnClass() == 0x07 && (op.shape == Shape.ALU_IMM || op.shape == Shape.ALU_REG || op.shape == Shape.NEG)
                    && !op.mnemonic.startsWith("movsx")) {
                BY_MNEMONIC.computeIfAbsent(op.mnemonic + "64", k -> new ArrayList<>()).add(op);
            }
            if (op.name().startsWith("BSWAP")) {
                BY_MNEMONIC.computeIfAbsent(op.mnemonic.substring(1), k -> new ArrayList<>()).add(op);
            }
        }
    }

    private Assembler() {}

    /** Assembles text; {@code source} names it in errors and {@code firstLine} is the line number of its first line. */
    public static Assembled assemble(String text, String source, int firstLine) throws IsaException {
        return new Run(source, firstLine).assemble(text);
    }

    public static Program assemble(String text) throws IsaException {
        return assemble(text, null, 1).program();
    }

    private static final class Run {
        final String source;
        final int firstLine;
        final List<Insn> insns = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();
        final List<String> pendingLabel = new ArrayList<>(); // per insn: label it jumps to, or null
        final Map<String, Integer> labels = new HashMap<>();   // label -> slot
        int slot = 0;
        int line;
        String row; // the instruction being read, for errors that quote it

        Run(String source, int firstLine) {
            this.source = source;
            this.firstLine = firstLine;
        }

        IsaException error(String problem) {
            return new IsaException(source, line, problem);
        }

        Assembled assemble(String text) throws IsaException {
            String[] rows = text.split("\r?\n", -1);
            Integer implicitExit = null;
            for (int r = 0; r < rows.length; r++) {
                line = firstLine + r;
                String row = rows[r];
                int hash = row.indexOf('#');
                if (hash >= 0) row = row.substring(0, hash);
                row = row.strip();
                if (row.isEmpty()) continue;
                // label, possibly followed by an instruction
                int colon = row.indexOf(':');
                if (colon > 0 && row.substring(0, colon).matches("[A-Za-z_.$][A-Za-z0-9_.$]*")) {
                    String label = row.substring(0, colon);
                    if (labels.containsKey(label)) throw error("duplicate label '" + label + "'");
                    labels.put(label, slot);
                    row = row.substring(colon + 1).strip();
                    if (row.isEmpty()) continue;
                }
                this.row = row;
                Insn insn = parse(row);
                if (insn.op() == Op.EXIT && implicitExit == null) implicitExit = slot;
                insns.add(insn);
                lines.add(line);
                slot += insn.slots();
            }
            if (insns.isEmpty()) {
                line = firstLine + rows.length - 1;
                throw error("no instructions");
            }
            if (implicitExit != null) labels.putIfAbsent("exit", implicitExit);
            // resolve labels
            int pc = 0;
            for (int k = 0; k < insns.size(); k++) {
                String label = pendingLabel.get(k);
                if (label != null) {
                    line = lines.get(k);
                    Integer target = labels.get(label);
                    if (target == null) throw error("undefined label '" + label + "'");
                    insns.set(k, insns.get(k).withJumpOffset(target - pc - 1));
                }
                pc += insns.get(k).slots();
            }
            int[] lineArray = lines.stream().mapToInt(Integer::intValue).toArray();
            try {
                return new Assembled(Program.of(insns), lineArray);
            } catch (DecodeException e) {
                int idx = 0, at = 0;
                for (Insn i : insns) {
                    if (at == e.index()) break;
                    at += i.slots();
                    idx++;
                }
                line = idx < lineArray.length ? lineArray[idx] : 0;
                throw error(e.problem().replaceFirst("^instruction \\d+: ", ""));
            }
        }

        Insn parse(String row) throws IsaException {
            String mnemonic;
            String rest;
            int sp = indexOfSpace(row);
            mnemonic = (sp < 0 ? row : row.substring(0, sp)).toLowerCase(Locale.ROOT);
            rest = sp < 0 ? "" : row.substring(sp + 1).strip();
            String label = null;
            Insn insn;
            switch (mnemonic) {
                case "lock" -> insn = parseLock(rest);
                case "call", "callx" -> {
                    String[] w = rest.split("\\s+", 2);
                    String mode = w.length == 2 ? w[0] : "helper";
                    String target = w.length == 2 ? w[1].strip() : w[0];
                    if (rest.isEmpty()) throw error("call: expected a target (helper id, 'local LABEL', 'runtime ID' or a register)");
                    if (mnemonic.equals("callx") || (isRegister(target) && mode.equals("helper"))) {
                        insn = Insn.of(Op.CALLX, register(target), 0, 0, 0);
                    } else {
                        switch (mode) {
                            case "helper" -> insn = Insn.of(Op.CALL, 0, 0, 0, imm32(target));
                            case "runtime" -> insn = Insn.of(Op.CALL_RUNTIME, 0, 0, 0, imm32(target));
                            case "local" -> {
                                insn = Insn.of(Op.CALL_LOCAL, 0, 0, 0, 0);
                                label = jumpTarget(target);
                                if (label == null) insn = insn.withJumpOffset(offset32(target));
                            }
                            default -> throw error("call: unknown mode '" + mode + "' (helper, local or runtime)");
                        }
                    }
                }
                case "lddw" -> insn = parseLddw(rest);
                default -> {
                    List<Op> ops = BY_MNEMONIC.get(mnemonic);
                    if (ops == null) throw error("unknown mnemonic '" + mnemonic + "'");
                    List<String> operands = operands(rest);
                    Op first = ops.get(0);
                    insn = switch (first.shape) {
                        case ALU_IMM, ALU_REG -> {
                            expect(mnemonic, operands, 2, "register, register or immediate");
                            boolean reg = isRegister(operands.get(1));
                            Op op = pick(ops, reg ? Shape.ALU_REG : Shape.ALU_IMM, mnemonic);
                            yield reg ? Insn.of(op, register(operands.get(0)), register(operands.get(1)), 0, 0)
                                    : Insn.of(op, register(operands.get(0)), 0, 0, imm32(operands.get(1)));
                        }
                        case NEG, ENDIAN -> {
                            expect(mnemonic, operands, 1, "register");
                            yield Insn.of(first, register(operands.get(0)), 0, 0, 0);
                        }
                        case LDX, LOAD_ACQ -> {
                            expect(mnemonic, operands, 2, "register, [register+offset]");
                            int[] m = memory(operands.get(1));
                            yield Insn.of(first, register(operands.get(0)), m[0], m[1], 0);
                        }
                        case ST -> {
                            expect(mnemonic, operands, 2, "[register+offset], immediate");
                            int[] m = memory(operands.get(0));
                            yield Insn.of(first, m[0], 0, m[1], imm32(operands.get(1)));
                        }
                        case STX, STORE_REL -> {
                            expect(mnemonic, operands, 2, "[register+offset], register");
                            int[] m = memory(operands.get(0));
                            yield Insn.of(first, m[0], register(operands.get(1)), m[1], 0);
                        }
                        case JMP_IMM, JMP_REG -> {
                            expect(mnemonic, operands, 3, "register, register or immediate, target");
                            boolean reg = isRegister(operands.get(1));
                            Op op = pick(ops, reg ? Shape.JMP_REG : Shape.JMP_IMM, mnemonic);
                            Insn j = reg ? Insn.of(op, register(operands.get(0)), register(operands.get(1)), 0, 0)
                                    : Insn.of(op, register(operands.get(0)), 0, 0, imm32(operands.get(1)));
                            label = jumpTarget(operands.get(2));
                            yield label == null ? j.withJumpOffset(offset16(operands.get(2))) : j;
                        }
                        case JA, JA32 -> {
                            expect(mnemonic, operands, 1, "target");
                            label = jumpTarget(operands.get(0));
                            Insn j = Insn.of(first);
                            yield label == null ? j.withJumpOffset(first.shape == Shape.JA ? offset16(operands.get(0)) : offset32(operands.get(0))) : j;
                        }
                        case EXIT -> {
                            expect(mnemonic, operands, 0, "no operands");
                            yield Insn.of(first);
                        }
                        case LD_ABS -> {
                            expect(mnemonic, operands, 1, "immediate");
                            yield Insn.of(first, 0, 0, 0, imm32(operands.get(0)));
                        }
                        case LD_IND -> {
                            expect(mnemonic, operands, 2, "register, immediate");
                            yield Insn.of(first, 0, register(operands.get(0)), 0, imm32(operands.get(1)));
                        }
                        default -> throw error("unexpected mnemonic '" + mnemonic + "'");
                    };
                }
            }
            pendingLabel.add(label);
            return insn;
        }

        Insn parseLock(String rest) throws IsaException {
            String[] words = rest.split("\\s+", 3);
            int k = 0;
            boolean fetch = words.length > 0 && words[0].equals("fetch");
            if (fetch) k = 1;
            if (words.length <= k || words[k].isEmpty() || rest.isEmpty()) {
                throw error("lock: invalid number of operands (expected: lock [fetch] OP [%rD+off], %rS)");
            }
            String key = "lock " + (fetch ? "fetch " : "") + words[k].toLowerCase(Locale.ROOT);
            List<Op> ops = BY_MNEMONIC.get(key);
            if (ops == null) throw error("unknown atomic operation '" + key + "'");
            String tail = words.length > k + 1 ? rest.substring(rest.indexOf(words[k]) + words[k].length()).strip() : "";
            List<String> operands = operands(tail);
            if (operands.size() != 2) throw error("lock: invalid number of operands for " + key + " (expected [%rD+off], %rS)");
            int[] m = memory(operands.get(0));
            return Insn.of(ops.get(0), m[0], register(operands.get(1)), m[1], 0);
        }

        Insn parseLddw(String rest) throws IsaException {
            List<String> operands = operands(rest);
            if (operands.size() < 2 || operands.size() > 3) {
                throw error("lddw: invalid number of operands (expected %rD, imm64 or %rD, KIND imm[, imm])");
            }
            int dst = register(operands.get(0));
            String[] kv = operands.get(1).split("\\s+");
            if (kv.length == 1 && operands.size() == 2) return Insn.of(Op.LDDW, dst, 0, 0, imm64(kv[0]));
            for (int src = 1; src < Disassembler.LDDW_KEYWORDS.length; src++) {
                if (Disassembler.LDDW_KEYWORDS[src].equals(kv[0]) && kv.length == 2) {
                    long lo = imm32(kv[1]) & 0xffffffffL;
                    long hi = operands.size() == 3 ? imm32(operands.get(2)) & 0xffffffffL : 0;
                    Op op = null;
                    for (Op o : Op.byCode(0x18)) if (o.src == src) op = o;
                    return Insn.of(op, dst, 0, 0, hi << 32 | lo);
                }
            }
            throw error("lddw: cannot read '" + operands.get(1) + "' (an immediate, or one of map_fd, map_value, var_addr, code_addr, map_idx, map_idx_value with a number)");
        }

        Op pick(List<Op> ops, Shape shape, String mnemonic) throws IsaException {
            for (Op op : ops) if (op.shape == shape) return op;
            throw error(mnemonic + ": this operand form does not exist");
        }

        void expect(String mnemonic, List<String> operands, int n, String what) throws IsaException {
            if (operands.size() != n) {
                throw error("invalid number of operands for " + mnemonic + ": expected " + n + " (" + what + "), got " + operands.size());
            }
        }

        List<String> operands(String rest) throws IsaException {
            List<String> out = new ArrayList<>();
            if (rest.isEmpty()) return out;
            for (String part : rest.split(",", -1)) {
                String p = part.strip();
                if (p.isEmpty()) throw error(row + ": missing operand");
                out.add(p);
            }
            return out;
        }

        boolean isRegister(String s) {
            return s.startsWith("%");
        }

        int register(String s) throws IsaException {
            if (s.matches("%r([0-9]|10)")) return Integer.parseInt(s.substring(2));
            throw error("invalid register '" + s + "' (registers are %r0 to %r10)");
        }

        /** [%rN+off] or [%rN-off] or [%rN]. */
        int[] memory(String s) throws IsaException {
            String t = s.replace(" ", "");
            if (!t.startsWith("[") || !t.endsWith("]")) throw error("expected a memory operand like [%r1+8], got '" + s + "'");
            t = t.substring(1, t.length() - 1);
            int sign = Math.max(t.indexOf('+'), t.indexOf('-'));
            if (sign < 0) return new int[] {register(t), 0};
            int reg = register(t.substring(0, sign));
            return new int[] {reg, offset16(t.substring(sign))};
        }

        /** A label name, or null when the target is a number. */
        String jumpTarget(String s) {
            return s.matches("[+-]?(0x[0-9a-fA-F]+|[0-9]+)") ? null : s;
        }

        int offset16(String s) throws IsaException {
            long v = number(s, "offset");
            if (v < -32768 || v > 65535) throw error("offset " + s + " does not fit in 16 bits");
            return (short) v;
        }

        int offset32(String s) throws IsaException {
            long v = number(s, "offset");
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw error("offset " + s + " does not fit in 32 bits");
            return (int) v;
        }

        /** Signed decimal that fits int32, or hex that fits uint32 (the dialect's rule). */
        long imm32(String s) throws IsaException {
            long v = number(s, "immediate");
            boolean hex = s.toLowerCase(Locale.ROOT).contains("0x");
            boolean ok = hex && !s.startsWith("-") ? v >= 0 && v <= 0xffffffffL : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            if (!ok) throw error("immediate " + s + " does not fit in 32 bits (signed decimal or unsigned hex)");
            return (int) v;
        }

        long imm64(String s) throws IsaException {
            String t = s.toLowerCase(Locale.ROOT);
            boolean neg = t.startsWith("-");
            String digits = neg || t.startsWith("+") ? t.substring(1) : t;
            boolean hex = digits.startsWith("0x");
            try {
                BigInteger v = new BigInteger(hex ? digits.substring(2) : digits, hex ? 16 : 10);
                if (neg) v = v.negate();
                if (v.bitLength() > 64 || (neg && v.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0)) {
                    throw error("immediate " + s + " does not fit in 64 bits");
                }
                return v.longValue();
            } catch (NumberFormatException e) {
                throw error("invalid 64-bit immediate '" + s + "'");
            }
        }

        long number(String s, String what) throws IsaException {
            String t = s.toLowerCase(Locale.ROOT);
            boolean neg = t.startsWith("-");
            String digits = neg || t.startsWith("+") ? t.substring(1) : t;
            try {
                long v = digits.startsWith("0x") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
                if (digits.length() > 18) throw new NumberFormatException();
                return neg ? -v : v;
            } catch (NumberFormatException e) {
                throw error("invalid " + what + " '" + s + "'");
            }
        }

        static int indexOfSpace(String s) {
            for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
            return -1;
        }
    }
}
