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

    @Test
    void genWritesTestsAndKindsThatCheckAgreesWith() throws IOException {
        Path dir = tmp.resolve("gen");
        Cli c = Cli.run("litmus", "gen", "--count", "30", "--seed", "3", "--out", dir.toString());
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().strip().lines().toList();
        assertEquals(31, lines.size(), c.out());
        assertTrue(lines.getLast().matches("gen: 30 tests \\(Allowed \\d+, Forbidden \\d+\\) in .* tests/s, written to " + dir), lines.getLast());
        List<String> verdicts = lines.subList(0, 30);
        for (String l : verdicts) assertTrue(l.matches("\\S+ (Allowed|Forbidden)"), l);
        assertEquals(verdicts, Files.readAllLines(dir.resolve("kinds.txt")));
        try (var files = Files.list(dir)) {
            assertEquals(31, files.count());
        }
        Cli check = Cli.run("litmus", "check", "--kinds", dir.resolve("kinds.txt").toString(), dir.toString());
        assertEquals(0, check.exit(), check.out());
        assertEquals("kinds: agree 30 disagree 0 unreadable 0", check.lastLine());
    }

    @Test
    void genIsDeterministicAndPrintsTestsWithoutOut() {
        Cli a = Cli.run("litmus", "gen", "--count", "3", "--seed", "9", "--start", "100");
        Cli b = Cli.run("litmus", "gen", "--count", "3", "--seed", "9", "--start", "100");
        assertEquals(0, a.exit(), a.err());
        String body = a.out().substring(0, a.out().lastIndexOf("gen: "));
        assertEquals(body, b.out().substring(0, b.out().lastIndexOf("gen: ")));
        assertEquals(3, body.split("\nBPF |^BPF ", -1).length - 1, body);
        assertTrue(body.contains("\nexists ("), body);
    }

    @Test
    void genBuildsTheTestOfOneCycle() {
        Cli c = Cli.run("litmus", "gen", "--cycle", "W po W.rel rfe R.acq po R fre");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("BPF MP+rel+acq\n"), c.out());
        assertTrue(c.out().contains("\nMP+rel+acq Forbidden\n"), c.out());
    }

    @Test
    void genWithoutGroupsUsesPlainAccessesOnly() {
        Cli c = Cli.run("litmus", "gen", "--count", "40", "--groups", "none");
        assertEquals(0, c.exit(), c.err());
        for (String word : List.of("atomic_fetch", "xchg", "lock ", "cmpxchg", "load_acquire", "store_release")) assertFalse(c.out().contains(word), word);
    }

    @Test
    void genListsFamilies() {
        Cli c = Cli.run("litmus", "gen", "--families", "--threads", "2");
        assertEquals("SB MP LB 2+2W S R", c.out().strip());
    }

    @Test
    void genBadOptionsAreOneLineErrors() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        String[][] cases = {
            {"--groups", "divmul32", "crosscheck: group divmul32 has no memory-model accesses (choose among atomic32, atomic64, acqrel)"},
            {"--threads", "5", "crosscheck: threads must be a range within 2..4, not 5..5"},
            {"--threads", "2-x", "crosscheck: --threads: expected N or MIN-MAX such as 2-3, not '2-x'"},
            {"--max-cycle", "3", "crosscheck: a cycle over 2 threads has at least 4 edges; the maximum cycle length 3 is too small"},
            {"--count", "0", "crosscheck: --count must be at least 1, not 0"},
            {"--cycle", "W po R fre W po R rfe", "crosscheck: --cycle: edge 4 (R rfe W): rfe goes from W to R"},
            {"--out", file.toString(), "crosscheck: " + file + ": not a directory"},
        };
        for (String[] k : cases) {
            Cli c = Cli.run("litmus", "gen", k[0], k[1]);
            assertEquals(2, c.exit(), String.join(" ", k));
            assertEquals(k[2], c.err().strip());
        }
        assertTrue(Cli.run("litmus", "gen", "--groups", "bogus").err().startsWith("crosscheck: unknown conformance group 'bogus'"));
    }
}
