package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CommandsTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        List<picocli.CommandLine> commands = new java.util.ArrayList<>(root.getSubcommands().values());
        for (int i = 0; i < commands.size(); i++) commands.addAll(commands.get(i).getSubcommands().values());
        assertTrue(commands.size() >= 15, "commands found: " + commands.size());
        for (picocli.CommandLine command : commands) {
            String path = command.getCommandSpec().qualifiedName(" ").replaceFirst("^crosscheck ", "");
            if (path.endsWith("help")) continue;
            Cli c = Cli.run((path + " --help").split(" "));
            assertEquals(0, c.exit(), path + ": " + c.err());
            assertTrue(c.out().startsWith("Usage: crosscheck " + path), path + ": " + c.out());
            assertTrue(c.out().contains("-h, --help"), path);
        }
    }

    @Test
    void conformanceSuitePassesOnTheInterpreter() {
        Cli c = Cli.run("conformance", "--runtime", "interp", Cli.shared().resolve("bpf_conformance/tests").toString());
        assertEquals("conformance: interp passed 313 failed 0 skipped 0", c.lastLine());
        assertEquals(0, c.exit());
        assertEquals(314, c.out().strip().split("\n").length, "one line per test plus the summary");
    }

    @Test
    void groupAndCpuFiltersSkipWithAReason() {
        Path tests = Cli.shared().resolve("bpf_conformance/tests");
        Cli c = Cli.run("conformance", "--cpu", "v1", "--exclude-groups", "atomic32,atomic64", tests.toString());
        assertEquals(0, c.exit());
        assertTrue(c.out().contains("SKIP " + tests.resolve("lock_add.data") + ": uses groups [atomic64] not selected"), c.out());
        assertTrue(c.out().contains("SKIP " + tests.resolve("sdiv32-imm.data") + ": needs CPU v4, selected v1"), c.out());
        assertTrue(c.lastLine().matches("conformance: interp passed \\d+ failed 0 skipped \\d+"), c.lastLine());
    }

    static Stream<Path> negatives() throws IOException {
        try (Stream<Path> s = Files.list(Cli.shared().resolve("bpf_conformance/negative"))) {
            return s.sorted().toList().stream();
        }
    }

    /**
     * Every input of the negative suite: a malformed file (or error.data, whose program returns)
     * fails with one line naming the file, a line number and the problem; the unused-* files hold
     * instruction words with a reserved field set and expect an error, which our decoder's refusal is.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("negatives")
    void negativeSuiteFailsWithOneClearLineOrIsTheDecodeRejectionItExpects(Path file) {
        Cli c = Cli.run("conformance", file.toString());
        List<String> lines = c.out().strip().lines().toList();
        assertEquals(2, lines.size(), c.out());
        assertEquals("", c.err());
        assertFalse(c.out().contains("Exception"), c.out());
        if (file.getFileName().toString().startsWith("unused-")) {
            assertEquals(0, c.exit(), c.out());
            assertTrue(lines.get(0).matches("PASS " + java.util.regex.Pattern.quote(file.toString()) + " \\(decode rejection: .+:\\d+: instruction 0: .+\\)"),
                    lines.get(0));
        } else {
            assertEquals(1, c.exit());
            assertTrue(lines.get(0).matches("FAIL " + java.util.regex.Pattern.quote(file.toString()) + ":\\d+: .+"), lines.get(0));
        }
    }

    /** A decode rejection is that test's outcome only when it expects an error: with a result, the file is malformed. */
    @Test
    void undecodableWordsUnderAResultAreAFailureNamingTheWord() throws IOException {
        Path test = tmp.resolve("reserved.data");
        Files.writeString(test, "-- raw\n0x0000000000010007\n0x0000000000000095\n-- result\n0x1\n");
        Cli c = Cli.run("conformance", test.toString());
        assertEquals(1, c.exit(), c.out());
        assertTrue(c.out().startsWith("FAIL " + test + ":2: instruction 0: 0x07 add: reserved field offset must be 0, is 1\n"), c.out());
    }

    @Test
    void runShowsOutcomeMemoryAndVerdict() {
        Path test = Cli.shared().resolve("bpf_conformance/tests/stxb.data");
        Cli c = Cli.run("run", test.toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().startsWith("interp: r0 = 0x11 (17)\nmemory changed:\n  [2] ff -> 11\n"), c.out());
        assertTrue(c.out().endsWith("matches the test's expectation: r0 = 0x11\n"), c.out());
    }

    @Test
    void runJudgesAnErrorTestAsConformanceDoes() throws IOException {
        // error.data expects "Invalid" of a program that returns: conformance fails it, so must run
        Path test = Cli.shared().resolve("bpf_conformance/negative/error.data");
        Cli c = Cli.run("run", test.toString());
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(c.out().endsWith("DIFFERS from the test's expectation: an error \"Invalid\"\n"), c.out());
        Path trapping = tmp.resolve("oob.data");
        Files.writeString(trapping, "-- asm\nldxdw %r0, [%r10+8]\nexit\n-- error\nout of bounds\n");
        Cli t = Cli.run("run", trapping.toString());
        assertEquals(0, t.exit(), t.out() + t.err());
        assertTrue(t.out().endsWith("matches the test's expectation: an error \"out of bounds\"\n"), t.out());
    }

    @Test
    void asmAndDisasmRoundTrip() throws IOException {
        Path src = tmp.resolve("p.s");
        Files.writeString(src, "mov %r0, 1\nloop: add %r0, 1\njlt %r0, 10, loop\nexit\n");
        Path bin = tmp.resolve("p.bin");
        Cli a = Cli.run("asm", src.toString(), "-o", bin.toString());
        assertEquals(0, a.exit(), a.err());
        assertEquals(32, Files.size(bin));
        Cli d = Cli.run("disasm", bin.toString());
        assertEquals("mov %r0, 1\nL1:\nadd %r0, 1\njlt %r0, 10, L1\nexit\n", d.out());
        Cli l = Cli.run("disasm", "--llvm", bin.toString());
        assertEquals("   0: r0 = 1\n   1: r0 += 1\n   2: if r0 < 10 goto -2\n   3: exit\n", l.out());
        Cli hex = Cli.run("asm", src.toString());
        assertEquals("b7 00 00 00 01 00 00 00", hex.out().lines().findFirst().orElseThrow());
    }

    @Test
    void badInputIsOneLineWithoutStackTrace() throws IOException {
        Path src = tmp.resolve("bad.s");
        Files.writeString(src, "mov %r0, 1\nfrobnicate %r1\n");
        Cli c = Cli.run("run", src.toString());
        assertEquals(2, c.exit());
        assertEquals("crosscheck: " + src + ":2: unknown mnemonic 'frobnicate'\n", c.err());
        Cli unknown = Cli.run("run", "--runtime", "nope", src.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("crosscheck: "), unknown.err());
        Cli missing = Cli.run("disasm", tmp.resolve("none.bin").toString());
        assertEquals("crosscheck: " + tmp.resolve("none.bin") + ": no such file\n", missing.err());
    }

    /** --generated: the campaign generator's programs for the runtime, every outcome counted, the rejected ones shown. */
    @Test
    void benchGeneratedRunsTheCampaignsPrograms() {
        Cli c = Cli.run("bench", "interp", "--generated", "--seconds", "0.2", "--rounds", "1", "--threads", "1");
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().strip().lines().toList();
        assertEquals(3, lines.size(), c.out());
        assertTrue(lines.get(0).matches("bench interp: generated programs \\(groups \\[base32, base64, atomic32, atomic64, divmul32, divmul64, packet\\],"
                + " cpu v4, seed 1; 50000 cases per thread, \\d+\\.\\d instructions on average\\) \\(run\\), best of 1 rounds of 0\\.2 s after 1 s warm-up"), lines.get(0));
        assertEquals("threads  programs/s   rejected", lines.get(1));
        // the reference runs every generated program to its exit
        assertTrue(lines.get(2).matches("\\s+1\\s+\\d+   0 of \\d+ runs \\(0\\.00%\\)"), lines.get(2));
        Cli coordinator = Cli.run("bench", "coordinator", "--generated");
        assertEquals(2, coordinator.exit());
        assertEquals("crosscheck: --generated applies to a runtime, not to bench coordinator", coordinator.err().strip());
    }

    /** With --corpus the cases are a campaign's mix: a fifth are mutants of the corpus programs (which may trap, here at the mutant budget). */
    @Test
    void benchGeneratedWithACorpusRunsTheCampaignsCaseMix() throws IOException {
        // a corpus of its own: the project's seeds grow
        Path corpus = Files.createDirectories(tmp.resolve("corpus"));
        for (String seed : List.of("checksum-loop.data", "signed-edges.data")) Files.copy(Path.of("../corpus/seeds", seed), corpus.resolve(seed));
        Cli c = Cli.run("bench", "interp", "--generated", "--corpus", corpus.toString(), "--seconds", "0.2", "--rounds", "1", "--threads", "1");
        assertEquals(0, c.exit(), c.err());
        List<String> lines = c.out().strip().lines().toList();
        assertTrue(lines.get(0).contains("50000 cases per thread, a fifth mutants of 2 corpus programs,"), lines.get(0));
        assertTrue(lines.get(2).matches("\\s+1\\s+\\d+   0 of \\d+ runs \\(0\\.00%\\)"), lines.get(2));
        Cli alone = Cli.run("bench", "interp", "--corpus", "../corpus/seeds");
        assertEquals(2, alone.exit());
        assertEquals("crosscheck: --corpus needs --generated", alone.err().strip());
    }
}
