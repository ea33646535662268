package org.crosscheck.memmodel;

import static org.crosscheck.memmodel.ThreadExplorer.AMO;
import static org.crosscheck.memmodel.ThreadExplorer.AQ;
import static org.crosscheck.memmodel.ThreadExplorer.R;
import static org.crosscheck.memmodel.ThreadExplorer.RL;
import static org.crosscheck.memmodel.ThreadExplorer.SC;
import static org.crosscheck.memmodel.ThreadExplorer.W;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.crosscheck.memmodel.Litmus.*;
import org.crosscheck.memmodel.ThreadExplorer.Event;
import org.crosscheck.memmodel.ThreadExplorer.Path;

/**
 * The axiomatic BPF memory model of FORMATS.md (herd's bpf.cat): enumerates candidate executions
 * (a path per thread, then rf and co per location), keeps those that are coherent, atomic, and
 * whose hb and pb are acyclic, and evaluates the final condition over them.
 *
 * <p>Read values come from a fixpoint: each location's value set starts as its initial value and
 * grows by every value any path writes there, until stable. Any value a read can get through rf is
 * in that set, so no execution is missed; paths reading values no write provides find no rf.
 */
public final class Checker {
    /** How often a path may take one backward jump (herd's loop unrolling bound). */
    public static final int DEFAULT_UNROLL = 2;
    private static final int MAX_VALUES = 64, MAX_ROUNDS = 16;

    private Checker() {}

    public static Result check(Litmus test) {
        return check(test, DEFAULT_UNROLL);
    }

    public static Result check(Litmus test, int unroll) {
        Locations locs = locations(test);
        long[] named = new long[locs.size()];
        for (LocInit li : test.locInits()) named[locs.indexOf(li.location())] = value(li.value(), locs);

        int nThreads = test.threads().size();
        List<ThreadExplorer> explorers = new ArrayList<>();
        for (int t = 0; t < nThreads; t++) {
            long[] regs = new long[11];
            for (RegInit ri : test.regInits()) if (ri.thread() == t) regs[ri.reg()] = value(ri.value(), locs);
            explorers.add(new ThreadExplorer(test.source(), test.threads().get(t), regs, locs, unroll));
        }

        // Value sets per location grow round by round by the values paths write. In an execution a
        // written value comes from a chain of at most (number of its writes) writes reading each
        // other, so that many rounds give every value an execution can hold; more only add paths
        // whose reads find no write.
        List<Set<Long>> values = new ArrayList<>();
        for (long v : named) values.add(new TreeSet<>(List.of(v)));
        List<List<Path>> paths;
        for (int round = 1; ; round++) {
            long[][] domain = new long[values.size()][];
            for (int l = 0; l < domain.length; l++) domain[l] = values.get(l).stream().mapToLong(Long::longValue).toArray();
            paths = new ArrayList<>();
            for (ThreadExplorer e : explorers) paths.add(e.explore(domain));
            while (values.size() < locs.size()) values.add(new TreeSet<>(List.of(0L)));
            boolean grew = false;
            int maxWrites = 0;
            for (List<Path> ps : paths) {
                int most = 0;
                for (Path p : ps) {
                    int writes = 0;
                    for (Event e : p.events()) {
                        if (!e.is(W)) continue;
                        writes++;
                        grew |= values.get(e.loc()).add(e.writeValue());
                    }
                    most = Math.max(most, writes);
                }
                maxWrites += most;
            }
            for (int l = 0; l < locs.size(); l++) {
                if (values.get(l).size() > MAX_VALUES) throw new LitmusException(test.source(), test.condition().line(), "more than " + MAX_VALUES + " values are written to " + locs.name(l));
            }
            if (!grew || round > maxWrites) break;
            if (round == MAX_ROUNDS) throw new LitmusException(test.source(), test.condition().line(), "the values written do not settle within " + MAX_ROUNDS + " rounds");
        }

        long[] init = new long[locs.size()];
        System.arraycopy(named, 0, init, 0, named.length);
        Evaluation ev = new Evaluation(test, locs);
        for (List<Path> ps : paths) if (ps.isEmpty()) return ev.result(); // a thread with no path (cut loops) has no execution
        int[] choice = new int[nThreads];
        while (true) {
            Path[] combo = new Path[nThreads];
            for (int t = 0; t < nThreads; t++) combo[t] = paths.get(t).get(choice[t]);
            new Candidate(test, locs, init, combo).enumerate(ev);
            int t = 0;
            while (t < nThreads && ++choice[t] == paths.get(t).size()) choice[t++] = 0;
            if (t == nThreads) break;
        }
        return ev.result();
    }

