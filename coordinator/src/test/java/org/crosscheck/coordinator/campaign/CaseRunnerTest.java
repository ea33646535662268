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

    /** A runtime under another's name: here an injected bug standing in for an instrumented kernel's wrapper. */
    record Named(String name, org.crosscheck.runtime.Runtime inner) implements org.crosscheck.runtime.Runtime {
        @Override
        public org.crosscheck.runtime.Capabilities capabilities() {
            return inner.capabilities();
        }

        @Override
        public org.crosscheck.runtime.Outcome run(org.crosscheck.isa.Program p, byte[] memory, org.crosscheck.runtime.Limits limits) {
            return inner.run(p, memory, limits);
        }
    }

    /**
     * A divergence of an instrumented runtime is re-run on its faithful one (the real kernel here) and
     * labelled: the wrong add32 is not the kernel's, so "only instrumented"; the same wrong runtime named
     * as a faithful one "reproduces bare"; a runtime of ours gets no label. Releases name the kernel.
     */
    @Test
    void findingsOfKernelRuntimesSayWhetherTheyReproduceBare() throws IsaException {
        try (var kernel = Runtimes.create("kernel")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(kernel.unavailableReason().isEmpty(), () -> "kernel unavailable: " + kernel.unavailableReason().orElse(""));
        }
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        for (String name : List.of("kernel-instrumented", "kernel", MUTANT)) {
            var wrong = new Named(name, Runtimes.create(MUTANT));
            CaseRunner runner = new CaseRunner(7, "interp", List.of(new Interpreter(), wrong), config, Corpus.of(List.of()), new Metrics(), null, 10_000, 0);
            List<FindingStore.Report> found = runner.run(0, 2_000, List.of("interp", name)).findings();
            assertTrue(!found.isEmpty(), name + ": the wrong add32 found nothing");
            for (FindingStore.Report r : found) {
                String expected = switch (name) {
                    case "kernel-instrumented" -> FindingStore.Report.ONLY_INSTRUMENTED;
                    case "kernel" -> FindingStore.Report.REPRODUCES_BARE;
                    default -> "";
                };
                assertEquals(expected, r.bare(), () -> name + ": " + r.title() + "\n" + org.crosscheck.isa.Disassembler.llvm(r.repro())
                        + "\nbare: " + Runtimes.create("kernel").run(r.repro(), r.reproMemory(), org.crosscheck.runtime.Limits.DEFAULT).describe()
                        + "\nreference: " + r.reproOutcomes().get("interp").describe());
                assertEquals(name.startsWith("kernel"), r.releases().startsWith(name + ": Linux "), r.releases());
            }
        }
    }

    /** Over 4 batches: the mutants of each of the corpus's {@code reproducers} get one title and one reproducer each. */
    private static void assertMutantsInheritTitles(Corpus corpus, int reproducers) {
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        CaseRunner runner = new CaseRunner(7, "interp", List.of(new Interpreter(), Runtimes.create(MUTANT)), config, corpus, new Metrics(), null, 10_000, 0);
        java.util.Map<String, Set<String>> titles = new java.util.TreeMap<>(), repros = new java.util.TreeMap<>();
        int ofMutants = 0;
        long minimizedGenerated = 0;
        for (long start = 0; start < 1_000; start += 250) {
            for (FindingStore.Report r : runner.run(start, start + 250, List.of("interp", MUTANT)).findings()) {
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
