package org.crosscheck.coordinator.generate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Capabilities;

/**
 * Generates programs restricted to chosen conformance groups that the kernel verifier accepts by
 * construction, with input memory alongside. Deterministic: (seed, index) gives the same case.
 *
 * <p>How verifiability is kept: a prologue makes every general register a known scalar (r6 holds
 * the input pointer, r9 is the loop counter) and zeroes a stack window; after it, every unit of
 * code keeps "r0-r5, r7-r8 are scalars" at its boundaries, so forward jumps may skip any unit.
 * Memory accesses use constant offsets inside the input or the stack window, or an offset masked
 * to stay inside the input; atomics are aligned; the only back edges are counted loops; functions
 * use only their arguments and own stack; an epilogue folds every register into r0 so that a wrong
 * value anywhere shows in the result.
 */
public final class Generator {
    /**
     * Bumped whenever the same (seed, index) would give a different program or corpus mutant
     * (2: mutation leaves what a loop's back edge compares alone; 3: for runtimes refusing
     * {@code scalar += pointer}, masked accesses add the offset to a copy of the pointer; 4: the Op table puts
     * local calls and the non-fetching lock add at cpu v1, so v1 and v2 campaigns generate them).
     */
    public static final int VERSION = 4;

    /** Encodings never generated: they need a loader's maps/BTF or have no portable meaning. */
    public static final Set<Op> NEVER = EnumSet.of(Op.LDDW_MAP_FD, Op.LDDW_MAP_VALUE, Op.LDDW_VAR_ADDR,
            Op.LDDW_CODE_ADDR, Op.LDDW_MAP_IDX, Op.LDDW_MAP_IDX_VALUE, Op.CALL_RUNTIME);

    /**
     * What to generate: what the runtimes can load ({@code capabilities}: groups, the ops they lack,
     * loops, {@code scalar += pointer}), the cpu version, the largest program in units, and whether to
     * drop the final exit of one program in {@link #MISSING_EXIT_SHARE} (to find loaders that trust it).
     * The groups are widened as RFC 9669 defines (base32 always, base64 includes base32, atomic64
     * atomic32, divmul64 divmul32).
     */
    public record Config(Capabilities capabilities, CpuVersion cpu, int maxUnits, boolean missingExit, Profile profile) {
        /** The usual profile. */
        public Config(Capabilities capabilities, CpuVersion cpu, int maxUnits, boolean missingExit) {
            this(capabilities, cpu, maxUnits, missingExit, Profile.DEFAULT);
        }

        public Config {
            EnumSet<Group> g = EnumSet.of(Group.BASE32);
            g.addAll(capabilities.groups());
            if (g.contains(Group.ATOMIC64)) g.add(Group.ATOMIC32);
            if (g.contains(Group.DIVMUL64)) g.add(Group.DIVMUL32);
            capabilities = new Capabilities(g, capabilities.unsupportedOps(), capabilities.loops(), capabilities.scalarPlusPointer());
            if (maxUnits < 1 || maxUnits > MAX_UNITS) throw new IllegalArgumentException("maxUnits must be 1 to " + MAX_UNITS + ", is " + maxUnits);
        }

        /** Every op of {@code groups} up to {@code cpu}, programs of the default size. */
        public static Config of(Set<Group> groups, CpuVersion cpu) {
            return new Config(Capabilities.of(groups), cpu, DEFAULT_MAX_UNITS, false);
        }

        public Config withProfile(Profile p) {
            return new Config(capabilities, cpu, maxUnits, missingExit, p);
        }

        /** The groups generated from (widened). */
        public Set<Group> groups() {
            return capabilities.groups();
        }

        public boolean allows(Op op) {
            return capabilities.groups().contains(op.group) && op.cpu.compareTo(cpu) <= 0 && !capabilities.unsupportedOps().contains(op)
                    && !NEVER.contains(op);
        }
    }

