package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** Kernel tests run only where bpf() works, and say why not otherwise. */
public final class KernelTests {
    private KernelTests() {}

    private static KernelRuntime shared;
    private static KernelRuntime sharedInstrumented;

    public static void assumeKernel() {
        Optional<String> why = Availability.reason();
        assumeTrue(why.isEmpty(), () -> "kernel runtime unavailable: " + why.orElse(""));
    }

    /** One runtime for the test classes that do not count its resources (lives as long as the JVM). */
    static synchronized KernelRuntime kernel() {
        assumeKernel();
        if (shared == null) shared = new KernelRuntime();
        return shared;
    }

    /** The same for the instrumented mode. */
    static synchronized KernelRuntime instrumented() {
        assumeKernel();
        if (sharedInstrumented == null) sharedInstrumented = new KernelRuntime(KernelRuntime.Mode.INSTRUMENTED);
        return sharedInstrumented;
    }
}
