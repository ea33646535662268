package org.crosscheck.coordinator.reference;

import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * The reference: RFC 9669 as our interpreter implements it, the runtime every other is compared
 * with. The engine reaches it only through here: one named runtime, one interpreter.
 */
public final class Reference {
    private Reference() {}

    /** The reference runtime's name in campaigns, outcomes and findings. */
    public static final String NAME = "interp";

    /** Stateless between runs (each builds its own machine), so threads share it. */
    static final Interpreter INTERPRETER = new Interpreter();

    /** The reference's outcome, without a trace (the fast path). */
    public static Outcome run(ProgramInput input, Limits limits) {
        return INTERPRETER.run(input.program(), input.memory(), limits);
    }

    /**
     * The path the reference took on an input: a hash of the sequence of pcs it executed (two inputs with
     * the same branch outcomes have the same sequence), the reads of the input it made ({@code offset << 4 |
     * size}, in order, each once), the {@link Hint}s its divisions, shifts and comparisons gave, and its outcome.
     */
    public record Path(long hash, int[] reads, List<Hint> hints, Outcome outcome) {}

    /**
     * Input-to-state correspondence: an operand of a division, shift or comparison held the value the program
     * had read at {@code read} ({@code offset << 4 | size}); putting {@code value} there (and {@code value2}
     * at {@code read2}, when that is not -1: a signed division's dividend and divisor together) drives the
     * instruction to its edge: a divisor of 0 or -1 under the most negative dividend, a shift by the width, a
     * comparison's other side.
     */
    public record Hint(int read, long value, int read2, long value2) {
        static Hint of(int read, long value) {
            return new Hint(read, value, -1, 0);
        }
    }

    /** At most this many hints a path (the first ones met). */
    static final int MAX_HINTS = 32;

    /**
     * What the reference needs to take {@link Path}s of one program cheaply on many inputs: per pc, the
     * register an input read is based on (or the input itself, for packet loads), its offset and width.
     */
    public static final class PathProbe {
        private static final int NONE = -1, INPUT = 16;
        /** What a pc's operands are to hints: nothing, a division (signed or not), a shift, a comparison. */
        private static final byte PLAIN = 0, DIV = 1, SDIV = 2, SHIFT = 3, CMP = 4;
        private final org.crosscheck.runtime.interp.Interpreter.Traceable program;
        private final int[] base, offset, size;
        private final Insn[] insnAt;
        private final byte[] sink;

        public PathProbe(Program program) {
            this.program = INTERPRETER.traceable(program);
            int slots = program.slotCount();
            base = new int[slots];
            offset = new int[slots];
            size = new int[slots];
            java.util.Arrays.fill(base, NONE);
            insnAt = new Insn[slots];
            sink = new byte[slots];
            int pc = 0;
            for (Insn i : program.insns()) {
                insnAt[pc] = i;
                sink[pc] = sinkOf(i.op());
                switch (i.op().shape) {
                    case LDX, LOAD_ACQ -> set(pc, i.src(), i.off(), i.op().size());
                    case ATOMIC -> set(pc, i.dst(), i.off(), i.op().size());
                    case LD_ABS -> set(pc, INPUT, (int) i.imm(), i.op().size());
                    case LD_IND -> set(pc, INPUT + 1 + i.src(), (int) i.imm(), i.op().size());
                    default -> {}
                }
                pc += i.slots();
            }
        }

        private void set(int pc, int b, int off, int sz) {
            base[pc] = b;
            offset[pc] = off;
            size[pc] = sz;
        }

        private static byte sinkOf(Op op) {
            return switch (op) {
                case DIV32_REG, DIV64_REG, MOD32_REG, MOD64_REG -> DIV;
                case SDIV32_REG, SDIV64_REG, SMOD32_REG, SMOD64_REG, SDIV32_IMM, SDIV64_IMM, SMOD32_IMM, SMOD64_IMM -> SDIV;
                case LSH32_REG, LSH64_REG, RSH32_REG, RSH64_REG, ARSH32_REG, ARSH64_REG -> SHIFT;
                default -> op.shape == Shape.JMP_IMM || op.shape == Shape.JMP_REG ? CMP : PLAIN;
            };
        }

