package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** Kernel tests run only where bpf() works, and say why not otherwise. */
final class KernelAssumptions {
    private KernelAssumptions() {}

    static void assumeKernel() {
        Optional<String> why = Availability.reason();
        assumeTrue(why.isEmpty(), () -> "kernel runtime unavailable: " + why.orElse(""));
    }
}
