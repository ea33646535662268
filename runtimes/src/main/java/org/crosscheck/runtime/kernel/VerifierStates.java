package org.crosscheck.runtime.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The abstract states in a verifier log of level 2, typed: what the verifier believed about each
 * register and stack slot at each instruction it walked. Lines it reads:
 *
 * <pre>
 *   0: R1=ctx() R10=fp0                                   state at an instruction (the registers shown)
 *   5: (bf) r4 = r3       ; R3=scalar(id=1,...) R4=...    an instruction and what it changed
 *   from 8 to 13: R1=map_value(ks=4,vs=8) R3=scalar(...)  the state at a branch target
 *   13: safe                                              pruned: equivalent to a state seen before
 *   from 11 to 13: safe                                   the same, for a branch target
 * </pre>
 *
 * Values: constants ({@code 8}, {@code -5}, {@code 0xfffffffb}); {@code scalar(...)} with any of
 * smin/smax/umin/umax and their 32-bit forms (chained, {@code smax=umax=255}), {@code var_off=(v; m)},
 * {@code id}; pointers ({@code ctx()}, {@code fp-16}, {@code map_value(ks=4,vs=8,off=4)}, ...); a
 * leading {@code P} marks precision; register suffixes {@code _w}/{@code _r}/{@code _rw} (liveness) are
 * kept apart from the name. Stack slots ({@code fp-8=...}) hold a value or slot-type bytes
 * ({@code mmmmmmmm}, {@code ????0000}, optionally followed by a spilled constant: {@code ????-5}).
 * Other lines (the instruction listing, {@code mark_precise}, liveness notes, statistics) are not
 * states and are passed over; a state line that cannot be read is a {@link Unreadable} naming the
 * line, never skipped.
 */
public final class VerifierStates {
    private VerifierStates() {}

    /** A line of a log that should hold states but cannot be read. */
    public static final class Unreadable extends Exception {
        public final int line;

        Unreadable(int line, String text, String why) {
            super("verifier log line " + line + ": " + why + ": " + text, null, false, false);
            this.line = line;
        }
    }

    /** What the verifier believed of one register or stack slot. */
    public sealed interface Value {
        /** Whether the verifier marked it precise. */
        boolean precise();
    }

    /**
     * A scalar's bounds: signed and unsigned, 64- and 32-bit, and the tnum (bits {@code value} known,
     * {@code mask} unknown). Fields the log leaves out are unbounded.
     */
    public record Scalar(long smin, long smax, long umin, long umax, int smin32, int smax32, int umin32, int umax32,
            long tnumValue, long tnumMask, String id, boolean precise) implements Value {
        /** The constant {@code v}. */
        static Scalar constant(long v, boolean precise) {
            return new Scalar(v, v, v, v, (int) v, (int) v, (int) v, (int) v, v, 0, null, precise);
        }

        /** Any value: nothing known. */
        static Scalar unknown(boolean precise) {
            return new Scalar(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 0, -1, null, precise);
        }

        /** Whether the concrete value {@code v} lies inside every bound. */
        public boolean contains(long v) {
            int w = (int) v;
            return v >= smin && v <= smax && Long.compareUnsigned(v, umin) >= 0 && Long.compareUnsigned(v, umax) <= 0
                    && w >= smin32 && w <= smax32 && Integer.compareUnsigned(w, umin32) >= 0 && Integer.compareUnsigned(w, umax32) <= 0
                    && (v & ~tnumMask) == tnumValue;
        }

        /** The first bound {@code v} breaks, in the log's words ({@code umax=7}), or null. */
        public String violated(long v) {
            int w = (int) v;
            if (v < smin) return "smin=" + smin;
            if (v > smax) return "smax=" + smax;
            if (Long.compareUnsigned(v, umin) < 0) return "umin=" + Long.toUnsignedString(umin);
            if (Long.compareUnsigned(v, umax) > 0) return "umax=" + Long.toUnsignedString(umax);
            if (w < smin32) return "smin32=" + smin32;
            if (w > smax32) return "smax32=" + smax32;
            if (Integer.compareUnsigned(w, umin32) < 0) return "umin32=" + Integer.toUnsignedString(umin32);
            if (Integer.compareUnsigned(w, umax32) > 0) return "umax32=" + Integer.toUnsignedString(umax32);
            if ((v & ~tnumMask) != tnumValue) return "var_off=(0x" + Long.toHexString(tnumValue) + "; 0x" + Long.toHexString(tnumMask) + ")";
            return null;
        }
    }

