package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Runtimes;
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
     * detection and the first case of each (the time includes the single-node cluster's start, about 1 s).
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
        String name = Mutants.PREFIX + mutant;
        var cfg = new CampaignConfig(List.of("interp", name), Group.rfc(), CpuVersion.V4, 1, Duration.ofSeconds(60), 0,
                work, 2, 64, 24, List.of()).withInputs(inputs);
        var store = new FindingStore(work);
        var runtimes = List.of(Runtimes.create("interp"), Runtimes.create(name));
        var campaign = new Campaign(cfg, runtimes, store, new Metrics());
        Set<String> mnemonics = new java.util.HashSet<>();
        for (Op op : Mutants.get(mutant).ops()) mnemonics.add(org.crosscheck.coordinator.compare.Title.name(op));
        long t0 = System.nanoTime();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                LocalCampaign.run(campaign, runtimes, 2, null);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        while (runner.isAlive() && naming(store, mnemonics).isEmpty()) Thread.sleep(50);
        double seconds = (System.nanoTime() - t0) / 1e9;
        campaign.stop();
        runner.join();
        List<FindingStore.Summary> found = naming(store, mnemonics);
        assertTrue(!found.isEmpty(), mutant + ": no finding naming " + mnemonics + " within 60 s on " + inputs + " inputs; findings: "
                + store.list().stream().map(FindingStore.Summary::title).toList());
        // the batches in flight when it stopped are done: the findings' cases include the first that shows the bug
        long first = Long.MAX_VALUE;
        for (FindingStore.Summary f : found) {
            for (String l : java.nio.file.Files.readAllLines(f.dir().resolve("cases"))) first = Math.min(first, Long.parseLong(l.substring(l.indexOf(':') + 1).trim()));
        }
        System.out.printf("mutant %-18s on %d inputs detected in %5.1f s, first at case %,d: %s%n", mutant, inputs, seconds, first,
                found.stream().map(FindingStore.Summary::title).toList());
        return first;
    }

    /** The stored findings whose title's bracket names one of the mutated instructions. */
    private static List<FindingStore.Summary> naming(FindingStore store, Set<String> mnemonics) throws java.io.IOException {
        return store.list().stream().filter(s -> {
            String ops = s.title().substring(s.title().lastIndexOf('[') + 1).replace("]", "");
            return List.of(ops.split("[ ,]")).stream().anyMatch(mnemonics::contains);
        }).toList();
    }
}
