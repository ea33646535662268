package org.crosscheck.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.MethodModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongBinaryOperator;
import java.util.stream.Stream;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Semantics;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.TrapKind;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

class JitTest {
    private static final Interpreter INTERPRETER = new Interpreter();
    private static final Jit JIT = new Jit();
    private static final long[] VALUES = {0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7fffffffL, 0x80000000L, 0xffffffffL,
        Long.MIN_VALUE, Long.MAX_VALUE, 0x123456789abcdef0L, -0x80000000L};

    private static Outcome jit(Program p, byte[] memory, long budget) {
        return JIT.run(p, memory, Limits.DEFAULT.withBudget(budget));
    }

    private static Outcome interp(Program p, byte[] memory, long budget) {
        return INTERPRETER.run(p, memory, Limits.DEFAULT.withBudget(budget));
    }

    private static Outcome bothSame(Program p, byte[] memory, long budget) {
        Outcome want = interp(p, memory, budget), got = jit(p, memory, budget);
        assertTrue(want.sameAs(got), "interp: " + want.describe() + ", jit: " + got.describe() + " (budget " + budget + ")");
        return got;
    }

    private static void assertTrap(Outcome o, TrapKind kind, int pc) {
        Outcome.Trapped t = assertInstanceOf(Outcome.Trapped.class, o, () -> o.describe());
        assertEquals(kind, t.kind(), t.describe());
        assertEquals(pc, t.pc(), t.describe());
    }

    private static long r0(Outcome o) {
        return assertInstanceOf(Outcome.Returned.class, o, () -> o.describe()).r0();
    }

    /** The tricky operations, each the Semantics method the JIT must agree with. */
    private static final Map<Op, LongBinaryOperator> SEMANTICS = new EnumMap<>(Op.class);

    static {
        for (Op op : Op.values()) {
            String m = op.mnemonic;
            LongBinaryOperator f = switch (op) {
                case DIV64_IMM, DIV64_REG -> Semantics::div64;
                case SDIV64_IMM, SDIV64_REG -> Semantics::sdiv64;
                case MOD64_IMM, MOD64_REG -> Semantics::mod64;
                case SMOD64_IMM, SMOD64_REG -> Semantics::smod64;
                case DIV32_IMM, DIV32_REG -> Semantics::div32;
                case SDIV32_IMM, SDIV32_REG -> Semantics::sdiv32;
                case MOD32_IMM, MOD32_REG -> Semantics::mod32;
                case SMOD32_IMM, SMOD32_REG -> Semantics::smod32;
                case LSH64_IMM, LSH64_REG -> Semantics::lsh64;
                case RSH64_IMM, RSH64_REG -> Semantics::rsh64;
                case ARSH64_IMM, ARSH64_REG -> Semantics::arsh64;
                case LSH32_IMM, LSH32_REG -> Semantics::lsh32;
                case RSH32_IMM, RSH32_REG -> Semantics::rsh32;
                case ARSH32_IMM, ARSH32_REG -> Semantics::arsh32;
                case MOVSX8_64, MOVSX16_64, MOVSX32_64 -> (a, b) -> Semantics.sext64(b, op.off);
                case MOVSX8_32, MOVSX16_32 -> (a, b) -> Semantics.sext32(b, op.off);
                case LE16, LE32, LE64 -> (a, b) -> Semantics.le(a, op.imm);
                case BE16, BE32, BE64, BSWAP16, BSWAP32, BSWAP64 -> (a, b) -> Semantics.be(a, op.imm);
                default -> op.shape == Shape.JMP_IMM || op.shape == Shape.JMP_REG
                        ? (a, b) -> (op.is32() ? Semantics.jump32(op.code >> 4, a, b) : Semantics.jump64(op.code >> 4, a, b)) ? 1 : 0
                        : null;
            };
            if (f != null && m != null) SEMANTICS.put(op, f);
        }
    }

