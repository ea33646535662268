package org.crosscheck.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * What a runtime supports, asked of the runtime itself: one tiny program per instruction (the
 * instruction on r0 or on an initialised stack slot, nothing else a verifier could object to), run
 * once. An op the runtime refuses (verifier, loader, JIT, or "unsupported") is one its campaigns are
 * not sent; an op it runs is supported, whatever value it gives (a wrong one is a finding for the
 * campaign, not a missing capability). Ops with no portable probe (helper calls, callx, the map and
 * address forms of lddw, the runtime's own calls) are not probed.
 */
public final class OpProbe {
    /** How one op fared. */
    public enum Verdict { RUNS, REFUSED, CRASHED, NOT_PROBED }

    /** One op's result: the verdict and, when refused or crashed, what the runtime said. */
    public record Result(Verdict verdict, String detail) {}

    /** Bumped when a probe program changes, so cached probes are redone. */
    public static final int VERSION = 1;

    /** The probe's input: eight bytes (packet loads read from it). */
    public static final byte[] MEMORY = {1, 2, 3, 4, 5, 6, 7, 8};

    private OpProbe() {}

    /** The probe program of {@code op}, or null when it has none. */
    public static Program program(Op op) {
        List<Insn> p = new ArrayList<>();
        Insn r0Zero = Insn.imm(Op.MOV64_IMM, 0, 0);
        Insn r1Zero = Insn.imm(Op.MOV64_IMM, 1, 0);
        Insn spill = Insn.of(Op.STXDW, 10, 1, -8, 0);
        switch (op.shape) {
            case ALU_IMM -> p.addAll(List.of(r0Zero, Insn.imm(op, 0, 1)));
            case ALU_REG -> p.addAll(List.of(r0Zero, Insn.imm(Op.MOV64_IMM, 1, 1), Insn.reg(op, 0, 1)));
            case NEG, ENDIAN -> p.addAll(List.of(r0Zero, Insn.of(op)));
            case LDX, LOAD_ACQ -> p.addAll(List.of(r1Zero, spill, Insn.of(op, 0, 10, -8, 0)));
            case ST -> p.addAll(List.of(Insn.of(op, 10, 0, -8, 0), r0Zero));
            case STX, STORE_REL -> p.addAll(List.of(r1Zero, Insn.of(op, 10, 1, -8, 0), r0Zero));
            case ATOMIC -> p.addAll(List.of(r0Zero, r1Zero, spill, Insn.of(op, 10, 1, -8, 0)));
            case JMP_IMM -> p.addAll(List.of(r0Zero, Insn.of(op, 0, 0, 0, 0)));
            case JMP_REG -> p.addAll(List.of(r0Zero, r1Zero, Insn.of(op, 0, 1, 0, 0)));
            case JA, JA32 -> p.addAll(List.of(r0Zero, Insn.of(op).withJumpOffset(0)));
            case CALL_LOCAL -> p.addAll(List.of(r0Zero, Insn.of(op).withJumpOffset(1), Insn.of(Op.EXIT), r0Zero));
            case LDDW -> {
                if (op != Op.LDDW) return null;
                p.add(Insn.imm(op, 0, 0x1_0000_0001L));
            }
            case LD_ABS -> p.addAll(List.of(Insn.imm(op, 0, 0)));
            case LD_IND -> p.addAll(List.of(r1Zero, Insn.of(op, 0, 1, 0, 0)));
            case EXIT -> p.add(r0Zero);
            default -> {
                return null; // helper calls, callx, the runtime's calls: nothing portable to call
            }
        }
        p.add(Insn.of(Op.EXIT));
        try {
            return Program.of(p);
        } catch (DecodeException e) {
            throw new IllegalStateException("the probe of " + op + " does not decode: " + e.getMessage(), e);
        }
    }

    /** Every op's probe run once on {@code runtime}, in Op order. */
    public static Map<Op, Result> probe(Runtime runtime) {
        Map<Op, Result> out = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            Program p = program(op);
            out.put(op, p == null ? new Result(Verdict.NOT_PROBED, "") : judge(runtime.run(p, MEMORY.clone(), Limits.DEFAULT)));
        }
        return Collections.unmodifiableMap(out);
    }

    static Result judge(Outcome o) {
        return switch (o) {
            case Outcome.Returned r -> new Result(Verdict.RUNS, "");
            case Outcome.Trapped t -> new Result(Verdict.RUNS, ""); // it loaded; what it did is the campaign's business
            case Outcome.Rejected r -> new Result(Verdict.REFUSED, r.reason());
            case Outcome.Unsupported u -> new Result(Verdict.REFUSED, u.what());
            case Outcome.Crashed c -> new Result(Verdict.CRASHED, c.detail());
            case Outcome.TimedOut t -> new Result(Verdict.CRASHED, "timed out after " + t.millis() + " ms");
        };
    }

    /** The ops a probe found refused or crashing: what a campaign must not send. */
    public static Set<Op> unsupported(Map<Op, Result> probe) {
        Set<Op> s = EnumSet.noneOf(Op.class);
        probe.forEach((op, r) -> {
            if (r.verdict == Verdict.REFUSED || r.verdict == Verdict.CRASHED) s.add(op);
        });
        return s;
    }

    /** {@code base} without the probe's unsupported ops, and without any group none of whose probed ops runs. */
    public static Capabilities narrow(Capabilities base, Map<Op, Result> probe) {
        Set<Op> unsupported = EnumSet.noneOf(Op.class);
        unsupported.addAll(base.unsupportedOps());
        unsupported.addAll(unsupported(probe));
        Set<Group> groups = EnumSet.noneOf(Group.class);
        for (Group g : base.groups()) {
            boolean anyRuns = false, anyProbed = false;
            for (Op op : Op.values()) {
                if (op.group != g || probe.get(op) == null || probe.get(op).verdict == Verdict.NOT_PROBED) continue;
                anyProbed = true;
                anyRuns |= probe.get(op).verdict == Verdict.RUNS;
            }
            if (anyRuns || !anyProbed) groups.add(g);
        }
        return new Capabilities(groups, unsupported, base.loops(), base.scalarPlusPointer());
    }

    /** One line per op ({@code OP VERDICT detail}), read back by {@link #parse}. */
    public static String format(Map<Op, Result> probe) {
        StringBuilder b = new StringBuilder();
        probe.forEach((op, r) -> b.append(op.name()).append(' ').append(r.verdict.name())
                .append(r.detail.isEmpty() ? "" : " " + r.detail.replace('\n', ' ')).append('\n'));
        return b.toString();
    }

    /** What {@link #format} wrote; a malformed line is an IllegalArgumentException naming it. */
    public static Map<Op, Result> parse(String text) {
        Map<Op, Result> out = new EnumMap<>(Op.class);
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank()) continue;
            String[] f = line.split(" ", 3);
            try {
                out.put(Op.valueOf(f[0]), new Result(Verdict.valueOf(f[1]), f.length > 2 ? f[2] : ""));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("line " + n + ": expected 'OP VERDICT [detail]', got '" + line + "'");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether {@code op} has a probe program. */
    public static boolean probed(Op op) {
        return program(op) != null;
    }
}
