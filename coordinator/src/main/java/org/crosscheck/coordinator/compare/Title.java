package org.crosscheck.coordinator.compare;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * The structured title of a finding, built from fields, never scraped from text:
 * {@code r0 mismatch: kernel vs interp [divmul64 sdiv]}. The bracket names the instructions of the
 * minimized program that are not mere setup (moves, lddw, exit), at most three, atomics first and
 * stores last ({@link #specificity}), and the group of the first.
 */
public final class Title {
    private Title() {}

    private static final Set<Op> SETUP = EnumSet.of(Op.MOV64_IMM, Op.MOV32_IMM, Op.MOV64_REG, Op.MOV32_REG, Op.LDDW, Op.EXIT);

    public static String of(Divergence d, Program minimized) {
        Set<Op> ops = culprits(minimized);
        StringBuilder sb = new StringBuilder(d.signature()).append(" [");
        if (ops.isEmpty()) return sb.append("setup only]").toString();
        sb.append(ops.iterator().next().group.id()).append(' ');
        int n = 0;
        for (Op op : ops) {
            if (n++ == 3) break;
            if (n > 1) sb.append(',');
            sb.append(name(op));
        }
        return sb.append(']').toString();
    }

    /**
     * Which ops a title names first: atomics and load-acquire/store-release (rarely incidental in a
     * minimized reproducer), then all others but stores, then stores (most often they only initialize
     * the memory the others use).
     */
    static int specificity(Op op) {
        return switch (op.shape) {
            case ATOMIC, LOAD_ACQ, STORE_REL -> 0;
            case ST, STX -> 2;
            default -> 1;
        };
    }

    /** An op's name in titles: its mnemonic without "lock " and with no spaces (cmpxchg32, fetch_add, call_local). */
    public static String name(Op op) {
        return op.mnemonic.replaceFirst("^lock ", "").replace(' ', '_');
    }

    /**
     * The non-setup ops of a program by {@link #specificity}, then in table order (all ops but exit
     * when there are none). Why: in table order the kernel's cmpxchg32 bug was filed as
     * {@code [base32 lsh32,bswap32,stdw]}, without cmpxchg32 (the shift hides r0 from the verifier,
     * the store initializes the slot).
     */
    public static Set<Op> culprits(Program p) {
        Set<Op> ops = new TreeSet<>(Comparator.comparingInt(Title::specificity).thenComparing(Comparator.naturalOrder()));
        for (Insn i : p.insns()) if (!SETUP.contains(i.op())) ops.add(i.op());
        if (ops.isEmpty()) for (Insn i : p.insns()) if (i.op() != Op.EXIT) ops.add(i.op());
        return ops;
    }
}
