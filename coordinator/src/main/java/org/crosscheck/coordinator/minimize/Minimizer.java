package org.crosscheck.coordinator.minimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.crosscheck.coordinator.compare.Deviations;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * Delta debugging (ddmin) of a failing case: removes instructions (re-targeting jumps that pointed
 * at removed ones), turns operations into moves of their operand or of the value they computed,
 * then shrinks and zeroes the input memory, keeping whatever the predicate says is "the same
 * divergence". The predicate re-runs only the runtimes involved; its calls are capped.
 */
public final class Minimizer {
    /** A case: program and input memory. */
    public record Case(Program program, byte[] memory) {}

    private final BiPredicate<Program, byte[]> stillFails;
    private final int maxTests;
    private final long deadline;
    private int tests;

    /** Stops after {@code maxTests} predicate calls or {@code maxMillis}, whichever comes first. */
    public Minimizer(BiPredicate<Program, byte[]> stillFails, int maxTests, long maxMillis) {
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

    public Case minimize(Program program, byte[] memory) {
        Node[] nodes = nodes(program);
        Program best = program;
        Reduced reduced = ddmin(nodes, best, memory);
        nodes = reduced.nodes();
        best = reduced.program();
        // simplify the survivors into moves where the divergence does not need the operation:
        // lddw of a 32-bit value, and ALU operations (often the epilogue's fold into r0)
        for (int k = 0; k < nodes.length && budgetLeft(); k++) {
            Insn simpler = simpler(nodes[k].insn);
            if (simpler == null) continue;
            Node[] candidate = nodes.clone();
            candidate[k] = new Node(simpler, nodes[k].id, -1);
            Program p = build(candidate);
            if (p != null && test(p, memory)) {
                nodes = candidate;
                best = p;
            }
        }
        // replace what computes a register by the value the reference interpreter computed there:
        // ALU chains and loads that only feed the divergence vanish from the reproducer (and its
        // title), and what computed their operands can then go too. Never a value computed from an
        // address: as a constant it is an address of the reference's layout only, and a runtime
        // placing memory elsewhere (all but ours) fails on it for another reason
        boolean substituted = false;
        Map<Integer, Long> values = null; // of best, traced again only when best changes
        Set<Integer> addressDefs = null;
        for (int k = 0; k < nodes.length && budgetLeft(); k++) {
            Insn i = nodes[k].insn;
            if (!VALUE_OPS.contains(i.op().shape) || i.op() == Op.MOV64_IMM || i.op() == Op.MOV32_IMM) continue;
            if (values == null) {
                values = valuesAfter(best, memory);
                addressDefs = Deviations.addressDefs(best, memory);
            }
            Long value = values.get(best.pcOf(k));
            if (value == null || addressDefs.contains(best.pcOf(k))) continue; // not executed (or the run ended there), or an address
            Node[] candidate = nodes.clone();
            candidate[k] = new Node(constant(i.dst(), value), nodes[k].id, -1);
            Program p = build(candidate);
            if (p != null && test(p, memory)) {
                nodes = candidate;
                best = p;
                substituted = true;
                values = null;
            }
        }
        if (substituted) {
            reduced = ddmin(nodes, best, memory);
            nodes = reduced.nodes();
            best = reduced.program();
        }
        // shrink memory: shorter (halving from the end), then zero chunks
        byte[] mem = memory;
        for (int len = mem.length / 2; len >= 0 && budgetLeft(); len = len == 0 ? -1 : len / 2) {
            byte[] shorter = Arrays.copyOf(mem, len);
            if (test(best, shorter)) mem = shorter;
            else break;
        }
        for (int size = Math.max(1, mem.length / 2); size >= 1 && budgetLeft(); size /= 2) {
            for (int at = 0; at < mem.length && budgetLeft(); at += size) {
                byte[] zeroed = mem.clone();
                boolean nonZero = false;
                for (int b = at; b < Math.min(mem.length, at + size); b++) {
                    nonZero |= zeroed[b] != 0;
                    zeroed[b] = 0;
                }
                if (nonZero && test(best, zeroed)) mem = zeroed;
            }
            if (size == 1) break;
        }
        return new Case(best, mem);
    }

    /** Shapes of instructions whose only effect is a register's value. */
    private static final Set<Shape> VALUE_OPS = EnumSet.of(Shape.ALU_IMM, Shape.ALU_REG, Shape.NEG, Shape.ENDIAN, Shape.LDX, Shape.LOAD_ACQ);
    private static final Interpreter REFERENCE = new Interpreter();

    /**
     * By pc: the value of the destination register after the first execution of the instruction
     * there (read when the reference interpreter is about to execute the next one).
     */
    private static Map<Integer, Long> valuesAfter(Program p, byte[] memory) {
        Map<Integer, Long> out = new HashMap<>();
        int[] previous = {-1};
        REFERENCE.trace(p, memory, Limits.DEFAULT, (pc, r) -> {
            int prev = previous[0];
            if (prev >= 0) out.putIfAbsent(prev, r[p.at(prev).dst()]);
            previous[0] = pc;
        });
        return out;
    }

    /** The shortest instruction setting register {@code dst} to {@code v}. */
    static Insn constant(int dst, long v) {
        if (v == (int) v) return Insn.imm(Op.MOV64_IMM, dst, v);
        if (v == (v & 0xffffffffL)) return Insn.imm(Op.MOV32_IMM, dst, (int) v);
        return Insn.imm(Op.LDDW, dst, v);
    }

    /** Surviving nodes and the program they build. */
    private record Reduced(Node[] nodes, Program program) {}

    /** ddmin over instructions: the surviving nodes and their program (as given when nothing goes). */
    private Reduced ddmin(Node[] nodes, Program best, byte[] memory) {
        int n = 2;
        while (nodes.length >= 2 && budgetLeft()) {
            int chunk = (nodes.length + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < nodes.length && budgetLeft(); start += chunk) {
                Node[] candidate = without(nodes, start, Math.min(nodes.length, start + chunk));
                Program p = build(candidate);
                if (p != null && test(p, memory)) {
                    nodes = candidate;
                    best = p;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= nodes.length) break;
                n = Math.min(nodes.length, n * 2);
            }
        }
        return new Reduced(nodes, best);
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
        return stillFails.test(p, memory);
    }

    /** An instruction of the original program ({@code id} = its index there) and, for jumps, the id of its target. */
    private record Node(Insn insn, int id, int target) {}

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
    private static Program build(Node[] nodes) {
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
            return Program.of(out);
        } catch (DecodeException e) {
            return null;
        }
    }
}
