package org.crosscheck.runtime.jit;

import static org.crosscheck.runtime.Layout.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.crosscheck.runtime.jit.ClassWriter.Code;
import org.crosscheck.runtime.jit.ClassWriter.Label;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.MachineState;

/**
 * Emits chunks of programs as static methods of one class, with {@link ClassWriter}.
 *
 * <p>Many programs share a class: defining, verifying and linking a hidden class has a fixed cost
 * that a campaign would otherwise pay per program. The class implements {@link ChunkSet}: its
 * {@code run(which, s, pc)} switches to the static method {@code run<which>(s, pc)}.
 *
 * <p>Shape of a generated {@code run<k>(MachineState s, int pc)}: load r0-r10 and the budget left
 * (an int) into JVM locals; switch on pc to the entry block; then the blocks in pc order. Memory
 * accesses call the memory mode's static methods with the state (they read ram, its layout and the
 * call depth from it; small, so HotSpot inlines them and hoists those reads out of loops). Each
 * block charges its instruction count to the budget ({@code iinc}); blocks where a run enters,
 * loops or calls first check that the longest run until the next check fits in what is left, else
 * leave with {@code -pc-2} so the interpreter finishes exactly ({@link #budgetChecks}). Jumps
 * inside the chunk are JVM gotos; a jump out of the chunk, program exit and budget hand-over store
 * the locals back into the state ("leave"). Local calls push r6-r10 and the call's pc into the
 * state's arrays; an exit from a callee pops them (code shared by the chunk's exits) and goes back
 * through the entry switch to the return point. Bytecode is kept short on purpose: HotSpot's
 * parsing, verification and first run of a class grow with it.
 *
 * <p>Stack maps are written here rather than computed by the library (which took a third of the
 * compile time): every local is assigned in the prologue and never changes type, and the operand
 * stack is empty at every label, so one frame fits every label.
 */
final class ChunkCompiler {
    private static final String STATE = internal(MachineState.class), SUPPORT = internal(JitSupport.class), SEM = internal(Semantics.class);
    private static final String TRAP_DESC = "L" + internal(JitTrap.class) + ";", STATE_DESC = "L" + STATE + ";";
    private static final String GEN = "org/crosscheck/runtime/jit/BpfChunks";
    private static final String RUN = "(" + STATE_DESC + "I)I", SET_RUN = "(I" + STATE_DESC + "I)I";
    private static final String JJ_J = "(JJ)J", JI_J = "(JI)J", BAD_CALL = "(JI)" + TRAP_DESC;
    /** Deepest operand stack of any emission (cmpxchg: state, base, off, size, pc, r0, src = 10 slots), with room to spare. */
    private static final int MAX_STACK = 16;
    private static final long M32 = Semantics.MASK32;

    // JVM local slots of run<k>(); the call depth stays in the state (memory accesses read it there)
    private static final int S = 0, PC = 1, RETPC = 2, SAVED = 3, RET = 4, IT = 5, RARR = 6, LEFT = 7, R0 = 8, LOCALS = R0 + 22;
    /** The one stack map frame of run<k>: the types of the locals above, in slot order. */
    private static final Object[] FRAME = ClassWriter.frame(STATE, ClassWriter.V_INTEGER, "[I", "[J", ClassWriter.V_INTEGER, ClassWriter.V_INTEGER, "[J",
            ClassWriter.V_INTEGER, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG,
            ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG, ClassWriter.V_LONG);

    static String internal(Class<?> c) {
        return c.getName().replace('.', '/');
    }

    /** One chunk to emit: chunk {@code chunk} of {@code blocks}, entered at the block starts {@code entries}. */
    record Unit(Blocks blocks, int chunk, int[] chunkOf, SortedSet<Integer> entries) {}

    private final Program p;
    private final Blocks blocks;
    private final int chunk;
    private final int[] chunkOf;
    private final String accessClass;
    private Code cob;
    private final Map<Integer, Label> blockLabel = new HashMap<>();
    private final Map<Integer, Label> leaveTo = new HashMap<>();
    private final List<Consumer<Code>> stubs = new ArrayList<>();
    private Label leave, dispatch, done, returnFromCall;