    /** Every location the test names, sorted. */
    static Locations locations(Litmus test) {
        Set<String> names = new TreeSet<>();
        for (LocInit li : test.locInits()) {
            names.add(li.location());
            if (li.value() instanceof Sym s) names.add(s.location());
        }
        for (RegInit ri : test.regInits()) if (ri.value() instanceof Sym s) names.add(s.location());
        for (Ref r : test.locations()) if (r instanceof LocRef l) names.add(l.location());
        for (Atom a : test.condition().prop().atoms()) {
            if (a.ref() instanceof LocRef l) names.add(l.location());
            if (a.value() instanceof Sym s) names.add(s.location());
        }
        return new Locations(new ArrayList<>(names));
    }

    static long value(Value v, Locations locs) {
        return v instanceof Num n ? n.value() : locs.address(((Sym) v).location());
    }

    /** Collects the allowed executions' final states and the condition's counts. */
    private static final class Evaluation {
        final Litmus test;
        final Locations locs;
        final List<Ref> shown;
        final Map<String, Long> states = new TreeMap<>();
        long positive, negative, candidates;

        Evaluation(Litmus test, Locations locs) {
            this.test = test;
            this.locs = locs;
            this.shown = States.shown(test);
        }

        void allowed(Path[] paths, long[] finalMem) {
            ToLongFunction<Ref> read = r -> r instanceof RegRef rr ? paths[rr.thread()].regs()[rr.reg()] : finalMem[locs.indexOf(((LocRef) r).location())];
            if (States.eval(test.condition().prop(), read, locs)) positive++; else negative++;
            states.merge(States.format(shown, read, locs), 1L, Long::sum);
        }

        Result result() {
            return new Result(test.name(), test.condition(), states, positive, negative, candidates);
        }
    }

    /**
     * One combination of thread paths: its events (the initial writes first, one per location,
     * then each thread's), the relations fixed by the paths, and the rf/co choices per location.
     */
    private static final class Candidate {
        final Path[] paths;
        final long[] init;
        final int[] initEvent; // per location: its initial write's event, or -1 when not accessed
        final int n, nInit;
        final int[] kind, loc;
        final long[] readValue, writeValue;
        final long reads, writes, rmwSc, acq, rel, all;
        final Relation po, internal, ppoFixed, poAmoFetch, poRel, amo, addrOrData;

