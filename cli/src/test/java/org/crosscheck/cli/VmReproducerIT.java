package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel bug's standalone C reproducer shown on its guest by {@code crosscheck vm exec}: the arm32 JIT's
 * unmasked shift counts on Debian's armhf 6.1 kernel (prepared when this machine has not). The C program is
 * cross-compiled, run in a fresh guest with the JIT on, prints what its {@code .out} says and exits 1 (not
 * RFC 9669's r0); with the JIT off the same kernel's interpreter gives RFC 9669's r0 and it exits 0. About
 * 10 s a boot under TCG.
 */
class VmReproducerIT {
    static final Path DIR = Path.of("..", "corpus", "reproducers");
    static final String NAME = "linux-arm32-jit-shift-count-not-masked";
    static final Path C = DIR.resolve(NAME + ".vm-armhf-6.1-jit.c");

    @BeforeAll
    static void prepared() {
        assumeTrue("root".equals(System.getProperty("user.name")), "vm prepare needs root (apt-get)");
        if (VmCache.find(VmArch.ARMHF, "6.1").filter(VmCache.Prepared::current).isEmpty()) {
            Cli c = Cli.run("vm", "prepare", "--arch", "armhf", "--version", "6.1");
            assertEquals(0, c.exit(), c.out() + c.err());
        }
    }

    private static String withoutKernelLine(String s) {
        return s.lines().filter(l -> !l.startsWith("kernel: ")).collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theJitBugShowsAndTheInterpreterIsRight() throws Exception {
        Cli jit = Cli.run("vm", "exec", "--arch", "armhf", "--version", "6.1", C.toString());
        assertEquals(1, jit.exit(), jit.out() + jit.err());
        assertEquals(withoutKernelLine(Files.readString(DIR.resolve(NAME + ".vm-armhf-6.1-jit.out"))), withoutKernelLine(jit.out()), jit.err());
        assertTrue(jit.out().startsWith("kernel: Linux 6.1.0-") && jit.out().contains(" armv7l, net.core.bpf_jit_enable 1\n"), jit.out());
        assertTrue(jit.err().strip().lines().reduce((a, b) -> b).orElse("").matches("vm exec: .* on Linux 6\\.1\\.0-\\S+-armmp \\(Debian linux-image-\\S+ \\S+\\), armv7l, bpf_jit_enable 1: exit code 1"), jit.err());

        Cli interp = Cli.run("vm", "exec", "--arch", "armhf", "--version", "6.1", "--interp", C.toString());
        assertEquals(0, interp.exit(), interp.out() + interp.err());
        assertEquals(withoutKernelLine(Files.readString(DIR.resolve(NAME + ".vm-armhf-6.1-interp.out"))), withoutKernelLine(interp.out()), interp.err());
    }

    /** C that does not compile is one line with the compiler's first error; no guest boots. */
    @Test
    void aCompileErrorIsOneLine(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.c"), "int main(void) { return nope; }\n");
        Cli c = Cli.run("vm", "exec", "--arch", "armhf", "--version", "6.1", bad.toString());
        assertEquals(2, c.exit(), c.out() + c.err());
        assertTrue(c.err().strip().lines().count() == 1 && c.err().contains("bad.c:1:") && c.err().contains("error: ") && c.err().contains("nope") && c.err().contains("undeclared"), c.err());
    }
}
