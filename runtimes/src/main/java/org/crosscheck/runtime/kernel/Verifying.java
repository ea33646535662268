package org.crosscheck.runtime.kernel;

import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Runtime;

/**
 * A runtime whose verifier can say what it believes: the host's {@code kernel} ({@link KernelRuntime}) and
 * a guest's ({@link VmRuntime}). The verifier oracle checks the reference's run against it.
 */
public interface Verifying extends Runtime {
    /**
     * {@code program} loaded as this runtime loads it for {@code memory}, with the verifier's log of level 2
     * (every state at every instruction walked; 16 MiB at most), and not run. Slow: the oracle samples.
     */
    Verification verify(Program program, byte[] memory);

    /** Whether the runtime called {@code name} is one: the host's kernels ({@code kernel...}) and the guests' ({@code vm:...}). */
    static boolean named(String name) {
        return name.startsWith("kernel") || name.startsWith("vm:");
    }

    /**
     * What the verifier said of a program: accepted or not, and its log of level 2, with the kernel's
     * instruction numbers (the user's pc k is the kernel's {@code k + userStart}: the runtime's prologue
     * comes first).
     */
    record Verification(boolean accepted, String log, int userStart) {}
}