        Candidate(Litmus test, Locations locs, long[] init, Path[] paths) {
            this.paths = paths;
            this.init = init;
            // one initial write per location this combination accesses
            initEvent = new int[locs.size()];
            Arrays.fill(initEvent, -1);
            int count = 0;
            for (Path p : paths) {
                for (Event e : p.events()) if (initEvent[e.loc()] < 0) initEvent[e.loc()] = count++;
            }
            nInit = count;
            for (Path p : paths) count += p.events().size();
            if (count > Relation.MAX_EVENTS) throw new LitmusException(test.source(), 0, "an execution has " + count + " events; at most " + Relation.MAX_EVENTS + " are supported");
            n = count;
            kind = new int[n];
            loc = new int[n];
            readValue = new long[n];
            writeValue = new long[n];
            long[] poRows = new long[n], intRows = new long[n], addr = new long[n], data = new long[n], ctrl = new long[n], amoRows = new long[n];
            for (int l = 0; l < initEvent.length; l++) {
                int i = initEvent[l];
                if (i < 0) continue;
                kind[i] = W;
                loc[i] = l;
                writeValue[i] = init[l];
                intRows[i] = 1L << i;
            }
            int base = nInit;
            for (int t = 0; t < paths.length; t++) {
                List<Event> evs = paths[t].events();
                long threadMask = evs.isEmpty() ? 0 : (-1L >>> (64 - evs.size())) << base;
                for (int k = 0; k < evs.size(); k++) {
                    Event e = evs.get(k);
                    int i = base + k;
                    kind[i] = e.kind();
                    loc[i] = e.loc();
                    readValue[i] = e.readValue();
                    writeValue[i] = e.writeValue();
                    intRows[i] = threadMask;
                    poRows[i] = threadMask & ~((1L << (i + 1)) - 1) & (i == 63 ? 0 : -1L);
                    // dependencies point from the earlier read to this event
                    for (long rs = e.addr(); rs != 0; rs &= rs - 1) addr[base + Long.numberOfTrailingZeros(rs)] |= 1L << i;
                    for (long rs = e.data(); rs != 0; rs &= rs - 1) data[base + Long.numberOfTrailingZeros(rs)] |= 1L << i;
                    for (long rs = e.ctrl(); rs != 0; rs &= rs - 1) ctrl[base + Long.numberOfTrailingZeros(rs)] |= 1L << i;
                    if (e.is(AMO)) amoRows[i] = 1L << (i + 1);
                }
                base += evs.size();
            }
            all = n == 64 ? -1L : (1L << n) - 1;
            reads = mask(R);
            writes = mask(W);
            rmwSc = mask(R) & mask(W) & mask(SC);
            acq = mask(AQ);
            rel = mask(RL);
            po = Relation.ofRows(poRows);
            internal = Relation.ofRows(intRows);
            amo = Relation.ofRows(amoRows);
            Relation addrR = Relation.ofRows(addr), dataR = Relation.ofRows(data), ctrlR = Relation.ofRows(ctrl);
            // SRMW = (SC * SC) & amo: both events of a successful cmpxchg are SC
            Relation srmw = amo.inter(Relation.cross(n, mask(SC), mask(SC)));
            poAmoFetch = po.restrict(all, rmwSc).union(po.restrict(rmwSc, all))
                    .union(po.restrict(all, srmw.domain())).union(po.restrict(srmw.range(), all));
            poRel = po.restrict(all, rel);
            Relation rcpc = po.restrict(acq, all).union(poRel);
            ppoFixed = poAmoFetch.union(rcpc)
                    .union(addrR.restrict(reads, all))
                    .union(dataR.restrict(reads, writes))
                    .union(ctrlR.restrict(reads, writes))
                    .union(addrR.restrict(all, all).seq(po).restrict(all, writes));
            addrOrData = addrR.union(dataR).restrict(all, writes);
        }

        private long mask(int k) {
            long m = 0;
            for (int i = 0; i < n; i++) if ((kind[i] & k) != 0) m |= 1L << i;
            return m;
        }

        /** A coherent and atomic choice of rf and co for one location. */
        record LocChoice(Relation rf, Relation co, int last) {}

        void enumerate(Evaluation ev) {
            List<List<LocChoice>> perLoc = new ArrayList<>();
            for (int l = 0; l < initEvent.length; l++) {
                if (initEvent[l] < 0) continue;
                List<LocChoice> cs = choices(l);
                if (cs.isEmpty()) return;
                perLoc.add(cs);
            }
            int[] pick = new int[perLoc.size()];
            while (true) {
                Relation rf = Relation.empty(n), co = Relation.empty(n);
                long[] finalMem = init.clone();
                for (int k = 0; k < pick.length; k++) {
                    LocChoice c = perLoc.get(k).get(pick[k]);
                    rf = rf.union(c.rf());
                    co = co.union(c.co());
                    finalMem[loc[c.last()]] = writeValue[c.last()];
                }
                ev.candidates++;
                if (allowed(rf, co)) ev.allowed(paths, finalMem);
                int k = 0;
                while (k < pick.length && ++pick[k] == perLoc.get(k).size()) pick[k++] = 0;
                if (k == pick.length) return;
            }
        }

