package org.crosscheck.runtime.interp;

import static org.crosscheck.runtime.Layout.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Kfunc;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.TrapKind;
import org.crosscheck.runtime.Runtime;

/**
 * The reference interpreter: RFC 9669 semantics exactly, the meaning every other runtime is
 * compared against. Memory is the input region and the active stack frames ({@link
 * org.crosscheck.runtime.Layout}); everything else traps. Helper 5 is {@code unwind}; callx takes a
 * helper id from its register. After a helper call r1-r5 keep their values; after a local call
 * they hold what the callee left (both are "undefined" in the RFC, fixed here so runtimes can be
 * compared); r6-r9 and r10 are restored on return from a local call.
 */
public final class Interpreter implements Runtime {
    private final String name;
    private final Map<Integer, Kfunc> kfuncs;

    /** The reference interpreter, {@code interp}, with no kfuncs. */
    public Interpreter() {
        this("interp", Map.of());
    }

    /** An interpreter under another name that offers {@code kfuncs} to {@code call runtime ID}. */
    public Interpreter(String name, Map<Integer, Kfunc> kfuncs) {
        this.name = name;
        this.kfuncs = Map.copyOf(kfuncs);
    }

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long M32 = Semantics.MASK32;

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Group> groups() {
        return EnumSet.allOf(Group.class);
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        return execute(program, memory, limits).outcome();
    }

    /** Sees every instruction the interpreter is about to execute, with the registers (for ISA coverage). */
    @FunctionalInterface
    public interface Tracer {
        void step(int pc, long[] registers);
    }

    /** Runs with a tracer called before each instruction (slower; for sampled coverage runs). */
    public Result trace(Program program, byte[] memory, Limits limits, Tracer tracer) {
        Machine m = new Machine(Decoded.of(program), MachineState.initial(memory, limits.instructionBudget()), limits.instructionBudget(), kfuncs);
        m.tracer = tracer;
        return m.run();
    }

    /** An outcome with the number of instructions executed (for benchmarks and coverage). */
    public record Result(Outcome outcome, long executed) {}

    public Result execute(Program program, byte[] memory, Limits limits) {
        return execute(Decoded.of(program), memory, limits.instructionBudget());
    }

    /** Flat per-slot arrays of a program, built once so the hot loop reads no records. */
    public static final class Decoded {
        final Op[] ops;
        final byte[] dst, src;
        final int[] off;
        final long[] imm;
        final String unsupported;
        final boolean packet;

        private Decoded(Program p) {
            int n = p.slotCount();
            ops = new Op[n];
            dst = new byte[n];
            src = new byte[n];
            off = new int[n];
            imm = new long[n];
            String why = null;
            boolean pk = false;
            for (int pc = 0; pc < n; pc++) {
                Insn i = p.at(pc);
                if (i == null) continue;
                ops[pc] = i.op();
                dst[pc] = (byte) i.dst();
                src[pc] = (byte) i.src();
                off[pc] = i.off();
                imm[pc] = i.imm();
                pk |= i.op().shape == Shape.LD_ABS || i.op().shape == Shape.LD_IND;
                if (i.op().shape == Shape.LDDW && i.src() != 0 && why == null) {
                    why = "lddw pseudo source " + i.src() + " (maps, BTF variables and function addresses need a loader)";
                }
            }
            unsupported = why;
            packet = pk;
        }

        public static Decoded of(Program p) {
            return new Decoded(p);
        }

        /** Why no runtime of ours can run the program (a pseudo lddw), or null. */
        public String unsupported() {
            return unsupported;
        }
    }

    /** Raised inside the loop; caught where the pc is known. No stack trace: traps are ordinary. */
    private static final class Trap extends RuntimeException {
        final TrapKind kind;

        Trap(TrapKind kind, String detail) {
            super(detail, null, false, false);
            this.kind = kind;
        }
    }

    /** Runs a pre-decoded program; reusable by benchmarks. */
    public Result execute(Decoded d, byte[] memory, long budget) {
        return resume(d, MachineState.initial(memory, budget), budget);
    }

    /**
     * Continues a run from {@code state} (updating its {@code ram} in place) until it ends. The JIT
     * hands its state over here when the remaining budget is smaller than its next basic block,
     * so budget traps land on exactly the right instruction. {@code budget} is the run's whole
     * budget (for {@link Result#executed()}); {@code state.left} what is left of it.
     */
    public Result resume(Decoded d, MachineState state, long budget) {
        return new Machine(d, state, budget, kfuncs).run();
    }

