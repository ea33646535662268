package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Semantics;
import org.crosscheck.memmodel.Cycle.Access;
import org.crosscheck.memmodel.Cycle.Dir;
import org.crosscheck.memmodel.Cycle.Edge;
import org.crosscheck.memmodel.Cycle.Kind;
import org.crosscheck.memmodel.Litmus.*;

/**
 * Generates litmus tests as diy7 does: a random {@link Cycle} of accesses joined by program-order
 * and communication edges becomes a test whose final condition holds exactly in the executions
 * that contain the cycle. So the test is Forbidden when the model forbids the cycle and Allowed
 * when it allows it. Deterministic: (seed, index) always gives the same test.
 *
 * <p>Each program-order edge moves to another location, so every location is accessed by one run
 * of communication edges (when all po edges are in one thread, that thread's first and last
 * accesses share one: a coherence test); its writes get distinct values in cycle order, which
 * is then their coherence order. The condition pins the value every load, fetch atomic, xchg
 * and cmpxchg reads, and the final value of each location written twice or more; a cycle for
 * which these do not single out that coherence order (three plain stores, or a lock atomic,
 * which returns nothing, in the wrong place) is drawn again. Cycles hold at most
 * {@value #MAX_RMWS} read-modify-writes, to keep checking them fast.
 */
public final class LitmusGenerator {

    /** Which accesses may appear and how big the cycle may be. Plain loads and stores are always allowed. */
    public record Config(Set<Group> groups, int minThreads, int maxThreads, int maxCycle) {
        /** The groups that bring memory-model accesses: atomics of each width and load-acquire/store-release. */
        public static final Set<Group> MEMORY_GROUPS = Collections.unmodifiableSet(EnumSet.of(Group.ATOMIC32, Group.ATOMIC64, Group.ACQREL));

        public Config {
            groups = groups.isEmpty() ? EnumSet.noneOf(Group.class) : EnumSet.copyOf(groups);
            for (Group g : groups) {
                if (!MEMORY_GROUPS.contains(g)) throw new IllegalArgumentException("group " + g + " has no memory-model accesses (choose among atomic32, atomic64, acqrel)");
            }
            if (minThreads < 2 || maxThreads > Cycle.MAX_THREADS || minThreads > maxThreads) {
                throw new IllegalArgumentException("threads must be a range within 2.." + Cycle.MAX_THREADS + ", not " + minThreads + ".." + maxThreads);
            }
            if (maxCycle < minThreads + 2) {
                throw new IllegalArgumentException("a cycle over " + minThreads + " threads has at least " + (minThreads + 2) + " edges; the maximum cycle length " + maxCycle + " is too small");
            }
        }

        /** Every group, 2 or 3 threads, cycles of up to 6 edges. */
        public static Config defaults() {
            return new Config(MEMORY_GROUPS, 2, 3, 6);
        }

        public Config withGroups(Set<Group> g) {
            return new Config(g, minThreads, maxThreads, maxCycle);
        }
    }

    /** A generated test, the cycle it witnesses and the cycle's family (SB, MP, ... or diy's key such as WRW+RR). */
    public record Generated(long seed, long index, Cycle cycle, String family, Litmus test) {}

    private static final int ATTEMPTS = 10_000;
    /**
     * Read-modify-writes make the checker's value sets, and so its paths, grow round by round
     * (each writes a value computed from any value it may read): three or more can make a test
     * take seconds instead of milliseconds.
     */
    public static final int MAX_RMWS = 2;

    private final Config config;
    /** The keys of the named families that fit the configuration. */
    private final List<String> familyKeys = new ArrayList<>();

    public LitmusGenerator(Config config) {
        this.config = config;
        for (Map.Entry<String, String> f : FAMILIES.entrySet()) if (fits(f.getKey(), config)) familyKeys.add(f.getKey());
    }

    public Config config() {
        return config;
    }