        /** The hb and pb axioms (coherence and atomicity were checked per location). */
        boolean allowed(Relation rf, Relation co) {
            Relation ext = Relation.cross(n, all, all).minus(internal);
            Relation fr = rf.inverse().seq(co).minusId();
            Relation rfe = rf.inter(ext), rfi = rf.inter(internal);
            Relation coe = co.inter(ext), coi = co.inter(internal);
            Relation fre = fr.inter(ext), fri = fr.inter(internal);
            Relation ppo = ppoFixed.union(addrOrData.seq(rfi).restrict(all, reads)).union(coi).union(fri);
            Relation aCumul = rfe.opt().seq(poAmoFetch.union(poRel));
            Relation amoSequence = rf.seq(Relation.identity(n, reads & writes).union(amo)).star();
            Relation prop = coe.union(fre).opt().seq(aCumul.seq(amoSequence).star()).seq(rfe.opt());
            Relation hb = ppo.union(rfe).union(prop.minusId().inter(internal));
            if (!hb.isAcyclic()) return false;
            Relation pb = prop.seq(poAmoFetch).seq(hb.star());
            return pb.isAcyclic();
        }

        /** Every rf (reads of l from writes of l with the value read) and co (initial write first) that is coherent and atomic. */
        List<LocChoice> choices(int l) {
            List<Integer> ws = new ArrayList<>(), rs = new ArrayList<>();
            for (int i = nInit; i < n; i++) {
                if (loc[i] != l) continue;
                if ((kind[i] & W) != 0) ws.add(i);
                if ((kind[i] & R) != 0) rs.add(i);
            }
            int first = initEvent[l];
            long here = 1L << first;
            for (int i : ws) here |= 1L << i;
            for (int i : rs) here |= 1L << i;
            Relation poLoc = po.restrict(here, here);
            List<LocChoice> out = new ArrayList<>();
            int[] order = ws.stream().mapToInt(Integer::intValue).toArray();
            permutations(order, 0, () -> {
                int[] pos = new int[n];
                Arrays.fill(pos, -1);
                pos[first] = 0;
                for (int k = 0; k < order.length; k++) pos[order[k]] = k + 1;
                long[] coRows = new long[n];
                int[] chain = new int[order.length + 1];
                chain[0] = first;
                System.arraycopy(order, 0, chain, 1, order.length);
                for (int a = 0; a < chain.length; a++) for (int b = a + 1; b < chain.length; b++) coRows[chain[a]] |= 1L << chain[b];
                Relation co = Relation.ofRows(coRows);
                int[] src = new int[rs.size()];
                readsFrom(rs, 0, src, chain, pos, co, poLoc, l, out);
            });
            return out;
        }

        private void readsFrom(List<Integer> rs, int k, int[] src, int[] chain, int[] pos, Relation co, Relation poLoc, int l, List<LocChoice> out) {
            if (k == rs.size()) {
                long[] rfRows = new long[n];
                for (int j = 0; j < src.length; j++) rfRows[src[j]] |= 1L << rs.get(j);
                Relation rf = Relation.ofRows(rfRows);
                Relation fr = rf.inverse().seq(co).minusId();
                if (!poLoc.union(rf).union(co).union(fr).isAcyclic()) return;
                // atomicity: an RMW's write comes right after, in co, the write its read reads from
                for (int j = 0; j < src.length; j++) {
                    int r = rs.get(j);
                    int w = (kind[r] & W) != 0 ? r : (kind[r] & AMO) != 0 ? r + 1 : -1;
                    if (w >= 0 && pos[w] != pos[src[j]] + 1) return;
                }
                out.add(new LocChoice(rf, co, chain[chain.length - 1]));
                return;
            }
            int r = rs.get(k);
            for (int w : chain) {
                if (w == r || writeValue[w] != readValue[r]) continue;
                src[k] = w;
                readsFrom(rs, k + 1, src, chain, pos, co, poLoc, l, out);
            }
        }

        private static void permutations(int[] a, int k, Runnable each) {
            if (k == a.length) {
                each.run();
                return;
            }
            for (int i = k; i < a.length; i++) {
                int t = a[k];
                a[k] = a[i];
                a[i] = t;
                permutations(a, k + 1, each);
                a[i] = a[k];
                a[k] = t;
            }
        }
    }
}
