package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.kernel.VerifierStates.Kind;
import org.crosscheck.runtime.kernel.VerifierStates.Pointer;
import org.crosscheck.runtime.kernel.VerifierStates.Scalar;
import org.crosscheck.runtime.kernel.VerifierStates.SlotBytes;
import org.crosscheck.runtime.kernel.VerifierStates.State;
import org.junit.jupiter.api.Test;

/** Typed verifier states from real logs of level 2 (Linux 6.18.44, captured here), and from the live kernel. */
class VerifierStatesTest {
    /** Captured from 6.18.44-fc-v1272: a bounded byte, a branch on it, a spill, a fetch from the stack. */
    static final String LOG = """
            func#0 @0
            Live regs before insn:
                  0: .......... (18) r1 = 0xffff8881047a7738
                  3: .1........ (71) r3 = *(u8 *)(r1 +0)
            0: R1=ctx() R10=fp0
            0: (18) r1 = 0xffff8881047a7738       ; R1=map_value(ks=4,vs=8)
            2: (b7) r2 = 8                        ; R2=8
            3: (71) r3 = *(u8 *)(r1 +0)           ; R1=map_value(ks=4,vs=8) R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
            4: (57) r3 &= 7                       ; R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))
            6: (07) r4 += 1                       ; R4=scalar(id=1+1,smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=8,var_off=(0x0; 0xf))
            7: (7b) *(u64 *)(r10 -8) = r4         ; R4=scalar(id=2,smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=8,var_off=(0x0; 0xf)) R10=fp0 fp-8=scalar(id=2,smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=8,var_off=(0x0; 0xf))
            8: (25) if r3 > 0x3 goto pc+4         ; R3=scalar(id=1,smin=smin32=0,smax=umax=smax32=umax32=3,var_off=(0x0; 0x3))
            10: (db) r4 = atomic64_fetch_add((u64 *)(r10 -8), r4)         ; R4=63 R10=fp0 fp-8=mmmmmmmm
            11: (25) if r4 > 0x0 goto pc+1
            mark_precise: frame0: regs=r4 stack= before 10: (db) r4 = atomic64_fetch_add((u64 *)(r10 -8), r4)
            11: R4=P63
            14: (07) r7 += -16                    ; R7_w=fp-16
            15: (62) *(u32 *)(r7 +0) = -5         ; R7=fp-16 fp-16=????-5
            16: (61) r8 = *(u32 *)(r7 +0)         ; R7=fp-16 R8=0xfffffffb fp-16=????-5
            (0) frame 0 insn 16 +live -16
            from 11 to 13: safe
            from 8 to 13: R1=map_value(ks=4,vs=8) R3=scalar(id=1,smin=umin=smin32=umin32=4,smax=umax=smax32=umax32=7,var_off=(0x4; 0x3)) R10=fp0
            13: safe
            processed 15 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0
            """;

