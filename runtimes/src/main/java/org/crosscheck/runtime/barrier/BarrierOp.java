package org.crosscheck.runtime.barrier;

import java.util.List;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * The instructions whose ordering the barrier check looks at: every BPF atomic (add, and, or, xor with
 * and without BPF_FETCH, xchg, cmpxchg; 32 and 64 bits) and load-acquire/store-release of each size.
 * Each is compiled alone in a tiny program ({@link #program}), beside the same program without it
 * ({@link #baseline}), so that its machine code is what the two images do not share.
 */
public enum BarrierOp {
    ADD32("add32", Op.ATOMIC32_ADD), AND32("and32", Op.ATOMIC32_AND), OR32("or32", Op.ATOMIC32_OR), XOR32("xor32", Op.ATOMIC32_XOR),
    ADD64("add64", Op.ATOMIC64_ADD), AND64("and64", Op.ATOMIC64_AND), OR64("or64", Op.ATOMIC64_OR), XOR64("xor64", Op.ATOMIC64_XOR),
    FETCH_ADD32("fetch_add32", Op.ATOMIC32_FETCH_ADD), FETCH_AND32("fetch_and32", Op.ATOMIC32_FETCH_AND),
    FETCH_OR32("fetch_or32", Op.ATOMIC32_FETCH_OR), FETCH_XOR32("fetch_xor32", Op.ATOMIC32_FETCH_XOR),
    FETCH_ADD64("fetch_add64", Op.ATOMIC64_FETCH_ADD), FETCH_AND64("fetch_and64", Op.ATOMIC64_FETCH_AND),
    FETCH_OR64("fetch_or64", Op.ATOMIC64_FETCH_OR), FETCH_XOR64("fetch_xor64", Op.ATOMIC64_FETCH_XOR),
    XCHG32("xchg32", Op.ATOMIC32_XCHG), XCHG64("xchg64", Op.ATOMIC64_XCHG),
    CMPXCHG32("cmpxchg32", Op.ATOMIC32_CMPXCHG), CMPXCHG64("cmpxchg64", Op.ATOMIC64_CMPXCHG),
    LOAD_ACQUIRE8("load_acquire8", Op.LOAD_ACQ_B), LOAD_ACQUIRE16("load_acquire16", Op.LOAD_ACQ_H),
    LOAD_ACQUIRE32("load_acquire32", Op.LOAD_ACQ_W), LOAD_ACQUIRE64("load_acquire64", Op.LOAD_ACQ_DW),
    STORE_RELEASE8("store_release8", Op.STORE_REL_B), STORE_RELEASE16("store_release16", Op.STORE_REL_H),
    STORE_RELEASE32("store_release32", Op.STORE_REL_W), STORE_RELEASE64("store_release64", Op.STORE_REL_DW);

    /** The name in the table, the output and finding titles. */
    public final String id;
    public final Op op;

    BarrierOp(String id, Op op) {
        this.id = id;
        this.op = op;
    }

    /** "atomic", "load-acquire" or "store-release", for titles. */
    public String kind() {
        return op.shape == org.crosscheck.isa.Shape.LOAD_ACQ ? "load-acquire" : op.shape == org.crosscheck.isa.Shape.STORE_REL ? "store-release" : "atomic";
    }

    /** Whether the instruction is Linux 6.15's load-acquire/store-release (older kernels do not know it). */
    public boolean acquireRelease() {
        return !kind().equals("atomic");
    }

    /** The bytes of memory the programs get (r1 points at them). */
    public static final int MEMORY = 8;

    /** r3 = 1, r0 = 0, the instruction on [r1 + 0] (r3 its other operand), r0 = 0, exit. */
    public Program program() {
        Insn i = acquireRelease() && kind().equals("load-acquire") ? Insn.of(op, 3, 1, 0, 0) : Insn.of(op, 1, 3, 0, 0);
        return of(List.of(i));
    }

    /** {@link #program} without the instruction. */
    public static Program baseline() {
        return of(List.of());
    }

    private static Program of(List<Insn> middle) {
        List<Insn> l = new java.util.ArrayList<>(List.of(Insn.imm(Op.MOV64_IMM, 3, 1), Insn.imm(Op.MOV64_IMM, 0, 0)));
        l.addAll(middle);
        l.add(Insn.imm(Op.MOV64_IMM, 0, 0));
        l.add(Insn.of(Op.EXIT));
        try {
            return Program.of(l);
        } catch (DecodeException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The op called {@code id}; an IllegalArgumentException listing the known otherwise. */
    public static BarrierOp of(String id) {
        for (BarrierOp o : values()) if (o.id.equals(id)) return o;
        StringBuilder known = new StringBuilder();
        for (BarrierOp o : values()) known.append(known.isEmpty() ? "" : ", ").append(o.id);
        throw new IllegalArgumentException("unknown op '" + id + "' (known: " + known + ")");
    }
}
