package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import org.crosscheck.runtime.vm.VmPrepare;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

// Not mixinStandardHelpOptions: its --version (the kernel's) would clash with the standard --version, and
// picocli then drops the inherited --help with it; --help is declared here instead.
@Command(name = "prepare",
        description = {
            "Fetches Debian's kernel image package for ARCH and VERSION (apt-get download; a foreign architecture",
            "is added to dpkg first), extracts its vmlinuz, compiles the guest executor static with Debian's",
            "gcc for ARCH (installed with apt-get when missing), writes an initramfs (the executor as /init and",
            "the virtio modules of its port) into $XDG_CACHE_HOME/crosscheck/vm/ARCH-VERSION/ (default ~/.cache),",
            "then boots the guest once and prints its kernel release, architecture, JIT setting, and that bpf()",
            "works (PROG_LOAD + TEST_RUN of r0 = 42). Needs root (apt-get) and QEMU."
        },
        footer = {"", "Example:", "  crosscheck vm prepare --arch arm64 --version 6.1"})
final class VmPrepareCommand extends CliCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "Debian architecture: amd64, arm64, i386, armhf, ppc64el, s390x or mips64el.")
    String arch;

    @Option(names = "--version", defaultValue = "6.1", paramLabel = "VERSION", description = "Kernel version, e.g. 6.1 or 6.12 (default: ${DEFAULT-VALUE}).")
    String version;

    @Override
    public Integer call() {
        PrintWriter out = out();
        try {
            VmArch a = VmArch.of(arch);
            long t = System.nanoTime();
            VmCache.Prepared p = new VmPrepare(a, version, line -> {
                out.println(line);
                out.flush();
            }).prepare();
            out.printf("[%5.1f s] prepared %s in %s; booting it once...%n", (System.nanoTime() - t) / 1e9, p.label(), p.dir());
            out.flush();
            VmPrepare.Check c = VmPrepare.check(p);
            out.printf("[%5.1f s] guest %s: kernel %s, arch %s, bpf_jit_enable %s, booted in %.1f s; bpf() works (PROG_LOAD + TEST_RUN of r0 = 42 gave %d in %d ms)%n",
                    (System.nanoTime() - t) / 1e9, p.label(), c.hello().release(), c.hello().machine(), c.hello().jitEnable(), c.bootMillis() / 1e3, c.r0(), c.runMicros() / 1000);
            out.println(c.hello().modeRefused(true).map(why -> "runtimes: vm:" + p.label() + ":interp (no vm:" + p.label() + ":jit: " + why + ")")
                    .orElse("runtimes: vm:" + p.label() + ":jit, vm:" + p.label() + ":interp"));
            return 0;
        } catch (IllegalArgumentException e) {
            throw new UserError("--arch: " + e.getMessage());
        } catch (VmException e) {
            throw new UserError("vm prepare: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError("vm prepare: " + e.getMessage());
        }
    }
}
