package org.crosscheck.isa;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The global-data region of a program compiled from C: the initial bytes of its {@code .data},
 * {@code .rodata} and {@code .bss} sections laid out one after another, which
 * {@code lddw map_idx_value 0, OFF} ({@link Op#LDDW_MAP_IDX_VALUE}, src 6, BPF_PSEUDO_MAP_IDX_VALUE:
 * map index 0 in the first imm, offset OFF in the second) addresses as "the value of map 0, plus OFF".
 * A loader gives the region an address: the kernel runtime a map value (the lddw becomes
 * BPF_PSEUDO_MAP_VALUE of that map), our interpreter and JIT a region of their layout. Every run
 * starts from these bytes.
 *
 * <p>{@code pointers}: offsets of 8-byte words of the region that hold an offset into the region and
 * that a loader must turn into the address of that offset (initialized data pointing at data, an
 * {@code R_BPF_64_ABS64} relocation of {@code .rel.data} against a data symbol). The kernel has no such
 * loader step (a map value holds no kernel address), so a program with pointers is unsupported there.
 */
public final class GlobalData {
    /** A program without global data. */
    public static final GlobalData NONE = new GlobalData(new byte[0], new int[0]);

    private final byte[] bytes;
    private final int[] pointers;

    private GlobalData(byte[] bytes, int[] pointers) {
        this.bytes = bytes;
        this.pointers = pointers;
    }

    /** Checks that every pointer word lies inside the region and holds an offset inside it. */
    public static GlobalData of(byte[] bytes, int[] pointers) throws DecodeException {
        int[] ps = pointers.clone();
        Arrays.sort(ps);
        for (int k = 0; k < ps.length; k++) {
            int p = ps[k];
            if (p < 0 || p > bytes.length - 8) throw new DecodeException(0, "global data: pointer word at offset " + p + " outside the region (" + bytes.length + " bytes)");
            if (k > 0 && p < ps[k - 1] + 8) throw new DecodeException(0, "global data: pointer words at offsets " + ps[k - 1] + " and " + p + " overlap");
            long v = word(bytes, p);
            if (v < 0 || v > bytes.length) throw new DecodeException(0, "global data: pointer word at offset " + p + " holds offset " + v + ", outside the region (" + bytes.length + " bytes)");
        }
        return bytes.length == 0 && ps.length == 0 ? NONE : new GlobalData(bytes.clone(), ps);
    }

    public static GlobalData of(byte[] bytes) throws DecodeException {
        return of(bytes, new int[0]);
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public int size() {
        return bytes.length;
    }

    /** A copy of the initial bytes (pointer words holding offsets). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Offsets of the pointer words, ascending. */
    public int[] pointers() {
        return pointers.clone();
    }

    /** The region as a loader placing it at {@code base} writes it: each pointer word becomes base + its offset. */
    public byte[] placedAt(long base) {
        byte[] out = bytes.clone();
        for (int p : pointers) {
            long v = base + word(bytes, p);
            for (int b = 0; b < 8; b++) out[p + b] = (byte) (v >>> (8 * b));
        }
        return out;
    }

    /** Copies the region as placed at {@code base} into {@code ram} at {@code off}. */
    public void placeInto(byte[] ram, int off, long base) {
        System.arraycopy(pointers.length == 0 ? bytes : placedAt(base), 0, ram, off, bytes.length);
    }

    private static long word(byte[] b, int p) {
        long v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | (b[p + k] & 0xff);
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalData g && Arrays.equals(g.bytes, bytes) && Arrays.equals(g.pointers, pointers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Arrays.hashCode(pointers);
    }

    @Override
    public String toString() {
        return "GlobalData[" + bytes.length + " bytes" + (pointers.length > 0 ? ", " + pointers.length + " pointers" : "") + ": "
                + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 32)) + (bytes.length > 32 ? "..." : "") + "]";
    }
}
