package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.RejectKind;
import org.crosscheck.runtime.Outcome.Stage;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel runtime against the real kernel: conventions, results, rejections, threads. {@code run}
 * and {@code returned} use the instrumented mode (the reference's conventions, the full r0), whose
 * wrapper most tests exercise; {@code bare} the faithful one.
 */
class KernelRuntimeTest {
    private static KernelRuntime kernel;
    private static KernelRuntime faithful;

    @BeforeAll
    static void open() {
        kernel = KernelTests.instrumented();
        faithful = KernelTests.kernel();
    }

    private static Outcome run(String asm, String memHex) throws IsaException {
        return run(kernel, asm, memHex);
    }

    private static Outcome bare(String asm, String memHex) throws IsaException {
        return run(faithful, asm, memHex);
    }

    private static Outcome run(KernelRuntime k, String asm, String memHex) throws IsaException {
        return k.run(Assembler.assemble(asm), memHex.isEmpty() ? new byte[0] : HexFormat.ofDelimiter(" ").parseHex(memHex), Limits.DEFAULT);
    }

    private static Outcome.Returned returned(String asm, String memHex) throws IsaException {
        return assertInstanceOf(Outcome.Returned.class, run(asm, memHex));
    }

    @Test
    void faithfulReportsTheLow32BitsOfR0AndAgreesOnThemWithA64BitOutcome() throws IsaException {
        Outcome.Returned r = assertInstanceOf(Outcome.Returned.class, bare("lddw %r0, 0x1122334455667788\nexit", ""));
        assertEquals(32, r.r0Bits());
        assertEquals(0x55667788L, r.r0());
        assertTrue(r.sameAs(new Outcome.Returned(0x1122334455667788L, new byte[0])));
        assertTrue(!r.sameAs(new Outcome.Returned(0x1122334455667789L, new byte[0])));
        assertTrue(r.r0Is(0x1122334455667788L));
    }

    @Test
    void faithfulMemoryRoundTripsAndR2IsItsLength() throws IsaException {
        Outcome.Returned r = assertInstanceOf(Outcome.Returned.class, bare("""
                ldxdw %r3, [%r1+0]
                add %r3, 1
                stxdw [%r1+0], %r3
                mov %r0, %r2
                exit""", "01 00 00 00 00 00 00 00 aa"));
        assertEquals(9, r.r0());
        assertArrayEquals(HexFormat.of().parseHex("0200000000000000aa"), r.memory());
    }

    @Test
    void faithfulLeavesUnwrittenRegistersToTheVerifier() throws IsaException {
        Outcome.Rejected r3 = assertInstanceOf(Outcome.Rejected.class, bare("mov %r0, %r3\nexit", ""));
        assertTrue(r3.reason().startsWith("R3 !read_ok (at pc 0: r0 = r3)"), r3.reason());
        Outcome.Rejected r0 = assertInstanceOf(Outcome.Rejected.class, bare("exit", ""));
        assertTrue(r0.reason().startsWith("R0 !read_ok"), r0.reason());
        assertTrue(r0.log().contains("the context prologue"), r0.log());
        // the instrumented mode starts them at 0, as the reference does
        assertEquals(0, returned("mov %r0, %r3\nexit", "").r0());
    }

    @Test
    void faithfulHelperIdsAreTheKernels() throws IsaException {
        // helper 5 is bpf_ktime_get_ns: r1 = 0 does not end the program as the test suites' unwind would
        assertEquals(2, assertInstanceOf(Outcome.Returned.class, bare("mov %r1, 0\ncall 5\nmov %r0, 2\nexit", "")).r0());
        assertEquals(0, returned("mov %r1, 0\ncall 5\nmov %r0, 2\nexit", "").r0());
        // helper 1 (bpf_map_lookup_elem) with a scalar for its map: the verifier's to refuse, not ours
        assertInstanceOf(Outcome.Rejected.class, bare("mov %r1, 0\nmov %r2, 0\ncall 1\nmov %r0, 0\nexit", ""));
    }

    @Test
    void instrumentedIsRegisteredByItsName() {
        try (var r = Runtimes.create("kernel-instrumented")) {
            assertEquals("kernel-instrumented", r.name());
            assertEquals(KernelRuntime.Mode.INSTRUMENTED, assertInstanceOf(KernelRuntime.class, r).mode());
        }
    }

    @Test
    void registeredAsKernel() {
        try (var r = Runtimes.create("kernel")) {
            assertEquals("kernel", r.name());
            assertEquals(KernelRuntime.Mode.FAITHFUL, assertInstanceOf(KernelRuntime.class, r).mode());
        }
    }

    @Test
    void returnsTheFull64BitR0() throws IsaException {
        assertEquals(0x1122334455667788L, returned("lddw %r0, 0x1122334455667788\nexit", "").r0());
        assertEquals(-1L, returned("mov %r0, -1\nexit", "").r0());
        assertEquals(0x8000000000000000L, returned("mov %r0, 1\nlsh %r0, 63\nexit", "").r0());
    }

    @Test
    void memoryRoundTripsAndR2IsItsLength() throws IsaException {
        Outcome.Returned r = returned("""
                ldxdw %r3, [%r1+0]
                add %r3, 1
                stxdw [%r1+0], %r3
                stb [%r1+10], 0x7f
                mov %r0, %r2
                exit""", "01 00 00 00 00 00 00 00 aa bb cc");
        assertEquals(11, r.r0());
        assertArrayEquals(HexFormat.of().parseHex("0200000000000000aabb7f"), r.memory());
    }

    @Test
    void withoutMemoryR1AndR2AreZeroAndOtherRegistersStartAtZero() throws IsaException {
        assertEquals(0, returned("mov %r0, %r1\nor %r0, %r2\nor %r0, %r3\nor %r0, %r9\nexit", "").r0());
        assertEquals(0, returned("add %r0, %r7\nexit", "").memory().length);
    }

    @Test
    void outOfBoundsAccessIsAVerifierRuleWithTheUsersPc() throws IsaException {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, run("mov %r0, 0\nldxdw %r0, [%r1+8]\nexit", "01 02 03 04 05 06 07 08"));
        assertEquals(Stage.VERIFIER, r.stage());
        assertEquals(RejectKind.RULE, r.kind());
        assertTrue(r.reason().startsWith("invalid access to map value, value_size=8 off=8 size=8 (at pc 1: r0 = *(u64 *)(r1 +8))"), r.reason());
        assertTrue(r.log().contains("\n1: (79) r0 = *(u64 *)(r1 +8)"), r.log());
        assertTrue(r.log().startsWith("# crosscheck: instruction numbers are the program's own"), r.log());
    }

    @Test
    void accessWithoutMemoryIsRejected() throws IsaException {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, run("ldxb %r0, [%r1+0]\nexit", ""));
        assertTrue(r.reason().startsWith("R1 invalid mem access 'scalar'"), r.reason());
    }

    @Test
    void callxAndOutOfRangeShiftsBreakKernelRules() throws IsaException {
        Outcome.Rejected callx = assertInstanceOf(Outcome.Rejected.class, run("mov %r2, 5\ncallx %r2\nexit", ""));
        assertEquals("unknown opcode 8d [EINVAL]", callx.reason());
        Outcome.Rejected shift = assertInstanceOf(Outcome.Rejected.class, run("mov %r0, 1\nlsh %r0, 64\nexit", ""));
        assertEquals("invalid shift 64 (at pc 1: r0 <<= 64) [EINVAL]", shift.reason());
    }

    @Test
    void aLoopPastTheVerifiersLimitIsTooLarge() throws IsaException {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, run("""
                mov %r0, 0
                loop:
                add %r0, 1
                jlt %r0, 10000000, loop
                exit""", ""));
        assertEquals(Stage.VERIFIER, r.stage());
        assertEquals(RejectKind.TOO_LARGE, r.kind());
        assertTrue(r.reason().startsWith("BPF program is too large"), r.reason());
    }

    @Test
    void moreInstructionsThanTheKernelTakesIsRefusedWithoutALog() throws IsaException {
        List<Insn> insns = new ArrayList<>();
        for (int i = 0; i < 1_000_001; i++) insns.add(Insn.imm(Op.MOV64_IMM, 0, i));
        insns.add(Insn.of(Op.EXIT));
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, kernel.run(Program.of(insns), new byte[0], Limits.DEFAULT));
        assertEquals(Stage.LOADER, r.stage());
        assertEquals(RejectKind.TOO_LARGE, r.kind());
        assertTrue(r.reason().contains("E2BIG"), r.reason());
    }

    @Test
    void unwindIsEmulatedInTheMainFunction() throws IsaException {
        assertEquals(0, returned("mov %r0, 5\nmov %r1, 0\ncall 5\nmov %r0, 2\nexit", "").r0());
        assertEquals(2, returned("mov %r1, -1\ncall 5\nmov %r0, 2\nexit", "").r0());
        assertEquals(7, returned("mov %r1, 7\ncall 5\nexit", "").r0());
    }

    @Test
    void whatTheKernelCannotExpressIsUnsupported() throws IsaException {
        assertInstanceOf(Outcome.Unsupported.class, run("call 1\nexit", ""));
        assertInstanceOf(Outcome.Unsupported.class, run("call local f\nexit\nf:\nmov %r1, 0\ncall 5\nexit", ""));
        Program mapFd = Program.of(Insn.of(Op.LDDW_MAP_FD, 0, 0, 0, 3), Insn.of(Op.EXIT));
        assertInstanceOf(Outcome.Unsupported.class, kernel.run(mapFd, new byte[0], Limits.DEFAULT));
    }

    @Test
    void localCallsKeepTheirFramesAndPcsStayTheUsers() throws IsaException {
        assertEquals(15, returned("""
                mov %r1, 1
                mov %r2, 2
                mov %r3, 3
                mov %r4, 4
                mov %r5, 5
                call local f
                exit
                f:
                mov %r0, %r1
                add %r0, %r2
                add %r0, %r3
                add %r0, %r4
                add %r0, %r5
                exit""", "").r0());
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, run("call local f\nexit\nf:\nmov %r0, %r6\nexit", ""));
        assertTrue(r.reason().startsWith("R6 !read_ok (at pc 2: r0 = r6)"), r.reason());
    }

    @Test
    void legacyPacketLoadsReadTheMemoryBigEndianAndEndTheProgramOutOfRange() throws IsaException {
        assertEquals(0x0304, returned("ldabsh 2\nexit", "01 02 03 04 05 06 07 08").r0());
        assertEquals(0x05060708, returned("mov %r7, 1\nldindw %r7, 3\nexit", "01 02 03 04 05 06 07 08").r0());
        assertEquals(0, returned("mov %r0, 9\nldabsb 8\nmov %r0, 7\nexit", "01 02 03 04 05 06 07 08").r0());
    }

    @Test
    void atomicsAndAcquireReleaseRun() throws IsaException {
        Outcome.Returned r = returned("""
                mov %r2, 5
                lock fetch add [%r1+0], %r2
                mov %r0, %r2
                mov %r3, 0x11
                strelw [%r1+8], %r3
                ldacqw %r4, [%r1+8]
                add %r0, %r4
                exit""", "01 00 00 00 00 00 00 00 00 00 00 00");
        assertEquals(1 + 0x11, r.r0());
        assertArrayEquals(HexFormat.of().parseHex("060000000000000011000000"), r.memory());
    }

    @Test
    void agreesWithTheInterpreterOnProgramsFromManyThreads() throws Exception {
        Interpreter interp = new Interpreter();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        int seed = thread * 1000 + i;
                        Program p = Program.of(
                                Insn.of(Op.LDXDW, 0, 1, 0, 0),
                                Insn.imm(Op.MUL64_IMM, 0, seed),
                                Insn.imm(Op.ADD64_IMM, 0, -seed),
                                Insn.of(Op.STXDW, 1, 0, (seed % 2) * 8, 0),
                                Insn.reg(Op.ADD64_REG, 0, 2),
                                Insn.of(Op.EXIT));
                        byte[] mem = new byte[8 + 8 * (seed % 2) + seed % 5];
                        mem[0] = (byte) seed;
                        Outcome k = kernel.run(p, mem, Limits.DEFAULT);
                        Outcome ref = interp.run(p, mem, Limits.DEFAULT);
                        assertTrue(k.sameAs(ref), "seed " + seed + ": kernel " + k + ", interp " + ref);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
    }
}
