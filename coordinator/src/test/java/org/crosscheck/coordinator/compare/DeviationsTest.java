package org.crosscheck.coordinator.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.List;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

class DeviationsTest {
    static final HexFormat HEX = HexFormat.of();

    /** r3 = mem[0..8]; mem[8] = 7; r0 /= r3; mem[8] = 9; r0 = 5; exit. */
    static Program divides() throws Exception {
        return Program.of(Insn.of(Op.LDXDW, 3, 1, 0, 0), Insn.of(Op.STB, 1, 0, 8, 7), Insn.reg(Op.DIV64_REG, 0, 3),
                Insn.of(Op.STB, 1, 0, 8, 9), Insn.imm(Op.MOV64_IMM, 0, 5), Insn.of(Op.EXIT));
    }

    static Outcome ref(Program p, byte[] mem) {
        return new Interpreter().run(p, mem, Limits.DEFAULT);
    }

    private static Deviations.Deviation refusedRead(String runtime, String asm, String reason) throws Exception {
        Program p = Assembler.assemble(asm);
        byte[] mem = new byte[8];
        return Deviations.explain(runtime, p, mem, ref(p, mem), new Outcome.Rejected(Outcome.Stage.VERIFIER, reason, null));
    }

    @Test
    void aRefusedReadOfARegisterSomePathLeavesUnwrittenIsADeviationAndOfOneEveryPathWroteIsNot() throws Exception {
        assertEquals("uninitialized-register", refusedRead("kernel", "mov %r0, %r3\nexit", "R3 !read_ok (at pc 0: r0 = r3) [EACCES]").id());
        // one path writes r3, the other does not
        assertEquals("uninitialized-register", refusedRead("kernel", "jeq %r2, 0, +1\nmov %r3, 1\nmov %r0, %r3\nexit",
                "R3 !read_ok (at pc 2: r0 = r3) [EACCES]").id());
        // after a call r1-r5 are gone; in a callee r6 was never written
        assertEquals("uninitialized-register", refusedRead("kernel", "mov %r0, 0\ncall local f\nmov %r0, %r1\nexit\nf:\nmov %r0, 1\nexit",
                "R1 !read_ok (at pc 2: r0 = r1) [EACCES]").id());
        assertEquals("uninitialized-register", refusedRead("kernel", "call local f\nexit\nf:\nmov %r0, %r6\nexit",
                "R6 !read_ok (at pc 2: r0 = r6) [EACCES]").id());
        assertEquals("uninitialized-register", refusedRead("dpdk-jit", "mov %r0, %r3\nexit", "evaluate: src reg value is undefined at pc: 0").id());
        // every path wrote it: a verifier that refuses it is wrong, and that stays a finding
        assertNull(refusedRead("kernel", "mov %r3, 1\nmov %r0, %r3\nexit", "R3 !read_ok (at pc 1: r0 = r3) [EACCES]"));
        assertNull(refusedRead("kernel", "jeq %r2, 0, +1\nmov %r3, 1\nmov %r3, 2\nmov %r0, %r3\nexit", "R3 !read_ok (at pc 3: r0 = r3) [EACCES]"));
        assertNull(refusedRead("kernel", "mov %r0, %r2\nexit", "R2 !read_ok (at pc 0: r0 = r2) [EACCES]"));
        assertNull(refusedRead("dpdk-jit", "mov %r3, 0\nmov %r0, %r3\nexit", "evaluate: src reg value is undefined at pc: 1"));
        // the instrumented runtimes start every register at 0: a refusal there is a finding
        assertNull(refusedRead("kernel-instrumented", "mov %r0, %r3\nexit", "R3 !read_ok (at pc 0: r0 = r3) [EACCES]"));
    }

