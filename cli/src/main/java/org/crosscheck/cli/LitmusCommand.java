package org.crosscheck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "litmus",
        mixinStandardHelpOptions = true,
        description = {
            "BPF litmus tests (herd's BPF dialect): check them against the BPF memory model."
        },
        subcommands = {LitmusCheckCommand.class},
        footer = {"", "Example:", "  crosscheck litmus check ../shared/litmus/bpf"})
final class LitmusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
