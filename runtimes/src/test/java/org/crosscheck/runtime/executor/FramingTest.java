package org.crosscheck.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;

class FramingTest {
    @Test
    void everyOutcomeRoundTripsWithItsDetails() throws Exception {
        List<Outcome> all = List.of(new Outcome.Returned(-2, new byte[] {1, 2, 3}),
                new Outcome.Trapped(Outcome.TrapKind.OUT_OF_BOUNDS, 7, "8-byte access"),
                new Outcome.Rejected(Outcome.Stage.LOADER, Outcome.RejectKind.TOO_LARGE, "reason é", "log\nlines"),
                new Outcome.Crashed("killed by signal 6 (SIGABRT)"), new Outcome.TimedOut(250), new Outcome.Unsupported("jmp32"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Outcome o : all) Framing.writeOutcome(out, o);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        for (Outcome o : all) assertEquals(o, Framing.readOutcome(in));
        assertThrows(EOFException.class, () -> Framing.readOutcome(in));
    }

    @Test
    void runRequestsRoundTripAndEndCleanly() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Framing.writeHello(out, "");
        Framing.writeRun(out, new byte[] {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0}, new byte[] {9}, new Limits(5, 6));
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals("", Framing.readHello(in));
        Framing.Run r = Framing.readRun(in);
        assertArrayEquals(new byte[] {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0}, r.program());
        assertArrayEquals(new byte[] {9}, r.memory());
        assertEquals(new Limits(5, 6), r.limits());
        assertNull(Framing.readRun(in));
    }

    @Test
    void garbageIsAProtocolErrorNotAnAllocation() {
        byte[] text = "# A fatal error has been detected\n".getBytes(StandardCharsets.US_ASCII);
        Framing.ProtocolException e = assertThrows(Framing.ProtocolException.class, () -> Framing.readOutcome(new ByteArrayInputStream(text)));
        assertTrue(e.getMessage().startsWith("bad frame length"), e.getMessage());
        byte[] truncated = {0, 0, 0, 9, 'O', 'r'};
        assertThrows(Framing.ProtocolException.class, () -> Framing.readOutcome(new ByteArrayInputStream(truncated)));
    }
}
