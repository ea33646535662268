package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.crosscheck.memmodel.Litmus.*;

/**
 * Metamorphic transforms of a litmus test that keep its meaning: the threads in another order, the
 * locations under new names, and registers r1..r9 permuted per thread. r0 stays (cmpxchg compares
 * with and returns into r0 implicitly) and so does r10, the ISA's frame pointer.
 */
public final class LitmusTransform {
    private LitmusTransform() {}

    /** A random thread order, location names and register permutation, reproducible from {@code seed}. */
    public static Litmus shuffle(Litmus t, long seed) {
        Random rnd = new Random(seed);
        int n = t.threads().size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        Collections.shuffle(order, rnd);
        int[] newId = new int[n];
        for (int i = 0; i < n; i++) newId[order.get(i)] = i;

        List<String> names = new ArrayList<>(Checker.locations(t).namedLocations());
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) fresh.add("v" + i);
        Collections.shuffle(fresh, rnd);
        Map<String, String> locName = new HashMap<>();
        for (int i = 0; i < names.size(); i++) locName.put(names.get(i), fresh.get(i));

        int[][] regMap = new int[n][11];
        for (int th = 0; th < n; th++) {
            List<Integer> regs = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
            Collections.shuffle(regs, rnd);
            regMap[th][0] = 0;
            regMap[th][10] = 10;
            for (int r = 1; r <= 9; r++) regMap[th][r] = regs.get(r - 1);
        }
        return rename(t, newId, locName, regMap);
    }

    /**
     * Thread i becomes thread {@code newId[i]}, location x becomes {@code locName.get(x)}, and
     * register r of (old) thread i becomes {@code regMap[i][r]}.
     */
    public static Litmus rename(Litmus t, int[] newId, Map<String, String> locName, int[][] regMap) {
        List<RegInit> regInits = new ArrayList<>();
        for (RegInit ri : t.regInits()) regInits.add(new RegInit(newId[ri.thread()], regMap[ri.thread()][ri.reg()], value(ri.value(), locName), ri.line()));
        List<LocInit> locInits = new ArrayList<>();
        for (LocInit li : t.locInits()) locInits.add(new LocInit(locName.get(li.location()), value(li.value(), locName), li.line()));
        Litmus.Thread[] threads = new Litmus.Thread[t.threads().size()];
        for (Litmus.Thread th : t.threads()) {
            int[] m = regMap[th.id()];
            List<Instr> code = new ArrayList<>();
            for (Instr i : th.code()) code.add(instr(i, m));
            threads[newId[th.id()]] = new Litmus.Thread(newId[th.id()], code);
        }
        List<Ref> locations = new ArrayList<>();
        for (Ref r : t.locations()) locations.add(ref(r, newId, locName, regMap));
        Final c = t.condition();
        return new Litmus(t.name(), t.source(), regInits, locInits, List.of(threads), locations,
                new Final(c.quantifier(), c.prop().mapAtoms(a -> new Atom(ref(a.ref(), newId, locName, regMap), value(a.value(), locName))), c.line()));
    }

    private static Value value(Value v, Map<String, String> locName) {
        return v instanceof Sym s ? new Sym(locName.get(s.location())) : v;
    }

    private static Ref ref(Ref r, int[] newId, Map<String, String> locName, int[][] regMap) {
        return r instanceof RegRef rr ? new RegRef(newId[rr.thread()], regMap[rr.thread()][rr.reg()]) : new LocRef(locName.get(((LocRef) r).location()));
    }

    private static Addr addr(Addr a, int[] m) {
        return new Addr(m[a.base()], a.offset());
    }

    private static Operand operand(Operand o, int[] m) {
        return o instanceof Reg r ? new Reg(m[r.reg()]) : o;
    }

    private static Instr instr(Instr i, int[] m) {
        return switch (i) {
            case Label l -> l;
            case Load l -> new Load(l.width(), m[l.dst()], addr(l.addr(), m), l.acquire(), l.line());
            case Store s -> new Store(s.width(), addr(s.addr(), m), operand(s.src(), m), s.release(), s.line());
            case Alu a -> new Alu(a.op(), m[a.dst()], operand(a.src(), m), a.line());
            case Fetch f -> new Fetch(f.op(), f.width(), addr(f.addr(), m), m[f.src()], f.line());
            case Lock l -> new Lock(l.op(), l.width(), addr(l.addr(), m), m[l.src()], l.line());
            case CmpXchg c -> new CmpXchg(c.width(), addr(c.addr(), m), m[c.src()], c.line());
            case Goto g -> g;
            case If f -> new If(f.cond(), m[f.reg()], operand(f.rhs(), m), f.label(), f.line());
        };
    }
}
