package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where bpf() is refused the kernel runtime says why: the real jar run with the capabilities bpf()
 * needs dropped (setpriv), so the kernel itself refuses, no mock involved.
 */
class KernelUnavailableIT {
    @TempDir
    Path dir;

    @Test
    void withoutCapBpfTheRuntimeIsUnavailableAndSaysWhy() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "needs util-linux setpriv");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to drop capabilities it has");
        Path prog = Files.writeString(dir.resolve("p.s"), "mov %r0, 1\nexit\n");
        Process p = new ProcessBuilder(setpriv.toString(), "--bounding-set=-bpf,-sys_admin,-perfmon", "--inh-caps=-bpf,-sys_admin,-perfmon",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-jar", System.getProperty("crosscheck.jar"), "run", prog.toString(), "--runtime", "kernel")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "crosscheck did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.startsWith("crosscheck: runtime kernel is not available here: bpf(BPF_MAP_CREATE) failed with EPERM (operation not permitted):"
                + " run as root or grant CAP_BPF and CAP_PERFMON"), out);
    }
}