    private ChunkCompiler(Unit u, MemoryMode mode) {
        this.p = u.blocks().program;
        this.blocks = u.blocks();
        this.chunk = u.chunk();
        this.chunkOf = u.chunkOf();
        this.accessClass = mode.accessClass;
    }

    /** Class bytes of a {@link ChunkSet} whose {@code run(k, s, pc)} runs {@code units.get(k)}. */
    static byte[] build(List<Unit> units, MemoryMode mode) {
        ClassWriter cw = new ClassWriter(GEN, "java/lang/Object", internal(ChunkSet.class));
        Code init = cw.code(1, 1, null);
        init.aload(0).invokespecial("java/lang/Object", "<init>", "()V").return_();
        cw.method(0x0001, "<init>", "()V", init);
        cw.method(0x0001 | 0x0010, "run", SET_RUN, emitSwitch(cw, units.size()));
        for (int k = 0; k < units.size(); k++) {
            Code code = cw.code(MAX_STACK, LOCALS, FRAME);
            new ChunkCompiler(units.get(k), mode).emitRun(code, units.get(k).entries());
            cw.method(0x0002 | 0x0008, "run" + k, RUN, code);
        }
        return cw.toBytes();
    }

    /** {@code run(which, s, pc)}: a table switch to {@code run<which>(s, pc)}; an unknown which returns pc (no entry). */
    private static Code emitSwitch(ClassWriter cw, int count) {
        Code cb = cw.code(2, 4, ClassWriter.frame(GEN, ClassWriter.V_INTEGER, STATE, ClassWriter.V_INTEGER));
        Label unknown = cb.newLabel();
        Label[] cases = new Label[count];
        for (int k = 0; k < count; k++) cases[k] = cb.newLabel();
        cb.iload(1).tableswitch(unknown, cases);
        for (int k = 0; k < count; k++) cb.labelBinding(cases[k]).aload(2).iload(3).invokestatic(GEN, "run" + k, RUN).ireturn();
        cb.labelBinding(unknown).iload(3).ireturn();
        return cb;
    }

    private void emitRun(Code cb, SortedSet<Integer> entries) {
        cob = cb;
        leave = cb.newLabel();
        dispatch = cb.newLabel();
        done = cb.newLabel();
        int first = blocks.firstBlock(chunk), end = blocks.endBlock(chunk);
        for (int k = first; k < end; k++) blockLabel.put(blocks.blocks.get(k).start(), cb.newLabel());
        // prologue: the state into locals
        cb.aload(S).getfield(STATE, "retPc", "[I").astore(RETPC);
        cb.aload(S).getfield(STATE, "saved", "[J").astore(SAVED);
        cb.aload(S).getfield(STATE, "r", "[J").astore(RARR);
        cb.aload(S).invokestatic(SUPPORT, "takeBudget", TAKE_BUDGET).istore(LEFT);
        for (int i = 0; i <= 10; i++) cb.aload(RARR).loadConstant(i).laload().lstore(reg(i));
        cb.iconst_0().istore(RET).iconst_0().istore(IT);
        // entry switch (also where an exit from a callee goes with its return pc)
        cb.labelBinding(dispatch);
        Label unknown = cb.newLabel();
        int[] keys = new int[entries.size()];
        Label[] targets = new Label[entries.size()];
        int n = 0;
        for (int e : entries) {
            keys[n] = e;
            targets[n++] = blockLabel.get(e);
        }
        cb.iload(PC).lookupswitch(unknown, keys, targets);
        cb.labelBinding(unknown);
        cb.iload(PC).istore(RET).goto_(leave); // the driver finds the chunk of pc
        int[] check = budgetChecks(entries);
        for (int k = first; k < end; k++) emitBlock(blocks.blocks.get(k), check[k - first]);
        // leave: the locals back into the state, then return RET
        cb.labelBinding(done);
        cb.loadConstant(Chunk.DONE).istore(RET);
        cb.labelBinding(leave);
        for (int i = 0; i <= 10; i++) cb.aload(RARR).loadConstant(i).lload(reg(i)).lastore();
        cb.aload(S).iload(LEFT).invokestatic(SUPPORT, "giveBudget", GIVE_BUDGET);
        cb.iload(RET).ireturn();
        for (int j = 0; j < stubs.size(); j++) stubs.get(j).accept(cb); // stubs may add stubs
    }