    /** What the programs stress. */
    public enum Profile {
        /** Every instruction the groups allow, edge values, control flow, memory, calls. */
        DEFAULT,
        /**
         * The verifier's range tracking, for the verifier oracle: half the units are chains of a value loaded
         * from the input, bounded (masked or shifted), worked on by ALU operations with small operands (32-
         * and 64-bit), branched on near its bounds, spilled and filled, and used as an offset into the input.
         */
        VERIFIER;

        public static Profile parse(String s) {
            for (Profile p : values()) if (p.name().equalsIgnoreCase(s)) return p;
            throw new IllegalArgumentException("unknown profile '" + s + "' (default or verifier)");
        }
    }

    /**
     * One test: the program and its input memory, with the id that regenerates it; {@code origin} the
     * source of the corpus program it is a mutant of, null when it was generated.
     */
    public record Case(long seed, long index, ProgramInput input, String origin) {
        public Case(long seed, long index, Program program, byte[] memory, String origin) {
            this(seed, index, new ProgramInput(program, memory), origin);
        }

        public Case(long seed, long index, Program program, byte[] memory) {
            this(seed, index, program, memory, null);
        }

        public Program program() {
            return input.program();
        }

        /** The same case (program, origin, id) on another input. */
        public Case withMemory(byte[] memory) {
            return new Case(seed, index, new ProgramInput(input.program(), memory), origin);
        }

        public byte[] memory() {
            return input.memory();
        }

        /** A mutant of a corpus program rather than a generated one. */
        public boolean mutated() {
            return origin != null;
        }
    }

    /** Largest program, in units, unless a campaign says otherwise. */
    public static final int DEFAULT_MAX_UNITS = 24;

    /**
     * The most units a program may have: about 13,000 slots at most, so that every jump reaches its
     * target in 16 bits (20,000 units made programs of 64,000 slots); a program is built in memory
     * whole, so 2,000,000,000 units ran out of heap.
     */
    public static final int MAX_UNITS = 4096;

    /** With {@link Config#missingExit}, one program in this many ends without its exit. */
    public static final int MISSING_EXIT_SHARE = 8;

    private static final int STACK_WINDOW = 64; // bytes below r10 zeroed by the prologue
    private static final int LOOP = 9;
    private static final int[] CALLEE_SCALARS = {0, 1, 2, 3, 4, 5};
    private static final int MAX_FUNCTIONS = 2;

    private final Config config;
    /** {@link Config#allows} by ordinal: asked for every instruction generated. */
    private final boolean[] allowed;
    // The ops each kind of unit draws from, in table order (the draws index into them), computed once:
    // the config is fixed, and building these per unit was most of the generator's time.
    private final Op[] aluImm, aluReg, unaryOps, loads, stores, atomics, acquires, releases, condImm, condReg, jas, packetOps;
    /** By ordinal: ALU ops whose immediate the verifier constrains (shift amount, divisor). */
    private final boolean[] shift, divMod;

    public Generator(Config config) {
        this.config = config;
        Op[] all = Op.values();
        this.allowed = new boolean[all.length];
        this.shift = new boolean[all.length];
        this.divMod = new boolean[all.length];
        for (Op op : all) {
            allowed[op.ordinal()] = config.allows(op);
            String m = op.mnemonic.replace("32", "");
            shift[op.ordinal()] = m.equals("lsh") || m.equals("rsh") || m.equals("arsh");
            divMod[op.ordinal()] = m.contains("div") || m.contains("mod");
        }
        if (!allows(Op.EXIT)) throw new IllegalArgumentException("exit must be allowed");
        Predicate<Op> movsx = op -> op.mnemonic.startsWith("movsx");
        this.aluImm = ops(movsx.negate(), Shape.ALU_IMM);
        this.aluReg = ops(movsx.negate(), Shape.ALU_REG);
        this.unaryOps = ops(op -> op.shape != Shape.ALU_REG || movsx.test(op), Shape.NEG, Shape.ENDIAN, Shape.ALU_REG);
        this.loads = ops(op -> true, Shape.LDX);
        this.stores = ops(op -> true, Shape.STX, Shape.ST);
        this.atomics = ops(op -> true, Shape.ATOMIC);
        this.acquires = ops(op -> true, Shape.LOAD_ACQ);
        this.releases = ops(op -> true, Shape.STORE_REL);
        this.condImm = ops(op -> true, Shape.JMP_IMM);
        this.condReg = ops(op -> true, Shape.JMP_REG);
        this.jas = ops(op -> true, Shape.JA, Shape.JA32);
        this.packetOps = ops(op -> true, Shape.LD_ABS, Shape.LD_IND);
    }

