package org.crosscheck.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small shell scripts as plugins: each misbehaviour gets its typed outcome within the time limit. */
class PluginRuntimeTest {
    @TempDir
    Path dir;

    static final Limits FAST = new Limits(Limits.DEFAULT_BUDGET, 400);

    PluginRuntime plugin(String name, String body) throws Exception {
        Path f = dir.resolve(name + ".sh");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new PluginRuntime(name, List.of(f.toString()));
    }

    static Program prog() throws Exception {
        return Program.of(Insn.imm(Op.MOV64_IMM, 0, 42), Insn.of(Op.EXIT));
    }

    @Test
    void answerIsR0InHexWithTheProgramOnStdinAndMemoryAsArgument() throws Exception {
        // r0 = number of hex digits of the memory argument * 0x100 + number of program tokens
        PluginRuntime p = plugin("good", "read prog; set -- \"$1\" $prog; printf '0x%x\\n' $(( ${#1} * 256 + $# - 1 ))");
        Outcome o = p.run(prog(), new byte[] {1, 2, 3}, FAST);
        assertEquals(6 * 256 + 16, assertInstanceOf(Outcome.Returned.class, o, o::describe).r0());
    }

    @Test
    void errorExitIsARejectionWithItsMessage() throws Exception {
        Outcome o = plugin("error", "echo 'division by zero at pc 3'; exit 1").run(prog(), new byte[0], FAST);
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, o, o::describe);
        assertEquals(Outcome.Stage.LOADER, r.stage());
        assertEquals("plugin failed (exited with code 1): division by zero at pc 3", r.reason());
    }

    @Test
    void sleepingForeverTimesOutWithinTheLimit() throws Exception {
        long t0 = System.nanoTime();
        Outcome o = plugin("sleeper", "sleep 1000").run(prog(), new byte[0], FAST);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(new Outcome.TimedOut(400), o);
        assertTrue(ms < 400 + 3000, "took " + ms + " ms");
    }

    @Test
    void garbageOnStdoutIsAProtocolCrash() throws Exception {
        Outcome o = plugin("garbage", "echo 'hello, world'").run(prog(), new byte[0], FAST);
        assertEquals("crashed: plugin:garbage broke the plugin protocol: exit 0 with stdout 'hello, world' (expected r0 in hex)", o.describe());
    }

    @Test
    void deathBySignalIsACrashNamingTheSignal() throws Exception {
        Outcome o = plugin("killer", "echo dying >&2; kill -SEGV $$").run(prog(), new byte[0], FAST);
        assertEquals("crashed: plugin:killer killed by signal 11 (SIGSEGV); stderr: dying", o.describe());
    }

    @Test
    void floodingStdoutIsStoppedAtTheLimit() throws Exception {
        Outcome o = plugin("flood", "head -c 1000000 /dev/zero | tr '\\0' 'a'").run(prog(), new byte[0], FAST);
        assertEquals("crashed: plugin:flood wrote more than 65536 bytes on stdout", o.describe());
    }

    @Test
    void aMissingCommandIsACrashNotAnException() throws Exception {
        Outcome o = new PluginRuntime("none", List.of("/nonexistent/plugin")).run(prog(), new byte[0], FAST);
        assertTrue(o.describe().startsWith("crashed: plugin:none cannot start '/nonexistent/plugin'"), o.describe());
    }

    @Test
    void commandLinesSplitLikeAShell() {
        assertEquals(List.of("./crosscheck", "plugin", "--runtime", "a b", "c'd"), PluginRuntime.split("./crosscheck  plugin --runtime 'a b' \"c'd\""));
        assertThrows(IllegalArgumentException.class, () -> PluginRuntime.split("x 'y"));
    }
}
