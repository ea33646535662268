package org.crosscheck.runtime.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A standalone program on a guest kernel, nothing of ours between them but the guest executor that starts
 * it: a C file compiled static for the guest's architecture with Debian's gcc for it, sent to a freshly
 * booted guest (guest.c's 'X': written to /x, run as the executor's child with the guest's bpf_jit_enable),
 * its exit code and output sent back. How a C reproducer is shown on a VM kernel.
 */
public final class VmExec {
    private VmExec() {}

    /** What a run on a guest ended with, and the guest it ran on. */
    public record Ran(VmCache.Prepared image, Guest.Hello hello, Guest.Exited exited) {
        /** {@code Linux 6.1.0-57-armmp (Debian linux-image-6.1.0-57-armmp 6.1.158-1), armv7l, bpf_jit_enable 1}. */
        public String release() {
            return "Linux " + hello.release() + " (Debian " + image.debianRelease() + "), " + hello.machine() + ", bpf_jit_enable " + hello.jitEnable();
        }
    }

    /** {@code source} compiled static for {@code arch}: the executable's bytes. A compile error is a VmException. */
    public static byte[] compile(VmArch arch, Path source, Consumer<String> say) throws IOException {
        Path dir = Files.createTempDirectory("crosscheck-vm-exec-");
        try {
            Path bin = dir.resolve("program");
            VmPrepare.compileStatic(arch, source, bin, say);
            return Files.readAllBytes(bin);
        } finally {
            VmPrepare.deleteTree(dir);
        }
    }

    /**
     * Boots {@code image} with the JIT on or off, runs {@code executable} in it to its end within
     * {@code timeoutMillis}, and powers it off. A guest that cannot run in that mode, does not boot, or dies
     * (a kernel report on its console names it) is a VmException.
     */
    public static Ran run(VmCache.Prepared image, boolean jit, byte[] executable, long timeoutMillis) {
        try (Guest g = Guest.boot(image, jit)) {
            g.hello().modeRefused(jit).ifPresent(why -> {
                throw new VmException("guest " + image.label() + ": " + why);
            });
            try {
                Guest.Exited e = g.exec(executable, timeoutMillis);
                if (e.exitCode() == -1) throw new VmException("guest " + image.label() + ": the program did not start: " + e.stderr().strip());
                return new Ran(image, g.hello(), e);
            } catch (Guest.GuestFailure e) {
                Guest.Report report = g.newReport();
                throw new VmException("guest " + image.label() + " (" + g.hello().release() + ") died running the program: "
                        + (report != null ? report.title() : e.getMessage()));
            }
        }
    }
}
