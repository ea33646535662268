package org.crosscheck.cli;

import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that runs programs: which runtime, and its bounds. */
final class RuntimeOptions {
    @Option(names = {"-r", "--runtime"}, defaultValue = "interp", paramLabel = "NAME",
            description = "Runtime to run on (default: ${DEFAULT-VALUE}); one of: interp, jit, kernel, dpdk-interp, dpdk-jit, vm:ARCH[-VERSION]:jit|interp (see crosscheck vm), plugin:NAME, interp-mutant:NAME.")
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
        return available(runtime);
    }

    /** The runtime of this name; an unknown name is a user error listing the known ones. */
    static Runtime create(String name) {
        try {
            return Runtimes.create(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The runtime of this name, checked to be available here (else closed, and a user error saying why). */
    static Runtime available(String name) {
        Runtime r = create(name);
        var why = r.unavailableReason();
        if (why.isPresent()) {
            r.close();
            throw new UserError("runtime " + name + " is not available here: " + why.get());
        }
        return r;
    }
}
