package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors about what users hand us (files, arguments): one line, quoting the input printably. */
class InputErrorsTest {
    @TempDir
    Path tmp;

    /** A file of NULs printed its NULs; a terminal escape in a file or an argument reached the terminal. */
    @Test
    void controlCharactersOfTheInputAreEscaped() throws IOException {
        Path nuls = tmp.resolve("nuls.data");
        Files.write(nuls, new byte[8]);
        String nulLine = nuls + ":1: text before the first section: '\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'";
        Cli run = Cli.run("run", nuls.toString());
        assertEquals(2, run.exit());
        assertEquals("crosscheck: " + nulLine + "\n", run.err());
        Cli conformance = Cli.run("conformance", "-q", nuls.toString());
        assertEquals("FAIL " + nulLine, conformance.out().lines().findFirst().orElseThrow());

        Path asm = tmp.resolve("p.s");
        Files.writeString(asm, "mov %r0, 1\u001b[2J\nexit\n");
        assertEquals("crosscheck: " + asm + ":1: invalid immediate '1\\x1b[2J'\n", Cli.run("asm", asm.toString()).err());

        Cli runtime = Cli.run("run", "--runtime", "nope\u0007", asm.toString());
        assertEquals(2, runtime.exit());
        assertEquals(1, runtime.err().lines().count(), runtime.err());
        assertEquals(-1, runtime.err().indexOf('\u0007'), runtime.err());

        Cli option = Cli.run("campaign", "--\u001b[31m");
        assertEquals("crosscheck campaign: unknown option '--\\x1b[31m'\ntry 'crosscheck campaign --help'\n", option.err());

        Path litmus = tmp.resolve("nuls.litmus");
        Files.write(litmus, new byte[4]);
        Cli check = Cli.run("litmus", "check", litmus.toString());
        assertEquals(-1, check.err().indexOf('\0'), check.err());
        assertEquals(1, check.err().lines().count(), check.err());
    }
}