    private static final class Machine implements Kfunc.Memory {
        final Decoded d;
        final Map<Integer, Kfunc> kfuncs;
        final MachineState s;
        final byte[] ram;     // stack frames at stackOff, the input memory at memOff
        final int memLen, memOff, stackOff;
        final long budget;
        long stackLow;        // lowest valid stack address: bottom of the current frame
        final byte[] packet;  // legacy packet loads read the input as it was at entry (as Linux's skb copy)
        Tracer tracer;        // null except in coverage runs

        Machine(Decoded d, MachineState s, long budget, Map<Integer, Kfunc> kfuncs) {
            this.d = d;
            this.kfuncs = kfuncs;
            this.s = s;
            this.ram = s.ram;
            this.memLen = s.memLen;
            this.memOff = s.memOff;
            this.stackOff = s.stackOff;
            this.budget = budget;
            this.packet = d.packet ? (s.packet != null ? s.packet : s.memory()) : null;
        }

        /** Index into ram of an access of {@code size} bytes at virtual address a, or a trap. */
        int at(long a, int size) {
            long o = a - MEM_BASE;
            if (o >= 0 && o <= memLen - size) return (int) o + memOff;
            o = a - stackLow;
            if (o >= 0 && o <= STACK_TOP - stackLow - size) return (int) (a - STACK_BASE) + stackOff;
            throw new Trap(TrapKind.OUT_OF_BOUNDS, size + "-byte access at 0x" + Long.toHexString(a));
        }

        @Override
        public long load(long a, int size) {
            int i = at(a, size);
            return switch (size) {
                case 1 -> ram[i] & 0xffL;
                case 2 -> (short) I16.get(ram, i) & 0xffffL;
                case 4 -> (int) I32.get(ram, i) & M32;
                default -> (long) I64.get(ram, i);
            };
        }

        @Override
        public void store(long a, int size, long v) {
            int i = at(a, size);
            switch (size) {
                case 1 -> ram[i] = (byte) v;
                case 2 -> I16.set(ram, i, (short) v);
                case 4 -> I32.set(ram, i, (int) v);
                default -> I64.set(ram, i, v);
            }
        }

        byte[] finalMemory() {
            return s.memory();
        }

