package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Semantics;
import org.crosscheck.memmodel.Litmus.*;

/**
 * Runs one thread symbolically over every value each read may return (the values written to its
 * location anywhere in the test, see {@link Checker}), giving one {@link Path} per combination
 * of read values and branch outcomes. Dependencies are tracked as register taints: the set of
 * the thread's reads whose values flowed into a register.
 */
final class ThreadExplorer {
    /** Event kinds, as bits. */
    static final int R = 1, W = 2, SC = 4, AQ = 8, RL = 16, AMO = 32; // AMO: read of a successful cmpxchg; its write is the next event

    /** A memory event of a path: {@code addr}, {@code data}, {@code ctrl} are sets of earlier reads of the same path. */
    record Event(int kind, int loc, long readValue, long writeValue, long addr, long data, long ctrl) {
        boolean is(int k) {
            return (kind & k) != 0;
        }
    }

    /** One execution path of a thread: its events in program order and its final registers. */
    record Path(List<Event> events, long[] regs) {}

    private final String file;
    private final int thread;
    private final List<Instr> code;
    private final Map<String, Integer> labels = new HashMap<>();
    private final long[] initRegs;
    private final Locations locations;
    private final int unroll;

    ThreadExplorer(String file, Litmus.Thread t, long[] initRegs, Locations locations, int unroll) {
        this.file = file;
        this.thread = t.id();
        this.code = t.code();
        this.initRegs = initRegs;
        this.locations = locations;
        this.unroll = unroll;
        for (int i = 0; i < code.size(); i++) if (code.get(i) instanceof Label l) labels.put(l.name(), i);
    }

    /** Every path when the reads of location l may return any of {@code values[l]} (locations beyond the array: 0). */
    List<Path> explore(long[][] values) {
        List<Path> out = new ArrayList<>();
        State s = new State();
        s.regs = initRegs.clone();
        s.taint = new long[11];
        s.events = new ArrayList<>();
        s.backJumps = new int[code.size()];
        run(s, values, out);
        return out;
    }

    private static final class State {
        int pc;
        long[] regs;
        long[] taint;
        long ctrl;
        List<Event> events;
        int[] backJumps;

        State copy() {
            State c = new State();
            c.pc = pc;
            c.regs = regs.clone();
            c.taint = taint.clone();
            c.ctrl = ctrl;
            c.events = new ArrayList<>(events);
            c.backJumps = backJumps.clone();
            return c;
        }

        long value(Operand o) {
            return o instanceof Reg r ? regs[r.reg()] : ((Imm) o).value();
        }

        long taintOf(Operand o) {
            return o instanceof Reg r ? taint[r.reg()] : 0;
        }
    }

