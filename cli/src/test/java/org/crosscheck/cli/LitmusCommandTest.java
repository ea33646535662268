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

    /**
     * Both threads fetch-adding one location: the unordered-fetch mutant loses an update (z = 1) on every machine
     * tried, where SB+fetch's weak outcome showed on some only.
     */
    static final Path SHARED_FETCH = Path.of("src", "test", "resources", "litmus", "SB+fetch-shared.litmus");

    static Path corpus() {
        return Path.of("..", "corpus", "litmus");
    }

    @Test
    void runPrintsAHistogramAndAnObservationPerRuntime() {
        Cli c = Cli.run("litmus", "run", corpus().resolve("SB.litmus").toString(), "--runtime", "interp,jit", "--iterations", "2000");
        assertEquals(0, c.exit(), c.err());
        // interp runs each of the 20 schedules once (fewer than the 2000 iterations asked)
        assertTrue(c.out().startsWith("""
                Test SB Allowed on interp
                Histogram (3 states)
                12        0:r3=1; 1:r3=1;
                """), c.out());
        assertTrue(c.out().contains("\nObservation SB Never 0 20\n"), c.out());
        assertTrue(c.out().contains("\nTest SB Allowed on jit\nHistogram ("), c.out());
        assertTrue(c.out().matches("(?s).*\nObservation SB (Never|Sometimes) \\d+ \\d+\nTime SB [\\d.]+ s \\([\\d,]+ iterations/s\\)\n.*"), c.out());
        assertFalse(c.out().contains("FORBIDDEN"), c.out());
    }

    @Test
    void quietRunPrintsOneLinePerRuntime() {
        Cli c = Cli.run("litmus", "run", "-q", corpus().toString(), "--runtime", "interp", "-n", "1000");
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().strip().lines().toList();
        assertEquals(2, lines.size(), c.out());
        assertTrue(lines.get(0).matches("Observation SB\\+fetch Never 0 70 on interp \\(model: Forbidden; [\\d,]+ iterations/s\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("Observation SB Never 0 20 on interp \\(model: Allowed; [\\d,]+ iterations/s\\)"), lines.get(1));
    }

    @Test
    void theMutantShowsAForbiddenStateAndTheExitCodeSaysSo() {
        // runs of 20000 iterations with new seeds until one shows it (the first, nearly always)
        Cli c = null;
        for (int seed = 1; seed <= 20 && (c == null || c.exit() == 0); seed++)
            c = Cli.run("litmus", "run", SHARED_FETCH.toString(), "-r", "jit-mutant:unordered-fetch", "-n", "20000", "--seed", "" + seed);
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.out().matches("(?s).*\\n\\d+ +z=1;   <- forbidden by the BPF memory model\\n.*"), c.out());
        assertTrue(c.out().contains("\nFORBIDDEN SB+fetch-shared on jit-mutant:unordered-fetch: 1 state(s) the BPF memory model forbids\n"), c.out());
        assertEquals("litmus: 1 run(s) showed states the BPF memory model forbids", c.lastLine());
    }

    @Test
    void withAWorkdirAForbiddenStateIsStoredAsAFindingOnce() throws IOException {
        Path work = tmp.resolve("work");
        Cli c = null;
        for (int seed = 1; seed <= 20 && (c == null || c.exit() == 0); seed++)
            c = Cli.run("litmus", "run", SHARED_FETCH.toString(), "-r", "interp,jit-mutant:unordered-fetch", "-n", "20000",
                    "--seed", "" + seed, "--workdir", work.toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.lastLine().matches("litmus: 1 new finding\\(s\\) in .*findings"), c.lastLine());
        var found = new org.crosscheck.coordinator.findings.FindingStore(work).list();
        assertEquals(List.of("forbidden state: jit-mutant:unordered-fetch vs bpf-memory-model [atomic32 SB+fetch-shared]"),
                found.stream().map(f -> f.title()).toList());
        assertTrue(Files.readString(found.getFirst().dir().resolve("test.litmus")).startsWith("BPF SB+fetch"));
        assertTrue(Files.readString(found.getFirst().dir().resolve("outcomes")).contains("on interp"), "every runtime's histogram is kept");
        Cli triage = Cli.run("triage", work.toString());
        assertTrue(triage.out().contains("forbidden state: jit-mutant:unordered-fetch"), triage.out());
        Cli again = Cli.run("litmus", "run", SHARED_FETCH.toString(), "-r", "jit-mutant:unordered-fetch", "-n", "20000",
                "--workdir", work.toString());
        assertTrue(again.lastLine().startsWith("litmus: 0 new finding(s)"), "seen again, counted, not new: " + again.out());
    }

    @Test
    void runReportsUnreadableTestsInOneLineAndRunsTheOthers() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.litmus"), "BPF bad\n{ 0:r1=x; }\n P0 ;\n r2 = frobnicate(r1) ;\nexists (x=1)\n");
        Path binary = Files.write(tmp.resolve("binary.litmus"), new byte[] {'B', 'P', 'F', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        Path offset = Files.writeString(tmp.resolve("offset.litmus"), "BPF off\n{ 0:r1=x; }\n P0 ;\n *(u32 *)(r1 + 4) = 1 ;\nexists (x=1)\n");
        Files.copy(corpus().resolve("SB.litmus"), tmp.resolve("good.litmus"));
        Cli c = Cli.run("litmus", "run", "-q", "-r", "interp", tmp.toString());
        assertEquals(2, c.exit());
        assertEquals(List.of("crosscheck: " + bad + ":4: P0: cannot parse instruction 'r2 = frobnicate(r1)'",
                "crosscheck: " + binary + ": not UTF-8 text",
                "crosscheck: " + offset + ":4: an access at r1 + 4 cannot be run: herd makes that address a location of its own, runs do not (it can only be checked)"),
                c.err().strip().lines().toList());
        assertTrue(c.out().startsWith("Observation SB Never 0 20 on interp"), c.out());
    }

    @Test
    void runRefusesUnknownRuntimesAndNoIterations() {
        Cli unknown = Cli.run("litmus", "run", corpus().toString(), "--runtime", "interp,bogus");
        assertEquals(2, unknown.exit());
        assertEquals("crosscheck: no litmus runner 'bogus' (known: interp, jit, kernel, jit-mutant:unordered-fetch, vm:<arch>[-<version>]:<jit|interp>)", unknown.err().strip());
        assertEquals("", unknown.out());
        Cli zero = Cli.run("litmus", "run", corpus().toString(), "--iterations", "0");
        assertEquals(2, zero.exit());
        assertEquals("crosscheck: --iterations must be at least 1, not 0", zero.err().strip());
        Cli missing = Cli.run("litmus", "run", tmp.resolve("nope.litmus").toString());
        assertEquals(2, missing.exit());
        assertEquals("crosscheck: " + tmp.resolve("nope.litmus") + ": no such file or directory", missing.err().strip());
    }

    @Test
    void benchLitmusMeasuresTheJitAndTheInterpreterOnStoreBuffering() {
        Cli c = Cli.run("bench", "litmus", "--seconds", "0.1", "--rounds", "2", "--iterations", "5000");
        assertEquals(0, c.exit(), c.err());
        List<String> summary = c.out().lines().filter(l -> l.contains(" best ")).toList();
        assertEquals(2, summary.size(), c.out());
        assertTrue(summary.get(0).matches("bench litmus: jit best \\d+ iterations/s over 2 round\\(s\\), weak \\(0,0\\) in \\d+\\.\\d\\d% of \\d+ iterations"), summary.get(0));
        // interp: every schedule once per run, never the weak outcome
        assertTrue(summary.get(1).matches("bench litmus: interp best \\d+ iterations/s over 2 round\\(s\\), weak \\(0,0\\) in 0\\.00% of \\d+ iterations"
                + " \\(each run: every one of its 20 schedules once\\)"), summary.get(1));
        assertTrue(c.out().contains("round  iterations/s   weak (0,0)\n    1 "), c.out());
    }

    @Test
    void benchLitmusRefusesBadIterations() {
        Cli c = Cli.run("bench", "litmus", "--iterations", "0");
        assertEquals(2, c.exit());
        assertEquals("crosscheck: --iterations must be 1..1000000000, is 0", c.err().strip());
    }
}
