package org.crosscheck.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.compare.Title;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.mutant.Mutants;

/**
 * How soon a campaign finds an injected bug: a single-node campaign of interp against one interp-mutant
 * (2 threads, batches of 64, seed given), run until a finding's title names a mutated instruction or the
 * cap (counted from the campaign's start). Used by the mutant tests and by {@code bench mutants}, which compares one input a program with many.
 */
public final class MutantHunt {
    private MutantHunt() {}

    /**
     * A hunt's result: seconds from the first batch handed out to the finding seen in the store (the
     * single-node cluster's start, about 1 s and noisy, not counted), the first case among the finding's cases (-1 and the cap's seconds when none), and the
     * titles of the findings naming the mutated instructions.
     */
    public record Detection(String mutant, int inputs, double seconds, long firstCase, List<String> titles) {
        public boolean found() {
            return firstCase >= 0;
        }
    }

    /** Hunts {@code mutant} with {@code inputs} a program in the fresh workdir {@code work}, for at most {@code cap}. */
    public static Detection hunt(String mutant, int inputs, long seed, Path work, Duration cap) throws IOException, InterruptedException {
        String name = Mutants.PREFIX + mutant;
        var cfg = new CampaignConfig(List.of("interp", name), Group.rfc(), CpuVersion.V4, seed, cap, 0, work, 2, 64, 24, List.of()).withInputs(inputs);
        var store = new FindingStore(work);
        List<Runtime> runtimes = List.of(Runtimes.create("interp"), Runtimes.create(name));
        var campaign = new Campaign(cfg, runtimes, store, new Metrics());
        Set<String> mnemonics = new HashSet<>();
        for (Op op : Mutants.get(mutant).ops()) mnemonics.add(Title.name(op));
        Throwable[] failed = {null};
        Thread runner = Thread.ofPlatform().name("mutant-hunt").start(() -> {
            try {
                LocalCampaign.run(campaign, runtimes, 2, null);
            } catch (Exception | Error e) {
                failed[0] = e;
            }
        });
        while (runner.isAlive() && naming(store, mnemonics).isEmpty()) Thread.sleep(20);
        double seconds = (System.nanoTime() - campaign.queue().firstLeaseNanos()) / 1e9;
        campaign.stop();
        runner.join();
        for (Runtime r : runtimes) r.close();
        if (failed[0] != null) throw new IllegalStateException("the campaign against " + name + " failed: " + failed[0], failed[0]);
        List<FindingStore.Summary> found = naming(store, mnemonics);
        // the batches in flight when it stopped are done: the findings' cases include the first that shows the bug
        long first = -1;
        for (FindingStore.Summary f : found) {
            for (String l : Files.readAllLines(f.dir().resolve("cases"))) {
                long c = Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                first = first < 0 ? c : Math.min(first, c);
            }
        }
        return new Detection(mutant, inputs, first < 0 ? cap.toMillis() / 1e3 : seconds, first, found.stream().map(FindingStore.Summary::title).toList());
    }

    /** The stored findings whose title's bracket names one of the mutated instructions. */
    private static List<FindingStore.Summary> naming(FindingStore store, Set<String> mnemonics) throws IOException {
        return store.list().stream().filter(s -> {
            String ops = s.title().substring(s.title().lastIndexOf('[') + 1).replace("]", "");
            return List.of(ops.split("[ ,]")).stream().anyMatch(mnemonics::contains);
        }).toList();
    }
}