    /** A pointer: its type ({@code map_value}, {@code ctx}, {@code fp}), fixed offset and the other fields the log shows. */
    public record Pointer(String type, long off, Map<String, String> fields, boolean precise) implements Value {}

    /** A stack slot the verifier tracks by byte: {@code m} misc, {@code 0} zero, {@code ?} unknown; maybe a spilled constant after them. */
    public record SlotBytes(String types, Long spilled, boolean precise) implements Value {}

    /** What a state line is. */
    public enum Kind {
        /** {@code N: R...}: the state at instruction N. */
        AT,
        /** {@code N: (op) ... ; R...}: instruction N and the state it left. */
        AFTER,
        /** {@code from A to N: R...}: the state at branch target N. */
        BRANCH,
        /** {@code N: safe}: the walk pruned here. */
        SAFE
    }

    /** One call frame's registers by number and stack slots by offset from its frame pointer. */
    public record Frame(int frame, Map<Integer, Value> registers, Map<Integer, Value> stack) {}

    /**
     * One state line: the instruction it is about (the kernel's numbering), {@code from} the branch's
     * source (-1 otherwise), and the frames it shows ({@code frame1: R0=0 ...}; frame 0 when it names none),
     * the innermost first.
     */
    public record State(int line, Kind kind, int pc, int from, List<Frame> frames) {
        /** The registers of the first frame shown. */
        public Map<Integer, Value> registers() {
            return frames.isEmpty() ? Map.of() : frames.get(0).registers();
        }

        /** The stack slots of the first frame shown. */
        public Map<Integer, Value> stack() {
            return frames.isEmpty() ? Map.of() : frames.get(0).stack();
        }
    }

