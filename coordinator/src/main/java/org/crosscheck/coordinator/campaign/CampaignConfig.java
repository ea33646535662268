package org.crosscheck.coordinator.campaign;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;

/**
 * What a campaign runs: which runtimes (the first is the reference every other is compared
 * against), which groups and CPU version the generator may use, for how long, from which seed;
 * {@code allowMissingExit} lets the generator drop the final exit of some programs (loader crash hunting);
 * {@code timeoutMillis} is the wall-clock limit of one run on an external runtime; {@code litmus}, when not
 * null, makes it a litmus campaign (cases are generated litmus tests judged by the memory model);
 * {@code profile} is what the generated programs stress; {@code verifierOracleEvery} N has the verifier oracle check one case in N on each kernel runtime (0: off).
 */
public record CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
        long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus, boolean allowMissingExit, long timeoutMillis,
        LitmusCaseRunner.Options litmus, int verifierOracleEvery, org.crosscheck.coordinator.generate.Generator.Profile profile) {

    /** A campaign of programs (no litmus options). */
    public CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
            long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus, boolean allowMissingExit, long timeoutMillis) {
        this(runtimes, groups, cpu, seed, duration, maxPrograms, workdir, threads, batchSize, maxUnits, corpus, allowMissingExit, timeoutMillis, null, 0, org.crosscheck.coordinator.generate.Generator.Profile.DEFAULT);
    }

    /** Without programs that lack their final exit, default wall-clock limit (the usual campaign). */
    public CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
            long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus) {
        this(runtimes, groups, cpu, seed, duration, maxPrograms, workdir, threads, batchSize, maxUnits, corpus, false,
                org.crosscheck.runtime.Limits.DEFAULT.wallClockMillis());
    }

    public CampaignConfig {
        // litmus campaigns too: batches are handed out as (reference, other runtime) parts, interp the natural reference
        if (runtimes.size() < 2) throw new IllegalArgumentException("a campaign compares at least two runtimes, got " + runtimes);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
        if (timeoutMillis < 1) throw new IllegalArgumentException("timeout must be at least 1 ms, is " + timeoutMillis);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
        if (verifierOracleEvery < 0) throw new IllegalArgumentException("verifier oracle rate must be 1/N with N at least 1, or off");
        runtimes = List.copyOf(runtimes);
        groups = Set.copyOf(groups);
        corpus = List.copyOf(corpus);
    }

    /** Where corpus programs to mutate live: the given directories plus this workdir's findings. */
    public List<Path> corpusDirs() {
        List<Path> all = new java.util.ArrayList<>(corpus);
        all.add(workdir.resolve("findings"));
        return all;
    }

    public String reference() {
        return runtimes.get(0);
    }
}