    private boolean allows(Op op) {
        return allowed[op.ordinal()];
    }

    /** The allowed ops of each shape in turn (each in table order) that pass {@code filter}. */
    private Op[] ops(Predicate<Op> filter, Shape... shapes) {
        List<Op> out = new ArrayList<>();
        for (Shape shape : shapes) {
            for (Op op : Op.values()) if (op.shape == shape && allows(op) && filter.test(op)) out.add(op);
        }
        return out.toArray(Op[]::new);
    }

    private Op pick(SplittableRandom rnd, Op[] ops) {
        return ops[rnd.nextInt(ops.length)];
    }

    public Config config() {
        return config;
    }

    /** The case for (seed, index): the same on every machine and every run. */
    public Case generate(long seed, long index) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, index));
        int memLen = 8 << rnd.nextInt(6); // 8..256 bytes
        byte[] memory = new byte[memLen];
        for (int i = 0; i < memLen; i++) memory[i] = (byte) Values.edgeByte(rnd);
        Program p = new Build(rnd, memLen).program();
        return new Case(seed, index, p, memory);
    }

    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One program under construction. */
    private final class Build {
        final SplittableRandom rnd;
        final int memLen;
        final boolean memViaR6;
        /** The callee-saved register holding the input pointer: r6, or r7 when packet loads may run (they need r6 = the skb in Linux). */
        final int memReg;
        final int[] mainScalars;
        boolean memPtrValid = true;
        final List<List<Insn>> functions = new ArrayList<>();
        /** Calls to patch once the layout is known: the call instruction (by identity) and its callee. */
        final java.util.Map<Insn, Integer> calls = new java.util.IdentityHashMap<>();
        int loopDepth = 0;

        Build(SplittableRandom rnd, int memLen) {
            this.rnd = rnd;
            this.memLen = memLen;
            this.memViaR6 = allows(Op.MOV64_REG);
            boolean packet = config.groups().contains(org.crosscheck.isa.Group.PACKET);
            this.memReg = packet ? 7 : 6;
            this.mainScalars = packet ? new int[] {0, 1, 2, 3, 4, 5, 8} : new int[] {0, 1, 2, 3, 4, 5, 7, 8};
        }

        Program program() {
            List<Insn> main = new ArrayList<>(128);
            prologue(main);
            int units = 1 + rnd.nextInt(config.maxUnits());
            for (int u = 0; u < units; u++) unit(main, false, 2);
            epilogue(main, mainScalars);
            // drawn after everything else, so that the other programs stay as they were
            if (!(config.missingExit() && rnd.nextInt(MISSING_EXIT_SHARE) == 0)) main.add(Insn.of(Op.EXIT));
            // lay out: main, then the functions; patch the offsets of the calls (all in main)
            List<Insn> all = new ArrayList<>(main);
            List<Integer> starts = new ArrayList<>();
            for (List<Insn> f : functions) {
                starts.add(slots(all));
                all.addAll(f);
            }
            int pc = 0;
            for (int k = 0; k < main.size(); k++) {
                Insn insn = main.get(k);
                Integer callee = insn.op() == Op.CALL_LOCAL ? calls.get(insn) : null; // no hashing of every instruction
                if (callee != null) all.set(k, insn.withJumpOffset(starts.get(callee) - pc - 1));
                pc += insn.slots();
            }
            try {
                return Program.of(all);
            } catch (DecodeException e) {
                throw new IllegalStateException("generator produced an invalid program: " + e.getMessage(), e);
            }
        }

        // ------------------------------------------------------------ prologue and epilogue

        void prologue(List<Insn> out) {
            if (memViaR6) out.add(Insn.reg(Op.MOV64_REG, memReg, 1));
            for (int r : mainScalars) {
                if (r == 1 && !memViaR6) continue; // r1 stays the input pointer
                out.add(mov(r, Values.edge(rnd)));
            }
            out.add(mov(LOOP, Values.edge(rnd)));
            Op st = allows(Op.STDW) ? Op.STDW : Op.STW;
            for (int off = -st.size(); off >= -STACK_WINDOW; off -= st.size()) out.add(Insn.of(st, 10, 0, off, 0));
        }

        void epilogue(List<Insn> out, int[] scalars) {
            Op fold = allows(Op.XOR64_REG) ? Op.XOR64_REG : Op.XOR32_REG;
            for (int r : scalars) {
                if (r == 0 || (scalars == mainScalars && r == 1 && !memViaR6 && memPtrValid)) continue; // never fold the pointer
                out.add(Insn.reg(fold, 0, r));
            }
            if (scalars == mainScalars) out.add(Insn.reg(fold, 0, LOOP));
        }

        Insn mov(int reg, long value) {
            if (allows(Op.LDDW) && (value != (int) value)) return Insn.imm(Op.LDDW, reg, value);
            return allows(Op.MOV64_IMM) ? Insn.imm(Op.MOV64_IMM, reg, (int) value) : Insn.imm(Op.MOV32_IMM, reg, (int) value);
        }

        int writable(boolean callee) {
            int[] regs = callee ? CALLEE_SCALARS : mainScalars;
            int r = regs[rnd.nextInt(regs.length)];
            return (!callee && r == 1 && !memViaR6) ? 0 : r;
        }

        int readable(boolean callee) {
            if (!callee && rnd.nextInt(10) == 0) return LOOP;
            return writable(callee);
        }

        // ------------------------------------------------------------ units

        /** Appends one unit; {@code depth} bounds nesting of jumps, loops and calls. */
        void unit(List<Insn> out, boolean callee, int depth) {
            // drawn only in the verifier profile, so that the default one's programs stay as they were
            if (config.profile() == Profile.VERIFIER && !callee && rnd.nextBoolean() && range(out)) return;
            for (int attempt = 0; attempt < 8; attempt++) {
                int kind = rnd.nextInt(100);
                boolean ok;
                if (kind < 30) ok = alu(out, callee);
                else if (kind < 36) ok = unary(out, callee);
                else if (kind < 40) ok = lddw(out, callee);
                else if (kind < 50) ok = memory(out, callee, false);
                else if (kind < 56) ok = memory(out, callee, true);
                else if (kind < 63) ok = atomic(out, callee);
                else if (kind < 66) ok = acqRel(out, callee);
                else if (kind < 76) ok = depth > 0 && branch(out, callee, depth);
                else if (kind < 81) ok = depth > 0 && diamond(out, callee, depth);
                else if (kind < 85) ok = depth > 0 && loop(out, callee);
                else if (kind < 90) ok = depth > 0 && !callee && call(out);
                else if (kind < 93) ok = packet(out, callee);
                else if (kind < 95) ok = helper(out, callee);
                else ok = alu(out, callee);
                if (ok) return;
            }
            alu(out, callee);
        }

        /** ALU operations on a bounded value in the verifier profile: the verifier tracks each one's result range. */
        private static final Op[] RANGE_OPS = {Op.ADD64_IMM, Op.ADD32_IMM, Op.SUB64_IMM, Op.SUB32_IMM, Op.MUL64_IMM, Op.MUL32_IMM,
                Op.AND64_IMM, Op.AND32_IMM, Op.OR64_IMM, Op.OR32_IMM, Op.LSH64_IMM, Op.LSH32_IMM, Op.RSH64_IMM, Op.RSH32_IMM,
                Op.ARSH64_IMM, Op.ARSH32_IMM, Op.NEG64, Op.NEG32, Op.BSWAP16, Op.BSWAP32, Op.MOVSX8_64, Op.MOVSX8_32};
        /** Loads of a value to bound: bytes twice as often. */
        private static final Op[] RANGE_LOADS = {Op.LDXB, Op.LDXB, Op.LDXH, Op.LDXW};
        /** Branches on a bounded value. */
        private static final Op[] RANGE_JUMPS = {Op.JGT_IMM, Op.JGE_IMM, Op.JLT_IMM, Op.JLE_IMM, Op.JSGT_IMM, Op.JSGE_IMM, Op.JSLT_IMM,
                Op.JSLE_IMM, Op.JSET_IMM, Op.JEQ_IMM, Op.JGT32_IMM, Op.JLT32_IMM, Op.JSGT32_IMM, Op.JSLT32_IMM, Op.JSET32_IMM};

        /** A range-tracking chain (the verifier profile): load, bound, operate, branch, spill and fill, index the input. */
        boolean range(List<Insn> out) {
            Op load = pick(rnd, RANGE_LOADS);
            if (!memPtrValid || memLen < load.size() || !allows(load) || !allows(Op.AND64_IMM)) return false;
            int v = writable(false);
            if (v == memPtr()) return false;
            out.add(Insn.of(load, v, memPtr(), rnd.nextInt(memLen - load.size() + 1), 0));
            out.add(Insn.imm(Op.AND64_IMM, v, (1 << (1 + rnd.nextInt(12))) - 1));
            for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
                Op op = pick(rnd, RANGE_OPS);
                if (!allows(op)) continue;
                int width = op.is32() ? 32 : 64;
                long imm = op.shape == Shape.ALU_IMM ? (rnd.nextInt(4) == 0 ? Values.edge(rnd) : rnd.nextInt(17) - 4) : 0;
                if (shift[op.ordinal()]) imm = Math.floorMod(imm, width);
                out.add(op.shape == Shape.ALU_IMM ? Insn.of(op, v, 0, 0, imm) : Insn.of(op, v, v, 0, 0)); // unary ones fix their own fields
            }
            Op jump = pick(rnd, RANGE_JUMPS);
            if (allows(jump)) { // over one operation, at a value near the bound
                out.add(Insn.of(jump, v, 0, 1, rnd.nextInt(4) == 0 ? Values.edge(rnd) : rnd.nextInt(4097) - 8));
                out.add(Insn.imm(Op.ADD64_IMM, v, rnd.nextInt(9) - 4));
            }
            if (allows(Op.STXDW) && allows(Op.LDXDW) && rnd.nextBoolean()) { // spill and fill
                int off = -8 * (1 + rnd.nextInt(STACK_WINDOW / 8));
                out.add(Insn.of(Op.STXDW, 10, v, off, 0));
                out.add(Insn.of(Op.LDXDW, v, 10, off, 0));
            }
            if (allows(Op.ADD64_REG) && allows(Op.MOV64_REG) && allows(Op.LDXB) && rnd.nextBoolean()) { // an offset into the input
                int ptr = writable(false);
                if (ptr == v || ptr == memPtr()) return true;
                out.add(Insn.imm(Op.AND64_IMM, v, Integer.highestOneBit(memLen) - 1)); // offset + 1 <= memLen
                out.add(Insn.reg(Op.MOV64_REG, ptr, memPtr()));
                out.add(Insn.reg(Op.ADD64_REG, ptr, v));
                out.add(Insn.of(Op.LDXB, ptr, ptr, 0, 0)); // the pointer does not outlive the unit
            }
            return true;
        }

        boolean alu(List<Insn> out, boolean callee) {
            boolean imm = rnd.nextBoolean();
            Op[] ops = imm ? aluImm : aluReg;
            if (ops.length == 0) return false;
            Op op = pick(rnd, ops);
            int dst = writable(callee);
            // a third of the time the operands are fresh edge values, so edge pairs (INT_MIN / -1,
            // x % 0, shifts by 64...) meet the operation instead of being diluted by earlier code
            boolean fresh = rnd.nextInt(3) == 0;
            if (fresh) out.add(mov(dst, Values.strongEdge(rnd)));
            if (!imm) {
                int src = readable(callee);
                if (fresh && src != dst && src != LOOP) out.add(mov(src, Values.strongEdge(rnd)));
                out.add(Insn.reg(op, dst, src));
                return true;
            }
            long v = fresh ? Values.strongEdge(rnd) : Values.edge(rnd);
            int width = op.is32() ? 32 : 64;
            if (shift[op.ordinal()]) v = Math.floorMod(v, width); // verifier: constant shift < width
            if (divMod[op.ordinal()] && (int) v == 0) v = 1 + rnd.nextInt(7); // verifier: no constant zero divisor
            out.add(Insn.imm(op, dst, (int) v));
            return true;
        }

        boolean unary(List<Insn> out, boolean callee) {
            if (unaryOps.length == 0) return false;
            Op op = pick(rnd, unaryOps);
            out.add(Insn.of(op, writable(callee), readable(callee), 0, 0));
            return true;
        }

        boolean lddw(List<Insn> out, boolean callee) {
            if (!allows(Op.LDDW)) return false;
            out.add(Insn.imm(Op.LDDW, writable(callee), Values.edge64(rnd)));
            return true;
        }

        /** A constant-offset access to the input or the stack window, or a masked one to the input. */
        boolean memory(List<Insn> out, boolean callee, boolean masked) {
            boolean load = rnd.nextBoolean();
            boolean stack = callee || !memPtrValid || rnd.nextInt(3) == 0;
            if (masked && stack) return false;
            Op[] ops = load ? loads : stores;
            if (ops.length == 0) return false;
            Op op = pick(rnd, ops);
            int size = op.size();
            int base, off;
            if (stack) {
                base = 10;
                off = -size * (1 + rnd.nextInt(STACK_WINDOW / size)); // aligned inside the zeroed window
            } else if (!masked) {
                if (memLen < size) return false;
                base = memPtr();
                off = rnd.nextInt(memLen - size + 1);
            } else {
                if (!allows(Op.AND64_IMM) || !allows(Op.ADD64_REG)) return false;
                int scratch = writable(false);
                int mask = Integer.highestOneBit(memLen - size + 1) - 1; // offset + size <= memLen
                int ptr = scratch; // the register holding the pointer for the access
                if (!config.capabilities().scalarPlusPointer()) { // a copy of the pointer plus the offset
                    if (!allows(Op.MOV64_REG)) return false;
                    for (int tries = 0; ptr == scratch || ptr == memPtr(); tries++) {
                        if (tries == 8) return false;
                        ptr = writable(false);
                    }
                }
                out.add(Insn.imm(Op.AND64_IMM, scratch, mask));
                if (ptr == scratch) {
                    out.add(Insn.reg(Op.ADD64_REG, scratch, memPtr()));
                } else {
                    out.add(Insn.reg(Op.MOV64_REG, ptr, memPtr()));
                    out.add(Insn.reg(Op.ADD64_REG, ptr, scratch));
                }
                int value = readable(false);
                if (value == ptr) value = LOOP;
                out.add(load ? Insn.of(op, ptr, ptr, 0, 0)
                        : op.shape == Shape.ST ? Insn.of(op, ptr, 0, 0, Values.edge(rnd)) : Insn.of(op, ptr, value, 0, 0));
                if (!load) out.add(mov(ptr, Values.edge(rnd))); // the pointer must not outlive the unit
                return true;
            }
            if (load) out.add(Insn.of(op, writable(callee), base, off, 0));
            else if (op.shape == Shape.ST) out.add(Insn.of(op, base, 0, off, Values.edge(rnd)));
            else out.add(Insn.of(op, base, readable(callee), off, 0));
            return true;
        }

        /** After a call or packet load the verifier forgets r1-r5: give them scalar values again. */
        void clobberArguments(List<Insn> out) {
            for (int r = 1; r <= 5; r++) {
                if (r == 1 && !memViaR6 && memPtrValid) continue;
                out.add(mov(r, Values.edge(rnd)));
            }
        }

        int memPtr() {
            return memViaR6 ? memReg : 1;
        }

        /** Aligned atomic read-modify-write on the stack window or the input. */
        boolean atomic(List<Insn> out, boolean callee) {
            if (atomics.length == 0) return false;
            Op op = pick(rnd, atomics);
            int[] at = alignedSlot(op.size(), callee);
            if (at == null) return false;
            int src = writable(callee); // fetch forms and xchg write it back
            out.add(Insn.of(op, at[0], src, at[1], 0));
            return true;
        }

        boolean acqRel(List<Insn> out, boolean callee) {
            boolean acquire = rnd.nextBoolean();
            Op[] ops = acquire ? acquires : releases;
            if (ops.length == 0) return false;
            Op op = pick(rnd, ops);
            int[] at = alignedSlot(op.size(), callee);
            if (at == null) return false;
            out.add(acquire ? Insn.of(op, writable(callee), at[0], at[1], 0) : Insn.of(op, at[0], readable(callee), at[1], 0));
            return true;
        }

        /** {base register, offset} of a naturally aligned slot, or null if none fits. */
        int[] alignedSlot(int size, boolean callee) {
            if (callee || !memPtrValid || rnd.nextBoolean()) return new int[] {10, -size * (1 + rnd.nextInt(STACK_WINDOW / size))};
            if (memLen < size) return null;
            return new int[] {memPtr(), size * rnd.nextInt(memLen / size)};
        }

        /** A conditional forward jump over the next few units. */
        boolean branch(List<Insn> out, boolean callee, int depth) {
            boolean imm = rnd.nextBoolean();
            Op[] ops = imm ? condImm : condReg;
            if (ops.length == 0) return false;
            Op op = pick(rnd, ops);
            List<Insn> skipped = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) unit(skipped, callee, depth - 1);
            Insn j = imm ? Insn.of(op, readable(callee), 0, 0, Values.edge(rnd)) : Insn.of(op, readable(callee), readable(callee), 0, 0);
            out.add(j.withJumpOffset(slots(skipped)));
            out.addAll(skipped);
            return true;
        }

        /** if (cond) { A } else { B } with ja or gotol, so both arms are reachable. */
        boolean diamond(List<Insn> out, boolean callee, int depth) {
            if (condImm.length == 0 || jas.length == 0) return false;
            List<Insn> a = new ArrayList<>(), b = new ArrayList<>();
            unit(a, callee, depth - 1);
            unit(b, callee, depth - 1);
            Op cond = pick(rnd, condImm);
            Op ja = pick(rnd, jas);
            out.add(Insn.of(cond, readable(callee), 0, 0, Values.edge(rnd)).withJumpOffset(slots(a) + 1));
            out.addAll(a);
            out.add(Insn.of(ja).withJumpOffset(slots(b)));
            out.addAll(b);
            return true;
        }

        /** A counted loop on r9 (main only, not nested): straight-line body, 1-5 iterations. */
        boolean loop(List<Insn> out, boolean callee) {
            if (callee || loopDepth > 0 || !config.capabilities().loops()) return false;
            Op dec = allows(Op.ADD64_IMM) ? Op.ADD64_IMM : Op.ADD32_IMM;
            Op jne = allows(Op.JNE_IMM) ? Op.JNE_IMM : allows(Op.JNE32_IMM) ? Op.JNE32_IMM : null;
            if (jne == null) return false;
            loopDepth++;
            List<Insn> body = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) unit(body, false, 0);
            loopDepth--;
            out.add(mov(LOOP, 1 + rnd.nextInt(5)));
            out.addAll(body);
            out.add(Insn.imm(dec, LOOP, -1));
            out.add(Insn.of(jne, LOOP, 0, 0, 0).withJumpOffset(-(slots(body) + 2)));
            return true;
        }

        /** A local call to a generated function; r1-r5 are re-initialised after it (the verifier clobbers them). */
        boolean call(List<Insn> out) {
            if (!allows(Op.CALL_LOCAL) || loopDepth > 0) return false;
            int callee;
            if (functions.size() < MAX_FUNCTIONS && (functions.isEmpty() || rnd.nextBoolean())) {
                List<Insn> f = new ArrayList<>();
                f.add(mov(0, Values.edge(rnd)));
                Op st = allows(Op.STDW) ? Op.STDW : Op.STW;
                for (int off = -st.size(); off >= -STACK_WINDOW; off -= st.size()) f.add(Insn.of(st, 10, 0, off, 0));
                int units = 1 + rnd.nextInt(6);
                for (int u = 0; u < units; u++) unit(f, true, 1);
                epilogue(f, CALLEE_SCALARS);
                f.add(Insn.of(Op.EXIT));
                functions.add(f);
                callee = functions.size() - 1;
            } else {
                callee = rnd.nextInt(functions.size());
            }
            if (!memViaR6) {
                out.add(mov(1, Values.edge(rnd))); // r1 held the input pointer: the callee must see a scalar
                memPtrValid = false;
            }
            Insn call = Insn.of(Op.CALL_LOCAL);
            calls.put(call, callee);
            out.add(call);
            clobberArguments(out);
            return true;
        }

        /** Legacy packet loads, inside or past the input (past it ends the program with 0). */
        boolean packet(List<Insn> out, boolean callee) {
            if (packetOps.length == 0 || callee) return false;
            Op op = pick(rnd, packetOps);
            int off = rnd.nextInt(8) == 0 ? memLen + rnd.nextInt(8) : rnd.nextInt(Math.max(1, memLen - op.size() + 1));
            if (op.shape == Shape.LD_ABS) {
                out.add(Insn.of(op, 0, 0, 0, off));
            } else {
                int idx = writable(false);
                if (idx == 0) idx = 2;
                out.add(mov(idx, rnd.nextInt(4)));
                out.add(Insn.of(op, 0, idx, 0, off));
            }
            clobberArguments(out);
            return true;
        }

        /** unwind (helper 5), directly or through callx, with a non-zero argument so the run goes on. */
        boolean helper(List<Insn> out, boolean callee) {
            boolean viaCallx = allows(Op.CALLX) && rnd.nextBoolean();
            if (!viaCallx && !allows(Op.CALL)) return false;
            if (callee) return false;
            out.add(mov(1, 1 + rnd.nextInt(1000)));
            if (!memViaR6) memPtrValid = false; // r1 held the input pointer
            if (viaCallx) {
                out.add(mov(2, 5));
                out.add(Insn.of(Op.CALLX, 2, 0, 0, 0));
            } else {
                out.add(Insn.imm(Op.CALL, 0, 5));
            }
            clobberArguments(out);
            return true;
        }
    }

    static int slots(List<Insn> insns) {
        int s = 0;
        for (Insn i : insns) s += i.slots();
        return s;
    }
}
