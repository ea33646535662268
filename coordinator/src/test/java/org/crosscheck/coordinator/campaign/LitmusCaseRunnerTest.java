package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.Group;
import org.crosscheck.memmodel.LitmusGenerator;
import org.junit.jupiter.api.Test;

/** A worker's batch of a litmus campaign: counts, observations, and findings only where a runtime is wrong. */
class LitmusCaseRunnerTest {
    static final LitmusCaseRunner.Options OPTIONS = new LitmusCaseRunner.Options(
            new LitmusGenerator.Config(Set.of(Group.ATOMIC64), 2, 2, 6), 2000);

    @Test
    void correctRuntimesGiveNoFindingAndEveryTestIsCounted() {
        Tally t = new LitmusCaseRunner(5, OPTIONS).run(0, 12, List.of("interp", "jit"));
        assertEquals(12, t.programs());
        assertEquals(12L, t.executed().get("interp"));
        assertEquals(12L, t.executed().get("jit"));
        assertEquals(List.of(), t.findings().stream().map(FindingStore.Report::title).toList());
        assertEquals(12L * 2000, t.litmusIterations().get("jit"));
        assertEquals(12L, t.litmusObservations().entrySet().stream().filter(e -> e.getKey().startsWith("jit/")).mapToLong(e -> e.getValue()).sum());
        // the interpreter shows sequentially consistent states only: a test the model forbids is never observed there
        assertTrue(t.litmusObservations().keySet().stream().noneMatch(k -> k.startsWith("interp/Forbidden/") && !k.endsWith("/Never")), t.litmusObservations().toString());
    }

    @Test
    void theWrongMappingIsCaughtWithTheTestAndItsHistograms() {
        Tally t = new LitmusCaseRunner(5, OPTIONS).run(0, 24, List.of("interp", "jit-mutant:unordered-fetch"));
        List<FindingStore.Report> found = t.findings();
        assertTrue(!found.isEmpty(), "no forbidden state in 24 tests of fetch atomics");
        for (FindingStore.Report r : found) {
            assertTrue(r.isLitmus());
            assertTrue(r.title().startsWith("forbidden state: jit-mutant:unordered-fetch vs bpf-memory-model [atomic64"), r.title());
            assertEquals(List.of("jit-mutant:unordered-fetch"), r.runtimes());
            assertTrue(r.litmusTest().startsWith("BPF "), r.litmusTest());
            assertTrue(r.litmusReport().contains("<- forbidden by the BPF memory model"), r.litmusReport());
        }
        assertEquals((long) found.size(), t.divergences().get("forbidden-state"));
    }

    @Test
    void deterministicPerSeedAndIndex() {
        var a = new LitmusCaseRunner(9, OPTIONS).run(3, 6, List.of("interp"));
        var b = new LitmusCaseRunner(9, OPTIONS).run(3, 6, List.of("interp"));
        assertEquals(a.litmusObservations(), b.litmusObservations());
        assertEquals(a.litmusIterations(), b.litmusIterations());
    }
}
