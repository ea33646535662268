package org.crosscheck.coordinator.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.coordinator.reference.AddressTaint;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.coordinator.reference.ReferenceTrace;

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

    /** Decides whether a deviation explains {@code outcome} where the reference did what {@code reference} shows. */
    @FunctionalInterface
    public interface Matcher {
        boolean explains(ReferenceTrace reference, Outcome outcome);
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
                    (ref, o) -> ref.outcome() instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && r.sameR0(q) && Arrays.equals(q.memory(), ref.memory())),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-in-r0",
                    "the reference returned an address of its own layout in r0 (the input memory at 0x1000000000, the stack "
                            + "frames below 0x2000001000): every runtime puts memory elsewhere, so the addresses differ by design "
                            + "(the memory itself is still compared)",
                    (ref, o) -> ref.outcome() instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && isAddress(r.r0(), ref.memory().length) && Arrays.equals(r.memory(), q.memory())),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-derived-r0",
                    "the reference's r0 is computed from an address of its own layout (a pointer masked, shifted, "
                            + "sign-extended, added to, spilled and reloaded), or a branch it took compared one, or it accessed "
                            + "memory through a pointer offset by a value computed from an address: every runtime "
                            + "puts memory elsewhere, so such values differ by design (the memory itself is still compared)",
                    (ref, o) -> ref.outcome() instanceof Outcome.Returned r && o instanceof Outcome.Returned q
                            && Arrays.equals(r.memory(), q.memory()) && r0FromAddress(ref)),
            new Deviation(Pattern.compile("kernel.*|dpdk-.*|plugin:.*"), "address-derived-memory",
                    "the input memory differs only in bytes the reference computed from an address of its own layout (a "
                            + "pointer stored there, or a value derived from one), or anywhere after a branch on one or an access "
                            + "through a pointer offset by a value computed from an address: every runtime puts "
                            + "memory elsewhere, so such bytes differ by design (r0 and the other bytes are still compared)",
                    Deviations::memoryFromAddress));

    private static final Pattern KERNEL_UNREAD = Pattern.compile("^R(\\d+) !read_ok \\(at pc (\\d+):");
    private static final Pattern DPDK_UNDEFINED = Pattern.compile("(src|dst) reg value is undefined at pc: (\\d+)");

    /** A refused read of a register the rejection names (or DPDK's operand) that some path leaves unwritten. */
    static boolean uninitializedRegister(ReferenceTrace reference, Outcome outcome) {
        Program p = reference.program();
        if (reference.outcome() instanceof Outcome.Rejected || !(outcome instanceof Outcome.Rejected r) || r.reason() == null) return false;
        java.util.regex.Matcher k = KERNEL_UNREAD.matcher(r.reason());
        if (k.find()) return UnwrittenRegisters.mayBeUnwritten(p, Integer.parseInt(k.group(2)), Integer.parseInt(k.group(1)));
        java.util.regex.Matcher d = DPDK_UNDEFINED.matcher(r.reason());
        if (!d.find()) return false;
        int pc = Integer.parseInt(d.group(2));
        Insn i = pc < p.slotCount() ? p.at(pc) : null;
        return i != null && UnwrittenRegisters.mayBeUnwritten(p, pc, d.group(1).equals("src") ? i.src() : i.dst());
    }

    /**
     * Whether the reference's r0 at exit is computed from an address ({@link AddressTaint}): a conditional
     * jump on a tainted register makes r0 depend on the address through control flow (the campaign found
     * `if w1 s>= 38` on the input pointer), and so does an access through an address computed from one
     * otherwise than by adding a non-address. Over-approximates, so it is asked only about an r0 that
     * differs while the memory agrees.
     */
    static boolean r0FromAddress(ReferenceTrace reference) {
        AddressTaint taint = reference.addressTaint();
        return taint.returned() && (taint.r0() || taint.steered());
    }

    /**
     * Whether the memories differ only where the reference stored a value computed from an address
     * (or anywhere, when the layout steered the run), with r0 the same or itself computed from an address. A
     * DPDK campaign reported {@code r5 = r1; *(u64 *)(r5 + 0) = r1} as a memory mismatch.
     */
    static boolean memoryFromAddress(ReferenceTrace reference, Outcome outcome) {
        if (!(reference.outcome() instanceof Outcome.Returned r && outcome instanceof Outcome.Returned q)) return false;
        if (Arrays.equals(r.memory(), q.memory()) || r.memory().length != q.memory().length) return false;
        AddressTaint taint = reference.addressTaint();
        if (!taint.returned()) return false;
        if (!r.sameR0(q) && !taint.r0() && !taint.steered()) return false;
        if (taint.steered()) return true;
        for (int k = 0; k < r.memory().length; k++) {
            if (r.memory()[k] != q.memory()[k] && !taint.bytes().contains(Layout.MEM_BASE + k)) return false;
        }
        return true;
    }

    /** Whether v points into the input memory (or just past it) or into the stack, in the reference's layout. */
    static boolean isAddress(long v, int memoryLength) {
        return (v >= Layout.MEM_BASE && v <= Layout.MEM_BASE + memoryLength) || (v >= Layout.STACK_BASE && v <= Layout.STACK_TOP);
    }

    /** The first deviation of {@code runtime} that explains its outcome, or null. */
    public static Deviation explain(String runtime, ReferenceTrace reference, Outcome outcome) {
        for (Deviation d : KNOWN) {
            if (d.runtime().matcher(runtime).matches() && d.matcher().explains(reference, outcome)) return d;
        }
        return null;
    }

    /** As {@link #explain(String, ReferenceTrace, Outcome)}, for a program the reference ran within the default limits. */
    public static Deviation explain(String runtime, Program program, byte[] memory, Outcome reference, Outcome outcome) {
        return explain(runtime, Reference.trace(new ProgramInput(program, memory), Limits.DEFAULT, reference), outcome);
    }

    /**
     * DPDK's loader refused the program for a division by zero, or the reference run divides by zero
     * at pc P (executed once: no loop around it) and DPDK returned what the program returns when P
     * is replaced by {@code r0 = 0; exit} (same r0, same memory).
     */
    static boolean dpdkDivisionByZero(ReferenceTrace reference, Outcome outcome) {
        // DPDK's validator names the refusal itself (on any path, taken by the reference or not)
        if (outcome instanceof Outcome.Rejected r) return r.stage() == Outcome.Stage.LOADER && r.reason().contains("division by 0");
        if (!(outcome instanceof Outcome.Returned)) return false;
        int pc = firstZeroDivision(reference);
        if (pc < 0) return false;
        Program program = reference.program();
        List<Insn> insns = new ArrayList<>(program.insns());
        insns.set(program.indexAt(pc), Insn.of(Op.JA).withJumpOffset(program.slotCount() - pc - 1));
        insns.add(Insn.imm(Op.MOV64_IMM, 0, 0));
        insns.add(Insn.of(Op.EXIT));
        try {
            return Reference.run(new ProgramInput(Program.of(insns, program.globalData()), reference.memory()), Limits.DEFAULT).sameAs(outcome);
        } catch (DecodeException e) {
            return false;
        }
    }

    /** The pc of the first division or modulo by zero the reference executes, -1 if none (or if that pc ran before). */
    static int firstZeroDivision(ReferenceTrace reference) {
        Program program = reference.program();
        boolean[] seen = new boolean[program.slotCount()];
        for (int k = 0; k < reference.steps(); k++) {
            int pc = reference.pc(k);
            Insn i = program.at(pc);
            boolean again = seen[pc];
            seen[pc] = true;
            if (i == null || !i.op().mnemonic.matches("(div|mod|sdiv|smod)(32)?")) continue;
            long divisor = i.op().shape == Shape.ALU_REG ? reference.register(k, i.src()) : i.imm();
            if (i.op().is32()) divisor &= 0xffff_ffffL;
            if (divisor != 0) continue;
            return again ? -1 : pc;
        }
        return -1;
    }
}
