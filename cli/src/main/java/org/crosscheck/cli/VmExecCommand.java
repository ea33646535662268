package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import org.crosscheck.runtime.vm.VmExec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

// Not mixinStandardHelpOptions, for the same reason as 'vm prepare': its --version is the kernel's.
@Command(name = "exec",
        description = {
            "Runs a standalone program on a prepared guest kernel: FILE.c is compiled static with Debian's gcc for",
            "ARCH (the cross compiler installed with apt-get when missing; any other FILE is taken for a static",
            "executable of ARCH), a fresh guest boots with its JIT on (--jit, the default) or off (--interp), the",
            "guest executor runs the program as its child, and its stdout and stderr are printed here as they",
            "came; a last line on stderr names the kernel (release, Debian package and version, bpf_jit_enable)",
            "and the exit code. What a C reproducer of a kernel bug (replay --emit-c) is shown on. Exit code: the",
            "program's."
        },
        footer = {"", "Examples:",
            "  crosscheck vm exec --arch armhf --version 6.1 corpus/reproducers/linux-arm32-jit-shift-count-unmasked.vm-armhf-6.1-jit.c",
            "  crosscheck vm exec --arch armhf --version 6.1 --interp corpus/reproducers/linux-arm32-jit-shift-count-unmasked.vm-armhf-6.1-jit.c"})
final class VmExecCommand extends CliCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--arch", required = true, paramLabel = "ARCH", description = "Debian architecture of a prepared guest (crosscheck vm list).")
    String arch;

    @Option(names = "--version", paramLabel = "VERSION", description = "Kernel version, e.g. 6.1 or 6.12 (default: the newest prepared).")
    String version;

    @Option(names = "--jit", description = "Run with net.core.bpf_jit_enable 1 (the default).")
    boolean jit;

    @Option(names = "--interp", description = "Run with net.core.bpf_jit_enable 0: the kernel's interpreter.")
    boolean interp;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS", description = "Wall-clock limit of the program's run (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(paramLabel = "FILE", description = "A C file (FILE.c) or a static executable for ARCH.")
    Path file;

    @Override
    public Integer call() throws IOException {
        if (jit && interp) throw new UserError("--jit and --interp: choose one");
        if (timeoutSeconds <= 0) throw new UserError("--timeout: expected a positive number of seconds, got " + timeoutSeconds);
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        VmArch a;
        try {
            a = VmArch.of(arch);
        } catch (IllegalArgumentException e) {
            throw new UserError("--arch: " + e.getMessage());
        }
        PrintWriter err = err();
        try {
            VmCache.Prepared image = VmCache.current(a, version);
            byte[] exe;
            if (file.getFileName().toString().endsWith(".c")) {
                exe = VmExec.compile(a, file, line -> {
                    err.println(line);
                    err.flush();
                });
            } else {
                exe = Files.readAllBytes(file);
            }
            VmExec.Ran r = VmExec.run(image, !interp, exe, timeoutSeconds * 1000L);
            out().print(r.exited().stdout());
            out().flush();
            err.print(r.exited().stderr());
            err.println("vm exec: " + file.getFileName() + " on " + r.release() + ": exit code " + r.exited().exitCode());
            return r.exited().exitCode();
        } catch (VmException e) {
            throw new UserError("vm exec: " + e.getMessage());
        }
    }
}
