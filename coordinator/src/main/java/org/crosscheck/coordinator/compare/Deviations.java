package org.crosscheck.coordinator.compare;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * Known, documented deviations of runtimes from RFC 9669 (as the reference interpreter implements
 * it), declared as data: a campaign counts a divergence a deviation explains
 * ({@code crosscheck_deviations_total{runtime, deviation}}) instead of reporting it as a finding.
 * Each has the runtimes it applies to (a name pattern), an id for metrics, a description for people,
 * and a matcher deciding from the program, its input, the reference outcome and the runtime's
 * outcome whether the deviation explains the difference. Matchers are exact where they can be: they
 * compute what the deviating runtime must have produced and compare.
 */
public final class Deviations {
    private Deviations() {}

    /** Decides whether a deviation explains {@code outcome} where the reference gave {@code reference}. */
    @FunctionalInterface
    public interface Matcher {
        boolean explains(Program program, byte[] memory, Outcome reference, Outcome outcome);
    }

    public record Deviation(Pattern runtime, String id, String description, Matcher matcher) {}

    public static final List<Deviation> KNOWN = List.of(
            new Deviation(Pattern.compile("kernel|dpdk-interp|dpdk-jit"), "uninitialized-register",
                    "the program reads a register that some path leaves unwritten: the reference starts r0 and r3-r9 at 0 (a "
                            + "convention of ours; RFC 9669 leaves them undefined), the kernel's verifier ('!read_ok') and DPDK's "
                            + "validator ('reg value is undefined') refuse the read, and their faithful runtimes set only r1 and r2 "
                            + "(a refusal of a register every path wrote stays a finding)",
                    Deviations::uninitializedRegister),
            new Deviation(Pattern.compile("dpdk-.*"), "dpdk-division-by-zero",
                    "DPDK ends the run with r0 = 0 at a division or modulo by zero (RFC 9669: x / 0 = 0, x % 0 = x), "
                            + "and its validator refuses a program dividing by a register it knows to be zero",
                    Deviations::dpdkDivisionByZero),
            new Deviation(Pattern.compile("plugin:.*"), "plugin-memory-not-reported",
                    "the bpf_conformance plugin protocol reports r0 only, so a plugin's final memory is unknown "
                            + "(it is shown as the input memory)",
                    (p, mem, ref, o) -> ref instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && r.sameR0(q) && Arrays.equals(q.memory(), mem)),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-in-r0",
                    "the reference returned an address of its own layout in r0 (the input memory at 0x1000000000, the stack "
                            + "frames below 0x2000001000): every runtime puts memory elsewhere, so the addresses differ by design "
                            + "(the memory itself is still compared)",
                    (p, mem, ref, o) -> ref instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && isAddress(r.r0(), mem.length) && Arrays.equals(r.memory(), q.memory())),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-derived-r0",
                    "the reference's r0 is computed from an address of its own layout (a pointer masked, shifted, "
                            + "sign-extended, added to, spilled and reloaded), or a branch it took compared one, or it accessed "
                            + "memory through a pointer offset by a value computed from an address: every runtime "
                            + "puts memory elsewhere, so such values differ by design (the memory itself is still compared)",
                    (p, mem, ref, o) -> ref instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && Arrays.equals(r.memory(), q.memory()) && r0FromAddress(p, mem)),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-derived-memory",
                    "the input memory differs only in bytes the reference computed from an address of its own layout (a "
                            + "pointer stored there, or a value derived from one), or anywhere after a branch on one or an access "
                            + "through a pointer offset by a value computed from an address: every runtime puts "
                            + "memory elsewhere, so such bytes differ by design (r0 and the other bytes are still compared)",
                    Deviations::memoryFromAddress));

    private static final Pattern KERNEL_UNREAD = Pattern.compile("^R(\\d+) !read_ok \\(at pc (\\d+):");
    private static final Pattern DPDK_UNDEFINED = Pattern.compile("(src|dst) reg value is undefined at pc: (\\d+)");

    /** A refused read of a register the rejection names (or DPDK's operand) that some path leaves unwritten. */
    static boolean uninitializedRegister(Program p, byte[] memory, Outcome reference, Outcome outcome) {
        if (reference instanceof Outcome.Rejected || !(outcome instanceof Outcome.Rejected r) || r.reason() == null) return false;
        java.util.regex.Matcher k = KERNEL_UNREAD.matcher(r.reason());
        if (k.find()) return UnwrittenRegisters.mayBeUnwritten(p, Integer.parseInt(k.group(2)), Integer.parseInt(k.group(1)));
        java.util.regex.Matcher d = DPDK_UNDEFINED.matcher(r.reason());
        if (!d.find()) return false;
        int pc = Integer.parseInt(d.group(2));
        Insn i = pc < p.slotCount() ? p.at(pc) : null;
        return i != null && UnwrittenRegisters.mayBeUnwritten(p, pc, d.group(1).equals("src") ? i.src() : i.dst());
    }

    /**
     * Whether the reference's r0 at exit is computed from an address: taint flows from r1 (the input
     * pointer) and r10 (the frame pointer) through moves, arithmetic, calls and memory (per byte), and
     * a constant or a loaded untainted value clears it; a conditional jump on a tainted register makes r0
     * depend on the address through control flow (the campaign found `if w1 s>= 38` on the input pointer),
     * and so does an access through an address computed from one otherwise than by adding a non-address.
     * Over-approximates (r1 & 0 is tainted), so it is asked only about an r0 that differs while the memory
     * agrees.
     */
    static boolean r0FromAddress(Program program, byte[] memory) {
        AddressTaint taint = addressTaint(program, memory);
        return taint.returned() && (taint.r0() || taint.steered());
    }

    /**
     * Whether the memories differ only where the reference stored a value computed from an address
     * (or anywhere, when the layout steered the run), with r0 the same or itself computed from an address. A
     * DPDK campaign reported {@code r5 = r1; *(u64 *)(r5 + 0) = r1} as a memory mismatch.
     */
    static boolean memoryFromAddress(Program program, byte[] memory, Outcome reference, Outcome outcome) {
        if (!(reference instanceof Outcome.Returned r && outcome instanceof Outcome.Returned q)) return false;
        if (Arrays.equals(r.memory(), q.memory()) || r.memory().length != q.memory().length) return false;
        AddressTaint taint = addressTaint(program, memory);
        if (!taint.returned()) return false;
        if (!r.sameR0(q) && !taint.r0() && !taint.steered()) return false;
        if (taint.steered()) return true;
        for (int k = 0; k < r.memory().length; k++) {
            if (r.memory()[k] != q.memory()[k] && !taint.bytes().contains(Layout.MEM_BASE + k)) return false;
        }
        return true;
    }

    /**
     * The address taint of a reference run (see {@link #r0FromAddress}): whether r0 at exit holds a
     * value computed from an address, whether the layout steered the run (a branch compared an
     * address, or a memory access went through an address that is not a pointer plus a non-address:
     * {@code r1 & 127} added to a pointer), the pcs of the instructions
     * whose destination got such a value at some execution, and the addresses of the bytes holding
     * such a value at exit.
     */
    public record AddressTaint(boolean returned, boolean r0, boolean steered, Set<Integer> addressDefs, Set<Long> bytes) {}

    /** Pcs of the instructions that computed a value from an address (r1, r10) in the reference run. */
    public static Set<Integer> addressDefs(Program program, byte[] memory) {
        return addressTaint(program, memory).addressDefs();
    }

    static AddressTaint addressTaint(Program program, byte[] memory) {
        Set<Integer> defs = new HashSet<>();
        boolean[] steered = {false};
        boolean[] t = new boolean[11];  // computed from an address
        boolean[] x = new boolean[11];  // exactly a pointer: r1 or r10 plus values that are not addresses
        t[1] = t[10] = x[1] = x[10] = true;
        Set<Long> bytes = new HashSet<>();   // tainted byte addresses
        ArrayDeque<boolean[]> frames = new ArrayDeque<>();
        Outcome o = new Interpreter().trace(program, memory, Limits.DEFAULT, (pc, r) -> {
            Insn i = program.at(pc);
            if (i == null) return;
            Op op = i.op();
            int d = i.dst(), sr = i.src();
            boolean addOrSub = op.mnemonic.equals("add") || op.mnemonic.equals("sub");
            switch (op.shape) {
                case ALU_IMM -> {
                    if (op.mnemonic.startsWith("mov")) t[d] = false;
                    x[d] &= addOrSub;
                }
                case ALU_REG -> {
                    if (op.mnemonic.startsWith("mov")) {
                        t[d] = t[sr];
                        x[d] = x[sr] && op.mnemonic.equals("mov");
                    } else {
                        // pointer + scalar, pointer - scalar and scalar + pointer stay pointers
                        x[d] = addOrSub && (x[d] && !t[sr] || op.mnemonic.equals("add") && !t[d] && x[sr]);
                        t[d] |= t[sr];
                    }
                }
                case LDDW, LD_ABS, LD_IND -> t[op.shape == Shape.LDDW ? d : 0] = false;
                case LDX, LOAD_ACQ -> {
                    steered[0] |= t[sr] && !x[sr];
                    t[d] = x[d] = anyTainted(bytes, r[sr] + i.off(), op.size()); // a spilled pointer comes back as one
                }
                case ST -> {
                    steered[0] |= t[d] && !x[d];
                    taint(bytes, r[d] + i.off(), op.size(), false);
                }
                case STX, STORE_REL -> {
                    steered[0] |= t[d] && !x[d];
                    taint(bytes, r[d] + i.off(), op.size(), t[sr]);
                }
                case ATOMIC -> {
                    steered[0] |= t[d] && !x[d];
                    long a = r[d] + i.off();
                    boolean old = anyTainted(bytes, a, op.size());
                    boolean cmpxchg = (i.imm() & 0xf0) == 0xf0, fetch = (i.imm() & 1) != 0;
                    taint(bytes, a, op.size(), (i.imm() & 0xf0) == 0xe0 ? t[sr] : old | t[sr]);
                    if (cmpxchg) t[0] = x[0] = old;
                    else if (fetch) t[sr] = x[sr] = old;
                }
                case CALL_HELPER, CALLX -> { // unwind returns r1
                    t[0] = t[1];
                    x[0] = x[1];
                }
                case CALL_RUNTIME -> t[0] = false;
                case CALL_LOCAL -> {
                    boolean[] saved = new boolean[8];
                    System.arraycopy(t, 6, saved, 0, 4);
                    System.arraycopy(x, 6, saved, 4, 4);
                    frames.push(saved);
                }
                case EXIT -> {
                    if (frames.isEmpty()) break;
                    boolean[] saved = frames.pop();
                    System.arraycopy(saved, 0, t, 6, 4);
                    System.arraycopy(saved, 4, x, 6, 4);
                }
                case JMP_IMM -> steered[0] |= t[d];
                case JMP_REG -> steered[0] |= t[d] | t[sr];
                default -> { // unconditional jumps keep what they had; byte swaps and negation keep the taint only
                    if (op.shape.dstWritten) x[d] = false;
                }
            }
            for (int k = 0; k < 11; k++) x[k] &= t[k];
            if (op.shape.dstWritten && t[d]) defs.add(pc);
        }).outcome();
        return new AddressTaint(o instanceof Outcome.Returned, t[0], steered[0], defs, bytes);
    }

    private static boolean anyTainted(Set<Long> bytes, long a, int size) {
        if (bytes.isEmpty()) return false; // most programs never store an address
        for (int k = 0; k < size; k++) if (bytes.contains(a + k)) return true;
        return false;
    }

    private static void taint(Set<Long> bytes, long a, int size, boolean tainted) {
        if (!tainted && bytes.isEmpty()) return;
        for (int k = 0; k < size; k++) {
            if (tainted) bytes.add(a + k);
            else bytes.remove(a + k);
        }
    }

    /** Whether v points into the input memory (or just past it) or into the stack, in the reference's layout. */
    static boolean isAddress(long v, int memoryLength) {
        return (v >= Layout.MEM_BASE && v <= Layout.MEM_BASE + memoryLength) || (v >= Layout.STACK_BASE && v <= Layout.STACK_TOP);
    }

    /** The first deviation of {@code runtime} that explains its outcome, or null. */
    public static Deviation explain(String runtime, Program program, byte[] memory, Outcome reference, Outcome outcome) {
        for (Deviation d : KNOWN) {
            if (d.runtime().matcher(runtime).matches() && d.matcher().explains(program, memory, reference, outcome)) return d;
        }
        return null;
    }

    /**
     * DPDK's loader refused the program for a division by zero, or the reference run divides by zero
     * at pc P (executed once: no loop around it) and DPDK returned what the program returns when P
     * is replaced by {@code r0 = 0; exit} (same r0, same memory).
     */
    static boolean dpdkDivisionByZero(Program program, byte[] memory, Outcome reference, Outcome outcome) {
        // DPDK's validator names the refusal itself (on any path, taken by the reference or not)
        if (outcome instanceof Outcome.Rejected r) return r.stage() == Outcome.Stage.LOADER && r.reason().contains("division by 0");
        if (!(outcome instanceof Outcome.Returned)) return false;
        int pc = firstZeroDivision(program, memory);
        if (pc < 0) return false;
        List<Insn> insns = new ArrayList<>(program.insns());
        insns.set(program.indexAt(pc), Insn.of(Op.JA).withJumpOffset(program.slotCount() - pc - 1));
        insns.add(Insn.imm(Op.MOV64_IMM, 0, 0));
        insns.add(Insn.of(Op.EXIT));
        try {
            return new Interpreter().run(Program.of(insns), memory, Limits.DEFAULT).sameAs(outcome);
        } catch (DecodeException e) {
            return false;
        }
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** The pc of the first division or modulo by zero the interpreter executes, -1 if none (or if that pc ran before). */
    static int firstZeroDivision(Program program, byte[] memory) {
        int[] found = {-1};
        boolean[] seen = new boolean[program.slotCount()];
        try {
            new Interpreter().trace(program, memory, Limits.DEFAULT, (pc, r) -> {
                Insn i = program.at(pc);
                boolean again = seen[pc];
                seen[pc] = true;
                if (i == null || !i.op().mnemonic.matches("(div|mod|sdiv|smod)(32)?")) return;
                long divisor = i.op().shape == org.crosscheck.isa.Shape.ALU_REG ? r[i.src()] : i.imm();
                if (i.op().is32()) divisor &= 0xffff_ffffL;
                if (divisor != 0) return;
                found[0] = again ? -1 : pc;
                throw new Stop();
            });
        } catch (Stop stop) {
            return found[0];
        }
        return -1;
    }
}
