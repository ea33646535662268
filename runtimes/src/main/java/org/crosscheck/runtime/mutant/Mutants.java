package org.crosscheck.runtime.mutant;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Kfunc;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * Runtimes {@code interp-mutant:<name>}: the reference interpreter with one deliberately wrong
 * instruction, the bugs a campaign must find. A mutant rewrites each instance of its instruction,
 * either into another op (a wrong signedness, say) or into {@code call runtime ID} served by a
 * kfunc that computes the wrong result; pcs are unchanged, so traps still line up.
 */
public final class Mutants {
    private Mutants() {}

    /** How one instance of the mutated instruction behaves instead. */
    private interface Wrong {
        void apply(Insn insn, long[] r, Kfunc.Memory mem);
    }

    /** A mutant: which ops it changes, and either a substitute op or a wrong computation. */
    public record Mutant(String name, String description, Set<Op> ops, Map<Op, Op> substitute, Wrong wrong) {}

    private static final Map<String, Mutant> ALL = new LinkedHashMap<>();

    private static void wrong(String name, String description, Set<Op> ops, Wrong wrong) {
        ALL.put(name, new Mutant(name, description, ops, Map.of(), wrong));
    }

    private static void swap(String name, String description, Map<Op, Op> substitute) {
        ALL.put(name, new Mutant(name, description, substitute.keySet(), substitute, null));
    }

    private static long src(Insn i, long[] r) {
        return i.op().shape == org.crosscheck.isa.Shape.ALU_REG ? r[i.src()] : i.imm();
    }

    static {
        wrong("sdiv-overflow", "sdiv64 INT64_MIN / -1 gives 0 instead of INT64_MIN", EnumSet.of(Op.SDIV64_IMM, Op.SDIV64_REG),
                (i, r, m) -> {
                    long s = src(i, r);
                    r[i.dst()] = r[i.dst()] == Long.MIN_VALUE && s == -1 ? 0 : Semantics.sdiv64(r[i.dst()], s);
                });
        wrong("add32-zext", "add32 sign-extends its result instead of zero-extending", EnumSet.of(Op.ADD32_IMM, Op.ADD32_REG),
                (i, r, m) -> r[i.dst()] = (int) (r[i.dst()] + src(i, r)));
        swap("arsh32-logical", "arsh32 shifts in zeros (as rsh32)", Map.of(Op.ARSH32_IMM, Op.RSH32_IMM, Op.ARSH32_REG, Op.RSH32_REG));
        wrong("shift-mask", "lsh64 by 64 or more gives 0 instead of masking the amount", EnumSet.of(Op.LSH64_REG),
                (i, r, m) -> r[i.dst()] = Long.compareUnsigned(r[i.src()], 63) > 0 ? 0 : r[i.dst()] << r[i.src()]);
        wrong("mod-by-zero", "mod64 by zero gives 0 instead of leaving dst", EnumSet.of(Op.MOD64_REG),
                (i, r, m) -> r[i.dst()] = r[i.src()] == 0 ? 0 : Semantics.mod64(r[i.dst()], r[i.src()]));
        wrong("movsx16-zext", "movsx1664 zero-extends", EnumSet.of(Op.MOVSX16_64),
                (i, r, m) -> r[i.dst()] = r[i.src()] & 0xffff);
        wrong("cmpxchg32-r0-sext", "cmpxchg32 loads the old value into r0 sign-extended", EnumSet.of(Op.ATOMIC32_CMPXCHG),
                (i, r, m) -> {
                    long a = r[i.dst()] + i.off();
                    long old = m.load(a, 4);
                    if (old == (r[0] & Semantics.MASK32)) m.store(a, 4, r[i.src()]);
                    r[0] = (int) old;
                });
        wrong("bswap16-upper", "bswap16 keeps the upper 48 bits", EnumSet.of(Op.BSWAP16),
                (i, r, m) -> r[i.dst()] = (r[i.dst()] & ~0xffffL) | Semantics.be(r[i.dst()], 16));
        swap("jsgt32-unsigned", "jsgt32 compares unsigned (as jgt32)", Map.of(Op.JSGT32_IMM, Op.JGT32_IMM, Op.JSGT32_REG, Op.JGT32_REG));
        swap("ldxsh-zext", "ldxsh zero-extends (as ldxh)", Map.of(Op.LDXSH, Op.LDXH));
        wrong("neg32-sext", "neg32 sign-extends its result", EnumSet.of(Op.NEG32), (i, r, m) -> r[i.dst()] = -(int) r[i.dst()]);
        // wrong only on some inputs: a program's own constants do not reach it (they live on the stack or in
        // registers), only a word of 31 in the input does (the many-executions inputs put boundary values there)
        wrong("ldxw-input-31", "ldxw of a word of the input holding 31 loads 30", EnumSet.of(Op.LDXW),
                (i, r, m) -> {
                    long a = r[i.src()] + i.off();
                    long v = m.load(a, 4);
                    r[i.dst()] = v == 31 && a >= org.crosscheck.runtime.Layout.MEM_BASE && a < org.crosscheck.runtime.Layout.STACK_BASE ? 30 : v;
                });
        wrong("mul32-high", "mul32 keeps the high half of the 64-bit product", EnumSet.of(Op.MUL32_IMM, Op.MUL32_REG),
                (i, r, m) -> r[i.dst()] = (r[i.dst()] & Semantics.MASK32) * (src(i, r) & Semantics.MASK32));
    }

    public static final String PREFIX = "interp-mutant:";

    /** Names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    public static Mutant get(String name) {
        Mutant m = ALL.get(name);
        if (m == null) throw new IllegalArgumentException("unknown mutant '" + name + "' (known: " + String.join(", ", ALL.keySet()) + ")");
        return m;
    }

    /** The runtime {@code interp-mutant:<name>}. */
    public static Runtime runtime(String name) {
        return new MutantRuntime(get(name));
    }

    private static final class MutantRuntime implements Runtime {
        private static final int KFUNC_BASE = 0x7f000000;
        private final Mutant mutant;

        MutantRuntime(Mutant mutant) {
            this.mutant = mutant;
        }

        @Override
        public String name() {
            return PREFIX + mutant.name();
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.all();
        }

        @Override
        public Outcome run(Program program, byte[] memory, Limits limits) {
            List<Insn> insns = new ArrayList<>(program.insns());
            Map<Integer, Kfunc> kfuncs = new HashMap<>();
            boolean changed = false;
            for (int k = 0; k < insns.size(); k++) {
                Insn i = insns.get(k);
                if (!mutant.ops().contains(i.op())) continue;
                changed = true;
                Op to = mutant.substitute().get(i.op());
                if (to != null) {
                    insns.set(k, new Insn(to, i.dst(), i.src(), i.off(), i.imm()));
                } else {
                    int id = KFUNC_BASE + k;
                    kfuncs.put(id, (r, m) -> mutant.wrong().apply(i, r, m));
                    insns.set(k, Insn.of(Op.CALL_RUNTIME, 0, 0, 0, id));
                }
            }
            if (!changed) return new Interpreter().run(program, memory, limits);
            try {
                return new Interpreter(name(), kfuncs).run(Program.of(insns), memory, limits);
            } catch (DecodeException e) {
                return new Outcome.Crashed("mutant rewrite produced an invalid program: " + e.getMessage());
            }
        }
    }
}
