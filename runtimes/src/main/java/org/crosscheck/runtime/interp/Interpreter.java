package org.crosscheck.runtime.interp;

import static org.crosscheck.runtime.Layout.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.crosscheck.isa.GlobalData;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Capabilities;
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
     * Dispatch keys, one byte per op so that a slot packs into one long (see Decoded). An op's key
     * is its opcode byte; the ops that share an opcode with an earlier row of the table (told apart
     * by src, offset or imm) take the byte values no opcode uses, in table order. KEY is computed
     * from the table; the constants below name the keys of the shared-opcode ops for the case
     * labels, and the static check fails the class at load if the table and these names disagree.
     */
    static final int[] KEY = new int[Op.values().length];
    /** Key of the slot after the last instruction (and of lddw's second slots, which no jump can reach). */
    static final int END = 0x88;

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
        boolean[] opcode = new boolean[256];
        for (Op op : Op.values()) opcode[op.code] = true;
        int free = 0;
        for (int code = 0; code < 256; code++) {
            java.util.List<Op> ops = Op.byCode(code);
            for (int k = 0; k < ops.size(); k++) {
                if (k == 0) {
                    KEY[ops.get(k).ordinal()] = code;
                    continue;
                }
                while (opcode[free]) free++;
                KEY[ops.get(k).ordinal()] = free++;
            }
        }
        while (opcode[free]) free++;
        if (free != END) throw new IllegalStateException("END is 0x" + Integer.toHexString(END) + ", the table says 0x" + Integer.toHexString(free));
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
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        return execute(program, memory, limits).outcome();
    }

    /** Decoded once, run per input. */
    @Override
    public Loaded load(Program program, int memoryLength) {
        Decoded d = Decoded.of(program);
        return (memory, limits) -> execute(d, memory, limits.instructionBudget()).outcome();
    }

    /** Sees every instruction the interpreter is about to execute, with the registers (for ISA coverage). */
    @FunctionalInterface
    public interface Tracer {
        void step(int pc, long[] registers);
    }

    /** Runs with a tracer called before each instruction (slower; for sampled coverage runs). */
    public Result trace(Program program, byte[] memory, Limits limits, Tracer tracer) {
        return traceable(program).trace(memory, limits, tracer);
    }

    /** A program decoded once and traced on many inputs. */
    @FunctionalInterface
    public interface Traceable {
        Result trace(byte[] memory, Limits limits, Tracer tracer);
    }

    /** {@code program} decoded once, for {@link Traceable#trace} on each of many inputs. */
    public Traceable traceable(Program program) {
        Decoded d = Decoded.of(program);
        return (memory, limits, tracer) -> {
            Machine m = new Machine(d, MachineState.initial(memory, d.globals, limits.instructionBudget()), limits.instructionBudget(), kfuncs);
            m.tracer = tracer;
            return m.run();
        };
    }

    /** An outcome with the number of instructions executed (for benchmarks and coverage). */
    public record Result(Outcome outcome, long executed) {}

    public Result execute(Program program, byte[] memory, Limits limits) {
        return execute(Decoded.of(program), memory, limits.instructionBudget());
    }

    /**
     * A program as one long per slot, built once so the hot loop reads one array: bits 0-7 the
     * dispatch key ({@link #KEY}), 8-11 dst, 12-15 src, 16-31 the offset, 32-63 the immediate
     * (lddw's 64-bit immediate is in {@code wide}).
     */
    public static final class Decoded {
        final Op[] ops;
        final long[] code;
        final long[] wide;
        final String unsupported;
        final boolean packet;
        /** The program's global-data region, placed at GLOBAL_BASE for each run. */
        final GlobalData globals;

        private Decoded(Program p) {
            globals = p.globalData();
            int n = p.slotCount();
            // one slot more than the program: its key is END, so running off the end needs no check per instruction
            ops = new Op[n + 1];
            code = new long[n + 1];
            wide = new long[n + 1];
            boolean pk = false;
            for (int pc = 0; pc <= n; pc++) {
                Insn i = pc < n ? p.at(pc) : null;
                if (i == null) {
                    code[pc] = END;
                    continue;
                }
                ops[pc] = i.op();
                code[pc] = KEY[i.op().ordinal()] | (i.dst() & 15) << 8 | (i.src() & 15) << 12 | (i.off() & 0xffffL) << 16 | i.imm() << 32;
                if (i.op().shape == Shape.LDDW) wide[pc] = i.op() == Op.LDDW_MAP_IDX_VALUE ? GLOBAL_BASE + Program.mapOffset(i) : i.imm();
                pk |= i.op().shape == Shape.LD_ABS || i.op().shape == Shape.LD_IND;
            }
            unsupported = unsupported(p);
            packet = pk;
        }

        public static Decoded of(Program p) {
            return new Decoded(p);
        }

        /**
         * Why no runtime of ours can run {@code p} (a pseudo lddw other than {@code map_idx_value 0} of its
         * global-data region), or null.
         */
        public static String unsupported(Program p) {
            for (Insn i : p.insns()) {
                if (i.op() == Op.LDDW_MAP_IDX_VALUE && !p.globalData().isEmpty()) continue; // Program checked map 0 and the offset
                if (i.op() == Op.LDDW_MAP_IDX_VALUE) return "lddw map_idx_value without a global-data region (the program has no .data/.rodata/.bss)";
                if (i.op().shape == Shape.LDDW && i.src() != 0) {
                    return "lddw pseudo source " + i.src() + " (maps, BTF variables and function addresses need a loader; only map_idx_value 0, a program's global data, is ours)";
                }
            }
            return null;
        }

        /** Why no runtime of ours can run the program (a pseudo lddw), or null. */
        public String unsupported() {
            return unsupported;
        }
    }

    /** Fields of a packed slot. */
    private static int src(long w) {
        return (int) (w >>> 12) & 15;
    }

    private static int off(long w) {
        return (short) (w >>> 16);
    }

    /** The immediate, sign-extended (as {@link Insn#imm()} for every op but lddw). */
    private static long imm(long w) {
        return w >> 32;
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
        return resume(d, MachineState.initial(memory, d.globals, budget), budget);
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
        int depth;            // active local calls
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
            o = a - GLOBAL_BASE;
            if (o >= 0 && o <= s.globalLen - size) return (int) o + s.globalOff;
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
         * The hot loop: plain ALU, jumps, loads and stores, exit from the entry function. Everything
         * else (division, atomics, calls, byte swaps, lddw, packet loads) is in {@link #rare}. Why: when
         * a campaign's programs have used every op, C2 compiles every case of the switch, and with all
         * of them in one method it spills the loop's state (5.1-6.3 ns per instruction measured); this
         * loop stays at 2.9-4.4 (InterpBench, whose warm-up gives the JVM a campaign's profile).
         */
        Result run() {
            if (d.unsupported != null) return new Result(new Outcome.Unsupported(d.unsupported), 0);
            final long[] code = d.code;
            final byte[] ram = this.ram;
            final int n = code.length - 1;
            final long[] r = new long[16]; // a local array of known length: masked indices need no bounds checks
            System.arraycopy(s.r, 0, r, 0, 11);
            depth = s.depth;
            stackLow = s.stackLow();
            long left = s.left;
            int pc = s.pc;
            final Tracer tr = tracer;
            try {
                while (true) {
                    if (--left < 0) { // falling off the end is checked first, as the END slot would
                        if (pc == n) throw new Trap(TrapKind.FELL_OFF_END, "no instruction at pc " + pc);
                        throw new Trap(TrapKind.BUDGET, "budget of " + budget + " instructions used up");
                    }
                    if (tr != null && pc < n) tr.step(pc, r);
                    final long w = code[pc];
                    final int ds = (int) (w >>> 8) & 15;
                    switch ((int) w & 0xff) {
                        // ---- ALU64
                        case 0x07 -> r[ds] += imm(w);
                        case 0x0f -> r[ds] += r[src(w)];
                        case 0x17 -> r[ds] -= imm(w);
                        case 0x1f -> r[ds] -= r[src(w)];
                        case 0x27 -> r[ds] *= imm(w);
                        case 0x2f -> r[ds] *= r[src(w)];
                        case 0x47 -> r[ds] |= imm(w);
                        case 0x4f -> r[ds] |= r[src(w)];
                        case 0x57 -> r[ds] &= imm(w);
                        case 0x5f -> r[ds] &= r[src(w)];
                        case 0x67 -> r[ds] <<= imm(w);
                        case 0x6f -> r[ds] <<= r[src(w)];
                        case 0x77 -> r[ds] >>>= imm(w);
                        case 0x7f -> r[ds] >>>= r[src(w)];
                        case 0xa7 -> r[ds] ^= imm(w);
                        case 0xaf -> r[ds] ^= r[src(w)];
                        case 0xb7 -> r[ds] = imm(w);
                        case 0xbf -> r[ds] = r[src(w)];
                        case 0xc7 -> r[ds] >>= imm(w);
                        case 0xcf -> r[ds] >>= r[src(w)];
                        case 0x87 -> r[ds] = -r[ds];
                        // ---- ALU (32-bit, zero-extending)
                        case 0x04 -> r[ds] = (int) (r[ds] + imm(w)) & M32;
                        case 0x0c -> r[ds] = (int) (r[ds] + r[src(w)]) & M32;
                        case 0x14 -> r[ds] = (int) (r[ds] - imm(w)) & M32;
                        case 0x1c -> r[ds] = (int) (r[ds] - r[src(w)]) & M32;
                        case 0x24 -> r[ds] = ((int) r[ds] * (int) imm(w)) & M32;
                        case 0x2c -> r[ds] = ((int) r[ds] * (int) r[src(w)]) & M32;
                        case 0x44 -> r[ds] = (r[ds] | imm(w)) & M32;
                        case 0x4c -> r[ds] = (r[ds] | r[src(w)]) & M32;
                        case 0x54 -> r[ds] = (r[ds] & imm(w)) & M32;
                        case 0x5c -> r[ds] = (r[ds] & r[src(w)]) & M32;
                        case 0x64 -> r[ds] = Semantics.lsh32(r[ds], imm(w));
                        case 0x6c -> r[ds] = Semantics.lsh32(r[ds], r[src(w)]);
                        case 0x74 -> r[ds] = Semantics.rsh32(r[ds], imm(w));
                        case 0x7c -> r[ds] = Semantics.rsh32(r[ds], r[src(w)]);
                        case 0xa4 -> r[ds] = (r[ds] ^ imm(w)) & M32;
                        case 0xac -> r[ds] = (r[ds] ^ r[src(w)]) & M32;
                        case 0xb4 -> r[ds] = imm(w) & M32;
                        case 0xbc -> r[ds] = r[src(w)] & M32;
                        case 0xc4 -> r[ds] = Semantics.arsh32(r[ds], imm(w));
                        case 0xcc -> r[ds] = Semantics.arsh32(r[ds], r[src(w)]);
                        case 0x84 -> r[ds] = -(int) r[ds] & M32;
                        // ---- memory
                        case 0x71 -> r[ds] = ram[at(r[src(w)] + off(w), 1)] & 0xffL;
                        case 0x69 -> r[ds] = (short) I16.get(ram, at(r[src(w)] + off(w), 2)) & 0xffffL;
                        case 0x61 -> r[ds] = (int) I32.get(ram, at(r[src(w)] + off(w), 4)) & M32;
                        case 0x79 -> r[ds] = (long) I64.get(ram, at(r[src(w)] + off(w), 8));
                        case 0x91 -> r[ds] = ram[at(r[src(w)] + off(w), 1)];
                        case 0x89 -> r[ds] = (short) I16.get(ram, at(r[src(w)] + off(w), 2));
                        case 0x81 -> r[ds] = (int) I32.get(ram, at(r[src(w)] + off(w), 4));
                        case 0x72 -> ram[at(r[ds] + off(w), 1)] = (byte) imm(w);
                        case 0x6a -> I16.set(ram, at(r[ds] + off(w), 2), (short) imm(w));
                        case 0x62 -> I32.set(ram, at(r[ds] + off(w), 4), (int) imm(w));
                        case 0x7a -> I64.set(ram, at(r[ds] + off(w), 8), imm(w));
                        case 0x73 -> ram[at(r[ds] + off(w), 1)] = (byte) r[src(w)];
                        case 0x6b -> I16.set(ram, at(r[ds] + off(w), 2), (short) r[src(w)]);
                        case 0x63 -> I32.set(ram, at(r[ds] + off(w), 4), (int) r[src(w)]);
                        case 0x7b -> I64.set(ram, at(r[ds] + off(w), 8), r[src(w)]);
                        // ---- jumps: one case per predicate (same definitions as Semantics.jump64/jump32, tested equal)
                        case 0x05 -> pc += off(w);
                        case 0x06 -> pc += (int) imm(w);
                        case 0x15 -> { if (r[ds] == imm(w)) pc += off(w); }
                        case 0x1d -> { if (r[ds] == r[src(w)]) pc += off(w); }
                        case 0x25 -> { if (Long.compareUnsigned(r[ds], imm(w)) > 0) pc += off(w); }
                        case 0x2d -> { if (Long.compareUnsigned(r[ds], r[src(w)]) > 0) pc += off(w); }
                        case 0x35 -> { if (Long.compareUnsigned(r[ds], imm(w)) >= 0) pc += off(w); }
                        case 0x3d -> { if (Long.compareUnsigned(r[ds], r[src(w)]) >= 0) pc += off(w); }
                        case 0x45 -> { if ((r[ds] & imm(w)) != 0) pc += off(w); }
                        case 0x4d -> { if ((r[ds] & r[src(w)]) != 0) pc += off(w); }
                        case 0x55 -> { if (r[ds] != imm(w)) pc += off(w); }
                        case 0x5d -> { if (r[ds] != r[src(w)]) pc += off(w); }
                        case 0x65 -> { if (r[ds] > imm(w)) pc += off(w); }
                        case 0x6d -> { if (r[ds] > r[src(w)]) pc += off(w); }
                        case 0x75 -> { if (r[ds] >= imm(w)) pc += off(w); }
                        case 0x7d -> { if (r[ds] >= r[src(w)]) pc += off(w); }
                        case 0xa5 -> { if (Long.compareUnsigned(r[ds], imm(w)) < 0) pc += off(w); }
                        case 0xad -> { if (Long.compareUnsigned(r[ds], r[src(w)]) < 0) pc += off(w); }
                        case 0xb5 -> { if (Long.compareUnsigned(r[ds], imm(w)) <= 0) pc += off(w); }
                        case 0xbd -> { if (Long.compareUnsigned(r[ds], r[src(w)]) <= 0) pc += off(w); }
                        case 0xc5 -> { if (r[ds] < imm(w)) pc += off(w); }
                        case 0xcd -> { if (r[ds] < r[src(w)]) pc += off(w); }
                        case 0xd5 -> { if (r[ds] <= imm(w)) pc += off(w); }
                        case 0xdd -> { if (r[ds] <= r[src(w)]) pc += off(w); }
                        case 0x16 -> { if ((int) r[ds] == (int) imm(w)) pc += off(w); }
                        case 0x1e -> { if ((int) r[ds] == (int) r[src(w)]) pc += off(w); }
                        case 0x26 -> { if (Integer.compareUnsigned((int) r[ds], (int) imm(w)) > 0) pc += off(w); }
                        case 0x2e -> { if (Integer.compareUnsigned((int) r[ds], (int) r[src(w)]) > 0) pc += off(w); }
                        case 0x36 -> { if (Integer.compareUnsigned((int) r[ds], (int) imm(w)) >= 0) pc += off(w); }
                        case 0x3e -> { if (Integer.compareUnsigned((int) r[ds], (int) r[src(w)]) >= 0) pc += off(w); }
                        case 0x46 -> { if (((int) r[ds] & (int) imm(w)) != 0) pc += off(w); }
                        case 0x4e -> { if (((int) r[ds] & (int) r[src(w)]) != 0) pc += off(w); }
                        case 0x56 -> { if ((int) r[ds] != (int) imm(w)) pc += off(w); }
                        case 0x5e -> { if ((int) r[ds] != (int) r[src(w)]) pc += off(w); }
                        case 0x66 -> { if ((int) r[ds] > (int) imm(w)) pc += off(w); }
                        case 0x6e -> { if ((int) r[ds] > (int) r[src(w)]) pc += off(w); }
                        case 0x76 -> { if ((int) r[ds] >= (int) imm(w)) pc += off(w); }
                        case 0x7e -> { if ((int) r[ds] >= (int) r[src(w)]) pc += off(w); }
                        case 0xa6 -> { if (Integer.compareUnsigned((int) r[ds], (int) imm(w)) < 0) pc += off(w); }
                        case 0xae -> { if (Integer.compareUnsigned((int) r[ds], (int) r[src(w)]) < 0) pc += off(w); }
                        case 0xb6 -> { if (Integer.compareUnsigned((int) r[ds], (int) imm(w)) <= 0) pc += off(w); }
                        case 0xbe -> { if (Integer.compareUnsigned((int) r[ds], (int) r[src(w)]) <= 0) pc += off(w); }
                        case 0xc6 -> { if ((int) r[ds] < (int) imm(w)) pc += off(w); }
                        case 0xce -> { if ((int) r[ds] < (int) r[src(w)]) pc += off(w); }
                        case 0xd6 -> { if ((int) r[ds] <= (int) imm(w)) pc += off(w); }
                        case 0xde -> { if ((int) r[ds] <= (int) r[src(w)]) pc += off(w); }
                        case 0x95 -> { // exit
                            if (depth == 0) {
                                save(r, pc, left);
                                return new Result(new Outcome.Returned(r[0], finalMemory()), budget - left);
                            }
                            pc = leave(r);
                        }
                        case END -> {
                            left++; // nothing was executed here
                            throw new Trap(TrapKind.FELL_OFF_END, "no instruction at pc " + pc);
                        }
                        default -> {
                            int next = rare(pc, ds, r);
                            if (next == RETURNED) {
                                save(r, pc, left);
                                return new Result(new Outcome.Returned(r[0], finalMemory()), budget - left);
                            }
                            pc = next;
                        }
                    }
                    pc++;
                }
            } catch (Trap t) {
                save(r, pc, Math.max(left, 0));
                return new Result(new Outcome.Trapped(t.kind, pc, t.getMessage()), budget - Math.max(left, 0));
            }
        }

        /** What {@link #rare} answers when the program has ended with r0 set. */
        private static final int RETURNED = Integer.MIN_VALUE; // not -1: a local call to pc 0 continues from -1

        /**
         * The instructions the hot loop leaves out, at {@code pc}: returns the pc to continue from
         * (before the loop's increment) or {@link #RETURNED}; traps as the loop does.
         */
        private int rare(int pc, int ds, long[] r) {
            final long w = d.code[pc];
            final long imm = imm(w);
            final int off = off(w);
            final int sr = src(w);
            final Op op = d.ops[pc];
            switch ((int) w & 0xff) {
                // ---- division and modulo: by zero and INT_MIN / -1 as the RFC says (Semantics)
                case 0x37 -> r[ds] = Semantics.div64(r[ds], imm);
                case 0x3f -> r[ds] = Semantics.div64(r[ds], r[sr]);
                case K_SDIV64_IMM -> r[ds] = Semantics.sdiv64(r[ds], imm);
                case K_SDIV64_REG -> r[ds] = Semantics.sdiv64(r[ds], r[sr]);
                case 0x97 -> r[ds] = Semantics.mod64(r[ds], imm);
                case 0x9f -> r[ds] = Semantics.mod64(r[ds], r[sr]);
                case K_SMOD64_IMM -> r[ds] = Semantics.smod64(r[ds], imm);
                case K_SMOD64_REG -> r[ds] = Semantics.smod64(r[ds], r[sr]);
                case 0x34 -> r[ds] = Semantics.div32(r[ds], imm);
                case 0x3c -> r[ds] = Semantics.div32(r[ds], r[sr]);
                case K_SDIV32_IMM -> r[ds] = Semantics.sdiv32(r[ds], imm);
                case K_SDIV32_REG -> r[ds] = Semantics.sdiv32(r[ds], r[sr]);
                case 0x94 -> r[ds] = Semantics.mod32(r[ds], imm);
                case 0x9c -> r[ds] = Semantics.mod32(r[ds], r[sr]);
                case K_SMOD32_IMM -> r[ds] = Semantics.smod32(r[ds], imm);
                case K_SMOD32_REG -> r[ds] = Semantics.smod32(r[ds], r[sr]);
                // ---- sign-extending moves
                case K_MOVSX8_64 -> r[ds] = (byte) r[sr];
                case K_MOVSX16_64 -> r[ds] = (short) r[sr];
                case K_MOVSX32_64 -> r[ds] = (int) r[sr];
                case K_MOVSX8_32 -> r[ds] = Semantics.sext32(r[sr], 8);
                case K_MOVSX16_32 -> r[ds] = Semantics.sext32(r[sr], 16);
                // ---- byte order
                case 0xd4 -> r[ds] &= 0xffff; // le16 (the host is little-endian: truncation)
                case K_LE32 -> r[ds] &= M32;
                case K_LE64 -> { } // le64: nothing to do
                case 0xdc, K_BE32, K_BE64, 0xd7, K_BSWAP32, K_BSWAP64 -> r[ds] = Semantics.be(r[ds], (int) imm);
                // ---- atomics: single-threaded here, so a plain read-modify-write is atomic
                case 0xc3, K_ATOMIC32_OR, K_ATOMIC32_AND, K_ATOMIC32_XOR, 0xdb, K_ATOMIC64_OR, K_ATOMIC64_AND, K_ATOMIC64_XOR -> {
                    long a = r[ds] + off;
                    store(a, op.size(), Semantics.atomicApply((int) imm, load(a, op.size()), r[sr]));
                }
                case K_ATOMIC32_FETCH_ADD, K_ATOMIC32_FETCH_OR, K_ATOMIC32_FETCH_AND, K_ATOMIC32_FETCH_XOR, K_ATOMIC32_XCHG, K_ATOMIC64_FETCH_ADD, K_ATOMIC64_FETCH_OR, K_ATOMIC64_FETCH_AND, K_ATOMIC64_FETCH_XOR, K_ATOMIC64_XCHG -> {
                    long a = r[ds] + off;
                    long old = load(a, op.size());
                    store(a, op.size(), Semantics.atomicApply((int) imm, old, r[sr]));
                    r[sr] = old;
                }
                case K_ATOMIC32_CMPXCHG -> {
                    long a = r[ds] + off;
                    long old = load(a, 4);
                    if (old == (r[0] & M32)) store(a, 4, r[sr]);
                    r[0] = old;
                }
                case K_ATOMIC64_CMPXCHG -> {
                    long a = r[ds] + off;
                    long old = load(a, 8);
                    if (old == r[0]) store(a, 8, r[sr]);
                    r[0] = old;
                }
                case 0xd3, 0xcb, K_LOAD_ACQ_W, K_LOAD_ACQ_DW -> r[ds] = load(r[sr] + off, op.size());
                case K_STORE_REL_B, K_STORE_REL_H, K_STORE_REL_W, K_STORE_REL_DW -> store(r[ds] + off, op.size(), r[sr]);
                // ---- calls
                case 0x85, 0x8d -> {
                    long id = op == Op.CALL ? imm : r[ds];
                    if (id != HELPER_UNWIND) throw new Trap(TrapKind.BAD_CALL, "no helper " + id);
                    r[0] = r[1];
                    if (r[0] == 0) return RETURNED;
                }
                case K_CALL_RUNTIME -> {
                    Kfunc f = kfuncs.get((int) imm);
                    if (f == null) throw new Trap(TrapKind.BAD_CALL, "no kfunc with BTF id " + imm);
                    f.call(r, this);
                }
                case K_CALL_LOCAL -> {
                    if (depth + 1 >= MAX_FRAMES) throw new Trap(TrapKind.CALL_DEPTH, "more than " + MAX_FRAMES + " frames");
                    int k = depth * 5;
                    s.saved[k] = r[6];
                    s.saved[k + 1] = r[7];
                    s.saved[k + 2] = r[8];
                    s.saved[k + 3] = r[9];
                    s.saved[k + 4] = r[10];
                    s.retPc[depth++] = pc;
                    r[10] -= FRAME_SIZE;
                    stackLow -= FRAME_SIZE;
                    return pc + (int) imm;
                }
                // ---- 64-bit immediate (map_idx_value 0: GLOBAL_BASE + offset, set in wide; other pseudo forms were refused before the loop)
                case 0x18, K_LDDW_MAP_FD, K_LDDW_MAP_VALUE, K_LDDW_VAR_ADDR, K_LDDW_CODE_ADDR, K_LDDW_MAP_IDX, K_LDDW_MAP_IDX_VALUE -> {
                    r[ds] = d.wide[pc];
                    return pc + 1;
                }
                // ---- legacy packet access (Linux semantics): big-endian load into r0 from the
                // packet, a copy of the input taken at entry; outside it the program ends and returns 0.
                case 0x30, 0x28, 0x20, 0x50, 0x48, 0x40 -> {
                    int size = op.size();
                    long o = imm + (op.shape == Shape.LD_IND ? (int) r[sr] : 0);
                    if (o < 0 || o > memLen - size) {
                        r[0] = 0;
                        return RETURNED;
                    }
                    long v = 0;
                    for (int b = 0; b < size; b++) v = (v << 8) | (packet[(int) o + b] & 0xff); // network order
                    r[0] = v;
                }
                default -> throw new IllegalStateException("no case for " + op + " at pc " + pc);
            }
            return pc;
        }

        /** Exit from a local call: restores the caller's r6-r10 and frame; returns the call's pc. */
        private int leave(long[] r) {
            int k = --depth * 5;
            r[6] = s.saved[k];
            r[7] = s.saved[k + 1];
            r[8] = s.saved[k + 2];
            r[9] = s.saved[k + 3];
            r[10] = s.saved[k + 4];
            stackLow += FRAME_SIZE;
            return s.retPc[depth];
        }

        /**
         * Writes the machine back into {@code s} when the run stops: registers after exit are what a
         * litmus run observes, and after a budget trap {@code s} resumes at the trapping instruction
         * (the litmus scheduler runs threads one instruction at a time so).
         */
        private void save(long[] r, int pc, long left) {
            System.arraycopy(r, 0, s.r, 0, 11);
            s.pc = pc;
            s.depth = depth;
            s.left = left;
        }
    }
}