    @Test
    void readsEveryKindOfStateLineOfARealLog() throws Exception {
        List<State> states = VerifierStates.parse(LOG);
        assertEquals(List.of(Kind.AT, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.AFTER,
                Kind.AFTER, Kind.AT, Kind.AFTER, Kind.AFTER, Kind.AFTER, Kind.SAFE, Kind.BRANCH, Kind.SAFE), states.stream().map(State::kind).toList());
        assertEquals(new Pointer("ctx", 0, java.util.Map.of(), false), states.get(0).registers().get(1));
        Pointer map = assertInstanceOf(Pointer.class, states.get(1).registers().get(1));
        assertEquals("map_value", map.type());
        assertEquals("8", map.fields().get("vs"));
        Scalar byteValue = assertInstanceOf(Scalar.class, states.get(3).registers().get(3));
        assertEquals(0, byteValue.smin());
        assertEquals(255, byteValue.umax());
        assertEquals(255, byteValue.smax32());
        assertEquals(0xff, byteValue.tnumMask());
        assertTrue(byteValue.contains(200) && !byteValue.contains(256) && !byteValue.contains(-1));
        Scalar masked = assertInstanceOf(Scalar.class, states.get(4).registers().get(3));
        assertEquals("smax=7", masked.violated(8));
        assertNull(masked.violated(7));
        Scalar plusOne = assertInstanceOf(Scalar.class, states.get(5).registers().get(4));
        assertEquals("1+1", plusOne.id());
        assertEquals(1, plusOne.umin());
        assertEquals("smin=1", plusOne.violated(0));
        // a spilled scalar, then slot bytes after the fetch, a precise constant, a partial spill
        assertInstanceOf(Scalar.class, states.get(6).stack().get(-8));
        assertEquals(new SlotBytes("mmmmmmmm", null, false), states.get(8).stack().get(-8));
        Scalar precise = assertInstanceOf(Scalar.class, states.get(10).registers().get(4));
        assertTrue(precise.precise());
        assertEquals(63, precise.smin());
        assertEquals(new Pointer("fp", -16, java.util.Map.of(), false), states.get(11).registers().get(7));
        assertEquals(new SlotBytes("????", -5L, false), states.get(12).stack().get(-16));
        assertEquals(0xfffffffbL, ((Scalar) states.get(13).registers().get(8)).smin());
        assertEquals(11, states.get(14).from());
        State branch = states.get(15);
        assertEquals(8, branch.from());
        assertEquals(13, branch.pc());
        assertEquals("smin=4", ((Scalar) branch.registers().get(3)).violated(3));
        Scalar tnumOnly = new Scalar(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 0x4, 0x3, null, false);
        assertEquals("var_off=(0x4; 0x3)", tnumOnly.violated(8));
        assertNull(tnumOnly.violated(7));
        assertEquals(13, states.get(16).pc());
        // a callee's frame, and its caller's after it
        State inner = VerifierStates.parse("22: (b7) r0 = 0 ; frame1: R0=0 R10=fp0 frame0: R6=7\n").get(0);
        assertEquals(List.of(1, 0), inner.frames().stream().map(VerifierStates.Frame::frame).toList());
        assertEquals(0, ((Scalar) inner.registers().get(0)).smax());
        assertEquals(7, ((Scalar) inner.frames().get(1).registers().get(6)).smin());
    }

    /** Captured logs of Debian's guest kernels ({@code crosscheck vm prepare}), one folder per kernel release. */
    static final Path VM_LOGS = Path.of("src/test/resources/verifier-logs");

    /** A line with states: at an instruction, after one (maybe none shown), at a branch target, pruned. */
    static final java.util.regex.Pattern STATE_LINE = java.util.regex.Pattern.compile("(?:from \\d+ to )?\\d+: ((?:\\(|R|fp|frame|safe).*)");

    /** The captured log files of the release starting with {@code version} (6.1, 6.12). */
    static List<Path> vmLogs(String version) throws Exception {
        try (Stream<Path> s = Files.walk(VM_LOGS)) {
            List<Path> logs = s.filter(f -> f.toString().endsWith(".verifier.txt") && f.getParent().getFileName().toString().startsWith(version + ".")).sorted().toList();
            assertFalse(logs.isEmpty(), "no captured logs of " + version + " in " + VM_LOGS);
            return logs;
        }
    }

    /**
     * Every line of the guest kernels' logs that holds states is read, every NAME=VALUE of it typed: the
     * count of items on state lines (after '; ' for an instruction) equals the values of the states.
     */
    @Test
    void readsEveryStateOfTheGuestKernelsLogs() throws Exception {
        for (String version : List.of("6.1", "6.12")) {
            int states = 0;
            for (Path f : vmLogs(version)) {
                String log = Files.readString(f);
                List<State> parsed = VerifierStates.parse(log);
                int items = 0, stateLines = 0, values = 0;
                for (String line : log.split("\n")) {
                    java.util.regex.Matcher m = STATE_LINE.matcher(line);
                    if (!m.matches()) continue;
                    stateLines++;
                    String text = m.group(1).startsWith("(") ? (line.contains("; ") ? line.substring(line.indexOf("; ") + 2) : "") : m.group(1);
                    if (!text.equals("safe")) items += (int) java.util.Arrays.stream(text.split(" (?![^(]*\\))")).filter(i -> !i.isEmpty() && !i.matches("frame\\d+:")).count();
                }
                for (State st : parsed) {
                    for (VerifierStates.Frame fr : st.frames()) {
                        values += fr.registers().size() + fr.stack().size();
                        for (VerifierStates.Value v : fr.registers().values()) assertTrue(v instanceof Scalar || v instanceof Pointer, f + ": " + v);
                    }
                }
                assertEquals(stateLines, parsed.size(), f + ": state lines");
                assertEquals(items, values, f + ": values");
                states += parsed.size();
            }
            assertTrue(states > 50, version + ": " + states + " states");
        }
    }

