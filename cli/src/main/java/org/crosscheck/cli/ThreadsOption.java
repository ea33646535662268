package org.crosscheck.cli;

import picocli.CommandLine.Option;

/** {@code --threads}, shared by {@code campaign} and {@code worker}: how many batches run at once. */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = "Batches run at once (default: number of cores; a litmus campaign: 1).")
    Integer threads;

    /** The number given, else {@code fallback}; less than 1 is an error. */
    int resolve(int fallback) {
        int n = threads != null ? threads : fallback;
        if (n < 1) throw new UserError("--threads must be at least 1, not " + n);
        return n;
    }

    static int cores() {
        return java.lang.Runtime.getRuntime().availableProcessors();
    }
}