        Result run() {
            if (d.unsupported != null) return new Result(new Outcome.Unsupported(d.unsupported), 0);
            final Op[] ops = d.ops;
            final byte[] dst = d.dst, src = d.src;
            final int[] off = d.off;
            final long[] imm = d.imm;
            final int n = ops.length;
            final long[] r = s.r;
            final int[] retPc = s.retPc;
            final long[] saved = s.saved; // r6-r9 and r10 per frame
            int depth = s.depth;
            stackLow = s.stackLow();
            long left = s.left;
            int pc = s.pc;
            final Tracer tr = tracer;
            try {
                while (true) {
                    if (pc >= n) throw new Trap(TrapKind.FELL_OFF_END, "no instruction at pc " + pc);
                    if (--left < 0) throw new Trap(TrapKind.BUDGET, "budget of " + budget + " instructions used up");
                    if (tr != null) tr.step(pc, r);
                    final int ds = dst[pc];
                    switch (ops[pc]) {
                        // ---- ALU64
                        case ADD64_IMM -> r[ds] += imm[pc];
                        case ADD64_REG -> r[ds] += r[src[pc]];
                        case SUB64_IMM -> r[ds] -= imm[pc];
                        case SUB64_REG -> r[ds] -= r[src[pc]];
                        case MUL64_IMM -> r[ds] *= imm[pc];
                        case MUL64_REG -> r[ds] *= r[src[pc]];
                        case DIV64_IMM -> r[ds] = Semantics.div64(r[ds], imm[pc]);
                        case DIV64_REG -> r[ds] = Semantics.div64(r[ds], r[src[pc]]);
                        case SDIV64_IMM -> r[ds] = Semantics.sdiv64(r[ds], imm[pc]);
                        case SDIV64_REG -> r[ds] = Semantics.sdiv64(r[ds], r[src[pc]]);
                        case OR64_IMM -> r[ds] |= imm[pc];
                        case OR64_REG -> r[ds] |= r[src[pc]];
                        case AND64_IMM -> r[ds] &= imm[pc];
                        case AND64_REG -> r[ds] &= r[src[pc]];
                        case LSH64_IMM -> r[ds] <<= imm[pc];
                        case LSH64_REG -> r[ds] <<= r[src[pc]];
                        case RSH64_IMM -> r[ds] >>>= imm[pc];
                        case RSH64_REG -> r[ds] >>>= r[src[pc]];
                        case MOD64_IMM -> r[ds] = Semantics.mod64(r[ds], imm[pc]);
                        case MOD64_REG -> r[ds] = Semantics.mod64(r[ds], r[src[pc]]);
                        case SMOD64_IMM -> r[ds] = Semantics.smod64(r[ds], imm[pc]);
                        case SMOD64_REG -> r[ds] = Semantics.smod64(r[ds], r[src[pc]]);
                        case XOR64_IMM -> r[ds] ^= imm[pc];
                        case XOR64_REG -> r[ds] ^= r[src[pc]];
                        case MOV64_IMM -> r[ds] = imm[pc];
                        case MOV64_REG -> r[ds] = r[src[pc]];
                        case ARSH64_IMM -> r[ds] >>= imm[pc];
                        case ARSH64_REG -> r[ds] >>= r[src[pc]];
                        case NEG64 -> r[ds] = -r[ds];
                        case MOVSX8_64 -> r[ds] = (byte) r[src[pc]];
                        case MOVSX16_64 -> r[ds] = (short) r[src[pc]];
                        case MOVSX32_64 -> r[ds] = (int) r[src[pc]];
                        // ---- ALU (32-bit, zero-extending)
                        case ADD32_IMM -> r[ds] = (int) (r[ds] + imm[pc]) & M32;
                        case ADD32_REG -> r[ds] = (int) (r[ds] + r[src[pc]]) & M32;
                        case SUB32_IMM -> r[ds] = (int) (r[ds] - imm[pc]) & M32;
                        case SUB32_REG -> r[ds] = (int) (r[ds] - r[src[pc]]) & M32;
                        case MUL32_IMM -> r[ds] = ((int) r[ds] * (int) imm[pc]) & M32;
                        case MUL32_REG -> r[ds] = ((int) r[ds] * (int) r[src[pc]]) & M32;
                        case DIV32_IMM -> r[ds] = Semantics.div32(r[ds], imm[pc]);
                        case DIV32_REG -> r[ds] = Semantics.div32(r[ds], r[src[pc]]);
                        case SDIV32_IMM -> r[ds] = Semantics.sdiv32(r[ds], imm[pc]);
                        case SDIV32_REG -> r[ds] = Semantics.sdiv32(r[ds], r[src[pc]]);
                        case OR32_IMM -> r[ds] = (r[ds] | imm[pc]) & M32;
                        case OR32_REG -> r[ds] = (r[ds] | r[src[pc]]) & M32;
                        case AND32_IMM -> r[ds] = (r[ds] & imm[pc]) & M32;
                        case AND32_REG -> r[ds] = (r[ds] & r[src[pc]]) & M32;
                        case LSH32_IMM -> r[ds] = Semantics.lsh32(r[ds], imm[pc]);
                        case LSH32_REG -> r[ds] = Semantics.lsh32(r[ds], r[src[pc]]);
                        case RSH32_IMM -> r[ds] = Semantics.rsh32(r[ds], imm[pc]);
                        case RSH32_REG -> r[ds] = Semantics.rsh32(r[ds], r[src[pc]]);
                        case MOD32_IMM -> r[ds] = Semantics.mod32(r[ds], imm[pc]);
                        case MOD32_REG -> r[ds] = Semantics.mod32(r[ds], r[src[pc]]);
                        case SMOD32_IMM -> r[ds] = Semantics.smod32(r[ds], imm[pc]);
                        case SMOD32_REG -> r[ds] = Semantics.smod32(r[ds], r[src[pc]]);
                        case XOR32_IMM -> r[ds] = (r[ds] ^ imm[pc]) & M32;
                        case XOR32_REG -> r[ds] = (r[ds] ^ r[src[pc]]) & M32;
                        case MOV32_IMM -> r[ds] = imm[pc] & M32;
                        case MOV32_REG -> r[ds] = r[src[pc]] & M32;
                        case ARSH32_IMM -> r[ds] = Semantics.arsh32(r[ds], imm[pc]);
                        case ARSH32_REG -> r[ds] = Semantics.arsh32(r[ds], r[src[pc]]);
                        case NEG32 -> r[ds] = -(int) r[ds] & M32;
                        case MOVSX8_32 -> r[ds] = Semantics.sext32(r[src[pc]], 8);
                        case MOVSX16_32 -> r[ds] = Semantics.sext32(r[src[pc]], 16);
                        // ---- byte order
                        case LE16, LE32, LE64 -> r[ds] = Semantics.le(r[ds], (int) imm[pc]);
                        case BE16, BE32, BE64, BSWAP16, BSWAP32, BSWAP64 -> r[ds] = Semantics.be(r[ds], (int) imm[pc]);
                        // ---- memory
                        case LDXB -> r[ds] = load(r[src[pc]] + off[pc], 1);
                        case LDXH -> r[ds] = load(r[src[pc]] + off[pc], 2);
                        case LDXW -> r[ds] = load(r[src[pc]] + off[pc], 4);
                        case LDXDW -> r[ds] = load(r[src[pc]] + off[pc], 8);
                        case LDXSB -> r[ds] = (byte) load(r[src[pc]] + off[pc], 1);
                        case LDXSH -> r[ds] = (short) load(r[src[pc]] + off[pc], 2);
                        case LDXSW -> r[ds] = (int) load(r[src[pc]] + off[pc], 4);
                        case STB -> store(r[ds] + off[pc], 1, imm[pc]);
                        case STH -> store(r[ds] + off[pc], 2, imm[pc]);
                        case STW -> store(r[ds] + off[pc], 4, imm[pc]);
                        case STDW -> store(r[ds] + off[pc], 8, imm[pc]);
                        case STXB -> store(r[ds] + off[pc], 1, r[src[pc]]);
                        case STXH -> store(r[ds] + off[pc], 2, r[src[pc]]);
                        case STXW -> store(r[ds] + off[pc], 4, r[src[pc]]);
                        case STXDW -> store(r[ds] + off[pc], 8, r[src[pc]]);
                        // ---- atomics: single-threaded here, so a plain read-modify-write is atomic
                        case ATOMIC32_ADD, ATOMIC32_OR, ATOMIC32_AND, ATOMIC32_XOR,
                             ATOMIC64_ADD, ATOMIC64_OR, ATOMIC64_AND, ATOMIC64_XOR -> {
                            int size = ops[pc].size();
                            long a = r[ds] + off[pc];
                            store(a, size, Semantics.atomicApply((int) imm[pc], load(a, size), r[src[pc]]));
                        }
                        case ATOMIC32_FETCH_ADD, ATOMIC32_FETCH_OR, ATOMIC32_FETCH_AND, ATOMIC32_FETCH_XOR, ATOMIC32_XCHG,
                             ATOMIC64_FETCH_ADD, ATOMIC64_FETCH_OR, ATOMIC64_FETCH_AND, ATOMIC64_FETCH_XOR, ATOMIC64_XCHG -> {
                            int size = ops[pc].size();
                            long a = r[ds] + off[pc];
                            long old = load(a, size);
                            store(a, size, Semantics.atomicApply((int) imm[pc], old, r[src[pc]]));
                            r[src[pc]] = old;
                        }
                        case ATOMIC32_CMPXCHG -> {
                            long a = r[ds] + off[pc];
                            long old = load(a, 4);
                            if (old == (r[0] & M32)) store(a, 4, r[src[pc]]);
                            r[0] = old;
                        }
                        case ATOMIC64_CMPXCHG -> {
                            long a = r[ds] + off[pc];
                            long old = load(a, 8);
                            if (old == r[0]) store(a, 8, r[src[pc]]);
                            r[0] = old;
                        }
                        case LOAD_ACQ_B, LOAD_ACQ_H, LOAD_ACQ_W, LOAD_ACQ_DW ->
                                r[ds] = load(r[src[pc]] + off[pc], ops[pc].size());
                        case STORE_REL_B, STORE_REL_H, STORE_REL_W, STORE_REL_DW ->
                                store(r[ds] + off[pc], ops[pc].size(), r[src[pc]]);
                        // ---- jumps
                        case JA -> pc += off[pc];
                        case JA32 -> pc += (int) imm[pc];
                        case JEQ_IMM -> { if (r[ds] == imm[pc]) pc += off[pc]; }
                        case JEQ_REG -> { if (r[ds] == r[src[pc]]) pc += off[pc]; }
                        case JNE_IMM -> { if (r[ds] != imm[pc]) pc += off[pc]; }
                        case JNE_REG -> { if (r[ds] != r[src[pc]]) pc += off[pc]; }
                        case JGT_IMM, JGE_IMM, JSET_IMM, JSGT_IMM, JSGE_IMM, JLT_IMM, JLE_IMM, JSLT_IMM, JSLE_IMM -> {
                            if (Semantics.jump64(ops[pc].code >> 4, r[ds], imm[pc])) pc += off[pc];
                        }
                        case JGT_REG, JGE_REG, JSET_REG, JSGT_REG, JSGE_REG, JLT_REG, JLE_REG, JSLT_REG, JSLE_REG -> {
                            if (Semantics.jump64(ops[pc].code >> 4, r[ds], r[src[pc]])) pc += off[pc];
                        }
                        case JEQ32_IMM, JGT32_IMM, JGE32_IMM, JSET32_IMM, JNE32_IMM, JSGT32_IMM, JSGE32_IMM,
                             JLT32_IMM, JLE32_IMM, JSLT32_IMM, JSLE32_IMM -> {
                            if (Semantics.jump32(ops[pc].code >> 4, r[ds], imm[pc])) pc += off[pc];
                        }
                        case JEQ32_REG, JGT32_REG, JGE32_REG, JSET32_REG, JNE32_REG, JSGT32_REG, JSGE32_REG,
                             JLT32_REG, JLE32_REG, JSLT32_REG, JSLE32_REG -> {
                            if (Semantics.jump32(ops[pc].code >> 4, r[ds], r[src[pc]])) pc += off[pc];
                        }
                        // ---- calls
                        case CALL, CALLX -> {
                            long id = ops[pc] == Op.CALL ? imm[pc] : r[ds];
                            if (id != HELPER_UNWIND) throw new Trap(TrapKind.BAD_CALL, "no helper " + id);
                            r[0] = r[1];
                            if (r[0] == 0) return new Result(new Outcome.Returned(0, finalMemory()), budget - left);
                        }
                        case CALL_RUNTIME -> {
                            Kfunc f = kfuncs.get((int) imm[pc]);
                            if (f == null) throw new Trap(TrapKind.BAD_CALL, "no kfunc with BTF id " + imm[pc]);
                            f.call(r, this);
                        }
                        case CALL_LOCAL -> {
                            if (depth + 1 >= MAX_FRAMES) throw new Trap(TrapKind.CALL_DEPTH, "more than " + MAX_FRAMES + " frames");
                            int s = depth * 5;
                            saved[s] = r[6];
                            saved[s + 1] = r[7];
                            saved[s + 2] = r[8];
                            saved[s + 3] = r[9];
                            saved[s + 4] = r[10];
                            retPc[depth++] = pc;
                            r[10] -= FRAME_SIZE;
                            stackLow -= FRAME_SIZE;
                            pc += (int) imm[pc];
                        }
                        case EXIT -> {
                            if (depth == 0) return new Result(new Outcome.Returned(r[0], finalMemory()), budget - left);
                            int s = --depth * 5;
                            r[6] = saved[s];
                            r[7] = saved[s + 1];
                            r[8] = saved[s + 2];
                            r[9] = saved[s + 3];
                            r[10] = saved[s + 4];
                            stackLow += FRAME_SIZE;
                            pc = retPc[depth];
                        }
                        // ---- 64-bit immediate (pseudo forms were refused before the loop)
                        case LDDW, LDDW_MAP_FD, LDDW_MAP_VALUE, LDDW_VAR_ADDR, LDDW_CODE_ADDR, LDDW_MAP_IDX, LDDW_MAP_IDX_VALUE -> {
                            r[ds] = imm[pc];
                            pc++;
                        }
                        // ---- legacy packet access (Linux semantics): big-endian load into r0 from the
                        // packet, a copy of the input taken at entry; outside it the program ends and returns 0.
                        case LD_ABS_B, LD_ABS_H, LD_ABS_W, LD_IND_B, LD_IND_H, LD_IND_W -> {
                            int size = ops[pc].size();
                            long o = imm[pc] + (ops[pc].shape == Shape.LD_IND ? (int) r[src[pc]] : 0);
                            if (o < 0 || o > memLen - size) return new Result(new Outcome.Returned(0, finalMemory()), budget - left);
                            long v = 0;
                            for (int b = 0; b < size; b++) v = (v << 8) | (packet[(int) o + b] & 0xff); // network order
                            r[0] = v;
                        }
                    }
                    pc++;
                }
            } catch (Trap t) {
                return new Result(new Outcome.Trapped(t.kind, pc, t.getMessage()), budget - Math.max(left, 0));
            }
        }
    }
}