        /** Runs the reference on {@code memory}: its path (see {@link Path}) and outcome. */
        public Path run(byte[] memory, Limits limits) {
            int length = memory.length;
            long[] hash = {0xcbf29ce484222325L};
            java.util.BitSet seen = new java.util.BitSet();
            int[][] reads = {new int[8]};
            int[] n = {0};
            java.util.LinkedHashSet<Hint> hints = new java.util.LinkedHashSet<>();
            java.util.BitSet hinted = new java.util.BitSet();
            Outcome o = program.trace(memory, limits, (pc, r) -> {
                hash[0] = (hash[0] ^ pc) * 0x100000001b3L; // FNV-1a over the pcs
                if (sink[pc] != PLAIN && n[0] > 0 && hints.size() < MAX_HINTS && !hinted.get(pc)) { // each sink once a run: loops repeat them
                    hinted.set(pc);
                    hint(insnAt[pc], sink[pc], r, memory, reads[0], n[0], hints);
                }
                int b = base[pc];
                if (b == NONE) return;
                long at = b == INPUT ? offset[pc] : b > INPUT ? (int) r[b - INPUT - 1] + (long) offset[pc] : r[b] + offset[pc] - Layout.MEM_BASE;
                if (at < 0 || at + size[pc] > length) return;
                int read = (int) at << 4 | size[pc];
                if (seen.get(read)) return;
                seen.set(read);
                if (n[0] == reads[0].length) reads[0] = java.util.Arrays.copyOf(reads[0], n[0] * 2);
                reads[0][n[0]++] = read;
            }).outcome();
            return new Path(hash[0], java.util.Arrays.copyOf(reads[0], n[0]), List.copyOf(hints), o);
        }

        /** The hints of sink instruction {@code i} about to run on registers {@code r} (see {@link Hint}). */
        private static void hint(Insn i, byte kind, long[] r, byte[] memory, int[] reads, int n, java.util.Set<Hint> out) {
            boolean w32 = i.op().is32();
            long mask = w32 ? 0xffff_ffffL : -1L, min = w32 ? 0x8000_0000L : Long.MIN_VALUE;
            int bits = w32 ? 32 : 64;
            boolean reg = i.op().shape.srcReg;
            long dst = r[i.dst()] & mask, src = reg ? r[i.src()] & mask : i.imm() & mask;
            int d = readHolding(dst, mask, memory, reads, n), s = reg ? readHolding(src, mask, memory, reads, n) : -1;
            switch (kind) {
                case DIV -> {
                    if (s >= 0) out.add(Hint.of(s, 0));
                }
                case SDIV -> {
                    if (s >= 0) {
                        out.add(Hint.of(s, 0));
                        out.add(d >= 0 && d != s ? new Hint(d, min, s, -1) : Hint.of(s, -1));
                    } else if (d >= 0 && src == mask) out.add(Hint.of(d, min)); // by the immediate -1
                }
                case SHIFT -> {
                    if (s >= 0) {
                        out.add(Hint.of(s, bits - 1));
                        out.add(Hint.of(s, bits));
                        out.add(Hint.of(s, bits + 1));
                    }
                }
                default -> { // a comparison: each side takes the other's value, and one off it
                    if (d >= 0) {
                        out.add(Hint.of(d, src));
                        out.add(Hint.of(d, src + 1));
                        out.add(Hint.of(d, src - 1));
                    }
                    if (s >= 0) out.add(Hint.of(s, dst));
                }
            }
        }

        /** The first read among {@code reads} whose value (zero- or sign-extended) is {@code v} in {@code mask}'s width; -1 if none. */
        private static int readHolding(long v, long mask, byte[] memory, int[] reads, int n) {
            for (int k = 0; k < n; k++) {
                int size = reads[k] & 0xf;
                long x = valueAt(memory, reads[k] >>> 4, size);
                long sx = size == 8 ? x : x << (64 - 8 * size) >> (64 - 8 * size);
                if ((x & mask) == v || (sx & mask) == v) return reads[k];
            }
            return -1;
        }
    }

    /** The little-endian value of {@code size} bytes at {@code offset} of an input, as a read there loads it (zero-extended). */
    public static long valueAt(byte[] memory, int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | (memory[offset + i] & 0xff);
        return v;
    }

    /** The reference trace of {@code input}: traced when first asked for its states. */
    public static ReferenceTrace trace(ProgramInput input, Limits limits) {
        return new ReferenceTrace(input, limits, null);
    }

    /** As {@link #trace(ProgramInput, Limits)}, with the outcome a run already gave (the trace is not run for it). */
    public static ReferenceTrace trace(ProgramInput input, Limits limits, Outcome outcome) {
        return new ReferenceTrace(input, limits, outcome);
    }
}
