package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.isa.Group;
import org.crosscheck.memmodel.Litmus.RmwOp;
import org.crosscheck.memmodel.Litmus.Width;

/**
 * A diy-style cycle of memory accesses: access i is followed by edge i, which leads to access i+1
 * (the last edge leads back to access 0). Program-order edges ({@code po}, {@code addr},
 * {@code data}, {@code ctrl}, {@code fetch}) stay inside a thread and change location;
 * communication edges ({@code rfe}, {@code fre}, {@code coe}) go to the next thread and keep it.
 *
 * <p>Written as text, accesses and edges alternate: {@code W po W.rel rfe R.acq po R fre} is MP
 * with a release store and an acquire load. An access is {@code R} or {@code W} (its direction in
 * the cycle), then {@code .kind} unless plain, then a width when not the kind's default (plain
 * and acquire/release accesses are u32 unless {@code 64}; atomics are u64 unless {@code 32}).
 */
public record Cycle(List<Access> accesses, List<Edge> edges) {

    public enum Dir { R, W }

    /** What instruction performs an access. */
    public enum Kind {
        PLAIN("", null, true, true, null, false),
        ACQUIRE("acq", Group.ACQREL, true, false, null, false),
        RELEASE("rel", Group.ACQREL, false, true, null, false),
        FETCH_ADD("fetchadd", Group.ATOMIC64, true, true, RmwOp.ADD, true),
        FETCH_OR("fetchor", Group.ATOMIC64, true, true, RmwOp.OR, true),
        FETCH_AND("fetchand", Group.ATOMIC64, true, true, RmwOp.AND, true),
        FETCH_XOR("fetchxor", Group.ATOMIC64, true, true, RmwOp.XOR, true),
        XCHG("xchg", Group.ATOMIC64, true, true, RmwOp.XCHG, true),
        LOCK_ADD("lockadd", Group.ATOMIC64, true, true, RmwOp.ADD, false),
        LOCK_OR("lockor", Group.ATOMIC64, true, true, RmwOp.OR, false),
        LOCK_AND("lockand", Group.ATOMIC64, true, true, RmwOp.AND, false),
        LOCK_XOR("lockxor", Group.ATOMIC64, true, true, RmwOp.XOR, false),
        /** A cmpxchg that finds the value it compares with: a read and a write. */
        CAS("cas", Group.ATOMIC64, true, true, null, true),
        /** A cmpxchg that does not: only a read. */
        CAS_FAIL("casfail", Group.ATOMIC64, true, false, null, true);

        public final String token;
        /** ACQREL, or ATOMIC64 for atomics (ATOMIC32 at width u32); null for plain accesses. */
        private final Group group;
        public final boolean canRead, canWrite;
        /** The operation of a fetch or lock atomic and of xchg. */
        public final RmwOp rmw;
        /** Whether the instruction puts the value it read into a register. */
        private final boolean fetches;

        Kind(String token, Group group, boolean canRead, boolean canWrite, RmwOp rmw, boolean fetches) {
            this.token = token;
            this.group = group;
            this.canRead = canRead;
            this.canWrite = canWrite;
            this.rmw = rmw;
            this.fetches = fetches;
        }

        public boolean atomic() {
            return group == Group.ATOMIC64;
        }

        /** Both a read and a write, whatever its place in the cycle. */
        public boolean rmwEvent() {
            return this == CAS || rmw != null;
        }

        /** The group a runtime must support for this kind at width w; null when always available. */
        public Group group(Width w) {
            return atomic() && w == Width.U32 ? Group.ATOMIC32 : group;
        }

        Width defaultWidth() {
            return atomic() ? Width.U64 : Width.U32;
        }

        static Kind ofToken(String token) {
            for (Kind k : values()) if (k.token.equals(token)) return k;
            return null;
        }
    }

    /** One access of the cycle: its direction there, its instruction and width. */
    public record Access(Dir dir, Kind kind, Width width) {
        public Access {
            if (width != Width.U32 && width != Width.U64) throw new IllegalArgumentException("access width must be u32 or u64, not " + width);
        }

        public Access(Dir dir, Kind kind) {
            this(dir, kind, kind.defaultWidth());
        }

        boolean readsMemory() {
            return dir == Dir.R || kind.rmwEvent();
        }

        boolean writesMemory() {
            return dir == Dir.W || kind.rmwEvent();
        }

        /** Whether its read value lands in a register, so that dependencies can start from it. */
        boolean returnsValue() {
            return kind.fetches || (dir == Dir.R && (kind == Kind.PLAIN || kind == Kind.ACQUIRE));
        }

        Group group() {
            return kind.group(width);
        }

        /** The token for names and cycle text, e.g. {@code rel}, {@code fetchadd32}; "" for a plain access. */
        String label() {
            return kind.token + (width == kind.defaultWidth() ? "" : Integer.toString(width.bits));
        }

        @Override
        public String toString() {
            String l = label();
            return dir + (l.isEmpty() ? "" : kind == Kind.PLAIN ? l : "." + l);
        }
    }

    /** Edges: program order (plain, with a dependency, or across an atomic fetch-add on a scratch location) and external communication. */
    public enum Edge {
        PO("po"), ADDR("addr"), DATA("data"), CTRL("ctrl"),
        /** po through {@code atomic_fetch_add} on a scratch location of the thread: a full barrier in the model. */
        FENCE("fetch"), FENCE32("fetch32"),
        RFE("rfe"), FRE("fre"), COE("coe");

