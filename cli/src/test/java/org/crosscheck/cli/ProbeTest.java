package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPDK's skipped conformance tests came from a built-in list never checked against DPDK. Now the
 * committed probe lists (conformance/dpdk-*-probe.txt) are what `crosscheck probe` finds DPDK itself
 * does with each shared test, and this compares them; conformance checks our skips against them.
 */
class ProbeTest {
    @ParameterizedTest
    @ValueSource(strings = {"dpdk-interp", "dpdk-jit"})
    void theCommittedProbeListIsWhatDpdkDoes(String runtime) throws IOException {
        try (Runtime r = Runtimes.create(runtime)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> "DPDK missing: " + r.unavailableReason().orElse(""));
        }
        String committed;
        try (InputStream in = ProbeTest.class.getClassLoader().getResourceAsStream("conformance/" + runtime + "-probe.txt")) {
            committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Cli c = Cli.run("probe", "--runtime", runtime, Cli.shared().resolve("bpf_conformance/tests").toString());
        assertEquals(0, c.exit(), c.err());
        assertEquals(committed, c.out(), "regenerate with: ./crosscheck probe --runtime " + runtime + " --output runtimes/src/main/resources/conformance/"
                + runtime + "-probe.txt ../shared/bpf_conformance/tests");
    }
}
