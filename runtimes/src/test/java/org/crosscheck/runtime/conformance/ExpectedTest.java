package org.crosscheck.runtime.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;

/** A decode rejection, a rejection, a trap and a value are four outcomes; a test is judged by the one it expects. */
class ExpectedTest {
    static final Outcome VALUE = new Outcome.Returned(1, new byte[0]);
    static final Outcome REJECTED = new Outcome.Rejected(Outcome.Stage.VERIFIER, "R0 !read_ok", "");
    static final Outcome TRAPPED = new Outcome.Trapped(Outcome.TrapKind.OUT_OF_BOUNDS, 1, "");

    static Expected of(String expectation) throws Exception {
        return Expected.of(DataFile.parse("-- asm\nmov %r0, 1\nexit\n" + expectation, "t.data", null));
    }

    @Test
    void eachExpectationIsMetByItsOwnOutcomeOnly() throws Exception {
        Expected value = of("-- result\n0x1\n");
        assertTrue(value.meets(VALUE));
        assertFalse(value.meets(REJECTED));
        assertFalse(value.meetsDecodeRejection());

        // uBPF: a load-time refusal that is about the encoding, one that is not, a run-time error
        Expected decode = of("-- error\nFailed to load code: invalid opcode 0x8f at PC 0\n");
        assertEquals(Expected.Kind.DECODE_REJECTION, decode.kind());
        assertTrue(decode.meetsDecodeRejection());
        assertFalse(decode.meets(REJECTED));
        Expected reject = of("-- result\n0x12345678\n-- error\nFailed to load code: jump out of bounds at PC 4\n");
        assertEquals(Expected.Kind.REJECTION, reject.kind(), "the error wins over uBPF's result");
        assertTrue(reject.meets(REJECTED));
        assertFalse(reject.meets(TRAPPED));
        assertFalse(reject.meets(VALUE));
        Expected trap = of("-- result\n0xffffffffffffffff\n-- error pattern\nuBPF error: out of bounds memory load\n");
        assertEquals(Expected.Kind.TRAP, trap.kind());
        assertTrue(trap.meets(TRAPPED));
        assertFalse(trap.meets(REJECTED));

        // bpf_conformance's error text says nothing of which: any of the three
        Expected any = of("-- error\nInvalid\n");
        assertEquals(Expected.Kind.AN_ERROR, any.kind());
        assertTrue(any.meets(REJECTED) && any.meets(TRAPPED) && any.meetsDecodeRejection());
        assertFalse(any.meets(VALUE));
        assertEquals("an error \"Invalid\"", any.describe());
        assertEquals("a trap \"uBPF error: out of bounds memory load\"", trap.describe());
    }
}
