package org.crosscheck.coordinator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CaseRunner;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.junit.jupiter.api.Test;

/** The oracle in a campaign's cases: counted on the real kernel, and its findings when a verifier claims too much. */
class OracleCampaignTest {
    /** The real kernel's verifier with one lie in its log: a loaded byte is claimed to be at most 3. */
    static final class Lying extends KernelRuntime {
        @Override
        public Verification verify(Program program, byte[] memory) {
            Verification v = super.verify(program, memory);
            return new Verification(v.accepted(), v.log().replace("umax=umax32=255", "umax=umax32=3").replace("smax=umax=smax32=umax32=255", "smax=umax=smax32=umax32=3"),
                    v.userStart());
        }
    }

    static Tally run(KernelRuntime kernel) {
        var config = Campaign.generatorConfig(List.of(new Interpreter(), kernel), Group.rfc(), CpuVersion.V4, 24, false);
        CaseRunner runner = new CaseRunner(5, "interp", List.of(new Interpreter(), kernel), config, Corpus.of(List.of()), new Metrics(), null, 10_000, 1);
        return runner.run(0, 300, List.of("interp", "kernel"));
    }

    @Test
    void theRealKernelsClaimsHoldAndAreCounted() {
        try (KernelRuntime kernel = new KernelRuntime()) {
            assumeTrue(kernel.unavailableReason().isEmpty(), "kernel unavailable");
            Tally t = run(kernel);
            assertEquals(List.of(), t.findings().stream().map(FindingStore.Report::title).toList());
            assertTrue(t.oracle().get("kernel/checks") >= 250, t.oracle().toString());
            assertTrue(t.oracle().get("kernel/states") > t.oracle().get("kernel/checks"), t.oracle().toString());
            assertTrue(t.oracle().get("kernel/log_bytes") > 0);
            assertFalse(t.oracle().containsKey("kernel/unreadable"), t.oracle().toString());
        }
    }

    @Test
    void aClaimTheRunBreaksIsAMinimizedFindingWithTheLogsLines() {
        try (KernelRuntime kernel = new Lying()) {
            assumeTrue(kernel.unavailableReason().isEmpty(), "kernel unavailable");
            Tally t = run(kernel);
            List<FindingStore.Report> found = t.findings();
            assertFalse(found.isEmpty(), "the lie was not caught: " + t.oracle());
            assertEquals((long) found.size(), t.oracle().get("kernel/findings/value"), t.oracle().toString());
            FindingStore.Report first = found.stream().filter(FindingStore.Report::minimized).findFirst().orElseThrow();
            assertTrue(first.title().startsWith("verifier claim (value): kernel vs interp ["), first.title());
            assertEquals("verifier claim", first.kind());
            assertTrue(first.claim().contains("outside the verifier's umax=3") || first.claim().contains("outside the verifier's smax=3"), first.claim());
            assertTrue(first.claim().contains("=3"), "the log's lines: " + first.claim());
            assertTrue(first.repro().insns().size() <= 12, "minimized: " + first.repro().insns());
        }
    }
}
