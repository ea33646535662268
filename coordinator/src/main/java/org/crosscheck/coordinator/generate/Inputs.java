package org.crosscheck.coordinator.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.crosscheck.coordinator.reference.Reference;

/**
 * The inputs a loaded program runs on after its first: each a mutant of an input that reached a path
 * no earlier input did (the first input to begin with), changed where the reference read it. Half the
 * time, when the parent's run gave {@link Reference.Hint}s, one of them: the value its division, shift or
 * comparison needs at the place the operand was read from (input-to-state correspondence); else a
 * boundary value (what programs compare, divide and shift by) or a small step from the value there, at
 * the offset and width of a read; now and then a random byte anywhere. Deterministic in the random
 * source and what it is told.
 */
public final class Inputs {
    /** Values that sit on the edges programs test: signs, widths, shift amounts, zero. */
    static final long[] BOUNDARY = {0, 1, 2, -1, -2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE};

    private final SplittableRandom rnd;
    private final List<byte[]> parents = new ArrayList<>();
    private final List<int[]> reads = new ArrayList<>();
    private final List<List<Reference.Hint>> hints = new ArrayList<>();

    public Inputs(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /**
     * What the reference did with {@code input}: its reads ({@code offset << 4 | size}), the hints its
     * operands gave, and whether its path was new. Only inputs on new paths are mutated further.
     */
    public void observed(byte[] input, int[] inputReads, List<Reference.Hint> inputHints, boolean newPath) {
        if (!newPath) return;
        parents.add(input);
        reads.add(inputReads);
        hints.add(inputHints);
    }

    /** Whether another input can matter: some input on a new path was read by the program. */
    public boolean worthMore() {
        for (int[] r : reads) if (r.length > 0) return true;
        return false;
    }

    /** The next input: a mutant of a parent on a new path (see the class comment). */
    public byte[] next() {
        int p = rnd.nextInt(parents.size());
        if (reads.get(p).length == 0) p = withReads();
        byte[] out = parents.get(p).clone();
        List<Reference.Hint> h = hints.get(p);
        if (!h.isEmpty() && rnd.nextInt(2) == 0) {
            Reference.Hint x = h.get(rnd.nextInt(h.size()));
            put(out, x.read() >>> 4, x.read() & 0xf, x.value());
            if (x.read2() >= 0) put(out, x.read2() >>> 4, x.read2() & 0xf, x.value2());
            return out;
        }
        int[] r = reads.get(p);
        int changes = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
        for (int c = 0; c < changes; c++) {
            if (rnd.nextInt(8) == 0) {
                out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
                continue;
            }
            int read = r[rnd.nextInt(r.length)];
            int offset = read >>> 4, size = read & 0xf;
            long v = rnd.nextInt(3) == 0 ? Reference.valueAt(out, offset, size) + rnd.nextInt(-4, 5) : BOUNDARY[rnd.nextInt(BOUNDARY.length)];
            put(out, offset, size, v);
        }
        return out;
    }

    private int withReads() {
        for (int i = 0; i < reads.size(); i++) if (reads.get(i).length > 0) return i;
        throw new IllegalStateException("no parent was read (ask worthMore first)");
    }

    static void put(byte[] b, int offset, int size, long v) {
        for (int i = 0; i < size; i++) b[offset + i] = (byte) (v >>> 8 * i);
    }
}
