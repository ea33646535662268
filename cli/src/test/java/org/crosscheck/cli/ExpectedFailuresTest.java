package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crosscheck.runtime.conformance.Expectations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lists of known failures matched by file name, so a listed test that changed still passed as
 * XFAIL. Now an entry pins the test's sha256 and exact outcome: `--write-expected` writes it, and a
 * change of the test's content or of the listed outcome makes the run fail.
 */
class ExpectedFailuresTest {
    @TempDir
    Path tmp;
    Path tests, list;

    @BeforeEach
    void suite() throws IOException {
        tests = Files.createDirectories(tmp.resolve("tests"));
        // the interpreter returns 3 where the test says 4: a failure to list
        Files.writeString(tests.resolve("wrong.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x4\n");
        Files.writeString(tests.resolve("right.data"), "-- asm\nmov %r0, 4\nexit\n-- result\n0x4\n");
        list = tmp.resolve("interp-expected.txt");
        Files.writeString(list, "# the test is wrong on purpose\n");
    }

    @Test
    void writtenListTurnsTheFailureIntoAnExpectedOne() throws IOException {
        Cli first = Cli.run("conformance", "--expected", list.toString(), tests.toString());
        assertEquals(1, first.exit(), first.out());
        Cli write = Cli.run("conformance", "--expected", list.toString(), "--write-expected", list.toString(), tests.toString());
        assertEquals(0, write.exit(), write.out() + write.err());
        assertTrue(write.out().contains("wrote " + list + ": 1 known failures of interp"), write.out());
        String hash = Expectations.hash(Files.readAllBytes(tests.resolve("wrong.data")));
        assertEquals("# the test is wrong on purpose\n# listed by crosscheck conformance --write-expected (say why):\nwrong.data " + hash + " r0 = 0x3\n",
                Files.readString(list));
        Cli again = Cli.run("conformance", "--expected", list.toString(), tests.toString());
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("XFAIL " + tests.resolve("wrong.data") + ": r0 = 0x3 [as " + list + ":3 lists]"), again.out());
        assertTrue(again.out().contains("conformance: interp passed 1 failed 0 skipped 1"), again.out());
    }

    /** A listed test that now passes fails the run, and --write-expected takes it off (it used to list it with its passing outcome). */
    @Test
    void writingTheListTakesOffWhatNowPasses() throws IOException {
        Cli.run("conformance", "--expected", list.toString(), "--write-expected", list.toString(), tests.toString());
        Files.writeString(tests.resolve("wrong.data"), "-- asm\nmov %r0, 4\nexit\n-- result\n0x4\n");
        Cli c = Cli.run("conformance", "--expected", list.toString(), "--write-expected", list.toString(), tests.toString());
        assertTrue(c.out().contains("wrote " + list + ": 0 known failures of interp"), c.out());
        assertEquals("# the test is wrong on purpose\n# listed by crosscheck conformance --write-expected (say why):\n", Files.readString(list));
    }

    @Test
    void changingTheListedTestsContentFailsTheRun() throws IOException {
        Cli.run("conformance", "--expected", list.toString(), "--write-expected", list.toString(), tests.toString());
        Files.writeString(tests.resolve("wrong.data"), "-- asm\nmov %r0, 3\nexit\n-- result\n0x4\n# a comment changes the content\n");
        Cli c = Cli.run("conformance", "--expected", list.toString(), tests.toString());
        assertEquals(1, c.exit(), c.out());
        assertTrue(c.out().contains("FAIL " + tests.resolve("wrong.data") + ": its content changed since " + list + ":3 listed it"), c.out());
    }

    @Test
    void changingTheListedOutcomeFailsTheRun() throws IOException {
        Cli.run("conformance", "--expected", list.toString(), "--write-expected", list.toString(), tests.toString());
        Files.writeString(list, Files.readString(list).replace("r0 = 0x3", "r0 = 0x5"));
        Cli c = Cli.run("conformance", "--expected", list.toString(), tests.toString());
        assertEquals(1, c.exit(), c.out());
        assertTrue(c.out().contains("FAIL " + tests.resolve("wrong.data") + ": fails otherwise than " + list + ":3 lists: listed 'r0 = 0x5', got 'r0 = 0x3'"),
                c.out());
    }

    @Test
    void aMalformedListIsOneLineNamingItsPlace() throws IOException {
        Files.writeString(list, "wrong.data the old format, a reason only\n");
        Cli c = Cli.run("conformance", "--expected", list.toString(), tests.toString());
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.err().startsWith("crosscheck: --expected: " + list + ":1: expected '<test file> <16 hex digits of its sha256> <outcome>'"), c.err());
    }
}
