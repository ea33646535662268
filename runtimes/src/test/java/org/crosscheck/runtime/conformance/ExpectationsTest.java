package org.crosscheck.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;

/** A listed test is XFAIL only with its listed content and outcome; every other change fails. */
class ExpectationsTest {
    static final byte[] TEST = "-- asm\nlsh32 %r0, 60\nexit\n-- result\n0x0\n".getBytes(StandardCharsets.UTF_8);
    static final Outcome REJECTED = new Outcome.Rejected(Outcome.Stage.VERIFIER, "invalid shift 60 (at pc 1: w0 <<= 60) [EINVAL]", "log");
    static final String HASH = Expectations.hash(TEST);

    static Expectations list(String outcome) {
        return Expectations.parse("# why\nshift.data " + HASH + " " + outcome + "\n", "list.txt");
    }

    @Test
    void theListedOutcomeOnTheListedContentIsAnExpectedFailure() {
        Expectations.Judgement j = list("rejected by verifier: invalid shift 60").judge("shift.data", TEST, false, REJECTED);
        assertEquals(Expectations.Status.XFAIL, j.status(), j.why());
        assertEquals("rejected by verifier: invalid shift 60 (at pc 1: w0 <<= 60) [EINVAL] [as list.txt:2 lists]", j.why());
    }

    @Test
    void changedContentFails() {
        byte[] changed = "-- asm\nlsh32 %r0, 61\nexit\n-- result\n0x0\n".getBytes(StandardCharsets.UTF_8);
        Expectations.Judgement j = list("rejected by verifier: invalid shift").judge("shift.data", changed, false, REJECTED);
        assertEquals(Expectations.Status.FAIL, j.status());
        assertTrue(j.why().startsWith("its content changed since list.txt:2 listed it (sha256 " + Expectations.hash(changed) + ", listed " + HASH), j.why());
    }

    @Test
    void anotherOutcomeFails() {
        Expectations.Judgement j = list("rejected by verifier: invalid shift 61").judge("shift.data", TEST, false, REJECTED);
        assertEquals(Expectations.Status.FAIL, j.status());
        assertTrue(j.why().contains("listed 'rejected by verifier: invalid shift 61', got 'rejected by verifier: invalid shift 60"), j.why());
        // values and traps are exact, not prefixes
        Outcome wrong = new Outcome.Returned(0x10, new byte[0]);
        assertEquals(Expectations.Status.FAIL, list("r0 = 0x1").judge("shift.data", TEST, false, wrong).status());
        assertEquals(Expectations.Status.XFAIL, list("r0 = 0x10").judge("shift.data", TEST, false, wrong).status());
        Outcome trap = new Outcome.Trapped(Outcome.TrapKind.OUT_OF_BOUNDS, 3, "load of 8 bytes at 0x0");
        assertEquals(Expectations.Status.XFAIL, list("trap OUT_OF_BOUNDS at pc 3").judge("shift.data", TEST, false, trap).status());
        assertEquals(Expectations.Status.FAIL, list("trap OUT_OF_BOUNDS at pc 30").judge("shift.data", TEST, false, trap).status());
    }

    @Test
    void aListedTestThatPassesFailsAndAnUnlistedOneIsJudgedAsItRan() {
        Expectations l = list("rejected by verifier: invalid shift");
        assertEquals(Expectations.Status.FAIL, l.judge("shift.data", TEST, true, new Outcome.Returned(0, new byte[0])).status());
        assertEquals(Expectations.Status.PASS, l.judge("other.data", TEST, true, REJECTED).status());
        assertEquals(Expectations.Status.FAIL, l.judge("other.data", TEST, false, REJECTED).status());
    }

    @Test
    void malformedLinesNameTheirPlace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Expectations.parse("# c\nshift.data reason text\n", "l.txt"));
        assertEquals("l.txt:2: expected '<test file> <16 hex digits of its sha256> <outcome>', got 'shift.data reason text'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Expectations.parse("a " + HASH + " x\na " + HASH + " y\n", "l.txt"));
        assertEquals("l.txt:2: a is listed twice", e.getMessage());
    }

    @Test
    void rewritingKeepsCommentsAndTestsNotRunUpdatesTheRunAndAppendsNewOnes() {
        Expectations l = Expectations.parse("# shifts\nshift.data " + HASH + " old outcome\n# other\nkept.data " + HASH + " x\ngone.data " + HASH + " y\n", "l");
        String text = l.rewritten(Set.of("shift.data", "gone.data", "new.data"),
                Map.of("shift.data", Expectations.entry("shift.data", TEST, REJECTED), "new.data", Expectations.entry("new.data", TEST, REJECTED)));
        assertEquals("# shifts\nshift.data " + HASH + " rejected by verifier: invalid shift 60 (at pc 1: w0 <<= 60) [EINVAL]\n# other\nkept.data "
                + HASH + " x\n# listed by crosscheck conformance --write-expected (say why):\nnew.data " + HASH
                + " rejected by verifier: invalid shift 60 (at pc 1: w0 <<= 60) [EINVAL]\n", text);
        assertEquals(3, Expectations.parse(text, "again").entries().size());
    }
}
