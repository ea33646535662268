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
import org.junit.jupiter.params.provider.Arguments;
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

    /** Each mutant on one input a program and on the default of in-process runtimes (8), same seed. */
    static Stream<Arguments> mutants() {
        return Mutants.names().stream().flatMap(m -> Stream.of(1, CampaignConfig.defaultInputs(false))
                .filter(k -> k > 1 || !m.equals(INPUT_ONLY)).map(k -> Arguments.of(m, k)));
    }

    @ParameterizedTest(name = "{0} on {1} inputs")
    @MethodSource("mutants")
    void campaignFindsTheInjectedBug(String mutant, int inputs) throws Exception {
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
        String found = null;
        while (runner.isAlive() && found == null) {
            Thread.sleep(50);
            for (FindingStore.Summary s : store.list()) {
                String ops = s.title().substring(s.title().lastIndexOf('[') + 1);
                for (String m : mnemonics) if (List.of(ops.replace("]", "").split("[ ,]")).contains(m)) found = s.title();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        campaign.stop();
        runner.join();
        System.out.printf("mutant %-18s on %d inputs detected in %5.1f s after %,d programs: %s%n", mutant, inputs, seconds, campaign.totalPrograms(), found);
        assertTrue(found != null, mutant + ": no finding naming " + mnemonics + " within 60 s; findings: "
                + store.list().stream().map(FindingStore.Summary::title).toList());
    }
}
