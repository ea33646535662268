package org.crosscheck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "litmus",
        mixinStandardHelpOptions = true,
        description = {
            "BPF litmus tests (herd's BPF dialect): check them against the BPF memory model (check), generate new ones (gen), run them on real threads of the runtimes and judge what they show (run)."
        },
        subcommands = {LitmusCheckCommand.class, LitmusGenCommand.class, LitmusRunCommand.class},
        footer = {"", "Examples:", "  crosscheck litmus check ../shared/litmus/bpf",
            "  crosscheck litmus gen --count 1000 --seed 7 --out /tmp/litmus",
            "  crosscheck litmus run --runtime interp,jit,kernel ../shared/litmus/bpf/SB+fencembonceonces.litmus"})
final class LitmusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