    private static int reg(int i) {
        return R0 + 2 * i;
    }

    /** An out-of-line piece of code, emitted after the blocks (keeps the hot path straight). */
    private Label stub(Consumer<Code> body) {
        Label l = cob.newLabel();
        stubs.add(cb -> {
            cb.labelBinding(l);
            body.accept(cb);
        });
        return l;
    }

    /**
     * The code of an exit from a callee, one copy per chunk for all its exits: pops the call's
     * frame (depth, r6-r10) and goes through the entry switch to the instruction after the call.
     */
    private Label returnFromCall() {
        if (returnFromCall == null) returnFromCall = stub(cb -> {
            cb.aload(S).getfield(STATE, "depth", "I").iconst_1().isub().istore(IT);
            cb.aload(S).iload(IT).putfield(STATE, "depth", "I");
            cb.aload(RETPC).iload(IT).iaload().iconst_1().iadd().istore(PC);
            cb.iload(IT).iconst_5().imul().istore(IT);
            for (int k = 0; k < 5; k++) cb.aload(SAVED).iload(IT).loadConstant(k).iadd().laload().lstore(reg(6 + k));
            cb.goto_(dispatch);
        });
        return returnFromCall;
    }

    /** Where control goes to reach block start pc: its label here, or a stub leaving the chunk. */
    private Label target(int pc) {
        if (chunkOf[pc] == chunk) return blockLabel.get(pc);
        return leaveTo.computeIfAbsent(pc, t -> stub(cb -> cb.loadConstant(t).istore(RET).goto_(leave)));
    }

    /**
     * Where the budget is checked: per block of the chunk, 0 when the block only charges its cost,
     * else the most instructions a run can execute from the block's start before it reaches the
     * next checked block (or leaves the chunk). Checked are the blocks entered from outside the
     * chunk, jumped to backwards and called, so every cycle passes through one: with at least that
     * much budget left, no block until the next check can run out, and with less the interpreter
     * finishes the run exactly from the checked block.
     */
    private int[] budgetChecks(SortedSet<Integer> entries) {
        int first = blocks.firstBlock(chunk), end = blocks.endBlock(chunk);
        int[] index = new int[chunkOf.length]; // by pc: 1 + the index of the chunk's block starting there, else 0
        for (int k = first; k < end; k++) index[blocks.blocks.get(k).start()] = k - first + 1;
        boolean[] checked = new boolean[end - first];
        for (int e : entries) checked[index[e] - 1] = true;
        for (int k = first; k < end; k++) {
            Blocks.Block b = blocks.blocks.get(k);
            for (int pc = b.start(); pc < b.end(); pc++) {
                Insn i = p.at(pc);
                if (i == null || !i.op().shape.isJump()) continue;
                int to = pc + 1 + i.jumpOffset();
                if ((to <= pc || i.op() == Op.CALL_LOCAL) && index[to] > 0) checked[index[to] - 1] = true;
            }
        }
        int[] longest = new int[end - first];
        for (int k = end - 1; k >= first; k--) {
            Blocks.Block b = blocks.blocks.get(k);
            int after = 0;
            int lastPc = b.start();
            for (int pc = b.start(); pc < b.end(); pc++) if (p.at(pc) != null) lastPc = pc;
            Insn last = p.at(lastPc);
            Op op = last.op();
            boolean fallsThrough = Blocks.fallsThrough(op);
            if (fallsThrough) after = Math.max(after, unchecked(index, checked, longest, b.end()));
            if (op.shape.isJump() && op != Op.CALL_LOCAL) after = Math.max(after, unchecked(index, checked, longest, lastPc + 1 + last.jumpOffset()));
            longest[k - first] = b.cost() + after;
        }
        int[] check = new int[end - first];
        for (int k = 0; k < check.length; k++) check[k] = checked[k] ? longest[k] : 0;
        return check;
    }

