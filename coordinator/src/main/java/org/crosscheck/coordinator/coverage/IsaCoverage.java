package org.crosscheck.coordinator.coverage;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * ISA coverage: which (instruction, operand class, edge class) cells the reference interpreter has
 * executed. The operand class is in the op itself (imm or reg form); the edge class is that of the
 * operand the instruction acts with: the immediate or source register for binary operations and
 * jumps, the destination for unary ones, the stored value for stores, nothing for the rest.
 */
public final class IsaCoverage {
    /** Edge classes of a value at the width the instruction uses. */
    public enum Edge { ZERO, ONE, MINUS_ONE, MIN, MAX, NEGATIVE, POSITIVE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int EDGES = Edge.values().length;
    private final BitSet cells = new BitSet(Op.values().length * EDGES);

    /** Edge class of v seen as a 32- or 64-bit two's complement value. */
    public static Edge edge(long v, boolean is32) {
        long x = is32 ? (int) v : v;
        if (x == 0) return Edge.ZERO;
        if (x == 1) return Edge.ONE;
        if (x == -1) return Edge.MINUS_ONE;
        if (x == (is32 ? Integer.MIN_VALUE : Long.MIN_VALUE)) return Edge.MIN;
        if (x == (is32 ? Integer.MAX_VALUE : Long.MAX_VALUE)) return Edge.MAX;
        return x < 0 ? Edge.NEGATIVE : Edge.POSITIVE;
    }

    /** Whether an op's cells are split by edge class (else it has the single cell ZERO). */
    static boolean hasOperand(Op op) {
        return switch (op.shape) {
            case ALU_IMM, ALU_REG, NEG, ENDIAN, JMP_IMM, JMP_REG, ST, STX, ATOMIC, STORE_REL, LDDW -> true;
            default -> false;
        };
    }

    /**
     * A tracer recording the cells of one program's run on its own; {@link Run#commit()} adds them to
     * the campaign's (one lock per run, not per instruction: worker threads trace at the same time).
     */
    public Run tracer(Program p) {
        return new Run(p);
    }

    /** The cells one run touched. */
    public final class Run implements Interpreter.Tracer {
        private final Program p;
        private final BitSet seen = new BitSet(Op.values().length * EDGES);

        private Run(Program p) {
            this.p = p;
        }

        @Override
        public void step(int pc, long[] r) {
            Insn i = p.at(pc);
            Op op = i.op();
            Edge e = Edge.ZERO;
            if (hasOperand(op)) {
                boolean is32 = op.is32() || (op.size() > 0 && op.size() <= 4);
                long v = switch (op.shape) {
                    case ALU_IMM, JMP_IMM, ST, LDDW -> i.imm();
                    case NEG, ENDIAN -> r[i.dst()];
                    default -> r[i.src()];
                };
                e = edge(v, is32);
            }
            seen.set(op.ordinal() * EDGES + e.ordinal());
        }

        /** Adds this run's cells to the coverage. */
        public void commit() {
            synchronized (cells) {
                cells.or(seen);
            }
        }
    }

    /** Covered and possible cells of a group, over the ops {@code allowed}. */
    public int[] count(Group g, java.util.function.Predicate<Op> allowed) {
        int covered = 0, total = 0;
        synchronized (cells) {
            for (Op op : Op.values()) {
                if (op.group != g || !allowed.test(op)) continue;
                int n = hasOperand(op) ? EDGES : 1;
                total += n;
                for (int e = 0; e < n; e++) if (cells.get(op.ordinal() * EDGES + e)) covered++;
            }
        }
        return new int[] {covered, total};
    }

    /** The cells not yet covered, as "op/edge" strings (for the campaign's coverage report). */
    public List<String> missing(java.util.function.Predicate<Op> allowed) {
        List<String> out = new ArrayList<>();
        synchronized (cells) {
            for (Op op : Op.values()) {
                if (!allowed.test(op)) continue;
                int n = hasOperand(op) ? EDGES : 1;
                for (int e = 0; e < n; e++) {
                    if (!cells.get(op.ordinal() * EDGES + e)) out.add(op.name().toLowerCase(Locale.ROOT) + (n > 1 ? "/" + Edge.values()[e].id() : ""));
                }
            }
        }
        return out;
    }
}
