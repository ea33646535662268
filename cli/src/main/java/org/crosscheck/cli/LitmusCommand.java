package org.crosscheck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "litmus",
        mixinStandardHelpOptions = true,
        description = {
            "BPF litmus tests (herd's BPF dialect): check them against the BPF memory model, or generate new ones."
        },
        subcommands = {LitmusCheckCommand.class, LitmusGenCommand.class},
        footer = {"", "Examples:", "  crosscheck litmus check ../shared/litmus/bpf", "  crosscheck litmus gen --count 1000 --seed 7 --out /tmp/litmus"})
final class LitmusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