    /** The longest run from the block at {@code pc} when it is an unchecked block of this chunk, else 0. */
    private static int unchecked(int[] index, boolean[] checked, int[] longest, int pc) {
        int k = index[pc] - 1;
        return k < 0 || checked[k] ? 0 : longest[k];
    }

    private void emitBlock(Blocks.Block b, int check) {
        cob.labelBinding(blockLabel.get(b.start()));
        if (check > 0) {
            int handOver = -b.start() - 2;
            cob.iload(LEFT).loadConstant(check).if_icmplt(stub(cb -> cb.loadConstant(handOver).istore(RET).goto_(leave)));
        }
        cob.iinc(LEFT, -b.cost());
        Op last = null;
        boolean unreachable = false; // after a goto or throw: code that follows needs a frame of its own
        for (int pc = b.start(); pc < b.end(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            if (unreachable) cob.labelBinding(cob.newLabel());
            emit(pc, i);
            last = i.op();
            unreachable = endsControl(i);
        }
        boolean fallsThrough = Blocks.fallsThrough(last);
        if (fallsThrough && chunkOf[b.end()] != chunk) {
            if (unreachable) cob.labelBinding(cob.newLabel());
            cob.goto_(target(b.end()));
        }
    }

    /** Whether the code emitted for {@code i} never continues with the next instruction. */
    private static boolean endsControl(Insn i) {
        return switch (i.op()) {
            case JA, JA32, EXIT, CALL_LOCAL, CALL_RUNTIME -> true;
            case CALL -> i.imm() != HELPER_UNWIND;
            default -> false;
        };
    }

    private void lconst(long v) {
        if (v == 0) cob.lconst_0();
        else if (v == 1) cob.lconst_1();
        else if (v == (short) v) cob.loadConstant((int) v).i2l();
        else cob.loadConstant(v);
    }

    private Code ld(int r) {
        return cob.lload(reg(r));
    }

    private void st(int r) {
        cob.lstore(reg(r));
    }

    private void zext() {
        cob.i2l();
        lconst(M32);
        cob.land();
    }

    private void sem(String name, String type) {
        cob.invokestatic(SEM, name, type);
    }

    /** dst = Semantics.name(dst, imm or src). */
    private void semBinary(String name, Insn i, boolean reg) {
        ld(i.dst());
        if (reg) ld(i.src());
        else lconst(i.imm());
        sem(name, JJ_J);
        st(i.dst());
    }

    /** dst = dst OP (imm or src), 64-bit; {@code op} emits the JVM instruction. */
    private void alu64(Insn i, boolean reg, Consumer<Code> op) {
        ld(i.dst());
        if (reg) ld(i.src());
        else lconst(i.imm());
        op.accept(cob);
        st(i.dst());
    }

    private void shift64(Insn i, boolean reg, Consumer<Code> op) {
        ld(i.dst());
        if (reg) ld(i.src()).l2i();
        else cob.loadConstant((int) i.imm());
        op.accept(cob);
        st(i.dst());
    }

    /** dst = zext((int) dst OP (int) (imm or src)). */
    private void alu32(Insn i, boolean reg, Consumer<Code> op) {
        ld(i.dst());
        cob.l2i();
        if (reg) ld(i.src()).l2i();
        else cob.loadConstant((int) i.imm());
        op.accept(cob);
        zext();
        st(i.dst());
    }

    /**
     * Pushes the operands every memory access starts with: the state, r[base], the offset, the size
     * and the pc (for the trap). Short on purpose: class loading time grows with bytecode size.
     */
    private void address(int base, int off, int size, int pc) {
        cob.aload(S);
        ld(base).loadConstant(off).loadConstant(size).loadConstant(pc);
    }

    /** Calls the memory mode's access method {@code name(MachineState, long base, int off, int size, int pc, extra...)}. */
    private void memCall(String name, String descriptor) {
        cob.invokestatic(accessClass, name, descriptor);
    }

    // descriptors of the memory modes' access methods: (MachineState, long base, int off, int size, int pc, extra...)
    private static final String LOAD = "(" + STATE_DESC + "JIII)J", STORE = "(" + STATE_DESC + "JIIIJ)V", ATOMIC = "(" + STATE_DESC + "JIIIIJ)V",
            FETCH = "(" + STATE_DESC + "JIIIIJ)J", CMPXCHG = "(" + STATE_DESC + "JIIIJJ)J";
    private static final String TAKE_BUDGET = "(" + STATE_DESC + ")I", GIVE_BUDGET = "(" + STATE_DESC + "I)V";
    private static final String PACKET_CHECK = "(" + STATE_DESC + "JI)Z", PACKET_LOAD = "(" + STATE_DESC + "JI)J", CALL_DEPTH = "(I)" + TRAP_DESC;

    private void load(Insn i, int pc) {
        address(i.src(), i.off(), i.op().size(), pc);
        memCall("load", LOAD);
    }

    private void store(Insn i, int pc, boolean reg) {
        address(i.dst(), i.off(), i.op().size(), pc);
        if (reg) ld(i.src());
        else lconst(i.imm());
        memCall("store", STORE);
    }

    /** Conditional jump: compares dst with imm or src, 64 or 32 bits, by the op's code. */
    private void jump(Insn i, int pc, boolean reg) {
        Label to = target(pc + 1 + i.jumpOffset());
        int code = i.op().code >> 4;
        boolean is32 = i.op().is32();
        ld(i.dst());
        if (is32) {
            cob.l2i();
            if (reg) ld(i.src()).l2i();
            else cob.loadConstant((int) i.imm());
        } else if (reg) {
            ld(i.src());
        } else {
            lconst(i.imm());
        }
        if (is32) {
            switch (code) {
                case 0x1 -> cob.if_icmpeq(to);
                case 0x5 -> cob.if_icmpne(to);
                case 0x6 -> cob.if_icmpgt(to);
                case 0x7 -> cob.if_icmpge(to);
                case 0xc -> cob.if_icmplt(to);
                case 0xd -> cob.if_icmple(to);
                case 0x4 -> cob.iand().ifne(to);
                default -> {
                    cob.invokestatic("java/lang/Integer", "compareUnsigned", "(II)I");
                    unsignedBranch(code, to);
                }
            }
        } else {
            switch (code) {
                case 0x1 -> cob.lcmp().ifeq(to);
                case 0x5 -> cob.lcmp().ifne(to);
                case 0x6 -> cob.lcmp().ifgt(to);
                case 0x7 -> cob.lcmp().ifge(to);
                case 0xc -> cob.lcmp().iflt(to);
                case 0xd -> cob.lcmp().ifle(to);
                case 0x4 -> cob.land().lconst_0().lcmp().ifne(to);
                default -> {
                    cob.invokestatic("java/lang/Long", "compareUnsigned", "(JJ)I");
                    unsignedBranch(code, to);
                }
            }
        }
    }

    private void unsignedBranch(int code, Label to) {
        switch (code) {
            case 0x2 -> cob.ifgt(to);
            case 0x3 -> cob.ifge(to);
            case 0xa -> cob.iflt(to);
            case 0xb -> cob.ifle(to);
            default -> throw new IllegalStateException("not a conditional jump code: " + code);
        }
    }

    /** call 5 (unwind): r0 = r1, and the program returns 0 right away when r1 == 0. */
    private void unwind() {
        ld(1);
        st(0);
        ld(0);
        cob.lconst_0().lcmp().ifeq(done);
    }

    private void trap(String factory, String type, Consumer<Code> args) {
        args.accept(cob);
        cob.invokestatic(SUPPORT, factory, type).athrow();
    }

    private void emit(int pc, Insn i) {
        int d = i.dst(), s = i.src();
        switch (i.op()) {
            // ---- ALU64
            case ADD64_IMM -> alu64(i, false, Code::ladd);
            case ADD64_REG -> alu64(i, true, Code::ladd);
            case SUB64_IMM -> alu64(i, false, Code::lsub);
            case SUB64_REG -> alu64(i, true, Code::lsub);
            case MUL64_IMM -> alu64(i, false, Code::lmul);
            case MUL64_REG -> alu64(i, true, Code::lmul);
            case OR64_IMM -> alu64(i, false, Code::lor);
            case OR64_REG -> alu64(i, true, Code::lor);
            case AND64_IMM -> alu64(i, false, Code::land);
            case AND64_REG -> alu64(i, true, Code::land);
            case XOR64_IMM -> alu64(i, false, Code::lxor);
            case XOR64_REG -> alu64(i, true, Code::lxor);
            case LSH64_IMM -> shift64(i, false, Code::lshl);
            case LSH64_REG -> shift64(i, true, Code::lshl);
            case RSH64_IMM -> shift64(i, false, Code::lushr);
            case RSH64_REG -> shift64(i, true, Code::lushr);
            case ARSH64_IMM -> shift64(i, false, Code::lshr);
            case ARSH64_REG -> shift64(i, true, Code::lshr);
            case DIV64_IMM -> semBinary("div64", i, false);
            case DIV64_REG -> semBinary("div64", i, true);
            case SDIV64_IMM -> semBinary("sdiv64", i, false);
            case SDIV64_REG -> semBinary("sdiv64", i, true);
            case MOD64_IMM -> semBinary("mod64", i, false);
            case MOD64_REG -> semBinary("mod64", i, true);
            case SMOD64_IMM -> semBinary("smod64", i, false);
            case SMOD64_REG -> semBinary("smod64", i, true);
            case MOV64_IMM -> {
                lconst(i.imm());
                st(d);
            }
            case MOV64_REG -> {
                ld(s);
                st(d);
            }
            case NEG64 -> {
                ld(d);
                cob.lneg();
                st(d);
            }
            case MOVSX8_64 -> {
                ld(s);
                cob.l2i().i2b().i2l();
                st(d);
            }
            case MOVSX16_64 -> {
                ld(s);
                cob.l2i().i2s().i2l();
                st(d);
            }
            case MOVSX32_64 -> {
                ld(s);
                cob.l2i().i2l();
                st(d);
            }
            // ---- ALU32: operate on the low halves, zero-extend the result
            case ADD32_IMM -> alu32(i, false, Code::iadd);
            case ADD32_REG -> alu32(i, true, Code::iadd);
            case SUB32_IMM -> alu32(i, false, Code::isub);
            case SUB32_REG -> alu32(i, true, Code::isub);
            case MUL32_IMM -> alu32(i, false, Code::imul);
            case MUL32_REG -> alu32(i, true, Code::imul);
            case OR32_IMM -> alu32(i, false, Code::ior);
            case OR32_REG -> alu32(i, true, Code::ior);
            case AND32_IMM -> alu32(i, false, Code::iand);
            case AND32_REG -> alu32(i, true, Code::iand);
            case XOR32_IMM -> alu32(i, false, Code::ixor);
            case XOR32_REG -> alu32(i, true, Code::ixor);
            case LSH32_IMM -> semBinary("lsh32", i, false);
            case LSH32_REG -> semBinary("lsh32", i, true);
            case RSH32_IMM -> semBinary("rsh32", i, false);
            case RSH32_REG -> semBinary("rsh32", i, true);
            case ARSH32_IMM -> semBinary("arsh32", i, false);
            case ARSH32_REG -> semBinary("arsh32", i, true);
            case DIV32_IMM -> semBinary("div32", i, false);
            case DIV32_REG -> semBinary("div32", i, true);
            case SDIV32_IMM -> semBinary("sdiv32", i, false);
            case SDIV32_REG -> semBinary("sdiv32", i, true);
            case MOD32_IMM -> semBinary("mod32", i, false);
            case MOD32_REG -> semBinary("mod32", i, true);
            case SMOD32_IMM -> semBinary("smod32", i, false);
            case SMOD32_REG -> semBinary("smod32", i, true);
            case MOV32_IMM -> {
                lconst(i.imm() & M32);
                st(d);
            }
            case MOV32_REG -> {
                ld(s);
                cob.l2i();
                zext();
                st(d);
            }
            case NEG32 -> {
                ld(d);
                cob.l2i().ineg();
                zext();
                st(d);
            }
            case MOVSX8_32, MOVSX16_32 -> {
                ld(s);
                cob.loadConstant(i.op().off);
                sem("sext32", JI_J);
                st(d);
            }
            // ---- byte order
            case LE16, LE32, LE64 -> {
                ld(d);
                cob.loadConstant((int) i.imm());
                sem("le", JI_J);
                st(d);
            }
            case BE16, BE32, BE64, BSWAP16, BSWAP32, BSWAP64 -> {
                ld(d);
                cob.loadConstant((int) i.imm());
                sem("be", JI_J);
                st(d);
            }
            // ---- memory (access modes: see PlainMemory and SharedMemory)
            case LDXB, LDXH, LDXW, LDXDW -> {
                load(i, pc);
                st(d);
            }
            case LDXSB -> {
                load(i, pc);
                cob.l2i().i2b().i2l();
                st(d);
            }
            case LDXSH -> {
                load(i, pc);
                cob.l2i().i2s().i2l();
                st(d);
            }
            case LDXSW -> {
                load(i, pc);
                cob.l2i().i2l();
                st(d);
            }
            case STB, STH, STW, STDW -> store(i, pc, false);
            case STXB, STXH, STXW, STXDW -> store(i, pc, true);
            case ATOMIC32_ADD, ATOMIC32_OR, ATOMIC32_AND, ATOMIC32_XOR,
                 ATOMIC64_ADD, ATOMIC64_OR, ATOMIC64_AND, ATOMIC64_XOR -> {
                address(d, i.off(), i.op().size(), pc);
                cob.loadConstant((int) i.imm());
                ld(s);
                memCall("atomic", ATOMIC);
            }
            case ATOMIC32_FETCH_ADD, ATOMIC32_FETCH_OR, ATOMIC32_FETCH_AND, ATOMIC32_FETCH_XOR, ATOMIC32_XCHG,
                 ATOMIC64_FETCH_ADD, ATOMIC64_FETCH_OR, ATOMIC64_FETCH_AND, ATOMIC64_FETCH_XOR, ATOMIC64_XCHG -> {
                address(d, i.off(), i.op().size(), pc);
                cob.loadConstant((int) i.imm());
                ld(s);
                memCall("fetch", FETCH);
                st(s);
            }
            case ATOMIC32_CMPXCHG, ATOMIC64_CMPXCHG -> {
                address(d, i.off(), i.op().size(), pc);
                ld(0);
                ld(s);
                memCall("cmpxchg", CMPXCHG);
                st(0);
            }
            case LOAD_ACQ_B, LOAD_ACQ_H, LOAD_ACQ_W, LOAD_ACQ_DW -> {
                address(s, i.off(), i.op().size(), pc);
                memCall("loadAcquire", LOAD);
                st(d);
            }
            case STORE_REL_B, STORE_REL_H, STORE_REL_W, STORE_REL_DW -> {
                address(d, i.off(), i.op().size(), pc);
                ld(s);
                memCall("storeRelease", STORE);
            }
            // ---- jumps
            case JA, JA32 -> cob.goto_(target(pc + 1 + i.jumpOffset()));
            case JEQ_IMM, JNE_IMM, JGT_IMM, JGE_IMM, JSET_IMM, JSGT_IMM, JSGE_IMM, JLT_IMM, JLE_IMM, JSLT_IMM, JSLE_IMM,
                 JEQ32_IMM, JNE32_IMM, JGT32_IMM, JGE32_IMM, JSET32_IMM, JSGT32_IMM, JSGE32_IMM, JLT32_IMM, JLE32_IMM,
                 JSLT32_IMM, JSLE32_IMM -> jump(i, pc, false);
            case JEQ_REG, JNE_REG, JGT_REG, JGE_REG, JSET_REG, JSGT_REG, JSGE_REG, JLT_REG, JLE_REG, JSLT_REG, JSLE_REG,
                 JEQ32_REG, JNE32_REG, JGT32_REG, JGE32_REG, JSET32_REG, JSGT32_REG, JSGE32_REG, JLT32_REG, JLE32_REG,
                 JSLT32_REG, JSLE32_REG -> jump(i, pc, true);
            // ---- calls
            case CALL -> {
                if (i.imm() != HELPER_UNWIND) trap("badCall", BAD_CALL, cb -> cb.loadConstant(i.imm()).loadConstant(pc));
                else unwind();
            }
            case CALLX -> {
                ld(d);
                lconst(HELPER_UNWIND);
                cob.lcmp().ifne(stub(cb -> {
                    cb.lload(reg(d)).loadConstant(pc);
                    cb.invokestatic(SUPPORT, "badCall", BAD_CALL).athrow();
                }));
                unwind();
            }
            case CALL_RUNTIME -> trap("badKfunc", BAD_CALL, cb -> cb.loadConstant(i.imm()).loadConstant(pc));
            case CALL_LOCAL -> {
                cob.aload(S).getfield(STATE, "depth", "I").dup().istore(IT);
                cob.loadConstant(MAX_FRAMES - 1).if_icmpge(stub(cb -> cb.loadConstant(pc)
                        .invokestatic(SUPPORT, "callDepth", CALL_DEPTH).athrow()));
                cob.aload(RETPC).iload(IT).loadConstant(pc).iastore();
                cob.aload(S).iload(IT).iconst_1().iadd().putfield(STATE, "depth", "I");
                cob.iload(IT).iconst_5().imul().istore(IT);
                for (int k = 0; k < 5; k++) cob.aload(SAVED).iload(IT).loadConstant(k).iadd().lload(reg(6 + k)).lastore();
                ld(10);
                lconst(FRAME_SIZE);
                cob.lsub();
                st(10);
                cob.goto_(target(pc + 1 + i.jumpOffset()));
            }
            case EXIT -> cob.aload(S).getfield(STATE, "depth", "I").ifeq(done).goto_(returnFromCall());
            // ---- 64-bit immediate (map_idx_value 0: the global data's address; other pseudo forms never run: the program is Unsupported)
            case LDDW_MAP_IDX_VALUE -> {
                lconst(GLOBAL_BASE + Program.mapOffset(i));
                st(d);
            }
            case LDDW, LDDW_MAP_FD, LDDW_MAP_VALUE, LDDW_VAR_ADDR, LDDW_CODE_ADDR, LDDW_MAP_IDX -> {
                lconst(i.imm());
                st(d);
            }
            // ---- legacy packet access: big-endian load into r0 from the input as it was at entry; outside it the program returns 0
            case LD_ABS_B, LD_ABS_H, LD_ABS_W, LD_IND_B, LD_IND_H, LD_IND_W -> {
                int size = i.op().size();
                cob.aload(S);
                lconst(i.imm());
                if (i.op().shape == Shape.LD_IND) {
                    ld(s);
                    cob.l2i().i2l().ladd();
                }
                cob.loadConstant(size);
                cob.invokestatic(SUPPORT, "inPacket", PACKET_CHECK);
                cob.ifeq(stub(cb -> cb.lconst_0().lstore(reg(0)).goto_(done)));
                cob.aload(S);
                lconst(i.imm());
                if (i.op().shape == Shape.LD_IND) {
                    ld(s);
                    cob.l2i().i2l().ladd();
                }
                cob.loadConstant(size);
                cob.invokestatic(SUPPORT, "packetLoad", PACKET_LOAD);
                st(0);
            }
        }
    }
}
