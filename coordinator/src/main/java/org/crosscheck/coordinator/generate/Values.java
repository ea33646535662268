package org.crosscheck.coordinator.generate;

import java.util.SplittableRandom;

/** Values biased to the edges where runtimes disagree: 0, ±1, sign bits, INT32/INT64 limits, widths. */
final class Values {
    private Values() {}

    private static final long[] EDGES = {
        0, 1, -1, 2, -2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, 0xffffffffL, 0x80000000L, 0x100000000L,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 0x8000000000000000L >>> 1, 0xffffffff00000000L
    };

    /** A value to use as a 32-bit immediate (or a register value): half edges, half random. */
    static long edge(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> EDGES[rnd.nextInt(EDGES.length)];
            case 2 -> rnd.nextInt(-64, 65);
            default -> rnd.nextInt();
        };
    }

    /** Almost always an edge value: for operands placed right before an operation. */
    static long strongEdge(SplittableRandom rnd) {
        return rnd.nextInt(8) == 0 ? rnd.nextInt(-64, 65) : EDGES[rnd.nextInt(EDGES.length)];
    }

    /** A 64-bit value (lddw): edges, random, or an edge in one half and noise in the other. */
    static long edge64(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> EDGES[rnd.nextInt(EDGES.length)];
            case 2 -> rnd.nextLong();
            default -> (EDGES[rnd.nextInt(EDGES.length)] << 32) | (rnd.nextInt() & 0xffffffffL);
        };
    }

    /** An input memory byte: sign bits and extremes more often than chance. */
    static int edgeByte(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextBoolean() ? 0xff : 0x80;
            default -> rnd.nextInt(256);
        };
    }
}
