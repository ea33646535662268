package org.crosscheck.coordinator.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.kernel.Verifying;
import org.crosscheck.runtime.kernel.VerifierStates;
import org.crosscheck.runtime.kernel.VerifierStates.Pointer;
import org.crosscheck.runtime.kernel.VerifierStates.Scalar;
import org.crosscheck.runtime.kernel.VerifierStates.State;
import org.crosscheck.runtime.kernel.VerifierStates.Value;

/**
 * What a verifier claimed against what really ran: the reference's concrete run of an accepted
 * program checked against the abstract states of the verifier's log of level 2.
 *
 * <ul>
 * <li><b>reachability</b>: the reference executes an instruction the verifier never walked (a path
 *     it took for dead).
 * <li><b>value</b>: a register's concrete value lies outside every state the verifier logged for it
 *     at that point: after an instruction that writes it (the log's {@code N: (op) ... ; R3=...}), on
 *     every visit the verifier walked ({@code N: (op) ... ; R3=...}; the log prints each). A register
 *     counts only where every state logged there shows it as a scalar, and never when the reference
 *     computed it from an address (the layouts differ). Once the run has
 *     passed an instruction where the verifier pruned a path ({@code safe}), the path may be one it
 *     judged by an equivalent state, which bounds only what it marked precise: from there on only
 *     precise scalars are checked.
 * <li><b>memory</b>: an access of the run falls outside the object the log shows its base register
 *     pointing into (a map value of {@code vs} bytes, the 512-byte frame below the frame pointer).
 * </ul>
 *
 * {@code userStart} maps the program's pc k to the log's instruction {@code k + userStart} (the
 * runtime's prologue comes first).
 */
public final class VerifierOracle {
    private VerifierOracle() {}

    /** The checks, each its own finding title. */
    public enum Check {
        REACHABILITY("reachability"), VALUE("value"), MEMORY("memory");

        public final String id;

        Check(String id) {
            this.id = id;
        }
    }

    /**
     * A claim the run broke: the check, the program's pc, the register ({@code -1} for none), the
     * concrete value, what the verifier claimed (the bound broken, in the log's words) and the log
     * line it claimed it in (0 for none).
     */
    public record Violation(Check check, int pc, int register, long value, String claim, int logLine) {
        public String describe() {
            return switch (check) {
                case REACHABILITY -> "the reference ran pc " + pc + ", which the verifier never walked";
                case VALUE -> "at pc " + pc + " R" + register + " = 0x" + Long.toHexString(value) + " (" + value + "), outside the verifier's "
                        + claim + " (log line " + logLine + ")";
                case MEMORY -> "at pc " + pc + " the reference " + claim;
            };
        }
    }

    /** A program checked: the claims broken, the states compared, the log and where the program starts in it. */
    public record Result(List<Violation> violations, int states, String log, int userStart) {
        /** The log's lines about {@code v}, for a finding's description. */
        public String excerpt(Violation v) {
            StringBuilder sb = new StringBuilder();
            int n = 0, line = 0, kpc = v.pc() + userStart;
            for (String l : log.split("\n", -1)) {
                line++;
                if (l.matches("(from \\d+ to )?" + kpc + ":.*") && n++ < 12) sb.append(String.format("%6d  %s%n", line, l));
            }
            return sb.toString();
        }
    }

    /**
     * Loads the program of {@code trace} on {@code kernel} with the verifier's log of level 2 and checks the
     * reference's run against it; nothing to check when the verifier rejects it this time.
     */
    public static Result run(Verifying kernel, ReferenceTrace trace) throws VerifierStates.Unreadable {
        Verifying.Verification v = kernel.verify(trace.program(), trace.memory());
        if (!v.accepted()) return new Result(List.of(), 0, v.log(), v.userStart());
        List<State> states = VerifierStates.parse(v.log());
        return new Result(check(trace, states, v.userStart()), states.size(), v.log(), v.userStart());
    }

    /** The states of a log by kernel instruction: after it ran (AFTER), at it from a branch (BRANCH, by source), walked at all. */
    private record Index(Map<Integer, List<State>> after, Map<Long, List<State>> branches, Set<Integer> walked, Set<Integer> pruned) {
        static Index of(List<State> states) {
            Map<Integer, List<State>> after = new HashMap<>();
            Map<Long, List<State>> branches = new HashMap<>();
            Set<Integer> walked = new HashSet<>(), pruned = new HashSet<>();
            for (State s : states) {
                walked.add(s.pc());
                switch (s.kind()) {
                    case AFTER -> after.computeIfAbsent(s.pc(), k -> new ArrayList<>()).add(s);
                    case BRANCH -> branches.computeIfAbsent(edge(s.from(), s.pc()), k -> new ArrayList<>()).add(s);
                    case SAFE -> pruned.add(s.pc());
                    case AT -> { }
                }
            }
            return new Index(after, branches, walked, pruned);
        }

