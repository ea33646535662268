package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.memmodel.Litmus.*;
import org.crosscheck.runtime.concurrent.SharedProgram;

/**
 * Compiles a litmus test to the BPF threads runtimes run ({@link SharedProgram}): each herd
 * instruction becomes the one BPF instruction it names (loads, stores, load-acquire,
 * store-release, atomics with and without fetch, cmpxchg, 64-bit ALU, jumps), labels become
 * jump offsets, registers holding a location's address are left to the runner to fill in.
 */
public final class LitmusCompiler {
    private LitmusCompiler() {}

    /** @throws LitmusException naming the file and line of what has no BPF encoding */
    public static LitmusProgram compile(Litmus test) {
        Locations locs = Checker.locations(test);
        int nLocs = locs.size();
        long[] initial = new long[nLocs];
        for (LocInit li : test.locInits()) {
            if (li.value() instanceof Sym)
                throw new LitmusException(test.source(), li.line(), "a location holding an address (" + li.location() + ") cannot be run, only checked");
            initial[locs.indexOf(li.location())] = ((Num) li.value()).value();
        }
        List<Ref> shown = States.shown(test);
        for (Atom a : test.condition().prop().atoms())
            if (a.value() instanceof Sym)
                throw new LitmusException(test.source(), test.condition().line(), "a condition on an address cannot be judged from a run");
        List<SharedProgram.ThreadCode> threads = new ArrayList<>();
        List<int[]> observedRegs = new ArrayList<>();
        for (Litmus.Thread th : test.threads()) {
            long[] regValue = new long[11];
            int[] regLocation = new int[11];
            Arrays.fill(regLocation, -1);
            for (RegInit ri : test.regInits()) {
                if (ri.thread() != th.id()) continue;
                if (ri.value() instanceof Sym s) regLocation[ri.reg()] = locs.indexOf(s.location());
                else regValue[ri.reg()] = ((Num) ri.value()).value();
            }
            int[] observed = shown.stream().filter(r -> r instanceof RegRef rr && rr.thread() == th.id())
                    .mapToInt(r -> ((RegRef) r).reg()).toArray();
            observedRegs.add(observed);
            threads.add(withoutR10(test, th, new SharedProgram.ThreadCode(body(test, th), regValue, regLocation, observed)));
        }
        List<String> names = new ArrayList<>();
        for (int l = 0; l < nLocs; l++) names.add(locs.name(l));
        return new LitmusProgram(test, new SharedProgram(threads, initial, names), observedRegs, shown, locs);
    }

    /**
     * herd lets a test use r10 as any register; in BPF it is the read-only frame pointer (the kernel
     * refuses writes to it). A thread that uses it gets r10 renamed to a register it does not use.
     */
    private static SharedProgram.ThreadCode withoutR10(Litmus test, Litmus.Thread th, SharedProgram.ThreadCode t) {
        boolean[] used = new boolean[11];
        used[0] = true; // cmpxchg's implicit operand
        for (Insn i : t.body()) {
            if (i.op().shape.dstReg) used[i.dst()] = true;
            if (i.op().shape.srcReg) used[i.src()] = true;
        }
        for (int r = 0; r < 11; r++) if (t.regLocation()[r] >= 0 || t.regValue()[r] != 0) used[r] = true;
        for (int r : t.observed()) used[r] = true;
        if (!used[10]) return t;
        int spare = 1;
        while (spare < 10 && used[spare]) spare++;
        if (spare == 10) throw new LitmusException(test.source(), th.code().isEmpty() ? 0 : th.code().getFirst().line(),
                "P" + th.id() + " uses r10 and every other register: BPF's r10 is the read-only frame pointer");
        int s = spare;
        java.util.function.IntUnaryOperator m = r -> r == 10 ? s : r;
        List<Insn> body = t.body().stream().map(i -> Insn.of(i.op(), m.applyAsInt(i.dst()), m.applyAsInt(i.src()), i.off(), i.imm())).toList();
        long[] value = t.regValue().clone();
        int[] location = t.regLocation().clone();
        value[s] = value[10];
        location[s] = location[10];
        value[10] = 0;
        location[10] = -1;
        return new SharedProgram.ThreadCode(body, value, location, java.util.Arrays.stream(t.observed()).map(m).toArray());
    }

    /** The thread's instructions; jumps to a label after the last instruction go to the slot after the body. */
    static List<Insn> body(Litmus test, Litmus.Thread th) {
        Map<String, Integer> labels = new HashMap<>();
        int slot = 0;
        for (Instr i : th.code()) {
            if (i instanceof Label l) labels.put(l.name(), slot);
            else slot += i instanceof Alu a && a.op() == AluOp.MOV && a.src() instanceof Imm imm && imm.value() != (int) imm.value() ? 2 : 1;
        }
        List<Insn> out = new ArrayList<>();
        slot = 0;
        for (Instr i : th.code()) {
            if (i instanceof Label) continue;
            Insn insn = insn(test, i, labels, slot);
            out.add(insn);
            slot += insn.slots();
        }
        return out;
    }

