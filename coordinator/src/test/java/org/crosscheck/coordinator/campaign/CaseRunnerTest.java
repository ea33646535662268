package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.crosscheck.coordinator.cluster.Wire;
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
        assertMutantsInheritTitles(corpus, 1);
    }

    /**
     * The same with two reproducers of one bug, named by different ops, in the corpus a worker receives
     * from its coordinator: each entry keeps its source over the wire, so the mutants of each inherit its
     * own title. (They all arrived as "coordinator": mutants of one were checked against the other's ops
     * and minimized again in every batch, a tenth of a kernel campaign's runs.)
     */
    @Test
    void mutantsOfEachReproducerReceivedOverTheWireGetItsOwnTitle() throws IsaException {
        Corpus local = Corpus.of(List.of(
                // on r6 and r7, whose operations mutation keeps (they hold pointers by convention), so every mutant keeps its ops
                new Corpus.Entry(Assembler.assemble("mov %r6, 0x7fffffff\nadd32 %r6, 1\nrsh %r6, 32\nmov %r0, %r6\nexit"), new byte[0], "corpus/rsh.data"),
                new Corpus.Entry(Assembler.assemble("mov %r7, 0x7fffffff\nadd32 %r7, 1\narsh %r7, 8\nmov %r0, %r7\nexit"), new byte[0], "corpus/arsh.data")));
        Corpus received = Wire.corpus(Wire.corpus(local));
        assertEquals(List.of("corpus/rsh.data", "corpus/arsh.data"), received.entries().stream().map(Corpus.Entry::source).toList());
        assertMutantsInheritTitles(received, 2);
    }

    /** Over 4 batches: the mutants of each of the corpus's {@code reproducers} get one title and one reproducer each. */
    private static void assertMutantsInheritTitles(Corpus corpus, int reproducers) {
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        CaseRunner runner = new CaseRunner(7, "interp", List.of(new Interpreter(), Runtimes.create(MUTANT)), config, corpus, new Metrics(), null, 10_000);
        java.util.Map<String, Set<String>> titles = new java.util.TreeMap<>(), repros = new java.util.TreeMap<>();
        int ofMutants = 0;
        long minimizedGenerated = 0;
        for (long start = 0; start < 1_000; start += 250) {
            for (FindingStore.Report r : runner.run(start, start + 250, List.of("interp", MUTANT)).findings) {
                Generator.Case c = CaseRunner.caseOf(7, r.index(), runner.generator(), corpus);
                if (c.mutated()) {
                    ofMutants++;
                    titles.computeIfAbsent(c.origin(), k -> new TreeSet<>()).add(r.title());
                    repros.computeIfAbsent(c.origin(), k -> new TreeSet<>()).add(r.repro().toString());
                    assertTrue(r.minimized(), "case " + r.caseId() + " has no minimized reproducer");
                } else if (r.minimized()) {
                    minimizedGenerated++;
                }
            }
        }
        assertTrue(ofMutants >= 20, "mutants of the reproducers that diverge: " + ofMutants);
        assertEquals(reproducers, titles.size(), "reproducers whose mutants diverged: " + titles.keySet());
        for (var e : titles.entrySet()) {
            assertEquals(1, e.getValue().size(), e.getKey() + ": one title: " + e.getValue());
            assertTrue(e.getValue().iterator().next().contains("add32"), e.getValue().toString());
            assertEquals(1, repros.get(e.getKey()).size(), e.getKey() + ": one reproducer: " + repros.get(e.getKey()));
        }
        assertEquals(reproducers + minimizedGenerated, runner.minimizations(), "minimized: each corpus program once, and generated cases");
    }
}
