package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.runtime.mutant.Mutants;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Injected bugs are found: a single-node campaign (coordinator and worker in this JVM) of interp against each interp-mutant must store, within 60 s,
 * a finding whose title names the mutated instruction. Prints the time to detection.
 */
class MutantDetectionTest {
    @TempDir
    Path work;

    /** The mutant that only some inputs show (found on many inputs, see ManyInputsTest; not on one). */
    static final String INPUT_ONLY = "ldxw-input-31";

    /**
     * Each mutant on one input a program, then on the default of in-process runtimes (8), same seed: found on
     * both (the input-only one on 8), and on 8 at a case no later than on 1 (a program's own input is judged
     * first, so the first case that shows the bug on one input shows it on eight). Prints the time to
     * detection and the first case of each (the time from the first batch handed out).
     */
    static Stream<String> mutants() {
        return Mutants.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void campaignFindsTheInjectedBugOnManyInputsNoLaterThanOnOne(String mutant) throws Exception {
        long one = mutant.equals(INPUT_ONLY) ? Long.MAX_VALUE : firstCase(mutant, 1, work.resolve("one"));
        long many = firstCase(mutant, CampaignConfig.defaultInputs(false), work.resolve("many"));
        assertTrue(many <= one, mutant + ": found on " + CampaignConfig.defaultInputs(false) + " inputs first at case " + many + ", on 1 at case " + one);
    }

    /** Runs the campaign until a finding names the mutated instruction; the first case of that finding. */
    private static long firstCase(String mutant, int inputs, Path work) throws Exception {
        MutantHunt.Detection d = MutantHunt.hunt(mutant, inputs, 1, work, Duration.ofSeconds(60));
        assertTrue(d.found(), mutant + ": no finding naming its instructions within 60 s on " + inputs + " inputs");
        System.out.printf("mutant %-18s on %d inputs detected in %5.1f s, first at case %,d: %s%n", mutant, inputs, d.seconds(), d.firstCase(), d.titles());
        return d.firstCase();
    }
}
