package org.crosscheck.cli;

import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs programs: which runtime, and its bounds. */
final class RuntimeOptions {
    @Option(names = {"-r", "--runtime"}, defaultValue = "interp", paramLabel = "NAME",
            description = "Runtime to run on (default: ${DEFAULT-VALUE}); one of: interp, jit, kernel, dpdk-interp, dpdk-jit, plugin:NAME, interp-mutant:NAME.")
    String runtime;

    @Mixin
    PluginOptions pluginOptions;

    @Option(names = "--budget", defaultValue = "1000000", paramLabel = "N",
            description = "Instruction budget of in-process runtimes (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS",
            description = "Wall-clock limit per run for external runtimes (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    Limits limits() {
        try {
            return new Limits(budget, timeoutMillis);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The runtime, checked to be available here; its unavailability is a user error. */
    Runtime open() {
        pluginOptions.define();
        Runtime r;
        try {
            r = Runtimes.create(runtime);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        r.unavailableReason().ifPresent(why -> {
            throw new UserError("runtime " + runtime + " is not available here: " + why);
        });
        return r;
    }
}
