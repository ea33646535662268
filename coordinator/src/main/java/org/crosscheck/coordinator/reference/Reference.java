package org.crosscheck.coordinator.reference;

import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
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
     * size}, in order, each once), and its outcome.
     */
    public record Path(long hash, int[] reads, Outcome outcome) {}

    /**
     * What the reference needs to take {@link Path}s of one program cheaply on many inputs: per pc, the
     * register an input read is based on (or the input itself, for packet loads), its offset and width.
     */
    public static final class PathProbe {
        private static final int NONE = -1, INPUT = 16;
        private final org.crosscheck.runtime.interp.Interpreter.Traceable program;
        private final int[] base, offset, size;

        public PathProbe(Program program) {
            this.program = INTERPRETER.traceable(program);
            int slots = program.slotCount();
            base = new int[slots];
            offset = new int[slots];
            size = new int[slots];
            java.util.Arrays.fill(base, NONE);
            int pc = 0;
            for (Insn i : program.insns()) {
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

        /** Runs the reference on {@code memory}: its path (see {@link Path}) and outcome. */
        public Path run(byte[] memory, Limits limits) {
            int length = memory.length;
            long[] hash = {0xcbf29ce484222325L};
            java.util.BitSet seen = new java.util.BitSet();
            int[][] reads = {new int[8]};
            int[] n = {0};
            Outcome o = program.trace(memory, limits, (pc, r) -> {
                hash[0] = (hash[0] ^ pc) * 0x100000001b3L; // FNV-1a over the pcs
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
            return new Path(hash[0], java.util.Arrays.copyOf(reads[0], n[0]), o);
        }
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
