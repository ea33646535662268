package org.crosscheck.memmodel;

import java.util.Arrays;

/**
 * A binary relation over events 0..n-1 (n at most 64), as a bit matrix: row i holds the set of j
 * with (i, j) in the relation. Sets of events are {@code long} bit masks. Immutable: every
 * operation returns a new relation, so the model's definitions read like the cat file.
 */
public final class Relation {
    public static final int MAX_EVENTS = 64;

    private final long[] rows;

    private Relation(long[] rows) {
        this.rows = rows;
    }

    public static Relation empty(int n) {
        if (n > MAX_EVENTS) throw new IllegalArgumentException(n + " events: at most " + MAX_EVENTS + " are supported");
        return new Relation(new long[n]);
    }

    /** {@code [S]}: the identity on the events of set s. */
    public static Relation identity(int n, long s) {
        Relation r = empty(n);
        for (int i = 0; i < n; i++) if ((s >>> i & 1) != 0) r.rows[i] = 1L << i;
        return r;
    }

    /** {@code S1 * S2}: every pair from a to b. */
    public static Relation cross(int n, long a, long b) {
        Relation r = empty(n);
        for (int i = 0; i < n; i++) if ((a >>> i & 1) != 0) r.rows[i] = b;
        return r;
    }

    /** A relation built from explicit rows (copied). */
    public static Relation ofRows(long[] rows) {
        if (rows.length > MAX_EVENTS) throw new IllegalArgumentException(rows.length + " events: at most " + MAX_EVENTS + " are supported");
        return new Relation(rows.clone());
    }

    public int size() {
        return rows.length;
    }

    public boolean has(int i, int j) {
        return (rows[i] >>> j & 1) != 0;
    }

    /** The set of j with (i, j). */
    public long row(int i) {
        return rows[i];
    }

    public Relation with(int i, int j) {
        long[] r = rows.clone();
        r[i] |= 1L << j;
        return new Relation(r);
    }

    public Relation union(Relation o) {
        long[] r = rows.clone();
        for (int i = 0; i < r.length; i++) r[i] |= o.rows[i];
        return new Relation(r);
    }

    public Relation inter(Relation o) {
        long[] r = rows.clone();
        for (int i = 0; i < r.length; i++) r[i] &= o.rows[i];
        return new Relation(r);
    }

    public Relation minus(Relation o) {
        long[] r = rows.clone();
        for (int i = 0; i < r.length; i++) r[i] &= ~o.rows[i];
        return new Relation(r);
    }

    /** {@code r \ id}. */
    public Relation minusId() {
        long[] r = rows.clone();
        for (int i = 0; i < r.length; i++) r[i] &= ~(1L << i);
        return new Relation(r);
    }

    /** {@code this ; o}: (i, k) when (i, j) in this and (j, k) in o for some j. */
    public Relation seq(Relation o) {
        long[] r = new long[rows.length];
        for (int i = 0; i < r.length; i++) {
            long acc = 0;
            for (long js = rows[i]; js != 0; js &= js - 1) acc |= o.rows[Long.numberOfTrailingZeros(js)];
            r[i] = acc;
        }
        return new Relation(r);
    }

    public Relation inverse() {
        long[] r = new long[rows.length];
        for (int i = 0; i < r.length; i++) {
            for (long js = rows[i]; js != 0; js &= js - 1) r[Long.numberOfTrailingZeros(js)] |= 1L << i;
        }
        return new Relation(r);
    }

    /** {@code [a] ; this ; [b]}. */
    public Relation restrict(long a, long b) {
        long[] r = new long[rows.length];
        for (int i = 0; i < r.length; i++) if ((a >>> i & 1) != 0) r[i] = rows[i] & b;
        return new Relation(r);
    }

    /** {@code r+}: transitive closure (Warshall). */
    public Relation plus() {
        long[] r = rows.clone();
        for (int k = 0; k < r.length; k++) {
            long bit = 1L << k, rk = r[k];
            for (int i = 0; i < r.length; i++) if ((r[i] & bit) != 0) r[i] |= rk;
        }
        return new Relation(r);
    }

    /** {@code r*}: reflexive transitive closure. */
    public Relation star() {
        return plus().opt();
    }

    /** {@code r?}: r with the identity. */
    public Relation opt() {
        long[] r = rows.clone();
        for (int i = 0; i < r.length; i++) r[i] |= 1L << i;
        return new Relation(r);
    }

    public long domain() {
        long d = 0;
        for (int i = 0; i < rows.length; i++) if (rows[i] != 0) d |= 1L << i;
        return d;
    }

    public long range() {
        long d = 0;
        for (long row : rows) d |= row;
        return d;
    }

    public boolean isEmpty() {
        for (long row : rows) if (row != 0) return false;
        return true;
    }

    public boolean isIrreflexive() {
        for (int i = 0; i < rows.length; i++) if ((rows[i] >>> i & 1) != 0) return false;
        return true;
    }

    /** No cycle: repeatedly removes events without predecessors (Kahn); cheaper than a closure. */
    public boolean isAcyclic() {
        int n = rows.length;
        long all = n == 64 ? -1L : (1L << n) - 1, left = all;
        boolean progress = true;
        while (left != 0 && progress) {
            progress = false;
            long targets = 0;
            for (long is = left; is != 0; is &= is - 1) targets |= rows[Long.numberOfTrailingZeros(is)];
            long sources = left & ~targets;
            if (sources != 0) {
                left &= ~sources;
                progress = true;
            }
        }
        return left == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Relation r && Arrays.equals(rows, r.rows);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < rows.length; i++) {
            for (long js = rows[i]; js != 0; js &= js - 1) {
                if (sb.length() > 1) sb.append(", ");
                sb.append(i).append("->").append(Long.numberOfTrailingZeros(js));
            }
        }
        return sb.append('}').toString();
    }
}
