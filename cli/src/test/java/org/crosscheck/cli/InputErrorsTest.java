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

    /** asm and disasm demanded a result section they do not use, and a truncated asm line was reported as that missing section. */
    @Test
    void asmAndDisasmReadAProgramWithoutAResultAndNameABrokenLine() throws IOException {
        Path only = tmp.resolve("only.data");
        Files.writeString(only, "-- asm\nmov %r0, 1\nexit\n");
        Cli asm = Cli.run("asm", only.toString());
        assertEquals(0, asm.exit(), asm.err());
        assertEquals("b7 00 00 00 01 00 00 00\n95 00 00 00 00 00 00 00\n", asm.out());
        Path raw = tmp.resolve("raw.data");
        Files.writeString(raw, "-- raw\n0x00000001000000b7\n0x0000000000000095\n");
        Cli disasm = Cli.run("disasm", raw.toString());
        assertEquals(0, disasm.exit(), disasm.err());
        assertEquals(Cli.run("disasm", only.toString()).out(), disasm.out());

        Path broken = tmp.resolve("t.data");
        Files.writeString(broken, "-- asm\nmov %r0,\nexit\n");
        for (String command : new String[] {"asm", "disasm", "run"}) {
            Cli c = Cli.run(command, broken.toString());
            assertEquals(2, c.exit(), command);
            assertEquals("crosscheck: " + broken + ":2: mov %r0,: missing operand\n", c.err(), command);
        }
    }
}
