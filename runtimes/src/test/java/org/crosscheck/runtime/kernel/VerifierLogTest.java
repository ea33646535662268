package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.RejectKind;
import org.crosscheck.runtime.Outcome.Stage;
import org.junit.jupiter.api.Test;

/** Log translation, decisive lines and errno kinds, on logs as the kernel writes them. */
class VerifierLogTest {
    private static final String LOG = """
            0: R1=ctx() R10=fp0
            0: (18) r1 = 0xffff888118eb9f38       ; R1=map_value(map=crosscheck,ks=4,vs=8)
            2: (b7) r2 = 8                        ; R2=8
            3: (b7) r0 = 0                        ; R0=0
            4: (05) goto pc+4
            9: (79) r0 = *(u64 *)(r1 +8)
            invalid access to map value, value_size=8 off=8 size=8
            R1 min value is outside of the allowed memory range
            processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
            """;

    @Test
    void numbersBecomeTheUsersAndTheWrappersAreMarked() {
        String t = VerifierLog.translate(LOG, 9, 2);
        assertTrue(t.contains("\nw4: (05) goto pc+4\n0: (79) r0 = *(u64 *)(r1 +8)\n"), t);
        assertTrue(t.contains("max_states_per_insn 0 "), t);
        assertEquals("from 1 to w2: R0=1", VerifierLog.translate("from 10 to 2: R0=1", 9, 2));
        assertEquals("unreachable insn w14", VerifierLog.translate("unreachable insn 14", 18, 3));
        assertEquals("infinite loop detected at insn 3", VerifierLog.translate("infinite loop detected at insn 21", 18, 5));
    }

    /** The regular expression the scanner replaced (a microsecond per character): its matches are the numbers to translate. */
    private static final java.util.regex.Pattern NUMBERS = java.util.regex.Pattern.compile(
            "^(\\d+)(?=: )|(?<=^from )(\\d+)(?= to )|(?<=^from \\d{1,9} to )(\\d+)(?=:)|(?<=\\binsn #?)(\\d+)|(?<=@)(\\d+)");

    private static String byRegex(String log, int userStart, int userSlots) {
        StringBuilder out = new StringBuilder();
        for (String line : log.split("\n", -1)) {
            java.util.regex.Matcher m = NUMBERS.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                int n = Integer.parseInt(m.group());
                m.appendReplacement(sb, n >= userStart && n < userStart + userSlots ? Integer.toString(n - userStart) : "w" + n);
            }
            m.appendTail(sb);
            out.append(sb).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    @Test
    void theScannerFindsTheNumbersTheRegexFound() {
        String tricky = LOG + """
                from 12 to 20: R0=1 R10=fp0
                from 12 to 20 R0=1
                from 9 to x: R0=1
                func#0 @0
                func#1 @12
                infinite loop detected at insn 21
                back-edge from insn 30 to 12
                misinsn 12 insn #14 _insn 3 (insn 15) insn
                12:no space, 12 : spaced, :12: 12
                @ @x @@13 r1 = *(u64 *)(r10 -8) ; frame1: R1_w=fp-8
                9: safe
                10: (95) exit
                last line without a newline 11: insn 11""";
        for (int[] at : new int[][] {{9, 2}, {0, 40}, {12, 3}, {100, 5}}) {
            assertEquals(byRegex(tricky, at[0], at[1]), VerifierLog.translate(tricky, at[0], at[1]), "user code at " + at[0] + ", " + at[1] + " slots");
        }
        assertEquals("", VerifierLog.translate("", 9, 2));
        assertEquals("\n\n", VerifierLog.translate("\n\n", 9, 2));
    }

    @Test
    void theDecisiveLineIsTheFirstMessageAfterTheLastInstruction() {
        assertEquals("invalid access to map value, value_size=8 off=8 size=8 (at pc 0: r0 = *(u64 *)(r1 +8))",
                VerifierLog.decisiveLine(VerifierLog.translate(LOG, 9, 2)));
        assertEquals("unknown opcode 8d", VerifierLog.decisiveLine("unknown opcode 8d\nprocessed 0 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n"));
    }

    @Test
    void aLoggedRefusalIsAVerifierRejectionOfTheErrnosKind() {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, VerifierLog.rejection(13, LOG, 9, 2, "test wrapper"));
        assertEquals(Stage.VERIFIER, r.stage());
        assertEquals(RejectKind.RULE, r.kind());
        assertTrue(r.reason().endsWith("[EACCES]"), r.reason());
        assertEquals(RejectKind.TOO_LARGE, ((Outcome.Rejected) VerifierLog.rejection(7, "BPF program is too large. Processed 1000001 insn\n", 9, 2, "test wrapper")).kind());
    }

    @Test
    void aRefusalWithoutALogIsALoaderErrorOfItsOwnKind() {
        record Case(int errno, RejectKind kind, String name) {}
        for (Case c : new Case[] {
                new Case(1, RejectKind.PERMISSION, "EPERM"), new Case(7, RejectKind.TOO_LARGE, "E2BIG"),
                new Case(12, RejectKind.NO_MEMORY, "ENOMEM"), new Case(22, RejectKind.INVALID, "EINVAL"),
                new Case(524, RejectKind.NOT_SUPPORTED, "ENOTSUPP"), new Case(99, RejectKind.OTHER, "errno 99")}) {
            Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, VerifierLog.rejection(c.errno(), "", 9, 2, "test wrapper"));
            assertEquals(Stage.LOADER, r.stage(), c.name());
            assertEquals(c.kind(), r.kind(), c.name());
            assertTrue(r.reason().contains(c.name()), r.reason());
            assertNull(r.log());
        }
    }

    @Test
    void anUnavailableKernelSaysWhyAndWhatToChange() {
        assertEquals("bpf(BPF_PROG_LOAD) failed with EPERM (operation not permitted): run as root or grant CAP_BPF and CAP_PERFMON"
                        + " (inside a container: --cap-add BPF --cap-add PERFMON, and a seccomp profile that allows bpf);"
                        + " unprivileged use is off when kernel.unprivileged_bpf_disabled is set",
                Availability.explain("BPF_PROG_LOAD", 1));
        assertTrue(Availability.explain("BPF_MAP_CREATE", 38).contains("CONFIG_BPF_SYSCALL"));
        assertEquals("bpf(BPF_MAP_CREATE) failed with errno 99", Availability.explain("BPF_MAP_CREATE", 99));
    }
}