    private static Insn insn(Litmus test, Instr i, Map<String, Integer> labels, int slot) {
        return switch (i) {
            case Load l -> Insn.of(Op.valueOf((l.acquire() ? "LOAD_ACQ_" : "LDX") + suffix(l.width())), l.dst(), l.addr().base(), off(test, l.addr(), i), 0);
            case Store s when s.release() -> {
                if (!(s.src() instanceof Reg r)) throw new LitmusException(test.source(), i.line(), "store_release takes a register");
                yield Insn.of(Op.valueOf("STORE_REL_" + suffix(s.width())), s.addr().base(), r.reg(), off(test, s.addr(), i), 0);
            }
            case Store s -> s.src() instanceof Reg r
                    ? Insn.of(Op.valueOf("STX" + suffix(s.width())), s.addr().base(), r.reg(), off(test, s.addr(), i), 0)
                    : Insn.of(Op.valueOf("ST" + suffix(s.width())), s.addr().base(), 0, off(test, s.addr(), i), imm32(test, ((Imm) s.src()).value(), i));
            case Alu a -> alu(test, a);
            case Fetch f -> Insn.of(Op.valueOf(atomic(test, f.width(), i) + (f.op() == RmwOp.XCHG ? "XCHG" : "FETCH_" + f.op().name())),
                    f.addr().base(), f.src(), off(test, f.addr(), i), 0);
            case Lock l -> {
                if (l.op() == RmwOp.XCHG) throw new LitmusException(test.source(), i.line(), "xchg always fetches");
                yield Insn.of(Op.valueOf(atomic(test, l.width(), i) + l.op().name()), l.addr().base(), l.src(), off(test, l.addr(), i), 0);
            }
            case CmpXchg c -> Insn.of(Op.valueOf(atomic(test, c.width(), i) + "CMPXCHG"), c.addr().base(), c.src(), off(test, c.addr(), i), 0);
            case Goto g -> Insn.of(Op.JA, 0, 0, jump(test, g.label(), labels, slot, i), 0);
            case If f -> {
                boolean reg = f.rhs() instanceof Reg;
                Op op = Op.valueOf("J" + f.cond().name() + (reg ? "_REG" : "_IMM"));
                yield Insn.of(op, f.reg(), reg ? ((Reg) f.rhs()).reg() : 0, jump(test, f.label(), labels, slot, i),
                        reg ? 0 : imm32(test, ((Imm) f.rhs()).value(), i));
            }
            case Label l -> throw new IllegalStateException("labels emit nothing");
        };
    }

    private static Insn alu(Litmus test, Alu a) {
        if (a.src() instanceof Reg r) return Insn.reg(Op.valueOf(a.op().name() + "64_REG"), a.dst(), r.reg());
        long v = ((Imm) a.src()).value();
        if (a.op() == AluOp.MOV && v != (int) v) return Insn.imm(Op.LDDW, a.dst(), v);
        return Insn.imm(Op.valueOf(a.op().name() + "64_IMM"), a.dst(), imm32(test, v, a));
    }

    private static String suffix(Width w) {
        return switch (w) {
            case U8 -> "B";
            case U16 -> "H";
            case U32 -> "W";
            case U64 -> "DW";
        };
    }

    private static String atomic(Litmus test, Width w, Instr i) {
        return switch (w) {
            case U32 -> "ATOMIC32_";
            case U64 -> "ATOMIC64_";
            default -> throw new LitmusException(test.source(), i.line(), "BPF has no " + w.bits + "-bit atomics");
        };
    }

    /**
     * Always 0: herd makes {@code x+8} (or {@code x+4}) a location of its own, while runs give each
     * location 8 bytes and place them side by side, so an offset would reach into a neighbour.
     */
    private static int off(Litmus test, Addr a, Instr i) {
        if (a.offset() != 0)
            throw new LitmusException(test.source(), i.line(), "an access at r" + a.base() + (a.offset() < 0 ? " - " : " + ") + Math.abs(a.offset())
                    + " cannot be run: herd makes that address a location of its own, runs do not (it can only be checked)");
        return 0;
    }

    private static long imm32(Litmus test, long v, Instr i) {
        if (v != (int) v) throw new LitmusException(test.source(), i.line(), "immediate " + v + " does not fit 32 bits");
        return v;
    }

    private static int jump(Litmus test, String label, Map<String, Integer> labels, int slot, Instr i) {
        Integer target = labels.get(label);
        if (target == null) throw new LitmusException(test.source(), i.line(), "no label " + label + " in this thread");
        return target - slot - 1;
    }
}
