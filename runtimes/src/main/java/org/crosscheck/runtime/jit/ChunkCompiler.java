package org.crosscheck.runtime.jit;

import static java.lang.constant.ConstantDescs.*;
import static org.crosscheck.runtime.Layout.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.ObjectVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.MachineState;

/**
 * Emits chunks of programs as static methods of one class, with java.lang.classfile.
 *
 * <p>Many programs share a class: defining, verifying and linking a hidden class has a fixed cost
 * that a campaign would otherwise pay per program. The class implements {@link ChunkSet}: its
 * {@code run(which, s, pc)} switches to the static method {@code run<which>(s, pc)}.
 *
 * <p>Shape of a generated {@code run<k>(MachineState s, int pc)}: load r0-r10 and the budget left
 * into JVM locals; switch on pc to the entry block; then the blocks in pc order. Memory accesses
 * call the memory mode's static methods with the state (they read ram, its layout and the call
 * depth from it; small, so HotSpot inlines them and hoists those reads out of loops). Each block
 * first charges its instruction count to the budget; when less is left it leaves with {@code -pc-2}
 * so the interpreter finishes exactly. Jumps inside the chunk are JVM gotos; a jump out of the chunk,
 * program exit and budget hand-over store the locals back into the state ("leave"). Local calls push
 * r6-r10 and the call's pc into the state's arrays; exit from a callee pops them and goes back
 * through the entry switch to the return point.
 *
 * <p>Stack maps are written here rather than computed by the library (which took a third of the
 * compile time): every local is assigned in the prologue and never changes type, and the operand
 * stack is empty at every label, so one frame fits every label.
 */