    /** The test for (seed, index): the same on every machine and every run. */
    public Generated generate(long seed, long index) {
        // the seed's own stream picks a start, the index steps from it: (seed, index) pairs share no stream
        SplittableRandom rnd = new SplittableRandom(new SplittableRandom(seed).nextLong() + index);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Cycle c = randomCycle(rnd);
            if (c == null) continue;
            try {
                Builder b = new Builder(c);
                Litmus t = b.build();
                return new Generated(seed, index, b.cycle, b.family, t);
            } catch (Unwitnessable e) {
                // draw again: the condition could not single out this cycle's executions
            }
        }
        throw new IllegalStateException("no test found in " + ATTEMPTS + " draws for " + config);
    }

    // ---- families ----

    /** diy's family names, keyed by the directions of each thread's accesses (threads joined by '+'). */
    private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

    static {
        String[][] table = {
            {"WR+WR", "SB"}, {"WW+RR", "MP"}, {"RW+RW", "LB"}, {"WW+WW", "2+2W"}, {"WW+RW", "S"}, {"WW+WR", "R"},
            {"W+RW+RR", "WRC"}, {"W+RR+WR", "RWC"}, {"W+RW+RW", "WWC"}, {"W+RW+WR", "WRW+WR"}, {"W+RR+WW", "WRR+2W"},
            {"W+RW+WW", "WRW+2W"}, {"WW+RW+RR", "ISA2"}, {"WW+RR+WR", "W+RWC"},
            {"WW+RW+WR", "Z6.0"}, {"WW+WW+RW", "Z6.1"}, {"WW+RW+RW", "Z6.2"}, {"WW+WW+RR", "Z6.3"}, {"WW+WR+WR", "Z6.4"}, {"WW+WW+WR", "Z6.5"},
            {"WR+WR+WR", "3.SB"}, {"RW+RW+RW", "3.LB"}, {"WW+WW+WW", "3.2W"},
            {"W+RR+W+RR", "IRIW"}, {"W+RR+W+RW", "IRRWIW"}, {"W+RW+W+RR", "IRRWIW"}, {"W+RW+W+RW", "IRWIW"},
            {"WR+WR+WR+WR", "4.SB"}, {"RW+RW+RW+RW", "4.LB"}, {"WW+WW+WW+WW", "4.2W"},
        };
        for (String[] f : table) FAMILIES.put(f[0], f[1]);
    }

    /** The named families (SB, MP, LB, WRC, IRIW, ...) whose cycles fit the configuration. */
    public static List<String> families(Config config) {
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String> f : FAMILIES.entrySet()) if (fits(f.getKey(), config)) names.add(f.getValue());
        return List.copyOf(names);
    }

    private static boolean fits(String key, Config config) {
        String[] threads = key.split("\\+");
        int edges = 0;
        for (String t : threads) edges += t.length(); // one po edge per access but the last, plus one com edge per thread
        return threads.length >= config.minThreads() && threads.length <= config.maxThreads() && edges <= config.maxCycle();
    }

    // ---- random cycles ----

    private enum Category { PLAIN, ACQREL, ATOMIC }

    /**
     * A random cycle within the configuration, or null when this draw does not fit it. A third of
     * the draws take the shape of a named family (the classic tests), the others any shape.
     */
    private Cycle randomCycle(SplittableRandom rnd) {
        List<String> shape = rnd.nextInt(3) == 0 && !familyKeys.isEmpty()
                ? List.of(familyKeys.get(rnd.nextInt(familyKeys.size())).split("\\+"))
                : randomShape(rnd);
        if (shape == null) return null;
        List<Access> accesses = new ArrayList<>();
        int rmws = 0;
        for (String thread : shape) {
            for (char d : thread.toCharArray()) {
                Access a = randomAccess(rnd, Dir.valueOf(String.valueOf(d)));
                if (a.kind().rmwEvent()) rmws++;
                accesses.add(a);
            }
        }
        if (rmws > MAX_RMWS) return null;
        List<Edge> edges = new ArrayList<>();
        int i = 0;
        for (String thread : shape) {
            for (int k = 1; k < thread.length(); k++, i++) edges.add(randomPo(rnd, accesses.get(i), accesses.get(i + 1)));
            // the edge to the next thread is the communication its directions allow: W to R rfe, R to W fre, W to W coe
            Dir from = accesses.get(i).dir(), to = accesses.get((i + 1) % accesses.size()).dir();
            if (from == Dir.R && to == Dir.R) return null;
            edges.add(from == Dir.R ? Edge.FRE : to == Dir.R ? Edge.RFE : Edge.COE);
            i++;
        }
        return new Cycle(accesses, edges);
    }

    /** Each thread's access directions, e.g. [WR, WR] for SB; null when the draw is too long or has too few po edges. */
    private List<String> randomShape(SplittableRandom rnd) {
        int threads = config.minThreads() + rnd.nextInt(config.maxThreads() - config.minThreads() + 1);
        int edges = threads, poEdges = 0;
        List<String> shape = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int r = rnd.nextInt(9); // mostly one po edge per thread, as in the classic shapes
            int po = r < 2 ? 0 : r < 7 ? 1 : 2;
            poEdges += po;
            edges += po;
            StringBuilder dirs = new StringBuilder();
            for (int k = 0; k <= po; k++) dirs.append(rnd.nextBoolean() ? 'R' : 'W');
            shape.add(dirs.toString());
        }
        return poEdges < 2 || edges > config.maxCycle() ? null : shape;
    }

    private Access randomAccess(SplittableRandom rnd, Dir dir) {
        List<Width> atomicWidths = new ArrayList<>();
        if (config.groups().contains(Group.ATOMIC32)) atomicWidths.add(Width.U32);
        if (config.groups().contains(Group.ATOMIC64)) atomicWidths.add(Width.U64);
        List<Category> cats = new ArrayList<>();
        for (int k = 0; k < 5; k++) cats.add(Category.PLAIN);
        if (config.groups().contains(Group.ACQREL)) for (int k = 0; k < 3; k++) cats.add(Category.ACQREL);
        if (!atomicWidths.isEmpty()) for (int k = 0; k < 4; k++) cats.add(Category.ATOMIC);
        Width plainWidth = rnd.nextInt(10) < 7 ? Width.U32 : Width.U64;
        return switch (cats.get(rnd.nextInt(cats.size()))) {
            case PLAIN -> new Access(dir, Kind.PLAIN, plainWidth);
            case ACQREL -> new Access(dir, dir == Dir.R ? Kind.ACQUIRE : Kind.RELEASE, plainWidth);
            case ATOMIC -> {
                List<Kind> kinds = new ArrayList<>();
                for (Kind k : Kind.values()) if (k.atomic() && (dir == Dir.R ? k.canRead : k.canWrite)) kinds.add(k);
                yield new Access(dir, kinds.get(rnd.nextInt(kinds.size())), atomicWidths.get(rnd.nextInt(atomicWidths.size())));
            }
        };
    }

    private Edge randomPo(SplittableRandom rnd, Access from, Access to) {
        List<Edge> choices = new ArrayList<>(List.of(Edge.PO, Edge.PO, Edge.PO, Edge.PO));
        if (from.returnsValue()) {
            choices.addAll(List.of(Edge.ADDR, Edge.ADDR, Edge.CTRL, Edge.CTRL));
            if (to.writesMemory()) choices.addAll(List.of(Edge.DATA, Edge.DATA));
        }
        if (config.groups().contains(Group.ATOMIC64)) choices.addAll(List.of(Edge.FENCE, Edge.FENCE));
        if (config.groups().contains(Group.ATOMIC32)) choices.addAll(List.of(Edge.FENCE32, Edge.FENCE32));
        return choices.get(rnd.nextInt(choices.size()));
    }

    // ---- from a cycle to a test ----

    /** A cycle whose executions the final condition cannot single out. */
    private static final class Unwitnessable extends IllegalArgumentException {
        Unwitnessable(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a routine outcome of a draw, not a bug: no trace to fill
        }
    }

    private static final String[] LOCATION_NAMES = {"x", "y", "z", "a", "b", "c", "d", "e"};
    private static final long FAIL_EXPECTED = 42;

    /**
     * The test of a cycle, named after its family and its threads' edges and access kinds. An
     * IllegalArgumentException says why a cycle cannot become a test (its final state could not
     * witness it).
     */
    public static Litmus build(Cycle cycle) {
        return new Builder(cycle).build();
    }

    private static final class Builder {
        Cycle cycle;       // with one width per location once the locations are known
        List<Access> acc;
        final int n;
        /** Thread k's accesses as cycle positions, in program order; threads in their final order. */
        List<List<Integer>> threads;
        String family;
        final int[] segment;
        final List<List<Integer>> segments = new ArrayList<>();
        final List<String> segmentName = new ArrayList<>();
        final long[] readValue, operand, expected;
        final long[] finalValue;
        final int[] writers;

        Builder(Cycle cycle) {
            this.cycle = cycle;
            this.acc = cycle.accesses();
            this.n = acc.size();
            segment = new int[n];
            readValue = new long[n];
            operand = new long[n];
            expected = new long[n];
            finalValue = new long[n];
            writers = new int[n];
        }

        Edge edgeAfter(int pos) {
            return cycle.edges().get(pos);
        }

        Edge edgeBefore(int pos) {
            return cycle.edges().get((pos + n - 1) % n);
        }

        Litmus build() {
            splitThreads();
            splitLocations();
            sameWidthPerLocation();
            for (int s = 0; s < segments.size(); s++) assignValues(s);
            return emit();
        }

        /**
         * The model gives a location one value, whatever the width of an access: a u32 store over a u64
         * value keeps the upper half in real memory but not in the model. Mixed-size accesses are outside
         * what it describes, so every access to a location takes one width: its first atomic's (the
         * groups allow that width), else its first access's.
         */
        void sameWidthPerLocation() {
            List<Access> out = new ArrayList<>(acc);
            for (List<Integer> seg : segments) {
                Width w = acc.get(seg.getFirst()).width();
                for (int pos : seg) {
                    if (acc.get(pos).kind().atomic()) {
                        w = acc.get(pos).width();
                        break;
                    }
                }
                for (int pos : seg) out.set(pos, new Access(acc.get(pos).dir(), acc.get(pos).kind(), w));
            }
            acc = List.copyOf(out);
            cycle = new Cycle(acc, cycle.edges());
        }

        /** Threads are the runs of po edges; they are rotated to the order that names the family. */
        void splitThreads() {
            List<List<Integer>> ts = new ArrayList<>();
            int start = 0;
            while (!edgeBefore(start).communication()) start++;
            List<Integer> cur = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int pos = (start + k) % n;
                cur.add(pos);
                if (edgeAfter(pos).communication()) {
                    ts.add(cur);
                    cur = new ArrayList<>();
                }
            }
            List<String> keys = new ArrayList<>();
            for (List<Integer> t : ts) {
                StringBuilder sb = new StringBuilder();
                for (int pos : t) sb.append(acc.get(pos).dir());
                keys.add(sb.toString());
            }
            int best = -1;
            String bestKey = null;
            for (int r = 0; r < ts.size(); r++) {
                List<String> rotated = new ArrayList<>(keys.subList(r, keys.size()));
                rotated.addAll(keys.subList(0, r));
                String key = String.join("+", rotated);
                if (FAMILIES.containsKey(key)) {
                    best = r;
                    bestKey = key;
                    break;
                }
                if (bestKey == null || key.compareTo(bestKey) > 0) {
                    best = r;
                    bestKey = key;
                }
            }
            family = FAMILIES.getOrDefault(bestKey, bestKey);
            threads = new ArrayList<>(ts.subList(best, ts.size()));
            threads.addAll(ts.subList(0, best));
        }

        /** Every po edge moves to a new location: a location is a run of accesses joined by communication edges. */
        void splitLocations() {
            int start = 0;
            while (edgeBefore(start).communication()) start++;
            for (int k = 0; k < n; k++) {
                int pos = (start + k) % n;
                if (!edgeBefore(pos).communication()) segments.add(new ArrayList<>());
                segment[pos] = segments.size() - 1;
                segments.getLast().add(pos);
            }
            String[] names = new String[segments.size()];
            int next = 0;
            for (List<Integer> t : threads) for (int pos : t) if (names[segment[pos]] == null) names[segment[pos]] = LOCATION_NAMES[next++];
            segmentName.addAll(List.of(names));
        }

        /**
         * Values along one location's run: the writes get distinct values in cycle order, each read
         * gets the value of the write before it (0, the initial value, before the first).
         */
        void assignValues(int s) {
            List<Integer> run = segments.get(s);
            long cur = 0;
            Set<Long> used = new HashSet<>(List.of(0L));
            List<Integer> ws = new ArrayList<>();
            for (int k = 0; k < run.size(); k++) {
                int pos = run.get(k);
                Access a = acc.get(pos);
                if (a.readsMemory()) readValue[pos] = cur;
                if (a.kind() == Kind.CAS_FAIL) expected[pos] = cur == FAIL_EXPECTED ? FAIL_EXPECTED + 1 : FAIL_EXPECTED;
                if (!a.writesMemory()) continue;
                boolean andNext = false; // an and-atomic needs a value with bits to clear before it
                for (int j = k + 1; j < run.size(); j++) {
                    if (acc.get(run.get(j)).writesMemory()) {
                        andNext = acc.get(run.get(j)).kind().rmw == RmwOp.AND;
                        break;
                    }
                }
                long nv = a.kind().rmw == RmwOp.OR ? setBit(cur, used, andNext)
                        : a.kind().rmw == RmwOp.AND ? clearBits(cur, used, andNext)
                        : fresh(used, andNext);
                RmwOp op = a.kind().rmw;
                operand[pos] = op == RmwOp.ADD ? nv - cur : op == RmwOp.XOR ? nv ^ cur : nv;
                if (a.kind() == Kind.CAS) expected[pos] = cur;
                used.add(nv);
                cur = nv;
                ws.add(pos);
            }
            finalValue[s] = cur;
            writers[s] = ws.size();
            if (ws.size() > 1 && coherenceOrders(ws, new ArrayList<>(), new boolean[ws.size()], cur) != 1) {
                throw new Unwitnessable("the final state does not single out the coherence order of the writes to " + segmentName.get(s));
            }
        }

        private static long fresh(Set<Long> used, boolean manyBits) {
            for (long v = 1; ; v++) if (!used.contains(v) && (!manyBits || Long.bitCount(v) > 1)) return v;
        }

        private static long setBit(long cur, Set<Long> used, boolean manyBits) {
            for (int b = 0; b < 62; b++) {
                long v = cur | 1L << b;
                if (v != cur && !used.contains(v) && (!manyBits || Long.bitCount(v) > 1)) return v;
            }
            throw new Unwitnessable("no bit left to set");
        }

        private static long clearBits(long cur, Set<Long> used, boolean manyBits) {
            // the largest proper, non-zero submask of cur not written yet
            for (long v = (cur - 1) & cur; v != 0; v = (v - 1) & cur) {
                if (!used.contains(v) && (!manyBits || Long.bitCount(v) > 1)) return v;
            }
            throw new Unwitnessable("an and-atomic reading " + cur + " cannot write a new value");
        }

        /**
         * How many orders of the writes ws give the values the condition pins: what each fetch,
         * xchg and cmpxchg reads (the value just before it, by atomicity) and the final value.
         */
        private int coherenceOrders(List<Integer> ws, List<Integer> order, boolean[] taken, long finalWanted) {
            if (order.size() == ws.size()) {
                long cur = 0;
                for (int pos : order) {
                    Access a = acc.get(pos);
                    if (a.returnsValue() && readValue[pos] != cur) return 0;
                    cur = written(a, pos, cur);
                }
                return cur == finalWanted ? 1 : 0;
            }
            int count = 0;
            for (int i = 0; i < ws.size(); i++) {
                if (taken[i]) continue;
                taken[i] = true;
                order.add(ws.get(i));
                count += coherenceOrders(ws, order, taken, finalWanted);
                order.removeLast();
                taken[i] = false;
            }
            return count;
        }

        /** The value access pos leaves in memory when it reads old. */
        private long written(Access a, int pos, long old) {
            if (a.kind().rmw != null) return a.width().truncate(Semantics.atomicApply(a.kind().rmw.imm, old, operand[pos]));
            if (a.kind() == Kind.CAS) return old == expected[pos] ? operand[pos] : old;
            return operand[pos];
        }

        // ---- code ----

        Litmus emit() {
            List<RegInit> regInits = new ArrayList<>();
            List<Litmus.Thread> code = new ArrayList<>();
            List<Prop> atoms = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            for (int t = 0; t < threads.size(); t++) {
                ThreadCode tc = new ThreadCode(t, regInits);
                List<Integer> ps = threads.get(t);
                int valueReg = -1;
                List<String> tokens = new ArrayList<>();
                for (int j = 0; j < ps.size(); j++) {
                    int pos = ps.get(j);
                    Edge in = j == 0 ? null : edgeBefore(pos);
                    if (in != null && in != Edge.PO) tokens.add(in.token);
                    if (acc.get(pos).kind() != Kind.PLAIN) tokens.add(acc.get(pos).label());
                    valueReg = tc.access(pos, in, valueReg);
                    if (valueReg >= 0 && segments.get(segment[pos]).size() > 1) {
                        atoms.add(new Atom(new RegRef(t, valueReg), new Num(readValue[pos])));
                    }
                }
                if (ps.size() > 1 || !tokens.isEmpty()) descriptions.add(tokens.isEmpty() ? "po" : String.join("-", tokens));
                code.add(new Litmus.Thread(t, tc.code));
            }
            List<Integer> order = new ArrayList<>();
            for (int s = 0; s < segments.size(); s++) order.add(s);
            order.sort((a, b) -> segmentName.get(a).compareTo(segmentName.get(b)));
            for (int s : order) {
                if (writers[s] > 1) atoms.add(new Atom(new LocRef(segmentName.get(s)), new Num(finalValue[s])));
            }
            Prop prop = atoms.getFirst();
            for (int k = 1; k < atoms.size(); k++) prop = new And(prop, atoms.get(k));
            String name = name(family, descriptions);
            Litmus t = new Litmus(name, name + ".litmus", regInits, List.of(), code, List.of(), new Final(Quantifier.EXISTS, prop, 0));
            return LitmusPrinter.withPrintedLines(t);
        }

        /** diy's convention: the family, then one part per thread ("s" once when all agree, nothing when all are plain po). */
        private static String name(String family, List<String> parts) {
            if (parts.stream().allMatch("po"::equals)) return family;
            if (parts.size() > 1 && parts.stream().distinct().count() == 1) return family + "+" + parts.getFirst() + "s";
            return family + "+" + String.join("+", parts);
        }

        /** One thread's instructions and registers (r1..r9; r0 is cmpxchg's). */
        private final class ThreadCode {
            final int t;
            final List<RegInit> regInits;
            final List<Instr> code = new ArrayList<>();
            final Map<String, Integer> bases = new HashMap<>();
            int next = 1, temp = -1, fenceReg = -1, labels = 0;

            ThreadCode(int t, List<RegInit> regInits) {
                this.t = t;
                this.regInits = regInits;
            }

            int reg() {
                if (next > 9) throw new Unwitnessable("P" + t + " needs more than 9 registers");
                return next++;
            }

            int base(String location) {
                return bases.computeIfAbsent(location, l -> init(new Sym(l)));
            }

            int init(Value v) {
                int r = reg();
                regInits.add(new RegInit(t, r, v, 0));
                return r;
            }

            void alu(AluOp op, int dst, Operand src) {
                code.add(new Alu(op, dst, src, 0));
            }

            /** dst = (src & 0) + rhs: the value or address rhs, depending on src's value as far as the model sees. */
            void dependent(int dst, int src, Operand rhs) {
                alu(AluOp.MOV, dst, new Reg(src));
                alu(AluOp.AND, dst, new Imm(0));
                alu(AluOp.ADD, dst, rhs);
            }

            /** Emits access pos reached by edge in (null for the thread's first); returns the register holding what it read, or -1. */
            int access(int pos, Edge in, int previous) {
                Access a = acc.get(pos);
                Addr addr = new Addr(base(segmentName.get(segment[pos])), 0);
                int data = -1;
                if (in != null && in.fence()) {
                    int scratch = base("f" + t);
                    if (fenceReg < 0) fenceReg = init(new Num(0));
                    code.add(new Fetch(RmwOp.ADD, in.fenceWidth(), new Addr(scratch, 0), fenceReg, 0));
                } else if (in == Edge.ADDR) {
                    if (temp < 0) temp = reg();
                    dependent(temp, previous, new Reg(addr.base()));
                    addr = new Addr(temp, 0);
                } else if (in == Edge.CTRL) {
                    String label = "L" + labels++;
                    code.add(new If(JumpCond.NE, previous, new Imm(0), label, 0));
                    code.add(new Label(label, 0));
                } else if (in == Edge.DATA) {
                    data = reg();
                    dependent(data, previous, new Imm(operand[pos]));
                }
                Width w = a.width();
                switch (a.kind()) {
                    case PLAIN, ACQUIRE, RELEASE -> {
                        if (a.dir() == Dir.R) {
                            int v = reg();
                            code.add(new Load(w, v, addr, a.kind() == Kind.ACQUIRE, 0));
                            return v;
                        }
                        // store_release has no immediate form in the ISA: its value is in a register
                        Operand src = data >= 0 ? new Reg(data) : a.kind() == Kind.RELEASE ? new Reg(init(new Num(operand[pos]))) : new Imm(operand[pos]);
                        code.add(new Store(w, addr, src, a.kind() == Kind.RELEASE, 0));
                        return -1;
                    }
                    case CAS, CAS_FAIL -> {
                        int src = a.kind() == Kind.CAS_FAIL ? 0 : data >= 0 ? data : init(new Num(operand[pos]));
                        alu(AluOp.MOV, 0, new Imm(expected[pos]));
                        code.add(new CmpXchg(w, addr, src, 0));
                        int v = src == 0 ? reg() : src; // r0 is needed by the next cmpxchg: keep what it read elsewhere
                        alu(AluOp.MOV, v, new Reg(0));
                        return v;
                    }
                    default -> {
                        int src = data >= 0 ? data : init(new Num(operand[pos]));
                        if (a.returnsValue()) {
                            code.add(new Fetch(a.kind().rmw, w, addr, src, 0));
                            return src;
                        }
                        code.add(new Lock(a.kind().rmw, w, addr, src, 0));
                        return -1;
                    }
                }
            }
        }
    }
}
