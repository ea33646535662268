package org.crosscheck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "vm",
        mixinStandardHelpOptions = true,
        description = {
            "Linux kernels of other architectures and versions as runtimes: Debian's kernel booted in QEMU (TCG)",
            "with a small executor as /init. 'prepare' fetches and builds a guest, 'list' shows the prepared, 'exec'",
            "runs a standalone program (a C reproducer) on one. Each prepared guest is then runtime",
            "vm:<arch>[-<version>]:<jit|interp> (without a version, the newest prepared)."
        },
        subcommands = {VmPrepareCommand.class, VmListCommand.class, VmExecCommand.class},
        footer = {"", "Examples:", "  crosscheck vm prepare --arch arm64 --version 6.1", "  crosscheck vm list",
            "  crosscheck conformance --runtime vm:arm64-6.1:jit ../shared/bpf_conformance/tests"})
final class VmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