    @Test
    void dpdkDivisionByZeroExplainsExactlyTheStateAtTheDivision() throws Exception {
        byte[] mem = new byte[9];
        Program p = divides();
        Outcome ref = ref(p, mem);
        assertEquals(new Outcome.Returned(5, HEX.parseHex("000000000000000009")), ref);
        Outcome dpdk = new Outcome.Returned(0, HEX.parseHex("000000000000000007"));
        assertEquals("dpdk-division-by-zero", Deviations.explain("dpdk-jit", p, mem, ref, dpdk).id());
        // not for another runtime, another r0, or memory written after the division
        assertNull(Deviations.explain("kernel", p, mem, ref, dpdk));
        assertNull(Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(1, HEX.parseHex("000000000000000007"))));
        assertNull(Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(0, HEX.parseHex("000000000000000009"))));
        // no division by zero in this run: no deviation
        byte[] one = HEX.parseHex("010000000000000000");
        assertNull(Deviations.explain("dpdk-jit", p, one, ref(p, one), new Outcome.Returned(0, HEX.parseHex("010000000000000007"))));
    }

    @Test
    void dpdkValidatorRefusingAKnownZeroDivisorIsTheSameDeviation() throws Exception {
        Program p = Program.of(Insn.imm(Op.MOV64_IMM, 3, 0), Insn.reg(Op.DIV64_REG, 0, 3), Insn.of(Op.EXIT));
        Outcome no = new Outcome.Rejected(Outcome.Stage.LOADER, "evaluate: division by 0 at pc: 1", "");
        assertEquals("dpdk-division-by-zero", Deviations.explain("dpdk-interp", p, new byte[0], ref(p, new byte[0]), no).id());
        Outcome other = new Outcome.Rejected(Outcome.Stage.LOADER, "evaluate: destination is not a pointer at pc: 1", "");
        assertNull(Deviations.explain("dpdk-interp", p, new byte[0], ref(p, new byte[0]), other));
    }

    @Test
    void pluginsReportNoMemory() throws Exception {
        byte[] mem = new byte[9];
        Program p = divides();
        Outcome ref = ref(p, mem);
        assertEquals("plugin-memory-not-reported", Deviations.explain("plugin:x", p, mem, ref, new Outcome.Returned(5, mem.clone())).id());
        assertNull(Deviations.explain("plugin:x", p, mem, ref, new Outcome.Returned(6, mem.clone())));
    }

    /** An address in r0 (here the input pointer, through unwind) differs by design on the kernel; a value that is not one does not. */
    @Test
    void anAddressInR0IsADeviationOfRuntimesWithTheirOwnLayout() throws Exception {
        Program p = Program.of(Insn.imm(Op.CALL, 0, 5), Insn.of(Op.EXIT));
        byte[] mem = new byte[8];
        Outcome ref = ref(p, mem);
        assertEquals(new Outcome.Returned(org.crosscheck.runtime.Layout.MEM_BASE, mem).describe(), ref.describe());
        Outcome kernel = new Outcome.Returned(0, mem);
        assertEquals("address-in-r0", Deviations.explain("kernel", p, mem, ref, kernel).id());
        assertNull(Deviations.explain("jit", p, mem, ref, kernel), "the JIT shares the reference's layout");
        assertNull(Deviations.explain("kernel", p, mem, ref, new Outcome.Returned(0, new byte[] {1, 0, 0, 0, 0, 0, 0, 0})), "memory still counts");
        Program seven = Program.of(Insn.imm(Op.MOV64_IMM, 0, 7), Insn.of(Op.EXIT));
        assertNull(Deviations.explain("kernel", seven, mem, ref(seven, mem), kernel), "r0 = 7 is no address");
    }

    /**
     * Values computed from an address differ by layout too: the campaign found the kernel returning
     * the sign-extended low half of its input pointer, which a callee received in r1. Taint follows
     * moves, arithmetic, spills and reloads; a constant or an untainted store clears it.
     */
    @Test
    void aValueComputedFromAnAddressIsADeviationOfRuntimesWithTheirOwnLayout() throws Exception {
        for (String asm : List.of(
                "call local f\nexit\nf: movsx3264 %r0, %r1\nexit",
                "stxdw [%r10-8], %r1\nldxw %r0, [%r10-8]\nrsh %r0, 4\nexit",
                "mov %r3, %r10\nadd %r3, 5\nmov %r0, 1\nadd %r0, %r3\nexit",
                "stdw [%r10-8], 0\nlock xchg [%r10-8], %r1\nldxdw %r0, [%r10-8]\nadd %r0, 100\nexit",
                // control flow: found by a campaign (the kernel's pointer has other low bits, so it took the call)
                "mov %r7, %r1\nmov %r1, %r7\njsge32 %r1, 38, L1\nja L2\nL1: call local f\nL2: exit\nf: mov %r0, 853659366\nexit",
                "mov %r2, %r10\nmov %r0, 1\njne %r2, %r1, L\nmov %r0, 2\nL: exit")) {
            assertEquals("address-derived-r0", explainedR0Difference("kernel", asm), asm);
            assertNull(explainedR0Difference("jit", asm), "the JIT shares the reference's layout");
        }
        for (String asm : List.of(
                "stxdw [%r10-8], %r1\nstdw [%r10-8], 5\nldxdw %r0, [%r10-8]\nexit",
                "mov %r0, %r1\nmov %r0, 3\nexit",
                "ldxdw %r0, [%r1+0]\nexit",
                "mov %r2, %r1\ncall local f\nexit\nf: mov %r6, %r2\nmov %r0, 7\nexit",
                "mov %r3, %r1\nmov %r3, 40\njsge32 %r3, 38, L\nmov %r0, 5\nL: exit")) {
            assertNull(explainedR0Difference("kernel", asm), asm);
        }
    }

    /**
     * A value computed from an address and stored into the input memory differs by layout too: a DPDK
     * campaign reported {@code r5 = r1; *(u64 *)(r5 + 0) = r1} as a memory mismatch. The other bytes
     * and r0 still count, and a pointer overwritten by a constant is no longer one.
     */
    @Test
    void bytesComputedFromAnAddressAreADeviationOfRuntimesWithTheirOwnLayout() throws Exception {
        byte[] mem = new byte[16];
        Program p = Assembler.assemble("mov %r6, %r1\nmov %r5, %r6\nstxdw [%r5+0], %r1\nmov %r2, %r1\nrsh %r2, 4\n"
                + "stxw [%r1+8], %r2\nstb [%r1+12], 7\nmov %r0, 3\nexit");
        Outcome.Returned ref = (Outcome.Returned) ref(p, mem);
        byte[] dpdk = ref.memory().clone();
        dpdk[0] = 0x10;
        dpdk[5] = 0x7f;
        dpdk[9] = 0x3c;
        assertEquals("address-derived-memory", Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(3, dpdk)).id());
        assertNull(Deviations.explain("jit", p, mem, ref, new Outcome.Returned(3, dpdk)), "the JIT shares the reference's layout");
        byte[] constantWrong = dpdk.clone();
        constantWrong[12] = 9;
        assertNull(Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(3, constantWrong)), "a constant byte still counts");
        assertNull(Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(4, dpdk)), "r0 still counts");
        byte[] untouched = dpdk.clone();
        untouched[14] = 1;
        assertNull(Deviations.explain("dpdk-jit", p, mem, ref, new Outcome.Returned(3, untouched)), "a byte nothing stored to still counts");

        Program overwritten = Assembler.assemble("stxdw [%r1+0], %r1\nstdw [%r1+0], 5\nmov %r0, 0\nexit");
        Outcome.Returned ref2 = (Outcome.Returned) ref(overwritten, mem);
        byte[] other = ref2.memory().clone();
        other[0] = 6;
        assertNull(Deviations.explain("kernel", overwritten, mem, ref2, new Outcome.Returned(0, other)));
    }

    /**
     * An access through a pointer offset by a value computed from an address goes where the layout
     * says: a DPDK campaign reported {@code r6 = r1; r1 &= 127; r3 = r6; r3 += r1; *(u8 *)(r3 + 0) = 8}
     * (the reference stores at offset 0, DPDK at its pointer's low bits). A pointer plus a constant or a
     * loaded value is still exact, and a store through it still counts.
     */
    @Test
    void anAccessThroughAnOffsetComputedFromAnAddressIsADeviation() throws Exception {
        byte[] mem = new byte[16];
        Program masked = Assembler.assemble("mov %r6, %r1\nand %r1, 127\nmov %r3, %r6\nadd %r3, %r1\nstb [%r3+0], 8\nmov %r0, 0\nexit");
        Outcome ref = ref(masked, mem);
        assertEquals("address-derived-memory", Deviations.explain("dpdk-jit", masked, mem, ref, new Outcome.Returned(0, mem.clone())).id());
        for (String asm : List.of(
                "mov %r3, %r1\nadd %r3, 8\nstb [%r3+0], 8\nmov %r0, 0\nexit",
                "ldxb %r2, [%r1+1]\nand %r2, 7\nadd %r2, %r1\nstb [%r2+8], 8\nmov %r0, 0\nexit",
                "stxdw [%r10-8], %r1\nldxdw %r4, [%r10-8]\nstb [%r4+8], 8\nmov %r0, 0\nexit")) {
            Program p = Assembler.assemble(asm);
            assertNull(Deviations.explain("dpdk-jit", p, mem, ref(p, mem), new Outcome.Returned(0, mem.clone())), asm);
        }
    }

    /** The deviation explaining {@code runtime} returning another r0 (and the same memory) than the reference, or null. */
    private static String explainedR0Difference(String runtime, String asm) throws Exception {
        byte[] mem = new byte[8];
        Program p = Assembler.assemble(asm);
        Outcome ref = ref(p, mem);
        Outcome other = new Outcome.Returned(((Outcome.Returned) ref).r0() + 0x83e0000, mem);
        Deviations.Deviation d = Deviations.explain(runtime, p, mem, ref, other);
        return d == null ? null : d.id();
    }
}
