package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LitmusCommandTest {
    @TempDir
    Path tmp;

    static Path litmus() {
        return Cli.shared().resolve("litmus/bpf");
    }

    @Test
    void checkPrintsOneVerdictPerTestAgreeingWithKinds() throws IOException {
        Cli c = Cli.run("litmus", "check", litmus().toString());
        assertEquals(0, c.exit(), c.err());
        List<String> expected = Files.readAllLines(litmus().resolve("kinds.txt")).stream().filter(l -> !l.isBlank()).sorted().toList();
        assertEquals(expected, c.out().strip().lines().sorted().toList());
    }

    @Test
    void kindsOptionCountsAgreement() {
        Cli c = Cli.run("litmus", "check", "--kinds", litmus().resolve("kinds.txt").toString(), litmus().toString());
        assertEquals(0, c.exit());
        assertEquals("kinds: agree 89 disagree 0 unreadable 0", c.lastLine());
    }

    @Test
    void verboseShowsHerdLikeStates() {
        Cli c = Cli.run("litmus", "check", "--verbose", litmus().resolve("MP+poonceonces.litmus").toString());
        assertEquals(0, c.exit());
        assertTrue(c.out().startsWith("Test MP+poonceonces Allowed\nStates 4\n1:r3=0; 1:r4=0;\n"), c.out());
        assertTrue(c.out().contains("\nPositive: 1 Negative: 3\n"), c.out());
        assertTrue(c.out().contains("\nObservation MP+poonceonces Sometimes 1 3\n"), c.out());
    }

    @Test
    void malformedTestIsOneLineOnStderrWithFileAndLine() throws IOException {
        Path bad = tmp.resolve("bad.litmus");
        Files.writeString(bad, "BPF bad\n{ 0:r1=x; }\n P0 ;\n r2 = frobnicate(r1) ;\nexists (x=1)\n");
        Files.copy(litmus().resolve("LB+poonceonces.litmus"), tmp.resolve("good.litmus"));
        Cli c = Cli.run("litmus", "check", tmp.toString());
        assertEquals(2, c.exit());
        assertEquals("crosscheck: " + bad + ":4: P0: cannot parse instruction 'r2 = frobnicate(r1)'", c.err().strip());
        assertEquals("LB+poonceonces Allowed", c.out().strip(), "the other tests are still checked");
        assertFalse(c.err().contains("Exception"));
    }

    @Test
    void missingPathIsAUserError() {
        Cli c = Cli.run("litmus", "check", tmp.resolve("nope").toString());
        assertEquals(2, c.exit());
        assertEquals("crosscheck: " + tmp.resolve("nope") + ": no such file or directory", c.err().strip());
    }
}
