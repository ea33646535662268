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
 * {@code profile} is what the generated programs stress; {@code verifierOracleEvery} N has the verifier oracle check one case in N on each kernel runtime (0: off);
 * {@code inputs} is how many inputs each program, loaded once per runtime, runs on.
 */
public record CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
        long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus, boolean allowMissingExit, long timeoutMillis,
        LitmusCaseRunner.Options litmus, int verifierOracleEvery, org.crosscheck.coordinator.generate.Generator.Profile profile, int inputs,
        org.crosscheck.coordinator.csmith.Csmith.Options csmith) {

    /** A campaign of generated programs or litmus tests ({@code csmith} null). */
    public CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
            long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus, boolean allowMissingExit, long timeoutMillis,
            LitmusCaseRunner.Options litmus, int verifierOracleEvery, org.crosscheck.coordinator.generate.Generator.Profile profile, int inputs) {
        this(runtimes, groups, cpu, seed, duration, maxPrograms, workdir, threads, batchSize, maxUnits, corpus, allowMissingExit, timeoutMillis, litmus,
                verifierOracleEvery, profile, inputs, null);
    }

    /**
     * Inputs per program unless told otherwise, chosen by measurement (README, "Measured"): 8 where every
     * runtime runs in this JVM (each more input costs about a program's run: interp+jit did 2.9-3.0 times the
     * executions at 51% of the programs/s), 32 where a runtime loads once ({@code Runtime.loadsOnce}: the
     * kernel's verifier and JIT cost far more than a BPF_PROG_TEST_RUN).
     */
    public static int defaultInputs(boolean someRuntimeLoadsOnce) {
        return someRuntimeLoadsOnce ? 32 : 8;
    }

    /** A campaign of programs (no litmus options). */
    public CampaignConfig(List<String> runtimes, Set<Group> groups, CpuVersion cpu, long seed, Duration duration,
            long maxPrograms, Path workdir, int threads, int batchSize, int maxUnits, List<Path> corpus, boolean allowMissingExit, long timeoutMillis) {
        this(runtimes, groups, cpu, seed, duration, maxPrograms, workdir, threads, batchSize, maxUnits, corpus, allowMissingExit, timeoutMillis, null, 0, org.crosscheck.coordinator.generate.Generator.Profile.DEFAULT, 1);
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
        if (inputs < 1) throw new IllegalArgumentException("inputs must be at least 1, is " + inputs);
        if (litmus != null && csmith != null) throw new IllegalArgumentException("a campaign is of litmus tests or of csmith programs, not both");
        if (verifierOracleEvery < 0) throw new IllegalArgumentException("verifier oracle rate must be 1/N with N at least 1, or off");
        runtimes = List.copyOf(runtimes);
        groups = Set.copyOf(groups);
        corpus = List.copyOf(corpus);
    }

    /** The same campaign with each program on up to {@code k} inputs. */
    public CampaignConfig withInputs(int k) {
        return new CampaignConfig(runtimes, groups, cpu, seed, duration, maxPrograms, workdir, threads, batchSize, maxUnits, corpus, allowMissingExit,
                timeoutMillis, litmus, verifierOracleEvery, profile, k, csmith);
    }

    /** Where corpus programs to mutate live: the given directories plus this workdir's findings and its path corpus. */
    public List<Path> corpusDirs() {
        List<Path> all = new java.util.ArrayList<>(corpus);
        all.add(workdir.resolve("findings"));
        all.add(org.crosscheck.coordinator.generate.PathCorpus.dirOf(workdir));
        return all;
    }

    /** What the workdir's campaign state holds: {@link CampaignState#PROGRAMS}, {@link CampaignState#LITMUS} or {@link CampaignState#CSMITH}. */
    public String kind() {
        return litmus != null ? CampaignState.LITMUS : csmith != null ? CampaignState.CSMITH : CampaignState.PROGRAMS;
    }

    public String reference() {
        return runtimes.get(0);
    }
}
