package org.crosscheck.coordinator.minimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Limits;

/**
 * Shrinks a failing case while a predicate says it still shows "the same divergence" (the predicate
 * re-runs only the runtimes involved; its calls are capped). Named passes, run in this order:
 * {@link #removeInstructions} (ddmin over instructions, re-targeting jumps that pointed at removed
 * ones), {@link #operationsToMoves}, {@link #valuesToConstants} (then instructions are removed again),
 * {@link #shortenMemory} and {@link #zeroMemory}. Each pass keeps the case as it was when nothing it
 * tries still fails.
 */
public final class Minimizer {
    private final Predicate<ProgramInput> stillFails;
    private final int maxTests;
    private final long deadline;
    private int tests;

    /** Stops after {@code maxTests} predicate calls or {@code maxMillis}, whichever comes first. */
    public Minimizer(Predicate<ProgramInput> stillFails, int maxTests, long maxMillis) {
        this.stillFails = stillFails;
        this.maxTests = maxTests;
        this.deadline = System.nanoTime() + maxMillis * 1_000_000L;
    }

    private boolean budgetLeft() {
        return tests < maxTests && System.nanoTime() < deadline;
    }

    /** Number of predicate evaluations made so far. */
    public int tests() {
        return tests;
    }

    /** The case being shrunk: the surviving instructions, the program they build, its memory. */
    static final class Candidate {
        Node[] nodes;
        Program program;
        byte[] memory;

        Candidate(ProgramInput c) {
            nodes = nodes(c.program());
            program = c.program();
            memory = c.memory();
        }

        ProgramInput input() {
            return new ProgramInput(program, memory);
        }

        /** Takes {@code candidate} if it builds a program that still fails. */
        boolean tryNodes(Minimizer m, Node[] candidate) {
            Program p = build(candidate, program.globalData());
            if (p == null || !m.test(p, memory)) return false;
            nodes = candidate;
            program = p;
            return true;
        }
    }

    public ProgramInput minimize(ProgramInput input) {
        Candidate c = new Candidate(input);
        removeInstructions(c);
        operationsToMoves(c);
        if (valuesToConstants(c)) removeInstructions(c);
        shortenMemory(c);
        zeroMemory(c);
        return c.input();
    }

    /** Turns survivors into moves where the divergence does not need the operation: lddw of a 32-bit value, ALU operations. */
    void operationsToMoves(Candidate c) {
        for (int k = 0; k < c.nodes.length && budgetLeft(); k++) {
            Insn simpler = simpler(c.nodes[k].insn);
            if (simpler == null) continue;
            Node[] candidate = c.nodes.clone();
            candidate[k] = new Node(simpler, c.nodes[k].id, -1);
            c.tryNodes(this, candidate);
        }
    }

    /**
     * Replaces what computes a register by the value the reference computed there: ALU chains and
     * loads that only feed the divergence vanish from the reproducer (and its title), and what
     * computed their operands can then go too. Never a value computed from an address: as a constant
     * it is an address of the reference's layout only, and a runtime placing memory elsewhere (all but
     * ours) fails on it for another reason. Whether it replaced any.
     */
    boolean valuesToConstants(Candidate c) {
        boolean substituted = false;
        ReferenceTrace trace = null; // of c's program, traced again only when it changes
        for (int k = 0; k < c.nodes.length && budgetLeft(); k++) {
            Insn i = c.nodes[k].insn;
            if (!VALUE_OPS.contains(i.op().shape) || i.op() == Op.MOV64_IMM || i.op() == Op.MOV32_IMM) continue;
            if (trace == null) trace = Reference.trace(c.input(), Limits.DEFAULT);
            int pc = c.program.pcOf(k);
            Long value = trace.valuesAfter().get(pc);
            if (value == null || trace.addressTaint().addressDefs().contains(pc)) continue; // not executed (or the run ended there), or an address
            Node[] candidate = c.nodes.clone();
            candidate[k] = new Node(constant(i.dst(), value), c.nodes[k].id, -1);
            if (c.tryNodes(this, candidate)) {
                substituted = true;
                trace = null;
            }
        }
        return substituted;
    }

    /** Shortens the memory, halving it from the end while the case still fails. */
    void shortenMemory(Candidate c) {
        for (int len = c.memory.length / 2; len >= 0 && budgetLeft(); len = len == 0 ? -1 : len / 2) {
            byte[] shorter = Arrays.copyOf(c.memory, len);
            if (!test(c.program, shorter)) break;
            c.memory = shorter;
        }
    }

