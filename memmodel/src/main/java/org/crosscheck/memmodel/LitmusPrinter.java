package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.List;
import org.crosscheck.memmodel.Litmus.*;

/** Writes a {@link Litmus} back in herd's BPF dialect; {@link LitmusParser} reads it back to an equal test. */
public final class LitmusPrinter {
    private LitmusPrinter() {}

    public static String format(Litmus t) {
        StringBuilder sb = new StringBuilder();
        sb.append("BPF ").append(t.name()).append("\n{\n");
        for (LocInit li : t.locInits()) sb.append(" int ").append(li.location()).append('=').append(value(li.value())).append(";\n");
        for (RegInit ri : t.regInits()) sb.append(' ').append(ri.thread()).append(":r").append(ri.reg()).append('=').append(value(ri.value())).append(";\n");
        sb.append("}\n");
        int n = t.threads().size();
        List<List<String>> cols = new ArrayList<>();
        int rows = 0;
        for (Litmus.Thread th : t.threads()) {
            List<String> col = new ArrayList<>();
            for (Instr i : th.code()) col.add(instr(i));
            cols.add(col);
            rows = Math.max(rows, col.size());
        }
        int[] widths = new int[n];
        for (int c = 0; c < n; c++) {
            widths[c] = ("P" + c).length();
            for (String s : cols.get(c)) widths[c] = Math.max(widths[c], s.length());
        }
        List<String> header = new ArrayList<>();
        for (int c = 0; c < n; c++) header.add("P" + c);
        row(sb, header, widths);
        for (int r = 0; r < rows; r++) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < n; c++) cells.add(r < cols.get(c).size() ? cols.get(c).get(r) : "");
            row(sb, cells, widths);
        }
        if (!t.locations().isEmpty()) {
            List<String> refs = new ArrayList<>();
            for (Ref r : t.locations()) refs.add(ref(r));
            sb.append("locations [").append(String.join("; ", refs)).append("]\n");
        }
        sb.append(condition(t.condition())).append('\n');
        return sb.toString();
    }

    /**
     * The same test with the line numbers {@link LitmusParser} gives the text {@link #format} prints,
     * so that a test built in code parses back from its text to an equal record.
     */
    public static Litmus withPrintedLines(Litmus t) {
        int line = 3; // line 1 is the header, line 2 opens the init block
        List<LocInit> locInits = new ArrayList<>();
        for (LocInit li : t.locInits()) locInits.add(new LocInit(li.location(), li.value(), line++));
        List<RegInit> regInits = new ArrayList<>();
        for (RegInit ri : t.regInits()) regInits.add(new RegInit(ri.thread(), ri.reg(), ri.value(), line++));
        int firstRow = line + 2; // after the closing brace and the P0 | P1 header
        int rows = 0;
        List<Litmus.Thread> threads = new ArrayList<>();
        for (Litmus.Thread th : t.threads()) {
            List<Instr> code = new ArrayList<>();
            for (Instr i : th.code()) code.add(atLine(i, firstRow + code.size()));
            threads.add(new Litmus.Thread(th.id(), code));
            rows = Math.max(rows, code.size());
        }
        int conditionLine = firstRow + rows + (t.locations().isEmpty() ? 0 : 1);
        Final c = t.condition();
        return new Litmus(t.name(), t.source(), regInits, locInits, threads, t.locations(), new Final(c.quantifier(), c.prop(), conditionLine));
    }

    private static Instr atLine(Instr i, int line) {
        return switch (i) {
            case Label l -> new Label(l.name(), line);
            case Load l -> new Load(l.width(), l.dst(), l.addr(), l.acquire(), line);
            case Store s -> new Store(s.width(), s.addr(), s.src(), s.release(), line);
            case Alu a -> new Alu(a.op(), a.dst(), a.src(), line);
            case Fetch f -> new Fetch(f.op(), f.width(), f.addr(), f.src(), line);
            case Lock l -> new Lock(l.op(), l.width(), l.addr(), l.src(), line);
            case CmpXchg x -> new CmpXchg(x.width(), x.addr(), x.src(), line);
            case Goto g -> new Goto(g.label(), line);
            case If f -> new If(f.cond(), f.reg(), f.rhs(), f.label(), line);
        };
    }

    private static void row(StringBuilder sb, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            sb.append(' ').append(cells.get(c)).append(" ".repeat(widths[c] - cells.get(c).length())).append(c + 1 < cells.size() ? " |" : " ;");
        }
        sb.append('\n');
    }

    public static String condition(Final f) {
        String q = switch (f.quantifier()) {
            case EXISTS -> "exists";
            case NOT_EXISTS -> "~exists";
            case FORALL -> "forall";
        };
        return q + " (" + prop(f.prop()) + ")";
    }

    /** A proposition with only the parentheses it needs ({@code ~} binds tightest, then {@code /\}, then {@code \/}). */
    public static String prop(Prop p) {
        return prop(p, 0);
    }

    private static String prop(Prop p, int outer) {
        return switch (p) {
            case Atom a -> ref(a.ref()) + "=" + value(a.value());
            case Or o -> paren(outer > 1, prop(o.left(), 1) + " \\/ " + prop(o.right(), 2)); // right-nested needs parentheses to parse back the same
            case And a -> paren(outer > 2, prop(a.left(), 2) + " /\\ " + prop(a.right(), 3));
            case Not n -> "~" + prop(n.prop(), 3);
            case Const c -> Boolean.toString(c.value());
        };
    }

    private static String paren(boolean needed, String s) {
        return needed ? "(" + s + ")" : s;
    }

    static String ref(Ref r) {
        return r instanceof RegRef rr ? rr.thread() + ":r" + rr.reg() : ((LocRef) r).location();
    }

    static String value(Value v) {
        return v instanceof Num n ? Long.toString(n.value()) : ((Sym) v).location();
    }

    public static String instr(Instr i) {
        return switch (i) {
            case Label l -> l.name() + ":";
            case Load l when l.acquire() -> "r" + l.dst() + " = load_acquire(" + size(l.width()) + addr(l.addr()) + ")";
            case Load l -> "r" + l.dst() + " = *" + size(l.width()) + addr(l.addr());
            case Store s when s.release() -> "store_release(" + size(s.width()) + addr(s.addr()) + ", " + operand(s.src()) + ")";
            case Store s -> "*" + size(s.width()) + addr(s.addr()) + " = " + operand(s.src());
            case Alu a -> "r" + a.dst() + " " + a.op().text + " " + operand(a.src());
            case Fetch f when f.op() == RmwOp.XCHG -> "r" + f.src() + " = " + (f.width() == Width.U64 ? "xchg_64" : "xchg32_32") + "(" + bare(f.addr()) + ", r" + f.src() + ")";
            case Fetch f -> "r" + f.src() + " = atomic_fetch_" + f.op().name + "(" + size(f.width()) + addr(f.addr()) + ", r" + f.src() + ")";
            case Lock l -> "lock *" + size(l.width()) + addr(l.addr()) + " " + l.op().lockText + " r" + l.src();
            case CmpXchg c -> "r0 = " + (c.width() == Width.U64 ? "cmpxchg_64" : "cmpxchg32_32") + "(" + bare(c.addr()) + ", r0, r" + c.src() + ")";
            case Goto g -> "goto " + g.label();
            case If f -> "if r" + f.reg() + " " + f.cond().text + " " + operand(f.rhs()) + " goto " + f.label();
        };
    }

    private static String size(Width w) {
        return "(u" + w.bits + " *)";
    }

    private static String bare(Addr a) {
        return "r" + a.base() + (a.offset() < 0 ? " - " + -a.offset() : " + " + a.offset());
    }

    private static String addr(Addr a) {
        return "(" + bare(a) + ")";
    }

    private static String operand(Operand o) {
        return o instanceof Reg r ? "r" + r.reg() : Long.toString(((Imm) o).value());
    }
}