        static long edge(int from, int to) {
            return (long) from << 32 | (to & 0xffffffffL);
        }
    }

    /** The claims the reference's run of {@code trace} broke (at most one per check: the first). */
    public static List<Violation> check(ReferenceTrace trace, List<State> states, int userStart) {
        Index index = Index.of(states);
        Program p = trace.program();
        Set<Integer> fromAddress = trace.addressTaint().addressDefs();
        Violation reach = null, value = null;
        boolean pastPruning = false;
        int steps = trace.steps();
        for (int k = 0; k < steps && (reach == null || value == null); k++) {
            int pc = trace.pc(k), kpc = pc + userStart;
            Insn i = p.at(pc);
            if (reach == null && !index.walked().contains(kpc)) reach = new Violation(Check.REACHABILITY, pc, -1, 0, "never walked", 0);
            pastPruning |= index.pruned().contains(kpc);
            if (value != null || k + 1 >= steps || i == null) continue;
            // the destination after an instruction that writes it: the log prints each visit's line, so the
            // states there cover every walked path (a conditional jump's narrowing is not checked: the
            // verifier follows either side first, and a side it follows at once prints no state of its own)
            if (!i.op().shape.dstWritten || i.dst() > 9 || fromAddress.contains(pc)) continue;
            Violation v = outside(index.after().getOrDefault(kpc, List.of()), i.dst(), trace.register(k + 1, i.dst()), pc, pastPruning);
            if (v != null) value = v;
        }
        List<Violation> out = new ArrayList<>();
        if (reach != null) out.add(reach);
        if (value != null) out.add(value);
        Violation memory = memory(trace, index, userStart);
        if (memory != null) out.add(memory);
        return out;
    }

    /**
     * The first access of the run outside the object the verifier approved it for: through a register
     * every state logged after the access shows as a map value ({@code vs=} bytes from offset 0) or as
     * the frame pointer plus a constant (the 512 bytes below it), at a concrete offset outside it.
     */
    private static Violation memory(ReferenceTrace trace, Index index, int userStart) {
        Program p = trace.program();
        for (int k = 0; k < trace.steps(); k++) {
            int pc = trace.pc(k);
            Insn i = p.at(pc);
            if (i == null) continue;
            int base;
            switch (i.op().shape) {
                case LDX, LOAD_ACQ -> base = i.src();
                case ST, STX, STORE_REL, ATOMIC -> base = i.dst();
                default -> { continue; }
            }
            List<State> claimed = index.after().getOrDefault(pc + userStart, List.of());
            if (claimed.isEmpty()) continue;
            long address = trace.register(k, base) + i.off();
            int size = i.op().size();
            String claim = null;
            boolean inside = false;
            for (State s : claimed) {
                if (!(s.registers().get(base) instanceof Pointer ptr)) {
                    inside = true; // not shown as a pointer whose object we know: no claim to check
                    break;
                }
                long lo, hi;
                if (ptr.type().equals("map_value") && ptr.fields().containsKey("vs")) {
                    lo = Layout.MEM_BASE;
                    hi = Layout.MEM_BASE + Long.parseLong(ptr.fields().get("vs"));
                } else if (ptr.type().equals("fp")) {
                    hi = trace.register(k, 10);
                    lo = hi - STACK_FRAME;
                } else {
                    inside = true;
                    break;
                }
                if (address >= lo && address + size <= hi) {
                    inside = true;
                    break;
                }
                if (claim == null) claim = "accessed " + size + " bytes at offset " + (address - lo) + " of a " + ptr.type() + " of " + (hi - lo)
                        + " bytes (log line " + s.line() + ")";
            }
            if (!inside) return new Violation(Check.MEMORY, pc, base, address, claim, claimed.get(0).line());
        }
        return null;
    }

    /** The stack a frame may use below its frame pointer. */
    private static final int STACK_FRAME = 512;

    /**
     * A violation when every state of {@code claimed} shows {@code r} as a scalar (precise ones only,
     * past a pruning point) and none contains {@code v}; else null.
     */
    private static Violation outside(List<State> claimed, int r, long v, int pc, boolean pastPruning) {
        if (claimed.isEmpty()) return null;
        Scalar first = null;
        int line = 0;
        for (State s : claimed) {
            Value val = s.registers().get(r);
            if (!(val instanceof Scalar sc) || (pastPruning && !sc.precise())) return null;
            if (sc.contains(v)) return null;
            if (first == null) {
                first = sc;
                line = s.line();
            }
        }
        return new Violation(Check.VALUE, pc, r, v, first.violated(v), line);
    }
}
