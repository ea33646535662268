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

    /*
     * Dispatch keys. The loop switches on a dense int so the JVM emits one table jump: an op's key is
     * its opcode byte, and the ops that share an opcode with an earlier row of the table (told apart
     * by src, offset or imm) get, in opcode order, the opcode bytes no instruction uses, so every key
     * fits the 8 bits of an opcode (see Decoded#code). KEY is computed from the table; the constants
     * below name the keys of the shared-opcode ops for the case labels, and the static check fails
     * the class at load if the table and these names ever disagree.
     */
    static final int[] KEY = new int[Op.values().length];
    /** Key of the slot after the last instruction. */
    static final int END = 0xff;
    /** Key of every slot of {@link Decoded#steps}: charge one instruction, then run the real one. */
    static final int STEP = 0xfe;
    /** Access size in bytes per key of a memory instruction. */
    static final int[] SIZE = new int[256];

    static final int K_LDDW_MAP_FD = 0x00;
    static final int K_LDDW_MAP_VALUE = 0x01;
    static final int K_LDDW_VAR_ADDR = 0x02;
    static final int K_LDDW_CODE_ADDR = 0x03;
    static final int K_LDDW_MAP_IDX = 0x08;
    static final int K_LDDW_MAP_IDX_VALUE = 0x09;
    static final int K_SDIV32_IMM = 0x0a;
    static final int K_SDIV64_IMM = 0x0b;
    static final int K_SDIV32_REG = 0x0d;
    static final int K_SDIV64_REG = 0x0e;
    static final int K_CALL_LOCAL = 0x10;
    static final int K_CALL_RUNTIME = 0x11;
    static final int K_SMOD32_IMM = 0x12;
    static final int K_SMOD64_IMM = 0x13;
    static final int K_SMOD32_REG = 0x19;
    static final int K_SMOD64_REG = 0x1a;
    static final int K_MOVSX8_32 = 0x1b;
    static final int K_MOVSX16_32 = 0x21;
    static final int K_MOVSX8_64 = 0x22;
    static final int K_MOVSX16_64 = 0x23;
    static final int K_MOVSX32_64 = 0x29;
    static final int K_ATOMIC32_FETCH_ADD = 0x2a;
    static final int K_ATOMIC32_OR = 0x2b;
    static final int K_ATOMIC32_FETCH_OR = 0x31;
    static final int K_ATOMIC32_AND = 0x32;
    static final int K_ATOMIC32_FETCH_AND = 0x33;
    static final int K_ATOMIC32_XOR = 0x38;
    static final int K_ATOMIC32_FETCH_XOR = 0x39;
    static final int K_ATOMIC32_XCHG = 0x3a;
    static final int K_ATOMIC32_CMPXCHG = 0x3b;
    static final int K_LOAD_ACQ_W = 0x41;
    static final int K_STORE_REL_W = 0x42;
    static final int K_STORE_REL_H = 0x43;
    static final int K_STORE_REL_B = 0x49;
    static final int K_LE32 = 0x4a;
    static final int K_LE64 = 0x4b;
    static final int K_BSWAP32 = 0x51;
    static final int K_BSWAP64 = 0x52;
    static final int K_ATOMIC64_FETCH_ADD = 0x53;
    static final int K_ATOMIC64_OR = 0x58;
    static final int K_ATOMIC64_FETCH_OR = 0x59;
    static final int K_ATOMIC64_AND = 0x5a;
    static final int K_ATOMIC64_FETCH_AND = 0x5b;
    static final int K_ATOMIC64_XOR = 0x60;
    static final int K_ATOMIC64_FETCH_XOR = 0x68;
    static final int K_ATOMIC64_XCHG = 0x70;
    static final int K_ATOMIC64_CMPXCHG = 0x78;
    static final int K_LOAD_ACQ_DW = 0x80;
    static final int K_STORE_REL_DW = 0x82;
    static final int K_BE32 = 0x83;
    static final int K_BE64 = 0x86;

    static {
        boolean[] taken = new boolean[256];
        for (Op op : Op.values()) taken[op.code] = true;
        int free = 0;
        for (int code = 0; code < 256; code++) {
            java.util.List<Op> ops = Op.byCode(code);
            for (int k = 0; k < ops.size(); k++) {
                if (k > 0) while (taken[free]) free++;
                KEY[ops.get(k).ordinal()] = k == 0 ? code : free;
                if (k > 0) taken[free] = true;
            }
        }
        for (Op op : Op.values()) SIZE[KEY[op.ordinal()]] = op.size();
        if (taken[END] || taken[STEP]) throw new IllegalStateException("no opcode byte left for the END and STEP keys");
        for (java.lang.reflect.Field f : Interpreter.class.getDeclaredFields()) {
            if (!f.getName().startsWith("K_")) continue;
            try {
                Op op = Op.valueOf(f.getName().substring(2));
                if (KEY[op.ordinal()] != f.getInt(null)) throw new IllegalStateException(f.getName() + " does not match the Op table");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

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

    /** A program flattened for the hot loop, built once: it reads one long per instruction and no records. */
    public static final class Decoded {
        /**
         * Two longs per slot, so that the loop reads one array only. At 2*pc the instruction's own
         * 64-bit encoding with the opcode byte replaced by its dispatch key: bits 0-7 key, 8-11 dst,
         * 12-15 src, 16-31 offset, 32-63 imm (the second slot of an lddw holds the upper half of its
         * immediate, as in the encoding). At 2*pc+1 the slot's cost: how many instructions run from
         * it to the end of its stretch, the next jump, call or exit (included) or the end of the
         * program; the budget is charged a stretch at a time. One slot more than the program, keyed
         * END, so running off the end needs no check per instruction.
         */
        final long[] code;
        /** The same length as {@link #code}, every instruction STEP: the loop runs this when it must count each instruction. */
        final long[] steps;
        final Op[] ops;
        final String unsupported;
        final boolean packet;

        private Decoded(Program p) {
            int n = p.slotCount();
            code = new long[2 * (n + 1)];
            steps = new long[2 * (n + 1)];
            ops = new Op[n + 1];
            for (int pc = 0; pc <= n; pc++) steps[2 * pc] = STEP;
            code[2 * n] = END;
            String why = null;
            boolean pk = false;
            for (int pc = n - 1; pc >= 0; pc--) {
                Insn i = p.at(pc);
                if (i == null) { // second slot of an lddw: only its upper immediate half is read
                    code[2 * pc] = p.at(pc - 1).imm() & ~M32;
                    continue;
                }
                Op op = i.op();
                ops[pc] = op;
                code[2 * pc] = KEY[op.ordinal()] | i.dst() << 8 | i.src() << 12 | (i.off() & 0xffffL) << 16 | i.imm() << 32;
                boolean ends = op.shape.isJump() || op == Op.EXIT;
                code[2 * pc + 1] = ends ? 1 : 1 + code[2 * (pc + (op.shape == Shape.LDDW ? 2 : 1)) + 1];
                pk |= op.shape == Shape.LD_ABS || op.shape == Shape.LD_IND;
                if (op.shape == Shape.LDDW && i.src() != 0) {
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
        // A long run goes in chunks, each a call of the loop of its own: the JIT then compiles the
        // loop from the profile of many calls, rather than early for the one call still running,
        // whose unripe profile makes it compile every case of the switch (about half as fast).
        while (true) {
            long rest = state.left - Math.min(state.left, CHUNK);
            state.left -= rest;
            Outcome o = new Machine(d, state, budget, kfuncs).run().outcome();
            state.left += rest;
            if (rest == 0 || !(o instanceof Outcome.Trapped t && t.kind() == TrapKind.BUDGET)) return new Result(o, budget - state.left);
        }
    }

    /** Most instructions one call of the loop runs (see resume). */
    static final long CHUNK = 1 << 14;

    private static final class Machine implements Kfunc.Memory {
        final Decoded d;
        final Map<Integer, Kfunc> kfuncs;
        final MachineState s;
        final byte[] ram;     // stack frames at stackOff, the input memory at memOff
        final int memLen, memOff, stackOff;
        final long budget;
        long stackLow;        // lowest valid stack address: bottom of the current frame
        final byte[] packet;  // legacy packet loads read the input as it was at entry (as Linux's skb copy)
        final int n;          // number of slots: the END slot's index
        Tracer tracer;        // null except in coverage runs
        int depth;            // active local calls
        boolean stepping;     // running Decoded#steps: each instruction charged on its own

        Machine(Decoded d, MachineState s, long budget, Map<Integer, Kfunc> kfuncs) {
            this.d = d;
            this.kfuncs = kfuncs;
            this.s = s;
            this.ram = s.ram;
            this.memLen = s.memLen;
            this.memOff = s.memOff;
            this.stackOff = s.stackOff;
            this.budget = budget;
            this.n = d.code.length / 2 - 1;
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

        /**
         * The loop. The budget is charged a stretch at a time (its cost in Decoded#code) when the stretch is
         * entered: at the start and after every jump, call and exit. A stretch the budget cannot
         * pay for in full, and every instruction of a traced run, runs over Decoded#steps instead:
         * its STEP key charges one instruction (and calls the tracer) before running the real one,
         * so a budget trap lands on exactly the instruction number budget + 1. When the run stops
         * inside a stretch, what was charged and not executed is given back (unspent).
         */
        Result run() {
            if (d.unsupported != null) return new Result(new Outcome.Unsupported(d.unsupported), 0);
            // few locals live across the loop, so that the JIT keeps them in registers; the rest are fields
            final long[] r = new long[16]; // a local array of known length: masked indices need no bounds checks
            System.arraycopy(s.r, 0, r, 0, 11);
            depth = s.depth;
            stackLow = s.stackLow();
            long left = s.left;
            int pc = s.pc;
            stepping = tracer != null;
            long[] code = stepping ? d.steps : d.code;
            try {
                stretch:
                while (true) {
                    if (!stepping) {
                        long c = code[2 * pc + 1];
                        if (c <= left) {
                            left -= c;
                        } else {
                            stepping = true;
                            code = d.steps;
                        }
                    }
                    while (true) {
                        long w = code[2 * pc];
                        dispatch:
                        while (true) {
                            final int ds = (int) (w >>> 8 & 15), ss = (int) (w >>> 12 & 15);
                            switch ((int) w & 0xff) {
                                case STEP -> {
                                    w = d.code[2 * pc];
                                    if (pc < n) { // falling off the end wins over the budget
                                        if (--left < 0) throw new Trap(TrapKind.BUDGET, "budget of " + budget + " instructions used up");
                                        if (tracer != null) tracer.step(pc, r);
                                    }
                                    continue dispatch;
                                }
                                case END -> throw new Trap(TrapKind.FELL_OFF_END, "no instruction at pc " + pc);
                                // ---- ALU64
                                case 0x07 -> r[ds] += (w >> 32);
                                case 0x0f -> r[ds] += r[ss];
                                case 0x17 -> r[ds] -= (w >> 32);
                                case 0x1f -> r[ds] -= r[ss];
                                case 0x27 -> r[ds] *= (w >> 32);
                                case 0x2f -> r[ds] *= r[ss];
                                case 0x37 -> r[ds] = Semantics.div64(r[ds], (w >> 32));
                                case 0x3f -> r[ds] = Semantics.div64(r[ds], r[ss]);
                                case K_SDIV64_IMM -> r[ds] = Semantics.sdiv64(r[ds], (w >> 32));
                                case K_SDIV64_REG -> r[ds] = Semantics.sdiv64(r[ds], r[ss]);
                                case 0x47 -> r[ds] |= (w >> 32);
                                case 0x4f -> r[ds] |= r[ss];
                                case 0x57 -> r[ds] &= (w >> 32);
                                case 0x5f -> r[ds] &= r[ss];
                                case 0x67 -> r[ds] <<= (w >> 32);
                                case 0x6f -> r[ds] <<= r[ss];
                                case 0x77 -> r[ds] >>>= (w >> 32);
                                case 0x7f -> r[ds] >>>= r[ss];
                                case 0x97 -> r[ds] = Semantics.mod64(r[ds], (w >> 32));
                                case 0x9f -> r[ds] = Semantics.mod64(r[ds], r[ss]);
                                case K_SMOD64_IMM -> r[ds] = Semantics.smod64(r[ds], (w >> 32));
                                case K_SMOD64_REG -> r[ds] = Semantics.smod64(r[ds], r[ss]);
                                case 0xa7 -> r[ds] ^= (w >> 32);
                                case 0xaf -> r[ds] ^= r[ss];
                                case 0xb7 -> r[ds] = (w >> 32);
                                case 0xbf -> r[ds] = r[ss];
                                case 0xc7 -> r[ds] >>= (w >> 32);
                                case 0xcf -> r[ds] >>= r[ss];
                                case 0x87 -> r[ds] = -r[ds];
                                case K_MOVSX8_64 -> r[ds] = (byte) r[ss];
                                case K_MOVSX16_64 -> r[ds] = (short) r[ss];
                                case K_MOVSX32_64 -> r[ds] = (int) r[ss];
                                // ---- ALU (32-bit, zero-extending)
                                case 0x04 -> r[ds] = (int) (r[ds] + (w >> 32)) & M32;
                                case 0x0c -> r[ds] = (int) (r[ds] + r[ss]) & M32;
                                case 0x14 -> r[ds] = (int) (r[ds] - (w >> 32)) & M32;
                                case 0x1c -> r[ds] = (int) (r[ds] - r[ss]) & M32;
                                case 0x24 -> r[ds] = ((int) r[ds] * (int) (w >> 32)) & M32;
                                case 0x2c -> r[ds] = ((int) r[ds] * (int) r[ss]) & M32;
                                case 0x34 -> r[ds] = Semantics.div32(r[ds], (w >> 32));
                                case 0x3c -> r[ds] = Semantics.div32(r[ds], r[ss]);
                                case K_SDIV32_IMM -> r[ds] = Semantics.sdiv32(r[ds], (w >> 32));
                                case K_SDIV32_REG -> r[ds] = Semantics.sdiv32(r[ds], r[ss]);
                                case 0x44 -> r[ds] = (r[ds] | (w >> 32)) & M32;
                                case 0x4c -> r[ds] = (r[ds] | r[ss]) & M32;
                                case 0x54 -> r[ds] = (r[ds] & (w >> 32)) & M32;
                                case 0x5c -> r[ds] = (r[ds] & r[ss]) & M32;
                                case 0x64 -> r[ds] = Semantics.lsh32(r[ds], (w >> 32));
                                case 0x6c -> r[ds] = Semantics.lsh32(r[ds], r[ss]);
                                case 0x74 -> r[ds] = Semantics.rsh32(r[ds], (w >> 32));
                                case 0x7c -> r[ds] = Semantics.rsh32(r[ds], r[ss]);
                                case 0x94 -> r[ds] = Semantics.mod32(r[ds], (w >> 32));
                                case 0x9c -> r[ds] = Semantics.mod32(r[ds], r[ss]);
                                case K_SMOD32_IMM -> r[ds] = Semantics.smod32(r[ds], (w >> 32));
                                case K_SMOD32_REG -> r[ds] = Semantics.smod32(r[ds], r[ss]);
                                case 0xa4 -> r[ds] = (r[ds] ^ (w >> 32)) & M32;
                                case 0xac -> r[ds] = (r[ds] ^ r[ss]) & M32;
                                case 0xb4 -> r[ds] = (w >> 32) & M32;
                                case 0xbc -> r[ds] = r[ss] & M32;
                                case 0xc4 -> r[ds] = Semantics.arsh32(r[ds], (w >> 32));
                                case 0xcc -> r[ds] = Semantics.arsh32(r[ds], r[ss]);
                                case 0x84 -> r[ds] = -(int) r[ds] & M32;
                                case K_MOVSX8_32 -> r[ds] = Semantics.sext32(r[ss], 8);
                                case K_MOVSX16_32 -> r[ds] = Semantics.sext32(r[ss], 16);
                                // ---- byte order
                                case 0xd4 -> r[ds] &= 0xffff; // le16 (the host is little-endian: truncation)
                                case K_LE32 -> r[ds] &= M32;
                                case K_LE64 -> { } // le64: nothing to do
                                case 0xdc, K_BE32, K_BE64, 0xd7, K_BSWAP32, K_BSWAP64 -> r[ds] = Semantics.be(r[ds], (int) (w >> 32));
                                // ---- memory: one site per kind, so that the JIT inlines each access path once
                                case 0x71, 0x69, 0x61, 0x79, 0xd3, 0xcb, K_LOAD_ACQ_W, K_LOAD_ACQ_DW ->
                                        r[ds] = load(r[ss] + ((int) w >> 16), SIZE[(int) w & 0xff]);
                                case 0x91, 0x89, 0x81 -> { // sign-extending
                                    int size = SIZE[(int) w & 0xff], unused = 64 - 8 * size;
                                    r[ds] = load(r[ss] + ((int) w >> 16), size) << unused >> unused;
                                }
                                case 0x72, 0x6a, 0x62, 0x7a -> store(r[ds] + ((int) w >> 16), SIZE[(int) w & 0xff], w >> 32);
                                case 0x73, 0x6b, 0x63, 0x7b, K_STORE_REL_B, K_STORE_REL_H, K_STORE_REL_W, K_STORE_REL_DW ->
                                        store(r[ds] + ((int) w >> 16), SIZE[(int) w & 0xff], r[ss]);
                                case 0xc3, K_ATOMIC32_OR, K_ATOMIC32_AND, K_ATOMIC32_XOR, 0xdb, K_ATOMIC64_OR, K_ATOMIC64_AND, K_ATOMIC64_XOR,
                                        K_ATOMIC32_FETCH_ADD, K_ATOMIC32_FETCH_OR, K_ATOMIC32_FETCH_AND, K_ATOMIC32_FETCH_XOR, K_ATOMIC32_XCHG,
                                        K_ATOMIC64_FETCH_ADD, K_ATOMIC64_FETCH_OR, K_ATOMIC64_FETCH_AND, K_ATOMIC64_FETCH_XOR, K_ATOMIC64_XCHG,
                                        K_ATOMIC32_CMPXCHG, K_ATOMIC64_CMPXCHG -> atomic(r, w);
                                // ---- jumps: one case per predicate (same definitions as Semantics.jump64/jump32, tested equal);
                                // unsigned order by flipping the sign bits, as Long.compareUnsigned is not always inlined here
                                case 0x05 -> {
                                    pc += ((int) w >> 16) + 1;
                                    continue stretch;
                                }
                                case 0x06 -> {
                                    pc += (int) (w >> 32) + 1;
                                    continue stretch;
                                }
                                case 0x15 -> { // jeq
                                    long a = r[ds], b = (w >> 32);
                                    if (a == b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x1d -> { // jeq reg
                                    long a = r[ds], b = r[ss];
                                    if (a == b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x25 -> { // jgt
                                    long a = r[ds], b = (w >> 32);
                                    if (a + Long.MIN_VALUE > b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x2d -> { // jgt reg
                                    long a = r[ds], b = r[ss];
                                    if (a + Long.MIN_VALUE > b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x35 -> { // jge
                                    long a = r[ds], b = (w >> 32);
                                    if (a + Long.MIN_VALUE >= b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x3d -> { // jge reg
                                    long a = r[ds], b = r[ss];
                                    if (a + Long.MIN_VALUE >= b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x45 -> { // jset
                                    long a = r[ds], b = (w >> 32);
                                    if ((a & b) != 0) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x4d -> { // jset reg
                                    long a = r[ds], b = r[ss];
                                    if ((a & b) != 0) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x55 -> { // jne
                                    long a = r[ds], b = (w >> 32);
                                    if (a != b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x5d -> { // jne reg
                                    long a = r[ds], b = r[ss];
                                    if (a != b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x65 -> { // jsgt
                                    long a = r[ds], b = (w >> 32);
                                    if (a > b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x6d -> { // jsgt reg
                                    long a = r[ds], b = r[ss];
                                    if (a > b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x75 -> { // jsge
                                    long a = r[ds], b = (w >> 32);
                                    if (a >= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x7d -> { // jsge reg
                                    long a = r[ds], b = r[ss];
                                    if (a >= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xa5 -> { // jlt
                                    long a = r[ds], b = (w >> 32);
                                    if (a + Long.MIN_VALUE < b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xad -> { // jlt reg
                                    long a = r[ds], b = r[ss];
                                    if (a + Long.MIN_VALUE < b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xb5 -> { // jle
                                    long a = r[ds], b = (w >> 32);
                                    if (a + Long.MIN_VALUE <= b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xbd -> { // jle reg
                                    long a = r[ds], b = r[ss];
                                    if (a + Long.MIN_VALUE <= b + Long.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xc5 -> { // jslt
                                    long a = r[ds], b = (w >> 32);
                                    if (a < b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xcd -> { // jslt reg
                                    long a = r[ds], b = r[ss];
                                    if (a < b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xd5 -> { // jsle
                                    long a = r[ds], b = (w >> 32);
                                    if (a <= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xdd -> { // jsle reg
                                    long a = r[ds], b = r[ss];
                                    if (a <= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x16 -> { // jeq32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a == b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x1e -> { // jeq32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a == b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x26 -> { // jgt32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a + Integer.MIN_VALUE > b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x2e -> { // jgt32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a + Integer.MIN_VALUE > b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x36 -> { // jge32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a + Integer.MIN_VALUE >= b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x3e -> { // jge32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a + Integer.MIN_VALUE >= b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x46 -> { // jset32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if ((a & b) != 0) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x4e -> { // jset32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if ((a & b) != 0) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x56 -> { // jne32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a != b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x5e -> { // jne32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a != b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x66 -> { // jsgt32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a > b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x6e -> { // jsgt32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a > b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x76 -> { // jsge32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a >= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0x7e -> { // jsge32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a >= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xa6 -> { // jlt32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a + Integer.MIN_VALUE < b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xae -> { // jlt32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a + Integer.MIN_VALUE < b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xb6 -> { // jle32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a + Integer.MIN_VALUE <= b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xbe -> { // jle32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a + Integer.MIN_VALUE <= b + Integer.MIN_VALUE) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xc6 -> { // jslt32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a < b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xce -> { // jslt32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a < b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xd6 -> { // jsle32
                                    int a = (int) r[ds], b = (int) (w >> 32);
                                    if (a <= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                case 0xde -> { // jsle32 reg
                                    int a = (int) r[ds], b = (int) r[ss];
                                    if (a <= b) pc += ((int) w >> 16);
                                    pc++;
                                    continue stretch;
                                }
                                // ---- calls
                                case 0x85, 0x8d -> {
                                    long id = d.ops[pc] == Op.CALL ? (w >> 32) : r[ds];
                                    if (id != HELPER_UNWIND) throw new Trap(TrapKind.BAD_CALL, "no helper " + id);
                                    r[0] = r[1];
                                    if (r[0] == 0) {
                                        save(r, pc, depth, left + unspent(pc));
                                        return new Result(new Outcome.Returned(0, finalMemory()), budget - s.left);
                                    }
                                }
                                case K_CALL_RUNTIME -> {
                                    Kfunc f = kfuncs.get((int) (w >> 32));
                                    if (f == null) throw new Trap(TrapKind.BAD_CALL, "no kfunc with BTF id " + (w >> 32));
                                    f.call(r, this);
                                }
                                case K_CALL_LOCAL -> {
                                    if (depth + 1 >= MAX_FRAMES) throw new Trap(TrapKind.CALL_DEPTH, "more than " + MAX_FRAMES + " frames");
                                    long[] saved = s.saved; // r6-r9 and r10 per frame
                                    saved[depth * 5] = r[6];
                                    saved[depth * 5 + 1] = r[7];
                                    saved[depth * 5 + 2] = r[8];
                                    saved[depth * 5 + 3] = r[9];
                                    saved[depth * 5 + 4] = r[10];
                                    s.retPc[depth++] = pc;
                                    r[10] -= FRAME_SIZE;
                                    stackLow -= FRAME_SIZE;
                                    pc += (int) (w >> 32) + 1;
                                    continue stretch;
                                }
                                case 0x95 -> {
                                    if (depth == 0) {
                                        save(r, pc, depth, left);
                                        return new Result(new Outcome.Returned(r[0], finalMemory()), budget - left);
                                    }
                                    long[] saved = s.saved;
                                    int f = --depth * 5;
                                    r[6] = saved[f];
                                    r[7] = saved[f + 1];
                                    r[8] = saved[f + 2];
                                    r[9] = saved[f + 3];
                                    r[10] = saved[f + 4];
                                    stackLow += FRAME_SIZE;
                                    pc = s.retPc[depth] + 1;
                                    continue stretch;
                                }
                                // ---- 64-bit immediate (pseudo forms were refused before the loop)
                                case 0x18, K_LDDW_MAP_FD, K_LDDW_MAP_VALUE, K_LDDW_VAR_ADDR, K_LDDW_CODE_ADDR, K_LDDW_MAP_IDX, K_LDDW_MAP_IDX_VALUE -> {
                                    r[ds] = w >>> 32 | d.code[2 * pc + 2] & ~M32; // the upper half is in the second slot
                                    pc++;
                                }
                                // ---- legacy packet access (Linux semantics): big-endian load into r0 from the
                                // packet, a copy of the input taken at entry; outside it the program ends and returns 0.
                                case 0x30, 0x28, 0x20, 0x50, 0x48, 0x40 -> {
                                    int size = d.ops[pc].size();
                                    long o = (w >> 32) + (d.ops[pc].shape == Shape.LD_IND ? (int) r[ss] : 0);
                                    if (o < 0 || o > memLen - size) {
                                        save(r, pc, depth, left + unspent(pc));
                                        return new Result(new Outcome.Returned(0, finalMemory()), budget - s.left);
                                    }
                                    long v = 0;
                                    for (int b = 0; b < size; b++) v = (v << 8) | (packet[(int) o + b] & 0xff); // network order
                                    r[0] = v;
                                }

                            }
                            break;
                        }
                        pc++;
                    }
                }
            } catch (Trap t) {
                left = Math.max(left, 0) + unspent(pc);
                save(r, pc, depth, left);
                return new Result(new Outcome.Trapped(t.kind, pc, t.getMessage()), budget - left);
            }
        }

        /** An atomic read-modify-write; the interpreter runs one thread, so a plain one is atomic. */
        private void atomic(long[] r, long w) {
            int key = (int) w & 0xff, size = SIZE[key], op = (int) (w >> 32), ss = (int) (w >>> 12 & 15);
            long a = r[(int) (w >>> 8 & 15)] + ((int) w >> 16);
            long old = load(a, size);
            if (key == K_ATOMIC32_CMPXCHG || key == K_ATOMIC64_CMPXCHG) { // compares r0 (its low half for 32 bits)
                if (old == (size == 4 ? r[0] & M32 : r[0])) store(a, size, r[ss]);
                r[0] = old;
                return;
            }
            store(a, size, Semantics.atomicApply(op, old, r[ss]));
            if ((op & 1) != 0) r[ss] = old; // BPF_FETCH: the fetch forms and xchg load the old value
        }

        /** Instructions charged for the stretch the run stops in at pc but not executed (pc's own ran). */
        private long unspent(int pc) {
            return stepping || pc == n ? 0 : d.code[2 * pc + 1] - 1;
        }

        /**
         * Writes the machine back into {@code s} when the run stops: registers after exit are what a
         * litmus run observes, and after a budget trap {@code s} resumes at the trapping instruction
         * (the litmus scheduler runs threads one instruction at a time so).
         */
        private void save(long[] r, int pc, int depth, long left) {
            System.arraycopy(r, 0, s.r, 0, 11);
            s.pc = pc;
            s.depth = depth;
            s.left = left;
        }
    }
}