    private void run(State s, long[][] values, List<Path> out) {
        while (s.pc < code.size()) {
            Instr in = code.get(s.pc);
            switch (in) {
                case Label l -> s.pc++;
                case Alu a -> {
                    long v = s.value(a.src());
                    s.regs[a.dst()] = alu(a.op(), s.regs[a.dst()], v);
                    s.taint[a.dst()] = a.op() == AluOp.MOV ? s.taintOf(a.src()) : s.taint[a.dst()] | s.taintOf(a.src());
                    s.pc++;
                }
                case Goto g -> {
                    if (!jump(s, labels.get(g.label()))) return;
                }
                case If f -> {
                    s.ctrl |= s.taint[f.reg()] | s.taintOf(f.rhs());
                    if (Semantics.jump64(f.cond().code, s.regs[f.reg()], s.value(f.rhs()))) {
                        if (!jump(s, labels.get(f.label()))) return;
                    } else {
                        s.pc++;
                    }
                }
                case Store st -> {
                    int loc = locate(s, st.addr());
                    long v = st.width().truncate(s.value(st.src()));
                    add(s, new Event(W | (st.release() ? RL : 0), loc, 0, v, s.taint[st.addr().base()], s.taintOf(st.src()), s.ctrl), st.line());
                    s.pc++;
                }
                case Load ld -> {
                    int loc = locate(s, ld.addr());
                    for (long v : valuesAt(values, loc)) {
                        State c = s.copy();
                        int e = add(c, new Event(R | (ld.acquire() ? AQ : 0), loc, v, 0, c.taint[ld.addr().base()], 0, c.ctrl), ld.line());
                        c.regs[ld.dst()] = ld.width().truncate(v);
                        c.taint[ld.dst()] = 1L << e;
                        c.pc++;
                        run(c, values, out);
                    }
                    return;
                }
                case Fetch f -> {
                    rmw(s, values, out, f.op(), f.width(), f.addr(), f.src(), true, f.line());
                    return;
                }
                case Lock l -> {
                    rmw(s, values, out, l.op(), l.width(), l.addr(), l.src(), false, l.line());
                    return;
                }
                case CmpXchg x -> {
                    int loc = locate(s, x.addr());
                    for (long v : valuesAt(values, loc)) {
                        State c = s.copy();
                        long old = x.width().truncate(v);
                        long addrTaint = c.taint[x.addr().base()];
                        int e;
                        if (old == x.width().truncate(c.regs[0])) {
                            // success: a read and a write, both SC, linked by amo
                            e = add(c, new Event(R | SC | AMO, loc, v, 0, addrTaint, 0, c.ctrl), x.line());
                            add(c, new Event(W | SC, loc, 0, x.width().truncate(c.regs[x.src()]), addrTaint, c.taint[x.src()], c.ctrl), x.line());
                        } else {
                            // failure: only a plain read
                            e = add(c, new Event(R, loc, v, 0, addrTaint, 0, c.ctrl), x.line());
                        }
                        c.regs[0] = old;
                        c.taint[0] = 1L << e;
                        c.pc++;
                        run(c, values, out);
                    }
                    return;
                }
            }
        }
        out.add(new Path(List.copyOf(s.events), s.regs.clone()));
    }

    /** A single R-and-W event: SC when it fetches (atomic_fetch_*, xchg), relaxed otherwise (lock). */
    private void rmw(State s, long[][] values, List<Path> out, RmwOp op, Width w, Addr a, int src, boolean fetch, int line) {
        int loc = locate(s, a);
        for (long v : valuesAt(values, loc)) {
            State c = s.copy();
            long old = w.truncate(v);
            long nv = w.truncate(Semantics.atomicApply(op.imm, old, c.regs[src]));
            int e = add(c, new Event(R | W | (fetch ? SC : 0), loc, v, nv, c.taint[a.base()], c.taint[src], c.ctrl), line);
            if (fetch) {
                c.regs[src] = old;
                c.taint[src] = 1L << e;
            }
            c.pc++;
            run(c, values, out);
        }
    }

    private static long[] valuesAt(long[][] values, int loc) {
        return loc < values.length ? values[loc] : new long[] {0};
    }

    private int add(State s, Event e, int line) {
        if (s.events.size() >= 63) throw new LitmusException(file, line, "P" + thread + " has more than 63 memory events on one path");
        s.events.add(e);
        return s.events.size() - 1;
    }

    /** Takes a jump; a backward jump taken more than {@code unroll} times from one place cuts the path. */
    private boolean jump(State s, int target) {
        if (target <= s.pc && ++s.backJumps[s.pc] > unroll) return false;
        s.pc = target;
        return true;
    }

    private int locate(State s, Addr a) {
        return locations.intern(s.regs[a.base()] + a.offset());
    }

    static long alu(AluOp op, long dst, long src) {
        return switch (op) {
            case MOV -> src;
            case ADD -> dst + src;
            case SUB -> dst - src;
            case MUL -> dst * src;
            case DIV -> Semantics.div64(dst, src);
            case MOD -> Semantics.mod64(dst, src);
            case AND -> dst & src;
            case OR -> dst | src;
            case XOR -> dst ^ src;
            case LSH -> Semantics.lsh64(dst, src);
            case RSH -> Semantics.rsh64(dst, src);
            case ARSH -> Semantics.arsh64(dst, src);
        };
    }
}
