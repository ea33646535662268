package org.crosscheck.memmodel;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.memmodel.Litmus.*;

/**
 * Reads herd's BPF litmus dialect (FORMATS.md): header, {@code (* comments *)}, init block, thread
 * columns, optional {@code locations [...]}, final condition. Every problem is a
 * {@link LitmusException} naming the file, the line and what is wrong.
 */
public final class LitmusParser {
    private final String file;
    private final String text; // comments blanked out, newlines kept, so offsets map to lines
    private final int[] lineStarts;

    private LitmusParser(String file, String raw) {
        this.file = file;
        this.text = stripComments(raw);
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') starts.add(i + 1);
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    public static Litmus parse(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new LitmusException(file.getFileName().toString(), 0, "not UTF-8 text"); // a bad test, not an I/O failure
        }
        return parse(file.getFileName().toString(), text);
    }

    public static Litmus parse(String file, String text) {
        return new LitmusParser(file, text).parse();
    }

    private LitmusException error(int offset, String problem) {
        return new LitmusException(file, lineOf(offset), problem);
    }

    private int lineOf(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    private String stripComments(String raw) {
        StringBuilder sb = new StringBuilder(raw);
        int depth = 0, openedAt = -1;
        for (int i = 0; i < sb.length(); i++) {
            if (i + 1 < sb.length() && sb.charAt(i) == '(' && sb.charAt(i + 1) == '*') {
                if (depth++ == 0) openedAt = i;
                sb.setCharAt(i, ' ');
                sb.setCharAt(++i, ' ');
            } else if (depth > 0 && i + 1 < sb.length() && sb.charAt(i) == '*' && sb.charAt(i + 1) == ')') {
                depth--;
                sb.setCharAt(i, ' ');
                sb.setCharAt(++i, ' ');
            } else if (depth > 0 && sb.charAt(i) != '\n') {
                sb.setCharAt(i, ' ');
            }
        }
        if (depth > 0) {
            int line = 1;
            for (int i = 0; i < openedAt; i++) if (raw.charAt(i) == '\n') line++;
            throw new LitmusException(file, line, "comment '(*' is never closed");
        }
        return sb.toString();
    }

    private int skipSpace(int pos) {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
        return pos;
    }

    private int endOfLine(int pos) {
        int e = text.indexOf('\n', pos);
        return e < 0 ? text.length() : e;
    }

    private Litmus parse() {
        // header: BPF <name>
        int pos = skipSpace(0);
        if (pos >= text.length()) throw new LitmusException(file, 1, "empty file: expected header 'BPF <name>'");
        int eol = endOfLine(pos);
        String[] header = text.substring(pos, eol).trim().split("\\s+");
        if (!header[0].equals("BPF")) throw error(pos, "expected header 'BPF <name>', found '" + header[0] + "' (only the BPF dialect is supported)");
        if (header.length < 2) throw error(pos, "header 'BPF' lacks the test name");
        if (header.length > 2) throw error(pos, "unexpected '" + header[2] + "' after the test name");
        String name = header[1].endsWith(".litmus") ? header[1].substring(0, header[1].length() - 7) : header[1];

        // init block
        pos = skipSpace(eol);
        if (pos >= text.length() || text.charAt(pos) != '{') throw error(Math.min(pos, text.length() - 1), "expected '{' starting the initial state");
        int close = text.indexOf('}', pos);
        if (close < 0) throw error(pos, "initial state '{' is never closed by '}'");
        List<RegInit> regInits = new ArrayList<>();
        List<LocInit> locInits = new ArrayList<>();
        parseInit(pos + 1, close, regInits, locInits);
        if (!text.substring(close + 1, endOfLine(close)).isBlank()) throw error(close, "unexpected text after '}' of the initial state");

        // thread header: P0 | P1 ... ;
        pos = skipSpace(close + 1);
        if (pos >= text.length()) throw error(text.length() - 1, "expected the thread header 'P0 | P1 ... ;'");
        eol = endOfLine(pos);
        String procs = text.substring(pos, eol).trim();
        if (!procs.matches("P\\d+(\\s*\\|\\s*P\\d+)*\\s*;")) throw error(pos, "expected the thread header 'P0 | P1 ... ;', found '" + procs + "'");
        String[] ps = procs.substring(0, procs.length() - 1).split("\\|");
        int n = ps.length;
        for (int i = 0; i < n; i++) {
            if (!ps[i].trim().equals("P" + i)) throw error(pos, "thread column " + (i + 1) + " is '" + ps[i].trim() + "', expected 'P" + i + "'");
        }

        // code rows up to the first line starting a locations list or a condition
        int codeStart = eol;
        int codeEnd = codeStart;
        Pattern tailStart = Pattern.compile("^[ \\t]*(locations\\b|exists\\b|~|forall\\b|filter\\b)", Pattern.MULTILINE);
        Matcher tm = tailStart.matcher(text);
        if (!tm.find(codeStart)) throw error(text.length() - 1, "missing final condition (exists, ~exists or forall)");
        codeEnd = tm.start();
        List<List<Instr>> code = new ArrayList<>();
        for (int i = 0; i < n; i++) code.add(new ArrayList<>());
        parseCode(codeStart, codeEnd, n, code);

        // tail: locations and condition
        Tail tail = new Tail(codeEnd);
        List<Ref> locations = tail.locations(n);
        Final cond = tail.condition(n);
        tail.expectEnd();

        List<Litmus.Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            checkLabels(i, code.get(i));
            threads.add(new Litmus.Thread(i, code.get(i)));
        }
        for (RegInit r : regInits) {
            if (r.thread() >= n) throw new LitmusException(file, r.line(), "initial state names thread " + r.thread() + " but the test has " + n + " threads");
        }
        return new Litmus(name, file, regInits, locInits, threads, locations, cond);
    }