        public final String token;

        Edge(String token) {
            this.token = token;
        }

        public boolean communication() {
            return this == RFE || this == FRE || this == COE;
        }

        public boolean dependency() {
            return this == ADDR || this == DATA || this == CTRL;
        }

        public boolean fence() {
            return this == FENCE || this == FENCE32;
        }

        Width fenceWidth() {
            return this == FENCE32 ? Width.U32 : Width.U64;
        }

        /** The direction a communication edge leaves from. */
        Dir source() {
            return this == FRE ? Dir.R : Dir.W;
        }

        /** The direction a communication edge arrives at. */
        Dir target() {
            return this == RFE ? Dir.R : Dir.W;
        }

        static Edge ofToken(String token) {
            for (Edge e : values()) if (e.token.equals(token)) return e;
            return null;
        }

        @Override
        public String toString() {
            return token;
        }
    }

    public static final int MAX_THREADS = 4, MAX_ACCESSES_PER_THREAD = 3;

    /** Checks that the cycle makes sense; every problem is an IllegalArgumentException saying which access or edge. */
    public Cycle {
        accesses = List.copyOf(accesses);
        edges = List.copyOf(edges);
        int n = accesses.size();
        if (n != edges.size()) throw new IllegalArgumentException("a cycle has as many edges as accesses (" + n + " accesses, " + edges.size() + " edges)");
        int com = 0, po = 0, run = 1;
        for (int i = 0; i < n; i++) {
            Access a = accesses.get(i), b = accesses.get((i + 1) % n);
            Edge e = edges.get(i);
            String where = "edge " + (i + 1) + " (" + a + " " + e + " " + b + ")";
            if (a.dir() == Dir.R && !a.kind().canRead || a.dir() == Dir.W && !a.kind().canWrite) {
                throw new IllegalArgumentException("access " + (i + 1) + " (" + a + "): " + a.kind().token + " cannot be a" + (a.dir() == Dir.R ? " read" : " write"));
            }
            if (e.communication()) {
                com++;
                if (a.dir() != e.source() || b.dir() != e.target()) throw new IllegalArgumentException(where + ": " + e + " goes from " + e.source() + " to " + e.target());
            } else {
                po++;
            }
            if (e.dependency() && !a.returnsValue()) throw new IllegalArgumentException(where + ": a dependency must start at an access that puts the value it read in a register (load, fetch atomic, xchg, cmpxchg)");
            if (e == Edge.DATA && !b.writesMemory()) throw new IllegalArgumentException(where + ": a data dependency must end at a write");
        }
        if (com < 2 || com > MAX_THREADS) throw new IllegalArgumentException("a cycle has 2.." + MAX_THREADS + " communication edges (one per thread), not " + com);
        if (po < 2) throw new IllegalArgumentException("a cycle needs at least 2 program-order edges (each changes location), not " + po);
        // the longest run of accesses joined by po edges is a thread
        int start = 0;
        while (!edges.get((start + n - 1) % n).communication()) start++;
        for (int k = 0; k < n; k++) {
            if (edges.get((start + k) % n).communication()) {
                run = 1;
            } else if (++run > MAX_ACCESSES_PER_THREAD) {
                throw new IllegalArgumentException("a thread has more than " + MAX_ACCESSES_PER_THREAD + " accesses");
            }
        }
    }

    private static final Pattern ACCESS = Pattern.compile("([RW])(?:\\.([a-z]+))?(32|64)?");

    /** Reads the text form, e.g. {@code R po W rfe R data W rfe} (LB with a data dependency in P1). */
    public static Cycle parse(String text) {
        String[] tokens = text.trim().split("\\s+");
        if (tokens.length < 2 || tokens.length % 2 != 0) {
            throw new IllegalArgumentException("cycle '" + text.trim() + "': expected accesses and edges alternating, e.g. 'W po R fre W po R fre'");
        }
        List<Access> accesses = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < tokens.length; i += 2) {
            Matcher m = ACCESS.matcher(tokens[i]);
            Kind kind = m.matches() ? m.group(2) == null ? Kind.PLAIN : Kind.ofToken(m.group(2)) : null;
            if (kind == null || kind == Kind.PLAIN && m.group(2) != null) {
                throw new IllegalArgumentException("cycle: bad access '" + tokens[i] + "' (expected R or W, then ." + kindList() + ", then 32 or 64)");
            }
            Width w = m.group(3) == null ? kind.defaultWidth() : Width.valueOf("U" + m.group(3));
            accesses.add(new Access(Dir.valueOf(m.group(1)), kind, w));
            Edge e = Edge.ofToken(tokens[i + 1].toLowerCase(Locale.ROOT));
            if (e == null) throw new IllegalArgumentException("cycle: unknown edge '" + tokens[i + 1] + "' (known: " + String.join(", ", java.util.Arrays.stream(Edge.values()).map(Edge::toString).toList()) + ")");
            edges.add(e);
        }
        return new Cycle(accesses, edges);
    }

    private static String kindList() {
        List<String> ks = new ArrayList<>();
        for (Kind k : Kind.values()) if (k != Kind.PLAIN) ks.add(k.token);
        return String.join("|", ks);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < accesses.size(); i++) {
            if (i > 0) sb.append(' ');
            sb.append(accesses.get(i)).append(' ').append(edges.get(i));
        }
        return sb.toString();
    }
}
