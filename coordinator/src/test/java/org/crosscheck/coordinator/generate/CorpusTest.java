package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.crosscheck.coordinator.campaign.CaseRunner;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;

/** Mutants of the project's corpus keep its programs' shape, loops included. */
class CorpusTest {
    /**
     * Every mutant of the seeds ends within the mutant budget: a mutation never touches what a loop's
     * back edge compares. (One mutant of the looping seed in a hundred used to loop forever; the
     * kernel's verifier took half a second to reject each.)
     */
    @Test
    void mutantsOfLoopingSeedsStillEnd() throws Exception {
        Generator.Config config = Generator.Config.of(Group.rfc(), CpuVersion.V4);
        Corpus corpus = Corpus.load(List.of(Path.of("..", "corpus", "seeds")), config, w -> {
            throw new AssertionError(w);
        });
        assertTrue(corpus.entries().stream().anyMatch(e -> e.source().endsWith("checksum-loop.data")), "the looping seed is in the corpus");
        Interpreter interp = new Interpreter();
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> endless = new ArrayList<>();
        int mutants = 20_000;
        for (int k = 0; k < mutants; k++) {
            Corpus.Entry m = corpus.mutate(rnd, config);
            Outcome o = interp.run(m.program(), m.memory(), new Limits(CaseRunner.MUTANT_BUDGET, 10_000));
            if (o instanceof Outcome.Trapped t && t.kind() == Outcome.TrapKind.BUDGET) endless.add(m.source());
        }
        assertEquals(List.of(), endless, "mutants that reached the budget of " + CaseRunner.MUTANT_BUDGET + " instructions, of " + mutants);
    }
}