    /**
     * Every ALU, byte-order and conditional-jump op on all pairs of edge values, in one program per
     * op (results stored to memory): the Semantics method where there is one, else the interpreter.
     */
    @Test
    void everyAluAndJumpOpOnEdgeValues() throws IsaException {
        int tested = 0;
        for (Op op : Op.values()) {
            Shape s = op.shape;
            if (s != Shape.ALU_IMM && s != Shape.ALU_REG && s != Shape.NEG && s != Shape.ENDIAN
                    && s != Shape.JMP_IMM && s != Shape.JMP_REG) continue;
            boolean jump = s.isJump();
            List<Insn> code = new ArrayList<>();
            List<long[]> pairs = new ArrayList<>();
            for (long a : VALUES) {
                for (long b0 : VALUES) {
                    long b = s.imm == Shape.Imm.FREE ? (int) b0 : b0; // an immediate is a sign-extended int32
                    int k = pairs.size();
                    pairs.add(new long[] {a, b});
                    code.add(Insn.imm(Op.LDDW, 2, a));
                    code.add(Insn.imm(Op.LDDW, 3, b));
                    if (jump) code.add(Insn.imm(Op.MOV64_IMM, 4, 1));
                    code.add(Insn.of(op, 2, 3, jump ? 1 : 0, b));
                    if (jump) code.add(Insn.imm(Op.MOV64_IMM, 4, 0));
                    code.add(Insn.of(Op.STXDW, 1, jump ? 4 : 2, 8 * k, 0));
                }
            }
            code.add(Insn.imm(Op.MOV64_IMM, 0, 0));
            code.add(Insn.of(Op.EXIT));
            Program p = Program.of(code);
            byte[] memory = new byte[8 * pairs.size()];
            Outcome got = bothSame(p, memory, Limits.DEFAULT_BUDGET);
            LongBinaryOperator f = SEMANTICS.get(op);
            if (f == null) continue;
            ByteBuffer mem = ByteBuffer.wrap(((Outcome.Returned) got).memory()).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < pairs.size(); k++) {
                long a = pairs.get(k)[0], b = pairs.get(k)[1];
                assertEquals(f.applyAsLong(a, b), mem.getLong(8 * k), op + " on 0x" + Long.toHexString(a) + ", 0x" + Long.toHexString(b));
            }
            tested++;
        }
        assertTrue(tested > 60, "only " + tested + " ops checked against Semantics");
    }

    @Test
    void atomicsAndAcquireReleaseAgreeWithInterpreterInBothMemoryModes() throws IsaException {
        for (Op op : Op.values()) {
            if (op.shape != Shape.ATOMIC && op.shape != Shape.LOAD_ACQ && op.shape != Shape.STORE_REL) continue;
            for (int off : new int[] {0, 8, 3}) { // aligned and misaligned
                Program p = Program.of(
                        Insn.imm(Op.LDDW, 0, 0x1111_2222_3333_4444L), Insn.imm(Op.LDDW, 2, 0xf0f0_0f0f_ffff_0001L),
                        Insn.of(Op.STXDW, 1, 0, 8, 0), // memory[8] = r0, so cmpxchg at 8 succeeds
                        Insn.of(op, op.shape == Shape.LOAD_ACQ ? 3 : 1, op.shape == Shape.LOAD_ACQ ? 1 : 2, off, 0),
                        Insn.of(Op.XOR64_REG, 0, 2, 0, 0), Insn.of(Op.XOR64_REG, 0, 3, 0, 0), Insn.of(Op.EXIT));
                byte[] memory = new byte[24];
                for (int i = 0; i < memory.length; i++) memory[i] = (byte) (0x5a + 17 * i);
                Outcome want = interp(p, memory, 100);
                assertTrue(want.sameAs(jit(p, memory, 100)), op + " at offset " + off);
                Outcome shared = Jit.compile(p, MemoryMode.SHARED).run(memory, 100);
                assertTrue(want.sameAs(shared), op + " at offset " + off + " in shared mode: " + shared.describe());
            }
        }
    }

    @Test
    void trapsHaveTheInterpretersKindAndPc() throws IsaException {
        byte[] eight = new byte[8];
        assertTrap(jit(Assembler.assemble("mov %r0, 0\nldxw %r0, [%r1+5]\nexit"), eight, 100), TrapKind.OUT_OF_BOUNDS, 1);
        assertEquals(0, r0(jit(Assembler.assemble("ldxw %r0, [%r1+4]\nmov %r0, 0\nexit"), eight, 100)));
        assertTrap(jit(Assembler.assemble("stxdw [%r10-520], %r1\nexit"), eight, 100), TrapKind.OUT_OF_BOUNDS, 0);
        assertTrap(jit(Assembler.assemble("mov %r0, 0\nstb [%r10+0], 1\nexit"), eight, 100), TrapKind.OUT_OF_BOUNDS, 1);
        assertTrap(jit(Assembler.assemble("mov %r1, 0\nmov %r0, 1\ncall 7\nexit"), eight, 100), TrapKind.BAD_CALL, 2);
        assertTrap(jit(Assembler.assemble("mov %r3, 9\ncallx %r3\nexit"), eight, 100), TrapKind.BAD_CALL, 1);
        assertEquals(0, r0(jit(Assembler.assemble("mov %r3, 5\nmov %r1, 0\nmov %r0, 3\ncallx %r3\nmov %r0, 4\nexit"), eight, 100)));
        assertEquals(4, r0(jit(Assembler.assemble("mov %r3, 5\nmov %r1, 2\ncallx %r3\nadd %r0, 2\nexit"), eight, 100)));
        assertTrap(jit(Program.of(Insn.imm(Op.MOV64_IMM, 0, 0), Insn.imm(Op.CALL_RUNTIME, 0, 3), Insn.of(Op.EXIT)), eight, 100),
                TrapKind.BAD_CALL, 1);
        assertTrap(jit(Assembler.assemble("mov %r0, 1"), eight, 100), TrapKind.FELL_OFF_END, 1);
        assertTrap(jit(Assembler.assemble("ja +1\nexit\ncall local -2"), eight, 100), TrapKind.FELL_OFF_END, 3);
        assertEquals(0, r0(jit(Assembler.assemble("mov %r0, 7\nmov %r2, 0\ndiv %r0, %r2\nexit"), eight, 100)));
        assertEquals(0, r0(jit(Assembler.assemble("mov %r0, 1\nldabsw 6\nexit"), eight, 100))); // outside the packet: returns 0
    }

    @Test
    void localCallsKeepR6ToR10AndLeaveR1ToR5AsTheCalleeDid() throws IsaException {
        Program p = Assembler.assemble("""
                mov %r6, 6
                mov %r1, 1
                stxdw [%r10-8], %r6
                call local f
                ldxdw %r2, [%r10-8]
                mul %r1, 100
                add %r1, %r6
                mov %r0, %r1
                add %r0, %r2
                exit
                f:
                mov %r6, 60
                mov %r1, 10
                stxdw [%r10-8], %r6
                exit""");
        assertEquals(10 * 100 + 6 + 6, r0(bothSame(p, new byte[0], 100)));
    }

    @Test
    void callDepthTrapsAtTheEighthFrame() throws IsaException {
        Program recurse = Assembler.assemble("mov %r0, 0\ncall local f\nexit\nf:\nadd %r0, 1\ncall local f\nexit");
        assertTrap(bothSame(recurse, new byte[0], 1000), TrapKind.CALL_DEPTH, 4);
        // 7 nested calls (8 frames) are allowed: count down from 7
        Program nested = Assembler.assemble("mov %r6, 7\nmov %r0, 0\ncall local f\nexit\nf:\nadd %r0, 1\nsub %r6, 1\njeq %r6, 0, +1\ncall local f\nexit");
        assertEquals(7, r0(bothSame(nested, new byte[0], 1000)));
    }

    @Test
    void budgetTrapsExactlyAtInstructionBudgetPlusOne() throws IsaException {
        Program loop = Assembler.assemble("mov %r0, 0\nloop:\nadd %r0, 1\nja loop");
        for (int budget = 1; budget <= 100; budget++) {
            int pcOfNext = budget % 2 == 1 ? 1 : 2; // executed: pc 0, then 1, 2, 1, 2, ...
            assertTrap(bothSame(loop, new byte[0], budget), TrapKind.BUDGET, pcOfNext);
        }
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < 150; k++) line.append("add %r0, 1\n"); // longer than one charged block
        Program straight = Assembler.assemble(line + "exit");
        for (int budget = 1; budget <= 150; budget++) assertTrap(bothSame(straight, new byte[0], budget), TrapKind.BUDGET, budget);
        assertEquals(150, r0(bothSame(straight, new byte[0], 151)));
        // budget running out inside a callee, at every possible point
        Program calls = Assembler.assemble("mov %r0, 0\nmov %r6, 3\nloop:\ncall local f\nsub %r6, 1\njne %r6, 0, loop\nexit\nf:\nadd %r0, 2\nstxdw [%r10-8], %r0\nexit");
        for (int budget = 1; budget <= 25; budget++) bothSame(calls, new byte[0], budget);
        assertEquals(6, r0(bothSame(calls, new byte[0], 1000)));
    }

    /**
     * The compiled code checks the budget only where a run enters, loops or calls, for the longest run
     * until the next check: with that much left it runs to the end itself, with less it hands over
     * to the interpreter right there (which the test above shows to be exact).
     */
    @Test
    void budgetIsCheckedForTheLongestRunUntilTheNextCheck() throws IsaException {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < 150; k++) line.append("add %r0, 1\n"); // three blocks, one check at the entry for all 151
        Compiled straight = Jit.compile(Assembler.assemble(line + "exit"));
        assertEquals(Chunk.DONE, straight.drive(MachineState.initial(new byte[0], 151)));
        assertEquals(-0 - 2, straight.drive(MachineState.initial(new byte[0], 150)));
        // 3,003 instructions; the loop's header asks for its body and the exit (4): exactly enough suffices
        Compiled loop = Jit.compile(Assembler.assemble("mov %r0, 0\nmov %r1, 1000\nloop:\nadd %r0, 1\nsub %r1, 1\njne %r1, 0, loop\nexit"));
        MachineState enough = MachineState.initial(new byte[0], 3003);
        assertEquals(Chunk.DONE, loop.drive(enough));
        assertEquals(1000, enough.r[0]);
        assertEquals(0, enough.left);
        MachineState oneShort = MachineState.initial(new byte[0], 3002);
        assertEquals(-2 - 2, loop.drive(oneShort)); // handed over at the loop's header (pc 2) before its last round
        assertEquals(999, oneShort.r[0]);
        assertEquals(3, oneShort.left);
    }

    /** A 100,000-instruction program: compiled in many chunks, each small enough for HotSpot to compile. */
    @Test
    void hundredThousandInstructionProgram() throws IsaException {
        List<Insn> code = new ArrayList<>();
        code.add(Insn.imm(Op.MOV64_IMM, 0, 0));
        code.add(Insn.imm(Op.MOV64_IMM, 3, 1));
        while (code.size() < 100_000 - 12) {
            int k = code.size();
            code.add(Insn.imm(Op.ADD64_IMM, 0, k));
            code.add(Insn.reg(Op.XOR64_REG, 0, 3));
            code.add(Insn.of(Op.STXDW, 10, 0, -8, 0));
            code.add(Insn.of(Op.LDXDW, 4, 10, -16 + 8, 0));
            code.add(Insn.reg(Op.ADD64_REG, 3, 4));
            code.add(Insn.of(Op.JSET_IMM, 3, 0, 1, 4));
            code.add(Insn.imm(Op.LSH64_IMM, 4, 3));
            code.add(Insn.imm(Op.RSH64_IMM, 3, 1));
            code.add(Insn.of(Op.STXW, 1, 3, k % 16, 0));
            code.add(Insn.of(Op.MOD64_REG, 0, 4, 0, 0));
            code.add(Insn.imm(Op.OR64_IMM, 0, 1));
        }
        while (code.size() < 99_999) code.add(Insn.imm(Op.ADD64_IMM, 0, 1));
        code.add(Insn.of(Op.EXIT));
        Program p = Program.of(code);
        assertEquals(100_000, p.insns().size());
        Compiled c = Jit.compile(p);
        assertNull(c.fallbackReason());
        assertTrue(c.chunkCount() > 10, c.chunkCount() + " chunks");
        byte[] memory = new byte[20];
        Outcome want = interp(p, memory, Limits.DEFAULT_BUDGET);
        assertTrue(want.sameAs(c.run(memory, Limits.DEFAULT_BUDGET)));
        assertInstanceOf(Outcome.Returned.class, want);
        Outcome cut = c.run(memory, 50_000);
        assertTrue(interp(p, memory, 50_000).sameAs(cut));
        assertEquals(TrapKind.BUDGET, ((Outcome.Trapped) cut).kind());
    }

    @Test
    void everyChunkStaysBelowHotSpotsHugeMethodLimit() throws IsaException {
        List<Insn> code = new ArrayList<>();
        for (int k = 0; k < 3000; k++) code.add(Insn.of(Op.ATOMIC64_CMPXCHG, 10, k % 10, -8, 0)); // the largest emission
        for (int k = 0; k < 3000; k++) code.add(Insn.imm(Op.CALL_LOCAL, 0, 0));
        code.add(Insn.of(Op.EXIT));
        Blocks blocks = new Blocks(Program.of(code));
        int[] chunkOf = new int[code.size() + 1];
        java.util.Arrays.fill(chunkOf, -1);
        for (int c = 0; c < blocks.chunkCount(); c++) {
            for (int k = blocks.firstBlock(c); k < blocks.endBlock(c); k++) {
                Blocks.Block b = blocks.blocks.get(k);
                for (int pc = b.start(); pc < b.end(); pc++) chunkOf[pc] = c;
            }
        }
        for (int c = 0; c < blocks.chunkCount(); c++) {
            TreeSet<Integer> entries = new TreeSet<>();
            for (int k = blocks.firstBlock(c); k < blocks.endBlock(c); k++) entries.add(blocks.blocks.get(k).start());
            byte[] bytes = ChunkCompiler.build(List.of(new ChunkCompiler.Unit(blocks, c, chunkOf, entries)), MemoryMode.PLAIN);
            for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
                int length = m.code().map(CodeAttribute.class::cast).map(CodeAttribute::codeLength).orElse(0);
                assertTrue(length <= 8000, "chunk " + c + " has " + length + " bytes of bytecode");
            }
        }
    }

    /**
     * The conformance suite compiled as one batch: programs share classes, each gives the interpreter's
     * outcome, and none falls back to the interpreter (a fallback would hide a JIT bug from every test).
     */
    @Test
    void programsCompiledTogetherShareClassesAndAgree() throws Exception {
        List<Program> programs = new ArrayList<>();
        List<byte[]> memories = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Path dir = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".data")).sorted().toList()) {
                try {
                    DataFile d = DataFile.read(f);
                    programs.add(d.program().program());
                    memories.add(d.memory());
                    names.add(f.getFileName().toString());
                } catch (IsaException notAProgram) {
                    // negative tests of the reader: nothing to compile
                }
            }
        }
        long fallbacks = Jit.fallbacks();
        List<Compiled> code = Jit.compileAll(programs, MemoryMode.PLAIN);
        assertEquals(programs.size(), code.size());
        java.util.Set<Class<?>> classes = new java.util.HashSet<>();
        for (int k = 0; k < programs.size(); k++) {
            Compiled c = code.get(k);
            assertNull(c.fallbackReason(), names.get(k));
            classes.addAll(c.classes());
            Outcome want = interp(programs.get(k), memories.get(k), Limits.DEFAULT_BUDGET);
            Outcome got = c.run(memories.get(k), Limits.DEFAULT_BUDGET);
            assertTrue(want.sameAs(got), names.get(k) + ": interp " + want.describe() + ", jit " + got.describe());
        }
        assertEquals(fallbacks, Jit.fallbacks());
        assertTrue(programs.size() > 300 && classes.size() <= programs.size() / Jit.SET_CHUNKS + 2,
                programs.size() + " programs in " + classes.size() + " classes");
    }

    /** Code after an instruction that never continues (a call of an unknown helper) still compiles and verifies. */
    @Test
    void codeAfterATrappingCallCompiles() throws IsaException {
        Program p = Assembler.assemble("mov %r0, 1\ncall 7\nmov %r0, 2\nexit");
        Compiled c = Jit.compile(p);
        assertNull(c.fallbackReason());
        assertTrap(c.run(new byte[0], Limits.DEFAULT_BUDGET), TrapKind.BAD_CALL, 1);
    }

    /** The shared-memory mode (the access-mode mapping for litmus tests) gives the same outcomes on the conformance suite. */
    @Test
    void sharedMemoryModeAgreesOnTheConformanceSuite() throws Exception {
        Path dir = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        int checked = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".data")).sorted().toList()) {
                Program p;
                byte[] memory;
                try {
                    DataFile d = DataFile.read(f);
                    p = d.program().program();
                    memory = d.memory();
                } catch (IsaException notAProgram) {
                    continue;
                }
                Outcome want = interp(p, memory, Limits.DEFAULT_BUDGET);
                Outcome got = Jit.compile(p, MemoryMode.SHARED).run(memory, Limits.DEFAULT_BUDGET);
                assertTrue(want.sameAs(got), f.getFileName() + ": interp " + want.describe() + ", jit shared " + got.describe());
                checked++;
            }
        }
        assertTrue(checked > 300, "only " + checked + " conformance programs");
    }
}