    /** The states of a whole log, in order. */
    public static List<State> parse(String log) throws Unreadable {
        List<State> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : log.split("\n", -1)) {
            lineNo++;
            State s = parseLine(lineNo, line);
            if (s != null) out.add(s);
        }
        return out;
    }

    /** The state a line holds, or null when it holds none. */
    static State parseLine(int lineNo, String line) throws Unreadable {
        String t = line.strip();
        if (t.startsWith("from ")) { // from A to B: states
            int to = t.indexOf(" to ");
            int colon = t.indexOf(": ", Math.max(to, 0));
            if (to < 0 || colon < 0) throw new Unreadable(lineNo, line, "a branch line without 'from A to B: '");
            int from = number(lineNo, line, t.substring(5, to));
            int pc = number(lineNo, line, t.substring(to + 4, colon));
            if (t.substring(colon + 2).strip().equals("safe")) return new State(lineNo, Kind.SAFE, pc, from, List.of());
            return states(lineNo, line, Kind.BRANCH, pc, from, t.substring(colon + 2));
        }
        int colon = t.indexOf(':');
        if (colon <= 0 || !t.substring(0, colon).chars().allMatch(Character::isDigit)) return null;
        int pc = Integer.parseInt(t.substring(0, colon));
        String rest = t.substring(colon + 1).strip();
        if (rest.equals("safe")) return new State(lineNo, Kind.SAFE, pc, -1, List.of());
        if (rest.startsWith("(")) { // the instruction, then '; ' and what it changed
            int semi = rest.indexOf("; ");
            if (semi < 0) return new State(lineNo, Kind.AFTER, pc, -1, List.of());
            return states(lineNo, line, Kind.AFTER, pc, -1, rest.substring(semi + 2));
        }
        if (rest.startsWith("R") || rest.startsWith("fp") || rest.startsWith("frame")) return states(lineNo, line, Kind.AT, pc, -1, rest);
        return null; // the instruction listing of 'Live regs', func#, and the like
    }

    private static State states(int lineNo, String line, Kind kind, int pc, int from, String text) throws Unreadable {
        List<Frame> frames = new ArrayList<>();
        Map<Integer, Value> regs = null, stack = null;
        for (String item : items(lineNo, line, text)) {
            if (item.startsWith("frame") && item.endsWith(":")) {
                int f = number(lineNo, line, item.substring(5, item.length() - 1));
                regs = new LinkedHashMap<>();
                stack = new LinkedHashMap<>();
                frames.add(new Frame(f, regs, stack));
                continue;
            }
            if (regs == null) {
                regs = new LinkedHashMap<>();
                stack = new LinkedHashMap<>();
                frames.add(new Frame(0, regs, stack));
            }
            int eq = item.indexOf('=');
            if (eq <= 0) throw new Unreadable(lineNo, line, "'" + item + "' is not NAME=VALUE");
            String name = item.substring(0, eq);
            int suffix = name.indexOf('_');
            if (suffix > 0) name = name.substring(0, suffix); // liveness marks: _w, _r, _rw
            String value = item.substring(eq + 1);
            if (name.startsWith("R")) {
                int r = number(lineNo, line, name.substring(1));
                if (r > 10) throw new Unreadable(lineNo, line, "no register R" + r);
                regs.put(r, value(lineNo, line, value, false));
            } else if (name.startsWith("fp")) {
                stack.put(number(lineNo, line, name.substring(2)), value(lineNo, line, value, true));
            } else {
                throw new Unreadable(lineNo, line, "'" + name + "' is neither a register nor a stack slot");
            }
        }
        return new State(lineNo, kind, pc, from, frames);
    }

    /** Splits {@code R1=a(b,c) R2=d} at the spaces outside parentheses. */
    private static List<String> items(int lineNo, String line, String text) throws Unreadable {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0) throw new Unreadable(lineNo, line, "unbalanced ')'");
            else if (c == ' ' && depth == 0) {
                if (i > start) out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) throw new Unreadable(lineNo, line, "unbalanced '('");
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    /** The kernel's slot_type_char: invalid, spill, misc, zero, dynptr, iter, irq flag. */
    private static final String SLOT_TYPES = "?rm0dif";

    static Value value(int lineNo, String line, String v, boolean slot) throws Unreadable {
        // 6.1 shows a spilled scalar that is not constant by its precision alone: nothing, or P
        if (slot && (v.isEmpty() || v.equals("P"))) return Scalar.unknown(v.equals("P"));
        boolean precise = v.startsWith("P") && v.length() > 1 && !v.startsWith("PTR");
        if (precise) v = v.substring(1);
        if (slot) { // 8 slot-type bytes, or fewer followed by the value spilled in the rest (????-5)
            // 6.1 shows a spilled pointer by its type alone (map_value, fp): no offset, no fields
            if (v.matches("[a-z_][a-z_0-9]*") && !v.chars().allMatch(c -> SLOT_TYPES.indexOf(c) >= 0)) return new Pointer(v, 0, Map.of(), precise);
            for (int k = Math.min(8, v.length()); k > 0; k--) {
                String types = v.substring(0, k), rest = v.substring(k);
                if (!types.chars().allMatch(c -> SLOT_TYPES.indexOf(c) >= 0)) continue;
                if (rest.isEmpty() && k == 8) return new SlotBytes(types, null, precise);
                if (!rest.isEmpty() && (isConstant(rest) || rest.startsWith("scalar(") || rest.startsWith("P"))) {
                    Value inner = value(lineNo, line, rest, false);
                    Long spilled = inner instanceof Scalar sc && sc.tnumMask() == 0 ? sc.tnumValue() : null;
                    return new SlotBytes(types, spilled, precise || inner.precise());
                }
            }
        }
        if (isConstant(v)) return Scalar.constant(constant(lineNo, line, v), precise);
        if (v.startsWith("scalar(") && v.endsWith(")")) return scalar(lineNo, line, v.substring(7, v.length() - 1), precise);
        if (v.startsWith("fp")) return new Pointer("fp", number(lineNo, line, v.substring(2)), Map.of(), precise);
        int open = v.indexOf('(');
        if (open > 0 && v.endsWith(")") && v.substring(0, open).matches("[a-z_][a-z_0-9]*")) {
            Map<String, String> fields = fields(lineNo, line, v.substring(open + 1, v.length() - 1));
            String off = fields.remove("off");
            return new Pointer(v.substring(0, open), off == null ? 0 : constant(lineNo, line, off), fields, precise);
        }
        throw new Unreadable(lineNo, line, "cannot read the value '" + v + "'");
    }

    private static Scalar scalar(int lineNo, String line, String body, boolean precise) throws Unreadable {
        long smin = Long.MIN_VALUE, smax = Long.MAX_VALUE, umin = 0, umax = -1, tv = 0, tm = -1;
        int smin32 = Integer.MIN_VALUE, smax32 = Integer.MAX_VALUE, umin32 = 0, umax32 = -1;
        String id = null;
        for (Map.Entry<String, String> f : fields(lineNo, line, body).entrySet()) {
            String k = f.getKey(), val = f.getValue();
            switch (k) {
                case "smin" -> smin = constant(lineNo, line, val);
                case "smax" -> smax = constant(lineNo, line, val);
                case "umin" -> umin = constant(lineNo, line, val);
                case "umax" -> umax = constant(lineNo, line, val);
                // 6.1 names them s32_min..u32_max and prints the unsigned ones as int (u32_max=-4 is 0xfffffffc)
                case "smin32", "s32_min" -> smin32 = (int) constant(lineNo, line, val);
                case "smax32", "s32_max" -> smax32 = (int) constant(lineNo, line, val);
                case "umin32", "u32_min" -> umin32 = (int) constant(lineNo, line, val);
                case "umax32", "u32_max" -> umax32 = (int) constant(lineNo, line, val);
                case "id", "ref_obj_id" -> id = val;
                case "var_off" -> {
                    if (!val.startsWith("(") || !val.endsWith(")") || !val.contains("; ")) throw new Unreadable(lineNo, line, "var_off '" + val + "' is not (V; M)");
                    String[] vm = val.substring(1, val.length() - 1).split("; ");
                    tv = constant(lineNo, line, vm[0]);
                    tm = constant(lineNo, line, vm[1]);
                }
                default -> throw new Unreadable(lineNo, line, "unknown scalar field '" + k + "'");
            }
        }
        return new Scalar(smin, smax, umin, umax, smin32, smax32, umin32, umax32, tv, tm, id, precise);
    }

    /** {@code a=b=1,c=(x; y)}: chained names share a value; commas inside parentheses do not split. */
    private static Map<String, String> fields(int lineNo, String line, String body) throws Unreadable {
        Map<String, String> out = new LinkedHashMap<>();
        if (body.isEmpty()) return out;
        int depth = 0, start = 0;
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(body.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(body.substring(start));
        for (String p : parts) {
            int paren = p.indexOf('(');
            String head = paren < 0 ? p : p.substring(0, paren);
            int lastEq = head.lastIndexOf('=');
            if (lastEq <= 0) throw new Unreadable(lineNo, line, "field '" + p + "' is not NAME=VALUE");
            String val = p.substring(lastEq + 1);
            for (String name : head.substring(0, lastEq).split("=")) out.put(name, val);
        }
        return out;
    }

    private static boolean isConstant(String v) {
        String s = v.startsWith("-") ? v.substring(1) : v;
        if (s.startsWith("0x")) return s.length() > 2 && s.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0);
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static long constant(int lineNo, String line, String v) throws Unreadable {
        if (!isConstant(v)) throw new Unreadable(lineNo, line, "'" + v + "' is not a number");
        boolean neg = v.startsWith("-");
        String s = neg ? v.substring(1) : v;
        try {
            long n = s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
            return neg ? -n : n;
        } catch (NumberFormatException e) {
            throw new Unreadable(lineNo, line, "'" + v + "' does not fit 64 bits");
        }
    }

    private static int number(int lineNo, String line, String v) throws Unreadable {
        long n = constant(lineNo, line, v.strip());
        if (n != (int) n) throw new Unreadable(lineNo, line, "'" + v + "' is too large");
        return (int) n;
    }
}