    /** Zeroes chunks of the memory (halves, quarters, ... bytes) where the case still fails. */
    void zeroMemory(Candidate c) {
        for (int size = Math.max(1, c.memory.length / 2); size >= 1 && budgetLeft(); size /= 2) {
            for (int at = 0; at < c.memory.length && budgetLeft(); at += size) {
                byte[] zeroed = c.memory.clone();
                boolean nonZero = false;
                for (int b = at; b < Math.min(zeroed.length, at + size); b++) {
                    nonZero |= zeroed[b] != 0;
                    zeroed[b] = 0;
                }
                if (nonZero && test(c.program, zeroed)) c.memory = zeroed;
            }
            if (size == 1) break;
        }
    }

    /** Shapes of instructions whose only effect is a register's value. */
    private static final Set<Shape> VALUE_OPS = EnumSet.of(Shape.ALU_IMM, Shape.ALU_REG, Shape.NEG, Shape.ENDIAN, Shape.LDX, Shape.LOAD_ACQ);
    /** The shortest instruction setting register {@code dst} to {@code v}. */
    static Insn constant(int dst, long v) {
        if (v == (int) v) return Insn.imm(Op.MOV64_IMM, dst, v);
        if (v == (v & 0xffffffffL)) return Insn.imm(Op.MOV32_IMM, dst, (int) v);
        return Insn.imm(Op.LDDW, dst, v);
    }

    /** ddmin over instructions: removes chunks (halves, then smaller) while the case still fails. */
    void removeInstructions(Candidate c) {
        int n = 2;
        while (c.nodes.length >= 2 && budgetLeft()) {
            int chunk = (c.nodes.length + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < c.nodes.length && budgetLeft(); start += chunk) {
                if (c.tryNodes(this, without(c.nodes, start, Math.min(c.nodes.length, start + chunk)))) {
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= c.nodes.length) break;
                n = Math.min(c.nodes.length, n * 2);
            }
        }
    }

    /** A move doing less than {@code i}, or null. */
    private static Insn simpler(Insn i) {
        Op op = i.op();
        if (op == Op.LDDW && i.imm() == (int) i.imm()) return Insn.imm(Op.MOV64_IMM, i.dst(), i.imm());
        boolean is64 = op.insnClass() == 0x07;
        if (op.shape == org.crosscheck.isa.Shape.ALU_REG && op != Op.MOV64_REG && op != Op.MOV32_REG) {
            return Insn.reg(is64 ? Op.MOV64_REG : Op.MOV32_REG, i.dst(), i.src());
        }
        if (op.shape == org.crosscheck.isa.Shape.ALU_IMM && op != Op.MOV64_IMM && op != Op.MOV32_IMM) {
            return Insn.imm(is64 ? Op.MOV64_IMM : Op.MOV32_IMM, i.dst(), i.imm());
        }
        return null;
    }

    /** Candidates that read stack never written are refused: their outcome is not defined. */
    private boolean test(Program p, byte[] memory) {
        if (!StackInit.readsOnlyWrittenStack(p)) return false;
        tests++;
        return stillFails.test(new ProgramInput(p, memory));
    }

    /** An instruction of the original program ({@code id} = its index there) and, for jumps, the id of its target. */
    record Node(Insn insn, int id, int target) {}

    private static Node[] nodes(Program p) {
        List<Insn> insns = p.insns();
        Node[] nodes = new Node[insns.size()];
        for (int k = 0; k < nodes.length; k++) {
            Insn i = insns.get(k);
            int target = i.op().shape.isJump() ? p.indexAt(p.pcOf(k) + 1 + i.jumpOffset()) : -1;
            nodes[k] = new Node(i, k, target);
        }
        return nodes;
    }

    private static Node[] without(Node[] nodes, int from, int to) {
        Node[] out = new Node[nodes.length - (to - from)];
        System.arraycopy(nodes, 0, out, 0, from);
        System.arraycopy(nodes, to, out, from, nodes.length - to);
        return out;
    }

    /** Materialises nodes into a program: a jump to a removed node goes to the next survivor; null if invalid. */
    /** The program of {@code nodes}, with the case's global data (null when it does not validate). */
    private static Program build(Node[] nodes, org.crosscheck.isa.GlobalData globals) {
        if (nodes.length == 0) return null;
        int[] pc = new int[nodes.length + 1];
        for (int k = 0; k < nodes.length; k++) pc[k + 1] = pc[k] + nodes[k].insn.slots();
        List<Insn> out = new ArrayList<>(nodes.length);
        for (int k = 0; k < nodes.length; k++) {
            Node n = nodes[k];
            if (n.target < 0) {
                out.add(n.insn);
                continue;
            }
            int t = 0;
            while (t < nodes.length && nodes[t].id < n.target) t++;
            if (t == nodes.length) return null;
            out.add(n.insn.withJumpOffset(pc[t] - pc[k] - 1));
        }
        try {
            return Program.of(out, globals);
        } catch (DecodeException e) {
            return null;
        }
    }
}
