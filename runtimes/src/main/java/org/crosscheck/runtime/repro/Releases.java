package org.crosscheck.runtime.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The exact releases of the bare runtimes here, for findings and reproducers. */
public final class Releases {
    private Releases() {}

    /** {@code 6.18.44-fc-v1272 #1 SMP PREEMPT_DYNAMIC @0 amd64}: uname -r, uname -v and the architecture. */
    public static String kernel() {
        return read("/proc/sys/kernel/osrelease") + " " + read("/proc/sys/kernel/version") + " " + System.getProperty("os.arch");
    }

    /** {@code librte-bpf23 22.11.11-0+deb12u1} (Debian's package), or what is known of it. */
    public static String dpdk() {
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}", "librte-bpf23").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 && !v.isEmpty() ? "librte-bpf23 " + v : "librte_bpf.so.23 (package version unknown)";
        } catch (IOException e) {
            return "librte_bpf.so.23 (package version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "librte_bpf.so.23 (package version unknown)";
        }
    }

    /** The release of the runtime a name stands for, or null for runtimes of ours. */
    public static String of(String runtime) {
        CRepro.Target t = CRepro.Target.of(runtime);
        if (t == null) return null;
        return t == CRepro.Target.KERNEL ? "Linux " + kernel() : "DPDK " + dpdk();
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
