package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

/** Each program on several inputs: counted apart from programs, and finding bugs one input cannot show. */
class ManyInputsTest {
    private static final String INPUT_ONLY = "interp-mutant:ldxw-input-31";
    private static final int CASES = 2_000;

    private static Tally run(int inputs, String mutant) {
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        CaseRunner runner = new CaseRunner(11, "interp", List.of(new Interpreter(), Runtimes.create(mutant)), config, Corpus.of(List.of()), new Metrics(),
                null, 10_000, 0, inputs);
        return runner.run(0, CASES, List.of("interp", mutant));
    }

    /**
     * A bug only an input shows (ldxw of a word 31 in the input loads 30): the same 2,000 programs find it
     * on 8 inputs each and not on their own input alone; the finding's reproducer has the input that shows it.
     */
    @Test
    void aBugOnlySomeInputsShowIsFoundWithInputsAndNotWithout() {
        Tally one = run(1, INPUT_ONLY), eight = run(8, INPUT_ONLY);
        assertEquals(List.of(), one.findings().stream().map(FindingStore.Report::title).toList(), "one input each");
        assertEquals(CASES, one.executions());
        assertTrue(eight.findings().stream().anyMatch(r -> r.title().contains("ldxw")),
                "eight inputs each: " + eight.findings().stream().map(FindingStore.Report::title).toList());
        for (FindingStore.Report r : eight.findings()) {
            var good = new Interpreter().run(r.repro(), r.reproMemory().clone(), org.crosscheck.runtime.Limits.DEFAULT);
            var bad = Runtimes.create(INPUT_ONLY).run(r.repro(), r.reproMemory().clone(), org.crosscheck.runtime.Limits.DEFAULT);
            assertTrue(!good.sameAs(bad), r.title() + ": its reproducer (program and input) shows the bug: " + good.describe() + " vs " + bad.describe());
        }
    }

    /** Executions, paths and programs are counted apart; a program that reads no input runs once. */
    @Test
    void executionsAndPathsAreCountedApart() {
        Tally t = run(8, "jit");
        assertEquals(CASES, t.programs());
        assertTrue(t.executions() > 3L * CASES && t.executions() <= 8L * CASES, "executions " + t.executions());
        assertTrue(t.paths() > CASES && t.paths() <= t.executions(), "paths " + t.paths());
        assertTrue(t.multiPathPrograms() > 0 && t.multiPathPrograms() < CASES, "programs on more than one path " + t.multiPathPrograms());
        assertEquals(CASES, t.executed().get("jit"), "programs per runtime, not executions");
        assertTrue(t.findings().isEmpty(), t.findings().toString());
    }

    /**
     * The batch keeps its program with the most paths for the corpus: each kept input takes a path the ones
     * before it did not, the first is the program's own, and each r0 is the interpreter's on that input.
     */
    @Test
    void theBatchKeepsItsProgramWithTheMostPathsAndTheInputsThatReachedThem() {
        Tally t = run(8, "jit");
        Tally.PathInputs kept = t.pathInputs();
        assertTrue(kept != null && kept.inputs().size() >= 2, "kept " + kept);
        Generator.Case c = CaseRunner.caseOf(11, kept.index(), new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4)), Corpus.of(List.of()));
        assertEquals(c.program(), kept.program());
        org.junit.jupiter.api.Assertions.assertArrayEquals(c.memory(), kept.inputs().get(0).memory(), "the program's own input first");
        var probe = new org.crosscheck.coordinator.reference.Reference.PathProbe(kept.program());
        java.util.Set<Long> paths = new java.util.HashSet<>();
        for (Tally.Input in : kept.inputs()) {
            var path = probe.run(in.memory().clone(), CaseRunner.limits(c, 10_000));
            assertTrue(paths.add(path.hash()), "each kept input reaches a new path");
            var ran = new Interpreter().run(kept.program(), in.memory().clone(), org.crosscheck.runtime.Limits.DEFAULT);
            Long r0 = ran instanceof org.crosscheck.runtime.Outcome.Returned r ? r.r0() : null;
            assertEquals(r0, in.r0());
        }
        assertEquals(null, run(1, "jit").pathInputs(), "one input a program: nothing to keep");
    }
}
