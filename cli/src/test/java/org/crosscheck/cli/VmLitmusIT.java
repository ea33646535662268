package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.crosscheck.runtime.vm.VmArch;
import org.junit.jupiter.api.Test;

/** Litmus tests on a two-vCPU guest (Debian's amd64 6.1 under multi-threaded TCG): run, histogrammed, judged by the model. */
class VmLitmusIT {
    @Test
    void storeBufferingRunsOnTheGuestsTwoCpusAndShowsNoForbiddenState() {
        Guests.prepared(VmArch.AMD64);
        Cli c = Cli.run("litmus", "run", LitmusCommandTest.corpus().resolve("SB.litmus").toString(), "--runtime", "vm:amd64-6.1:jit", "-n", "4000");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("Test SB Allowed on vm:amd64-6.1:jit\nHistogram ("), c.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\nObservation SB (Never|Sometimes) (\\d+) (\\d+)\nTime SB [\\d.]+ s \\([\\d,]+ iterations/s\\)\n").matcher(c.out());
        assertTrue(m.find(), c.out());
        assertEquals(4000, Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)), "every iteration counted: " + c.out());
        assertFalse(c.out().contains("FORBIDDEN"), c.out());
    }
}