final class ChunkCompiler {
    private static final ClassDesc CD_STATE = ClassDesc.of(MachineState.class.getName());
    private static final ClassDesc CD_CHUNK_SET = ClassDesc.of(ChunkSet.class.getName());
    private static final ClassDesc CD_SUPPORT = ClassDesc.of(JitSupport.class.getName());
    private static final ClassDesc CD_TRAP = ClassDesc.of(JitTrap.class.getName());
    private static final ClassDesc CD_SEM = ClassDesc.of(Semantics.class.getName());
    private static final ClassDesc CD_GEN = ClassDesc.of("org.crosscheck.runtime.jit.BpfChunks");
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_int, CD_STATE, CD_int);
    private static final MethodTypeDesc MTD_SET_RUN = MethodTypeDesc.of(CD_int, CD_int, CD_STATE, CD_int);
    private static final MethodTypeDesc MTD_JJ_J = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_JI_J = MethodTypeDesc.of(CD_long, CD_long, CD_int);
    private static final long M32 = Semantics.MASK32;
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    // JVM local slots of run<k>(); the call depth stays in the state (memory accesses read it there)
    private static final int S = 0, PC = 1, RETPC = 2, SAVED = 3, RET = 4, IT = 5, RARR = 6, LEFT = 7, R0 = 9;
    /** The one stack map frame of run<k>: the types of the locals above, in slot order. */
    private static final List<VerificationTypeInfo> LOCALS;

    static {
        List<VerificationTypeInfo> l = new ArrayList<>(List.of(
                ObjectVerificationTypeInfo.of(CD_STATE), SimpleVerificationTypeInfo.INTEGER,
                ObjectVerificationTypeInfo.of(CD_int.arrayType()), ObjectVerificationTypeInfo.of(CD_long.arrayType()),
                SimpleVerificationTypeInfo.INTEGER, SimpleVerificationTypeInfo.INTEGER,
                ObjectVerificationTypeInfo.of(CD_long.arrayType()), SimpleVerificationTypeInfo.LONG));
        for (int i = 0; i <= 10; i++) l.add(SimpleVerificationTypeInfo.LONG);
        LOCALS = List.copyOf(l);
    }

    /** One chunk to emit: chunk {@code chunk} of {@code blocks}, entered at the block starts {@code entries}. */
    record Unit(Blocks blocks, int chunk, int[] chunkOf, SortedSet<Integer> entries) {}

    private final Program p;
    private final Blocks blocks;
    private final int chunk;
    private final int[] chunkOf;
    private final MemoryMode mode;
    private CodeBuilder cob;
    private final Map<Integer, Label> blockLabel = new HashMap<>();
    private final Map<Integer, Label> leaveTo = new HashMap<>();
    private final List<Consumer<CodeBuilder>> stubs = new ArrayList<>();
    /** Every label bound, each at its own bytecode offset: each gets the frame {@link #LOCALS}. */
    private final List<StackMapFrameInfo> frames = new ArrayList<>();
    private Label leave, dispatch, done;

    private ChunkCompiler(Unit u, MemoryMode mode) {
        this.p = u.blocks().program;
        this.blocks = u.blocks();
        this.chunk = u.chunk();
        this.chunkOf = u.chunkOf();
        this.mode = mode;
    }

    /** Class bytes of a {@link ChunkSet} whose {@code run(k, s, pc)} runs {@code units.get(k)}. */
    static byte[] build(List<Unit> units, MemoryMode mode) {
        return CLASS_FILE.build(CD_GEN, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                    .withInterfaceSymbols(CD_CHUNK_SET)
                    .withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                            cb -> cb.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_())
                    .withMethodBody("run", MTD_SET_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cb -> emitSwitch(cb, units.size()));
            for (int k = 0; k < units.size(); k++) {
                ChunkCompiler c = new ChunkCompiler(units.get(k), mode);
                SortedSet<Integer> entries = units.get(k).entries();
                clb.withMethodBody("run" + k, MTD_RUN, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, cb -> c.emitRun(cb, entries));
            }
        });
    }

    /** {@code run(which, s, pc)}: a table switch to {@code run<which>(s, pc)}; an unknown which returns pc (no entry). */
    private static void emitSwitch(CodeBuilder cb, int count) {
        List<StackMapFrameInfo> frames = new ArrayList<>();
        List<VerificationTypeInfo> locals = List.of(ObjectVerificationTypeInfo.of(CD_GEN), SimpleVerificationTypeInfo.INTEGER,
                ObjectVerificationTypeInfo.of(CD_STATE), SimpleVerificationTypeInfo.INTEGER);
        Label unknown = cb.newLabel();
        List<SwitchCase> cases = new ArrayList<>();
        for (int k = 0; k < count; k++) cases.add(SwitchCase.of(k, cb.newLabel()));
        cb.iload(1).tableswitch(0, count - 1, unknown, cases);
        for (int k = 0; k < count; k++) {
            cb.labelBinding(cases.get(k).target());
            frames.add(StackMapFrameInfo.of(cases.get(k).target(), locals, List.of()));
            cb.aload(2).iload(3).invokestatic(CD_GEN, "run" + k, MTD_RUN).ireturn();
        }
        cb.labelBinding(unknown);
        frames.add(StackMapFrameInfo.of(unknown, locals, List.of()));
        cb.iload(3).ireturn();
        cb.with(StackMapTableAttribute.of(frames));
    }

    /** Binds {@code l} here and gives it the frame every label has. */
    private void bind(CodeBuilder cb, Label l) {
        cb.labelBinding(l);
        frames.add(StackMapFrameInfo.of(l, LOCALS, List.of()));
    }

    private void emitRun(CodeBuilder cb, SortedSet<Integer> entries) {
        cob = cb;
        leave = cb.newLabel();
        dispatch = cb.newLabel();
        done = cb.newLabel();
        int first = blocks.firstBlock(chunk), end = blocks.endBlock(chunk);
        for (int k = first; k < end; k++) blockLabel.put(blocks.blocks.get(k).start(), cb.newLabel());
        // prologue: the state into locals
        cb.aload(S).getfield(CD_STATE, "retPc", CD_int.arrayType()).astore(RETPC);
        cb.aload(S).getfield(CD_STATE, "saved", CD_long.arrayType()).astore(SAVED);
        cb.aload(S).getfield(CD_STATE, "r", CD_long.arrayType()).astore(RARR);
        cb.aload(S).getfield(CD_STATE, "left", CD_long).lstore(LEFT);
        for (int i = 0; i <= 10; i++) cb.aload(RARR).loadConstant(i).laload().lstore(reg(i));
        cb.iconst_0().istore(RET).iconst_0().istore(IT);
        // entry switch (also where an exit from a callee goes with its return pc)
        bind(cb, dispatch);
        Label unknown = cb.newLabel();
        cb.iload(PC).lookupswitch(unknown, entries.stream().map(e -> SwitchCase.of(e, blockLabel.get(e))).toList());
        bind(cb, unknown);
        cb.iload(PC).istore(RET).goto_(leave); // the driver finds the chunk of pc
        for (int k = first; k < end; k++) emitBlock(blocks.blocks.get(k));
        // leave: the locals back into the state, then return RET
        bind(cb, done);
        cb.loadConstant(Chunk.DONE).istore(RET);
        bind(cb, leave);
        for (int i = 0; i <= 10; i++) cb.aload(RARR).loadConstant(i).lload(reg(i)).lastore();
        cb.aload(S).lload(LEFT).putfield(CD_STATE, "left", CD_long);
        cb.iload(RET).ireturn();
        for (int k = 0; k < stubs.size(); k++) stubs.get(k).accept(cb); // stubs may add stubs
        cb.with(StackMapTableAttribute.of(frames));
    }

    private static int reg(int i) {
        return R0 + 2 * i;
    }

    /** An out-of-line piece of code, emitted after the blocks (keeps the hot path straight). */
    private Label stub(Consumer<CodeBuilder> body) {
        Label l = cob.newLabel();
        stubs.add(cb -> {
            bind(cb, l);
            body.accept(cb);
        });
        return l;
    }

    /** Where control goes to reach block start pc: its label here, or a stub leaving the chunk. */
    private Label target(int pc) {
        if (chunkOf[pc] == chunk) return blockLabel.get(pc);
        return leaveTo.computeIfAbsent(pc, t -> stub(cb -> cb.loadConstant(t).istore(RET).goto_(leave)));
    }

    private void emitBlock(Blocks.Block b) {
        bind(cob, blockLabel.get(b.start()));
        int handOver = -b.start() - 2;
        Label slow = stub(cb -> cb.loadConstant(handOver).istore(RET).goto_(leave));
        cob.lload(LEFT);
        lconst(b.cost());
        cob.lcmp().iflt(slow).lload(LEFT);
        lconst(b.cost());
        cob.lsub().lstore(LEFT);
        Op last = null;
        boolean unreachable = false; // after a goto or throw: code that follows needs a frame of its own
        for (int pc = b.start(); pc < b.end(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            if (unreachable) bind(cob, cob.newLabel());
            emit(pc, i);
            last = i.op();
            unreachable = endsControl(i);
        }
        boolean fallsThrough = !(last == Op.JA || last == Op.JA32 || last == Op.EXIT || last == Op.CALL_RUNTIME || last == Op.CALL_LOCAL);
        if (fallsThrough && chunkOf[b.end()] != chunk) {
            if (unreachable) bind(cob, cob.newLabel());
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

    private void ld(int r) {
        cob.lload(reg(r));
    }

    private void st(int r) {
        cob.lstore(reg(r));
    }

    private void zext() {
        cob.i2l();
        lconst(M32);
        cob.land();
    }

    private void sem(String name, MethodTypeDesc type) {
        cob.invokestatic(CD_SEM, name, type);
    }

    /** dst = Semantics.name(dst, imm or src). */
    private void semBinary(String name, Insn i, boolean reg) {
        ld(i.dst());
        if (reg) ld(i.src());
        else lconst(i.imm());
        sem(name, MTD_JJ_J);
        st(i.dst());
    }

    /** dst = dst OP (imm or src), 64-bit; {@code op} emits the JVM instruction. */
    private void alu64(Insn i, boolean reg, Consumer<CodeBuilder> op) {
        ld(i.dst());
        if (reg) ld(i.src());
        else lconst(i.imm());
        op.accept(cob);
        st(i.dst());
    }

    private void shift64(Insn i, boolean reg, Consumer<CodeBuilder> op) {
        ld(i.dst());
        if (reg) ld(i.src());
        else lconst(i.imm());
        cob.l2i();
        op.accept(cob);
        st(i.dst());
    }

    /** dst = zext((int) dst OP (int) (imm or src)). */
    private void alu32(Insn i, boolean reg, Consumer<CodeBuilder> op) {
        ld(i.dst());
        cob.l2i();
        if (reg) ld(i.src());
        else lconst(i.imm());
        cob.l2i();
        op.accept(cob);
        zext();
        st(i.dst());
    }

    /**
     * Pushes the operands every memory access starts with: the state, the address r[base] + off,
     * the size and the pc (for the trap). Short on purpose: class loading time grows with bytecode size.
     */
    private void address(int base, int off, int size, int pc) {
        cob.aload(S);
        ld(base);
        if (off != 0) {
            lconst(off);
            cob.ladd();
        }
        cob.loadConstant(size).loadConstant(pc);
    }

    /** Calls the memory mode's access method {@code name(MachineState, long address, int size, int pc, extra...)}. */
    private void memCall(String name, ClassDesc ret, ClassDesc... extra) {
        ClassDesc[] params = new ClassDesc[4 + extra.length];
        params[0] = CD_STATE;
        params[1] = CD_long;
        params[2] = CD_int;
        params[3] = CD_int;
        System.arraycopy(extra, 0, params, 4, extra.length);
        cob.invokestatic(mode.accessClass, name, MethodTypeDesc.of(ret, params));
    }

    private void load(Insn i, int pc) {
        address(i.src(), i.off(), i.op().size(), pc);
        memCall("load", CD_long);
    }

    private void store(Insn i, int pc, boolean reg) {
        address(i.dst(), i.off(), i.op().size(), pc);
        if (reg) ld(i.src());
        else lconst(i.imm());
        memCall("store", CD_void, CD_long);
    }

    /** Conditional jump: compares dst with imm or src, 64 or 32 bits, by the op's code. */
    private void jump(Insn i, int pc, boolean reg) {
        Label to = target(pc + 1 + i.jumpOffset());
        int code = i.op().code >> 4;
        boolean is32 = i.op().is32();
        ld(i.dst());
        if (is32) cob.l2i();
        if (reg) ld(i.src());
        else lconst(i.imm());
        if (is32) {
            cob.l2i();
            switch (code) {
                case 0x1 -> cob.if_icmpeq(to);
                case 0x5 -> cob.if_icmpne(to);
                case 0x6 -> cob.if_icmpgt(to);
                case 0x7 -> cob.if_icmpge(to);
                case 0xc -> cob.if_icmplt(to);
                case 0xd -> cob.if_icmple(to);
                case 0x4 -> cob.iand().ifne(to);
                default -> {
                    cob.invokestatic(CD_Integer, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
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
                    cob.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
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

    private void trap(String factory, MethodTypeDesc type, Consumer<CodeBuilder> args) {
        args.accept(cob);
        cob.invokestatic(CD_SUPPORT, factory, type).athrow();
    }

    private static final MethodTypeDesc MTD_BAD_CALL = MethodTypeDesc.of(CD_TRAP, CD_long, CD_int);

    private void emit(int pc, Insn i) {
        int d = i.dst(), s = i.src();
        switch (i.op()) {
            // ---- ALU64
            case ADD64_IMM -> alu64(i, false, CodeBuilder::ladd);
            case ADD64_REG -> alu64(i, true, CodeBuilder::ladd);
            case SUB64_IMM -> alu64(i, false, CodeBuilder::lsub);
            case SUB64_REG -> alu64(i, true, CodeBuilder::lsub);
            case MUL64_IMM -> alu64(i, false, CodeBuilder::lmul);
            case MUL64_REG -> alu64(i, true, CodeBuilder::lmul);
            case OR64_IMM -> alu64(i, false, CodeBuilder::lor);
            case OR64_REG -> alu64(i, true, CodeBuilder::lor);
            case AND64_IMM -> alu64(i, false, CodeBuilder::land);
            case AND64_REG -> alu64(i, true, CodeBuilder::land);
            case XOR64_IMM -> alu64(i, false, CodeBuilder::lxor);
            case XOR64_REG -> alu64(i, true, CodeBuilder::lxor);
            case LSH64_IMM -> shift64(i, false, CodeBuilder::lshl);
            case LSH64_REG -> shift64(i, true, CodeBuilder::lshl);
            case RSH64_IMM -> shift64(i, false, CodeBuilder::lushr);
            case RSH64_REG -> shift64(i, true, CodeBuilder::lushr);
            case ARSH64_IMM -> shift64(i, false, CodeBuilder::lshr);
            case ARSH64_REG -> shift64(i, true, CodeBuilder::lshr);
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
            case ADD32_IMM -> alu32(i, false, CodeBuilder::iadd);
            case ADD32_REG -> alu32(i, true, CodeBuilder::iadd);
            case SUB32_IMM -> alu32(i, false, CodeBuilder::isub);
            case SUB32_REG -> alu32(i, true, CodeBuilder::isub);
            case MUL32_IMM -> alu32(i, false, CodeBuilder::imul);
            case MUL32_REG -> alu32(i, true, CodeBuilder::imul);
            case OR32_IMM -> alu32(i, false, CodeBuilder::ior);
            case OR32_REG -> alu32(i, true, CodeBuilder::ior);
            case AND32_IMM -> alu32(i, false, CodeBuilder::iand);
            case AND32_REG -> alu32(i, true, CodeBuilder::iand);
            case XOR32_IMM -> alu32(i, false, CodeBuilder::ixor);
            case XOR32_REG -> alu32(i, true, CodeBuilder::ixor);
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
                sem("sext32", MTD_JI_J);
                st(d);
            }
            // ---- byte order
            case LE16, LE32, LE64 -> {
                ld(d);
                cob.loadConstant((int) i.imm());
                sem("le", MTD_JI_J);
                st(d);
            }
            case BE16, BE32, BE64, BSWAP16, BSWAP32, BSWAP64 -> {
                ld(d);
                cob.loadConstant((int) i.imm());
                sem("be", MTD_JI_J);
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
                memCall("atomic", CD_void, CD_int, CD_long);
            }
            case ATOMIC32_FETCH_ADD, ATOMIC32_FETCH_OR, ATOMIC32_FETCH_AND, ATOMIC32_FETCH_XOR, ATOMIC32_XCHG,
                 ATOMIC64_FETCH_ADD, ATOMIC64_FETCH_OR, ATOMIC64_FETCH_AND, ATOMIC64_FETCH_XOR, ATOMIC64_XCHG -> {
                address(d, i.off(), i.op().size(), pc);
                cob.loadConstant((int) i.imm());
                ld(s);
                memCall("fetch", CD_long, CD_int, CD_long);
                st(s);
            }
            case ATOMIC32_CMPXCHG, ATOMIC64_CMPXCHG -> {
                address(d, i.off(), i.op().size(), pc);
                ld(0);
                ld(s);
                memCall("cmpxchg", CD_long, CD_long, CD_long);
                st(0);
            }
            case LOAD_ACQ_B, LOAD_ACQ_H, LOAD_ACQ_W, LOAD_ACQ_DW -> {
                address(s, i.off(), i.op().size(), pc);
                memCall("loadAcquire", CD_long);
                st(d);
            }
            case STORE_REL_B, STORE_REL_H, STORE_REL_W, STORE_REL_DW -> {
                address(d, i.off(), i.op().size(), pc);
                ld(s);
                memCall("storeRelease", CD_void, CD_long);
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
                if (i.imm() != HELPER_UNWIND) trap("badCall", MTD_BAD_CALL, cb -> cb.loadConstant(i.imm()).loadConstant(pc));
                else unwind();
            }
            case CALLX -> {
                ld(d);
                lconst(HELPER_UNWIND);
                cob.lcmp().ifne(stub(cb -> {
                    cb.lload(reg(d)).loadConstant(pc);
                    cb.invokestatic(CD_SUPPORT, "badCall", MTD_BAD_CALL).athrow();
                }));
                unwind();
            }
            case CALL_RUNTIME -> trap("badKfunc", MTD_BAD_CALL, cb -> cb.loadConstant(i.imm()).loadConstant(pc));
            case CALL_LOCAL -> {
                cob.aload(S).getfield(CD_STATE, "depth", CD_int).dup().istore(IT);
                cob.loadConstant(MAX_FRAMES - 1).if_icmpge(stub(cb -> cb.loadConstant(pc)
                        .invokestatic(CD_SUPPORT, "callDepth", MethodTypeDesc.of(CD_TRAP, CD_int)).athrow()));
                cob.aload(RETPC).iload(IT).loadConstant(pc).iastore();
                cob.aload(S).iload(IT).iconst_1().iadd().putfield(CD_STATE, "depth", CD_int);
                cob.iload(IT).iconst_5().imul().istore(IT);
                for (int k = 0; k < 5; k++) cob.aload(SAVED).iload(IT).loadConstant(k).iadd().lload(reg(6 + k)).lastore();
                ld(10);
                lconst(FRAME_SIZE);
                cob.lsub();
                st(10);
                cob.goto_(target(pc + 1 + i.jumpOffset()));
            }
            case EXIT -> {
                cob.aload(S).getfield(CD_STATE, "depth", CD_int).ifeq(done);
                cob.aload(S).getfield(CD_STATE, "depth", CD_int).iconst_1().isub().istore(IT);
                cob.aload(S).iload(IT).putfield(CD_STATE, "depth", CD_int);
                cob.aload(RETPC).iload(IT).iaload().iconst_1().iadd().istore(PC);
                cob.iload(IT).iconst_5().imul().istore(IT);
                for (int k = 0; k < 5; k++) {
                    cob.aload(SAVED).iload(IT).loadConstant(k).iadd().laload();
                    st(6 + k);
                }
                cob.goto_(dispatch);
            }
            // ---- 64-bit immediate (pseudo forms never run: the program is Unsupported)
            case LDDW, LDDW_MAP_FD, LDDW_MAP_VALUE, LDDW_VAR_ADDR, LDDW_CODE_ADDR, LDDW_MAP_IDX, LDDW_MAP_IDX_VALUE -> {
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
                cob.invokestatic(CD_SUPPORT, "inPacket", MethodTypeDesc.of(CD_boolean, CD_STATE, CD_long, CD_int));
                cob.ifeq(stub(cb -> cb.lconst_0().lstore(reg(0)).goto_(done)));
                cob.aload(S);
                lconst(i.imm());
                if (i.op().shape == Shape.LD_IND) {
                    ld(s);
                    cob.l2i().i2l().ladd();
                }
                cob.loadConstant(size);
                cob.invokestatic(CD_SUPPORT, "packetLoad", MethodTypeDesc.of(CD_long, CD_STATE, CD_long, CD_int));
                st(0);
            }
        }
    }
}