    /** 6.1's own words: s32_min..u32_max (the unsigned printed as int), a spilled scalar shown as nothing. */
    @Test
    void readsLinux61sFieldNames() throws Exception {
        List<State> states = VerifierStates.parse(Files.readString(vmLogs("6.1").get(0))); // case-77-12
        State spill = states.stream().filter(st -> st.pc() == 51 && st.kind() == Kind.AFTER).findFirst().orElseThrow();
        Scalar r0 = assertInstanceOf(Scalar.class, spill.registers().get(0));
        assertEquals(0x80000000, r0.umin32());
        assertEquals(0x800000ff, r0.umax32());
        assertEquals(0xffffffff80000000L, r0.umin());
        assertEquals(0xffffffff800000ffL, r0.umax());
        assertTrue(r0.contains(0xffffffff80000010L));
        assertEquals("umax32=2147483903", new Scalar(Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, r0.umax32(), 0, -1, null, false)
                .violated(0x80000100L));
        Scalar slot = assertInstanceOf(Scalar.class, spill.stack().get(-24)); // fp-24_w=
        assertTrue(slot.contains(Long.MIN_VALUE) && slot.contains(-1) && !slot.precise());
        Scalar sub = assertInstanceOf(Scalar.class, VerifierStates.parse(Files.readString(vmLogs("6.1").get(1))).stream() // case-77-36
                .filter(st -> st.pc() == 31 && st.kind() == Kind.AFTER).findFirst().orElseThrow().registers().get(1));
        assertEquals(-55, sub.smin32());
        assertEquals(-24, sub.smax32());
        assertEquals(-55, sub.umin32());
        assertEquals("smax32=-24", sub.violated(0xffffffe9L));
        assertEquals(new Pointer("map_value", 0, java.util.Map.of(), false), VerifierStates.value(1, "", "map_value", true)); // a spilled pointer
        assertTrue(((Scalar) VerifierStates.value(1, "", "P", true)).precise());
    }

    @Test
    void aStateLineThatCannotBeReadNamesItsLine() {
        for (String bad : List.of("5: (bf) r4 = r3 ; R4=scalar(smin=1,bogus=3)", "5: (bf) r4 = r3 ; R4=scalar(smin=1", "from 3 to 5: R1=wibble!",
                "7: R12=1", "7: R1=scalar(var_off=1)", "7: frame1: R1=7 frameX: R2=1")) {
            VerifierStates.Unreadable e = assertThrows(VerifierStates.Unreadable.class, () -> VerifierStates.parse("0: R1=ctx() R10=fp0\n" + bad + "\n"));
            assertEquals(2, e.line, bad);
            assertTrue(e.getMessage().startsWith("verifier log line 2: "), e.getMessage());
        }
    }

    /** Every accepted conformance test's log of states, from the live kernel, reads without an error. */
    @Test
    void readsTheLogsOfEveryConformanceTestOnThisKernel() throws Exception {
        KernelRuntime kernel = KernelTests.kernel();
        Path dir = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
        int accepted = 0, states = 0;
        long bytes = 0;
        for (Path f : files) {
            DataFile data = DataFile.read(f);
            Verifying.Verification v = kernel.verify(data.program().program(), data.memory());
            bytes += v.log().length();
            try {
                states += VerifierStates.parse(v.log()).size();
            } catch (VerifierStates.Unreadable e) {
                throw new AssertionError(f.getFileName() + ": " + e.getMessage());
            }
            if (v.accepted()) accepted++;
        }
        assertTrue(accepted >= 290, "accepted " + accepted);
        assertTrue(states > 3 * accepted, "states " + states);
        assertFalse(bytes == 0);
        System.out.println("verifier states: " + states + " from " + accepted + " accepted programs' logs (" + bytes + " bytes)");
    }
}
