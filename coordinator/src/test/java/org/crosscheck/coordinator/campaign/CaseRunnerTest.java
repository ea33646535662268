package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.IsaException;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

/** A batch's findings: how divergences are titled and when they are minimized. */
class CaseRunnerTest {
    private static final String MUTANT = "interp-mutant:add32-zext";

    /**
     * A corpus program that shows a bug is a reproducer: its mutants that diverge the same way, and
     * keep the ops that name it, get its title and its minimized program at once, in every batch,
     * without minimizing again.
     */
    @Test
    void mutantsOfAReproducerGetItsTitleWithoutMinimizing() throws IsaException {
        Corpus corpus = Corpus.of(List.of(new Corpus.Entry(
                Assembler.assemble("mov %r2, 0x7fffffff\nadd32 %r2, 1\nmov %r0, %r2\nrsh %r0, 32\nexit"), new byte[0], "corpus/add32.data")));
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        CaseRunner runner = new CaseRunner(7, "interp", List.of(new Interpreter(), Runtimes.create(MUTANT)), config, corpus, new Metrics(), null, 10_000);
        List<FindingStore.Report> ofMutants = new ArrayList<>();
        Set<String> titles = new TreeSet<>();
        Set<String> repros = new TreeSet<>();
        long minimizedGenerated = 0;
        for (long start = 0; start < 1_000; start += 250) {
            for (FindingStore.Report r : runner.run(start, start + 250, List.of("interp", MUTANT)).findings) {
                if (CaseRunner.caseOf(7, r.index(), runner.generator(), corpus).mutated()) {
                    ofMutants.add(r);
                    titles.add(r.title());
                    repros.add(r.repro().toString());
                    assertTrue(r.minimized(), "case " + r.caseId() + " has no minimized reproducer");
                } else if (r.minimized()) {
                    minimizedGenerated++;
                }
            }
        }
        assertTrue(ofMutants.size() >= 20, "mutants of the reproducer that diverge: " + ofMutants.size());
        assertEquals(1, titles.size(), "one title: " + titles);
        assertTrue(titles.iterator().next().contains("add32"), titles.toString());
        assertEquals(1, repros.size(), "one reproducer: " + repros);
        assertEquals(1 + minimizedGenerated, runner.minimizations(), "minimized: the corpus program once, and generated cases");
    }
}