    // ---- init block ----

    private static final Pattern REG_INIT = Pattern.compile("(\\d+)\\s*:\\s*(\\w+)\\s*=\\s*(\\S+)");
    private static final Pattern LOC_INIT = Pattern.compile(
            "(?:(int|long|u8|u16|u32|u64|u?int(?:8|16|32|64)_t)\\s+)?(\\[)?([A-Za-z_]\\w*)(\\])?\\s*(?:=\\s*(\\S+))?");

    private void parseInit(int from, int to, List<RegInit> regInits, List<LocInit> locInits) {
        Set<String> seen = new HashSet<>();
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && text.charAt(i) != ';') continue;
            String entry = text.substring(start, i);
            int at = skipSpace(start);
            start = i + 1;
            if (entry.isBlank()) continue;
            String e = entry.trim();
            int line = lineOf(at);
            Matcher m = REG_INIT.matcher(e);
            if (m.matches()) {
                int t = threadNumber(m.group(1), at);
                int reg = register(m.group(2), at);
                if (!seen.add(t + ":r" + reg)) throw error(at, "register " + t + ":r" + reg + " is initialised twice");
                regInits.add(new RegInit(t, reg, value(m.group(3), at), line));
                continue;
            }
            m = LOC_INIT.matcher(e);
            if (m.matches() && (m.group(1) != null || m.group(5) != null) && (m.group(2) == null) == (m.group(4) == null)) {
                String loc = m.group(3);
                if (isRegister(loc)) throw error(at, "'" + loc + "' is a register: initialise it as 'N:" + loc + "=value'");
                if (!seen.add(loc)) throw error(at, "location " + loc + " is initialised twice");
                locInits.add(new LocInit(loc, m.group(5) == null ? new Num(0) : value(m.group(5), at), line));
                continue;
            }
            throw error(at, "cannot read initial-state entry '" + e + "' (expected 'N:rX=value', 'int x=value' or 'x=value')");
        }
    }

    private static boolean isRegister(String s) {
        return s.matches("r(\\d|10)");
    }

    private int threadNumber(String s, int at) {
        if (s.length() > 4) throw error(at, "thread number " + s + " is out of range");
        return Integer.parseInt(s);
    }

    private int register(String s, int at) {
        if (!isRegister(s)) throw error(at, "unknown register '" + s + "' (registers are r0..r10)");
        return Integer.parseInt(s.substring(1));
    }

    private Value value(String s, int at) {
        try {
            if (s.matches("[+-]?\\d+")) return new Num(Long.parseLong(s.startsWith("+") ? s.substring(1) : s));
            if (s.matches("-?0[xX][0-9a-fA-F]+")) {
                boolean neg = s.startsWith("-");
                long v = Long.parseUnsignedLong(s.substring(neg ? 3 : 2), 16);
                return new Num(neg ? -v : v);
            }
        } catch (NumberFormatException e) {
            throw error(at, "number '" + s + "' does not fit in 64 bits");
        }
        if (s.matches("[A-Za-z_]\\w*") && !isRegister(s)) return new Sym(s);
        throw error(at, "bad value '" + s + "' (expected a number or a location name)");
    }

    // ---- code ----

    private void parseCode(int from, int to, int n, List<List<Instr>> code) {
        int start = from;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != ';') continue;
            parseRow(start, i, n, code);
            start = i + 1;
        }
        if (!text.substring(start, to).isBlank()) throw error(skipSpace(start), "code row is not terminated by ';'");
    }

    private void parseRow(int from, int to, int n, List<List<Instr>> code) {
        List<int[]> cells = new ArrayList<>();
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && !(text.charAt(i) == '|' && (i + 1 >= to || text.charAt(i + 1) != '='))) continue;
            cells.add(new int[] {start, i});
            start = i + 1;
        }
        if (cells.size() != n) throw error(skipSpace(from), "row has " + cells.size() + " columns but the test has " + n + " threads");
        for (int t = 0; t < n; t++) {
            int a = cells.get(t)[0], b = cells.get(t)[1];
            String cell = text.substring(a, b).trim();
            int at = skipSpace(a);
            if (cell.isEmpty()) continue;
            int line = lineOf(at);
            Matcher lm;
            while ((lm = LABEL.matcher(cell)).matches()) {
                code.get(t).add(new Label(lm.group(1), line));
                cell = lm.group(2).trim();
            }
            if (!cell.isEmpty()) code.get(t).add(instruction(cell, at, line, t));
        }
    }

    private void checkLabels(int t, List<Instr> code) {
        Set<String> labels = new HashSet<>();
        for (Instr i : code) {
            if (i instanceof Label l && !labels.add(l.name())) throw new LitmusException(file, l.line(), "label " + l.name() + " defined twice in P" + t);
        }
        for (Instr i : code) {
            String target = i instanceof Goto g ? g.label() : i instanceof If f ? f.label() : null;
            if (target != null && !labels.contains(target)) throw new LitmusException(file, i.line(), "undefined label " + target + " in P" + t);
        }
    }

    private static final Pattern LABEL = Pattern.compile("([A-Za-z_]\\w*)\\s*:(?!=)(.*)");
    private static final String R = "(r\\d+)";
    private static final String OPND = "(r\\d+|[+-]?\\s*(?:0[xX][0-9a-fA-F]+|\\d+))";
    private static final String SIZE = "\\(\\s*u(8|16|32|64)\\s*\\*\\s*\\)";
    private static final String ADDR = "\\(\\s*(r\\d+)\\s*(?:([+-])\\s*(\\d+))?\\s*\\)";
    private static final String BARE_ADDR = "(r\\d+)\\s*([+-])\\s*(\\d+)";
    private static final String MEM = "\\*\\s*" + SIZE + "\\s*" + ADDR;
    private static final Pattern LOAD = Pattern.compile(R + "\\s*=\\s*" + MEM);
    private static final Pattern STORE = Pattern.compile(MEM + "\\s*=\\s*" + OPND);
    private static final Pattern ACQUIRE = Pattern.compile(R + "\\s*=\\s*load_acquire\\s*\\(\\s*" + SIZE + "\\s*" + ADDR + "\\s*\\)");
    private static final Pattern RELEASE = Pattern.compile("store_release\\s*\\(\\s*" + SIZE + "\\s*" + ADDR + "\\s*,\\s*" + OPND + "\\s*\\)");
    private static final Pattern FETCH = Pattern.compile(R + "\\s*=\\s*atomic_fetch_(add|and|or|xor)\\s*\\(\\s*" + SIZE + "\\s*" + ADDR + "\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern XCHG = Pattern.compile(R + "\\s*=\\s*(xchg_64|xchg32_32|xchg_32_32)\\s*\\(\\s*" + BARE_ADDR + "\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern CMPXCHG = Pattern.compile(R + "\\s*=\\s*(cmpxchg_64|cmpxchg32_32|cmpxchg_32_32)\\s*\\(\\s*" + BARE_ADDR + "\\s*,\\s*" + R + "\\s*,\\s*" + R + "\\s*\\)");
    private static final Pattern LOCK = Pattern.compile("lock\\s*" + MEM + "\\s*(\\+=|&=|\\|=|\\^=)\\s*" + R);
    private static final Pattern GOTO = Pattern.compile("goto\\s+([A-Za-z_]\\w*)");
    private static final Pattern IF = Pattern.compile("if\\s+" + R + "\\s*(==|!=|s<=|s>=|s<|s>|<=|>=|<|>|&)\\s*" + OPND + "\\s+goto\\s+([A-Za-z_]\\w*)");
    private static final Pattern ALU = Pattern.compile(R + "\\s*(=|\\+=|-=|\\*=|/=|%=|&=|\\|=|\\^=|<<=|s>>=|>>=)\\s*" + OPND);

    /** What a malformed instruction should look like, by its keyword. */
    private static final Map<String, String> FORMS = Map.of(
            "load_acquire", "rD = load_acquire((uN *)(rB + off))",
            "store_release", "store_release((uN *)(rB + off), rS)",
            "atomic_fetch_", "rS = atomic_fetch_add((uN *)(rB + off), rS)",
            "cmpxchg", "r0 = cmpxchg_64(rB + off, r0, rS) or r0 = cmpxchg32_32(...)",
            "xchg", "rS = xchg_64(rB + off, rS) or rS = xchg32_32(...)",
            "lock", "lock *(uN *)(rB + off) += rS (also &=, |=, ^=)",
            "if", "if rX op Y goto LABEL",
            "goto", "goto LABEL");

    /**
     * One instruction. As in herd (and the ISA encoding), the register left of '=' in fetch
     * atomics and xchg is not an operand: the old value goes to the source register; cmpxchg
     * always compares with and returns into r0.
     */
    private Instr instruction(String s, int at, int line, int t) {
        Matcher m;
        if ((m = LOAD.matcher(s)).matches()) {
            return new Load(width(m.group(2)), register(m.group(1), at), addr(m, 3, at), false, line);
        }
        if ((m = STORE.matcher(s)).matches()) {
            return new Store(width(m.group(1)), addr(m, 2, at), operand(m.group(5), at), false, line);
        }
        if ((m = ACQUIRE.matcher(s)).matches()) {
            return new Load(width(m.group(2)), register(m.group(1), at), addr(m, 3, at), true, line);
        }
        if ((m = RELEASE.matcher(s)).matches()) {
            return new Store(width(m.group(1)), addr(m, 2, at), operand(m.group(5), at), true, line);
        }
        if ((m = FETCH.matcher(s)).matches()) {
            register(m.group(1), at); // as in herd and the ISA, the old value goes to the source register
            return new Fetch(RmwOp.valueOf(m.group(2).toUpperCase()), width(m.group(3)), addr(m, 4, at), register(m.group(7), at), line);
        }
        if ((m = XCHG.matcher(s)).matches()) {
            register(m.group(1), at);
            return new Fetch(RmwOp.XCHG, m.group(2).equals("xchg_64") ? Width.U64 : Width.U32, addr(m, 3, at), register(m.group(6), at), line);
        }
        if ((m = CMPXCHG.matcher(s)).matches()) {
            register(m.group(1), at); // as in herd and the ISA, r0 is compared and receives the old value
            register(m.group(6), at);
            return new CmpXchg(m.group(2).equals("cmpxchg_64") ? Width.U64 : Width.U32, addr(m, 3, at), register(m.group(7), at), line);
        }
        if ((m = LOCK.matcher(s)).matches()) {
            RmwOp op = switch (m.group(5)) {
                case "+=" -> RmwOp.ADD;
                case "&=" -> RmwOp.AND;
                case "|=" -> RmwOp.OR;
                default -> RmwOp.XOR;
            };
            return new Lock(op, width(m.group(1)), addr(m, 2, at), register(m.group(6), at), line);
        }
        if ((m = GOTO.matcher(s)).matches()) return new Goto(m.group(1), line);
        if ((m = IF.matcher(s)).matches()) {
            JumpCond c = null;
            for (JumpCond j : JumpCond.values()) if (j.text.equals(m.group(2))) c = j;
            return new If(c, register(m.group(1), at), operand(m.group(3), at), m.group(4), line);
        }
        if ((m = ALU.matcher(s)).matches()) {
            AluOp op = null;
            for (AluOp a : AluOp.values()) if (a.text.equals(m.group(2))) op = a;
            return new Alu(op, register(m.group(1), at), operand(m.group(3), at), line);
        }
        for (Map.Entry<String, String> f : FORMS.entrySet()) {
            if (s.contains(f.getKey())) throw error(at, "P" + t + ": malformed instruction '" + s + "' (expected " + f.getValue() + ")");
        }
        throw error(at, "P" + t + ": cannot parse instruction '" + s + "'");
    }

    private static Width width(String bits) {
        return Width.valueOf("U" + bits);
    }

    /** The address operand whose register is group {@code g}, sign group g+1, offset group g+2. */
    private Addr addr(Matcher m, int g, int at) {
        long off = m.group(g + 2) == null ? 0 : ((Num) value(m.group(g + 2), at)).value();
        return new Addr(register(m.group(g), at), "-".equals(m.group(g + 1)) ? -off : off);
    }

    private Operand operand(String s, int at) {
        if (s.startsWith("r")) return new Reg(register(s, at));
        Value v = value(s.replaceAll("\\s", ""), at);
        return new Imm(((Num) v).value());
    }

    // ---- locations list and final condition ----

    /** A tokenizer over the text after the code. */
    private final class Tail {
        private int pos;

        Tail(int pos) {
            this.pos = pos;
        }

        private static final Pattern TOKEN = Pattern.compile(
                "\\s*(/\\\\|\\\\/|[()\\[\\];:=~]|-?0[xX][0-9a-fA-F]+|-?\\d+|[A-Za-z_]\\w*|\\S)");

        /** The next token without consuming it, or null at the end. */
        String peek() {
            Matcher m = TOKEN.matcher(text);
            return m.find(pos) && m.start() == pos ? m.group(1) : null;
        }

        int tokenStart() {
            return Math.min(skipSpace(pos), text.length() - 1);
        }

        String next(String what) {
            Matcher m = TOKEN.matcher(text);
            if (!(m.find(pos) && m.start() == pos)) throw error(text.length() - 1, "unexpected end of file: expected " + what);
            pos = m.end();
            return m.group(1);
        }

        void expect(String token, String context) {
            int at = tokenStart();
            String got = next("'" + token + "' " + context);
            if (!got.equals(token)) throw error(at, "expected '" + token + "' " + context + ", found '" + got + "'");
        }

        List<Ref> locations(int n) {
            List<Ref> refs = new ArrayList<>();
            if (!"locations".equals(peek())) return refs;
            next("locations");
            expect("[", "after 'locations'");
            while (!"]".equals(peek())) {
                if (";".equals(peek())) {
                    next(";");
                    continue;
                }
                refs.add(ref(n));
            }
            next("]");
            return refs;
        }

        Ref ref(int n) {
            int at = tokenStart();
            String tok = next("a register 'N:rX' or a location");
            if (tok.matches("\\d+")) {
                expect(":", "after thread number " + tok);
                int t = threadNumber(tok, at);
                if (t >= n) throw error(at, "thread " + t + " does not exist (the test has " + n + " threads)");
                return new RegRef(t, register(next("a register"), at));
            }
            if (tok.equals("[")) {
                String loc = next("a location");
                expect("]", "closing '[" + loc);
                return locRef(loc, at);
            }
            return locRef(tok, at);
        }

        private LocRef locRef(String loc, int at) {
            if (!loc.matches("[A-Za-z_]\\w*") || isRegister(loc)) throw error(at, "expected a location or 'N:rX', found '" + loc + "'");
            return new LocRef(loc);
        }

        Final condition(int n) {
            int at = tokenStart();
            String tok = next("a final condition (exists, ~exists or forall)");
            Quantifier q = switch (tok) {
                case "exists" -> Quantifier.EXISTS;
                case "forall" -> Quantifier.FORALL;
                case "~" -> {
                    expect("exists", "after '~'");
                    yield Quantifier.NOT_EXISTS;
                }
                case "filter" -> throw error(at, "'filter' clauses are not supported");
                default -> throw error(at, "expected exists, ~exists or forall, found '" + tok + "'");
            };
            return new Final(q, or(n), lineOf(at));
        }

        private Prop or(int n) {
            Prop p = and(n);
            while ("\\/".equals(peek())) {
                next("\\/");
                p = new Or(p, and(n));
            }
            return p;
        }

        private Prop and(int n) {
            Prop p = unary(n);
            while ("/\\".equals(peek())) {
                next("/\\");
                p = new And(p, unary(n));
            }
            return p;
        }

        private Prop unary(int n) {
            String tok = peek();
            if ("~".equals(tok)) {
                next("~");
                return new Not(unary(n));
            }
            if ("(".equals(tok)) {
                next("(");
                Prop p = or(n);
                expect(")", "closing '('");
                return p;
            }
            if ("true".equals(tok) || "false".equals(tok)) {
                next(tok);
                return new Const(tok.equals("true"));
            }
            Ref r = ref(n);
            expect("=", "after " + (r instanceof RegRef rr ? rr.thread() + ":r" + rr.reg() : ((LocRef) r).location()));
            int at = tokenStart();
            return new Atom(r, value(next("a value"), at));
        }

        void expectEnd() {
            String tok = peek();
            if (tok != null) throw error(tokenStart(), "unexpected '" + tok + "' after the final condition");
        }
    }
}
