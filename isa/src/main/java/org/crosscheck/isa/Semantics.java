package org.crosscheck.isa;

/**
 * RFC 9669 semantics that are easy to get wrong, written once and used by the interpreter and the
 * JIT (which emits {@code invokestatic} to these methods). 32-bit results are returned
 * zero-extended to 64 bits, as the ISA writes them to registers.
 */
public final class Semantics {
    private Semantics() {}

    public static final long MASK32 = 0xffffffffL;

    /** Unsigned 64-bit division; division by zero gives 0. */
    public static long div64(long dst, long src) {
        return src == 0 ? 0 : Long.divideUnsigned(dst, src);
    }

    /** Unsigned 64-bit modulo; modulo by zero leaves dst unchanged. */
    public static long mod64(long dst, long src) {
        return src == 0 ? dst : Long.remainderUnsigned(dst, src);
    }

    /** Signed 64-bit division truncating toward zero; by zero gives 0; INT64_MIN / -1 = INT64_MIN. */
    public static long sdiv64(long dst, long src) {
        return src == 0 ? 0 : dst / src; // Java's / already wraps MIN / -1 to MIN
    }

    /** Signed 64-bit modulo with the sign of the dividend; by zero leaves dst; INT64_MIN % -1 = 0. */
    public static long smod64(long dst, long src) {
        return src == 0 ? dst : dst % src;
    }

    public static long div32(long dst, long src) {
        int d = (int) dst, s = (int) src;
        return s == 0 ? 0 : Integer.divideUnsigned(d, s) & MASK32;
    }

    /** 32-bit modulo by zero leaves the low 32 bits of dst, zero-extended. */
    public static long mod32(long dst, long src) {
        int d = (int) dst, s = (int) src;
        return (s == 0 ? d : Integer.remainderUnsigned(d, s)) & MASK32;
    }

    public static long sdiv32(long dst, long src) {
        int d = (int) dst, s = (int) src;
        return s == 0 ? 0 : (d / s) & MASK32;
    }

    public static long smod32(long dst, long src) {
        int d = (int) dst, s = (int) src;
        return (s == 0 ? d : d % s) & MASK32;
    }

    /** 64-bit shifts use the low 6 bits of the amount (Java does the same masking). */
    public static long lsh64(long dst, long src) {
        return dst << src;
    }

    public static long rsh64(long dst, long src) {
        return dst >>> src;
    }

    public static long arsh64(long dst, long src) {
        return dst >> src;
    }

    /** 32-bit shifts use the low 5 bits of the amount and zero-extend. */
    public static long lsh32(long dst, long src) {
        return ((int) dst << src) & MASK32;
    }

    public static long rsh32(long dst, long src) {
        return ((int) dst >>> src) & MASK32;
    }

    public static long arsh32(long dst, long src) {
        return ((int) dst >> src) & MASK32;
    }

    /** Byte order: to little endian truncates to the width (the host is little-endian). */
    public static long le(long dst, int width) {
        return switch (width) {
            case 16 -> dst & 0xffff;
            case 32 -> dst & MASK32;
            default -> dst;
        };
    }

    /** To big endian, and the unconditional bswap of CPU v4: reverse the low {@code width} bits' bytes. */
    public static long be(long dst, int width) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) dst) & 0xffff;
            case 32 -> Integer.reverseBytes((int) dst) & MASK32;
            default -> Long.reverseBytes(dst);
        };
    }

    /** movsx: sign-extend the low {@code width} bits of src to 64 bits. */
    public static long sext64(long src, int width) {
        return switch (width) {
            case 8 -> (byte) src;
            case 16 -> (short) src;
            default -> (int) src;
        };
    }

    /** 32-bit movsx: sign-extend to 32 bits, then zero-extend into the register. */
    public static long sext32(long src, int width) {
        return (width == 8 ? (byte) src : (short) src) & MASK32;
    }

    /** Conditional jump predicate for JMP (64-bit operands) by the op's code (bits 4-7). */
    public static boolean jump64(int jmpOp, long a, long b) {
        return switch (jmpOp) {
            case 0x1 -> a == b;
            case 0x2 -> Long.compareUnsigned(a, b) > 0;
            case 0x3 -> Long.compareUnsigned(a, b) >= 0;
            case 0x4 -> (a & b) != 0;
            case 0x5 -> a != b;
            case 0x6 -> a > b;
            case 0x7 -> a >= b;
            case 0xa -> Long.compareUnsigned(a, b) < 0;
            case 0xb -> Long.compareUnsigned(a, b) <= 0;
            case 0xc -> a < b;
            case 0xd -> a <= b;
            default -> throw new IllegalArgumentException("not a conditional jump: " + jmpOp);
        };
    }

    /** JMP32: compare the low 32 bits. */
    public static boolean jump32(int jmpOp, long a, long b) {
        int x = (int) a, y = (int) b;
        return switch (jmpOp) {
            case 0x1 -> x == y;
            case 0x2 -> Integer.compareUnsigned(x, y) > 0;
            case 0x3 -> Integer.compareUnsigned(x, y) >= 0;
            case 0x4 -> (x & y) != 0;
            case 0x5 -> x != y;
            case 0x6 -> x > y;
            case 0x7 -> x >= y;
            case 0xa -> Integer.compareUnsigned(x, y) < 0;
            case 0xb -> Integer.compareUnsigned(x, y) <= 0;
            case 0xc -> x < y;
            case 0xd -> x <= y;
            default -> throw new IllegalArgumentException("not a conditional jump: " + jmpOp);
        };
    }

    /** The new memory value of an atomic add/or/and/xor (imm without the fetch bit); xchg stores src. */
    public static long atomicApply(int imm, long old, long src) {
        return switch (imm & ~1) {
            case 0x00 -> old + src;
            case 0x40 -> old | src;
            case 0x50 -> old & src;
            case 0xa0 -> old ^ src;
            case 0xe0 -> src;
            default -> throw new IllegalArgumentException("not an atomic read-modify-write: 0x" + Integer.toHexString(imm));
        };
    }
}
