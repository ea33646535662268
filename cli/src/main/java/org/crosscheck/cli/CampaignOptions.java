package org.crosscheck.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.campaign.LitmusCaseRunner;
import org.crosscheck.memmodel.LitmusGenerator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import picocli.CommandLine.Option;

/** The options of a campaign, shared by {@code campaign} (one machine) and {@code coordinator} (a cluster). */
final class CampaignOptions {
    @Option(names = "--runtimes", paramLabel = "R,R", description = "Runtimes, the reference first (default: interp and every other available built-in runtime).")
    String runtimes;

    @Option(names = "--groups", paramLabel = "G,G", description = "Conformance groups to generate (default: all RFC groups the runtimes support).")
    String groups;

    @Option(names = "--cpu", paramLabel = "v1..v4", description = "Newest CPU version to generate (default: v4); with --source csmith the"
            + " compilers' -mcpu (default: v3).")
    String cpu;

    @Option(names = "--source", defaultValue = "generator", paramLabel = "generator|csmith", description = "Where cases come from: generator"
            + " (the default: generated BPF programs, or litmus tests with --litmus) or csmith (differential compilation, as the csmith command"
            + " does it, continuously: case i is csmith's C program of a seed derived from the campaign's seed and i, compiled natively by gcc"
            + " and to BPF by each --cc at each -O, run on interp and jit (and kernel when named) and compared with the native checksum;"
            + " --runtimes of interp, jit and kernel only).")
    String source;

    @Option(names = "--cc", split = ",", paramLabel = "gcc,clang", description = "--source csmith: the BPF compilers (default: gcc,clang).")
    List<String> cc;

    @Option(names = "-O", split = ",", paramLabel = "0|2", description = "--source csmith: the optimization levels, e.g. -O 0,2 (default: -O2).")
    List<String> levels;

    @Option(names = "--duration", paramLabel = "D", description = "How long to run: 90s, 10m, 2h, 7d (default: until Ctrl-C).")
    String duration;

    @Option(names = "--programs", defaultValue = "0", paramLabel = "N", description = "Stop after exactly N programs (0: no limit).")
    long maxPrograms;

    @Option(names = "--workdir", defaultValue = "crosscheck-work", paramLabel = "DIR", description = "Where findings and campaign state live (default: ${DEFAULT-VALUE}).")
    Path workdir;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of a new campaign (default: random; a resumed campaign keeps its own).")
    Long seed;

    @Option(names = "--batch-size", paramLabel = "N", description = "Cases per batch (default: 256 programs, 4 litmus tests, or 1 csmith C program).")
    Integer batchSize;

    @Option(names = "--max-units", defaultValue = "" + org.crosscheck.coordinator.generate.Generator.DEFAULT_MAX_UNITS, paramLabel = "N", description = "Largest program, in generator units: 1 to "
            + org.crosscheck.coordinator.generate.Generator.MAX_UNITS + " (default: ${DEFAULT-VALUE}).")
    int maxUnits;

    @Option(names = "--corpus", paramLabel = "DIR", split = ",",
            description = "Directories of .data programs to mutate alongside generation (default: ./corpus when present); the workdir's reproducers are always added.")
    List<Path> corpus;

    @Option(names = "--allow-missing-exit", description = "Let the generator drop the final exit of one program in "
            + org.crosscheck.coordinator.generate.Generator.MISSING_EXIT_SHARE + " (finds loaders that trust it, such as DPDK's).")
    boolean allowMissingExit;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS", description = "Wall-clock limit per run for external runtimes (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--litmus", description = "A litmus campaign: cases are generated litmus tests (cycles of po/rf/co/fr edges over"
            + " plain, acquire/release and atomic accesses; --groups picks among atomic32, atomic64, acqrel), each judged by the"
            + " BPF memory model and run on every runtime (interp, jit, kernel, " + org.crosscheck.runtime.Runtimes.JIT_UNORDERED_FETCH + ");"
            + " a runtime showing a state the model forbids is a finding.")
    boolean litmus;

    @Option(names = "--litmus-iterations", defaultValue = "20000", paramLabel = "N", description = "Iterations of each litmus test on each runtime (default: ${DEFAULT-VALUE}).")
    long litmusIterations;

    @Option(names = "--litmus-threads", defaultValue = "2-3", paramLabel = "MIN-MAX", description = "Threads of generated litmus tests (default: ${DEFAULT-VALUE}; at most 4).")
    String litmusThreads;

    @Option(names = "--litmus-max-cycle", defaultValue = "6", paramLabel = "N", description = "Longest cycle (edges) of generated litmus tests (default: ${DEFAULT-VALUE}).")
    int litmusMaxCycle;

    @Option(names = "--verifier-oracle", paramLabel = "1/N|off", description = "Check one case in N against what each kernel runtime's verifier"
            + " claimed (its log of level 2: instructions walked, value bounds, access bounds); a broken claim is a finding (default: 1/"
            + DEFAULT_ORACLE_EVERY + " when a kernel runtime, kernel or vm:*, takes part).")
    String verifierOracle;

    @Option(names = "--inputs", defaultValue = "auto", paramLabel = "K|auto", description = "Inputs each program runs on, loaded once per"
            + " runtime and executed up to K times: the generated input, then inputs made to matter (boundary values at the offsets the program"
            + " reads, mutations of inputs that reached a new path in the reference); 1 to 1024; auto (the default): 32 with a kernel runtime,"
            + " whose load costs far more than a run, else 8. Each batch keeps its program whose inputs took the most paths, with those"
            + " inputs, in WORKDIR/corpus (at most 1,000 programs), which the next campaign over the workdir mutates.")
    String inputs;

    /** {@code --inputs} as K. */
    private int inputs(List<Runtime> rts) {
        if (inputs.equals("auto")) return CampaignConfig.defaultInputs(rts.stream().anyMatch(Runtime::loadsOnce));
        try {
            return (int) within("--inputs", Long.parseLong(inputs), 1, 1024);
        } catch (NumberFormatException e) {
            throw new UserError("--inputs: expected a number of inputs (1 to 1024) or auto, got '" + inputs + "'");
        }
    }

    @Option(names = "--profile", defaultValue = "default", paramLabel = "default|verifier", description = "What generated programs stress:"
            + " default (every instruction of the groups, edge values, control flow, memory, calls) or verifier (half the units are"
            + " range-tracking chains for the verifier oracle: a loaded value bounded, operated on, branched on, spilled, used as an offset)"
            + " (default: ${DEFAULT-VALUE}).")
    String profile;

    /** One case in this many is checked by the verifier oracle by default: the oracle's second load with a log costs about its run again. */
    static final int DEFAULT_ORACLE_EVERY = 16;

    /** {@code --verifier-oracle} as N (0: off); the default is on when a kernel runtime (the host's or a guest's) takes part. */
    static int oracleEvery(String option, List<String> runtimes) {
        if (option == null) return runtimes.stream().anyMatch(org.crosscheck.runtime.kernel.Verifying::named) ? DEFAULT_ORACLE_EVERY : 0;
        if (option.equals("off")) return 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("1/(\\d{1,9})").matcher(option);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) throw new UserError("--verifier-oracle: expected 1/N (N at least 1) or off, got '" + option + "'");
        return Integer.parseInt(m.group(1));
    }

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions;

    /**
     * The runtimes by name. {@code mustRun}: this process runs them (an unavailable one named is an
     * error, one of the default set is skipped); else only their names and groups are needed.
     */
    List<Runtime> runtimes(boolean mustRun) {
        boolean csmith = csmithSource();
        if (!csmith && (cc != null || levels != null)) throw new UserError((cc != null ? "--cc" : "-O") + " is for --source csmith (compilers of C programs)");
        List<Runtime> rts = open(runtimes == null && csmith ? "interp,jit" : runtimes, mustRun, 2);
        if (litmus) {
            for (Runtime r : rts) {
                if (!org.crosscheck.runtime.concurrent.ConcurrentRunners.names().contains(r.name()))
                    throw new UserError("runtime " + r.name() + " cannot run litmus tests (litmus runtimes: "
                            + String.join(", ", org.crosscheck.runtime.concurrent.ConcurrentRunners.names()) + ")");
            }
        }
        return rts;
    }

    static List<Runtime> open(String list, boolean mustRun, int atLeast) {
        List<String> names = new ArrayList<>();
        if (list == null) {
            for (String n : Runtimes.names()) {
                if (!n.startsWith("dpdk-")) names.add(n); // DPDK narrows what the generator may use: only when asked for
            }
        } else {
            for (String n : list.split(",")) if (!n.isBlank()) names.add(n.strip());
        }
        List<Runtime> out = new ArrayList<>();
        for (String n : names) {
            Runtime r = RuntimeOptions.create(n);
            var why = r.unavailableReason();
            if (why.isPresent() && (mustRun || list == null)) {
                if (list != null) throw new UserError("runtime " + n + " is not available here: " + why.get());
                continue; // default set: skip what this machine lacks
            }
            out.add(r);
        }
        if (out.size() < atLeast) throw new UserError("a campaign needs at least " + atLeast + " runtimes, got " + names);
        return out;
    }

    CampaignConfig config(List<Runtime> rts, int threads) {
        Set<Group> gs;
        CpuVersion cv;
        Duration d;
        try {
            gs = groups == null ? Group.rfc() : Group.parseList(groups);
            boolean csmith = csmithSource();
            cv = CpuVersion.parse(cpu != null ? cpu : csmith ? "v3" : "v4");
            d = duration == null ? null : parseDuration("--duration", duration);
            within("--programs", maxPrograms, 0, Long.MAX_VALUE);
            within("--max-units", maxUnits, 1, org.crosscheck.coordinator.generate.Generator.MAX_UNITS);
            LitmusCaseRunner.Options lo = null;
            if (litmus) {
                lo = new LitmusCaseRunner.Options(new LitmusGenerator.Config(groups == null ? LitmusGenerator.Config.MEMORY_GROUPS : gs,
                        threadRange()[0], threadRange()[1], litmusMaxCycle), litmusIterations);
                gs = Group.rfc(); // the program generator is not used
            }
            return new CampaignConfig(rts.stream().map(Runtime::name).toList(), gs, cv, seed == null ? Long.MIN_VALUE : seed, d,
                    maxPrograms, workdir, threads, batchSize != null ? batchSize : litmus ? 4 : csmith ? 1 : 256, maxUnits,
                    corpus != null ? directories("--corpus", corpus) : Files.isDirectory(Path.of("corpus")) ? List.of(Path.of("corpus")) : List.of(),
                    allowMissingExit, timeoutMillis, lo, oracleEvery(verifierOracle, rts.stream().map(Runtime::name).toList()),
                    org.crosscheck.coordinator.generate.Generator.Profile.parse(profile), csmith ? 1 : inputs(rts),
                    csmith ? csmithOptions(rts, cv) : null);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Whether --source is csmith; an unknown source is an error. */
    boolean csmithSource() {
        return switch (source) {
            case "generator" -> false;
            case "csmith" -> true;
            default -> throw new UserError("--source: expected generator or csmith, got '" + source + "'");
        };
    }

    /**
     * --source csmith's options, refusing what belongs to generated programs or litmus tests and runtimes other
     * than interp, jit (both, interp the reference) and kernel.
     */
    private org.crosscheck.coordinator.csmith.Csmith.Options csmithOptions(List<Runtime> rts, CpuVersion cv) {
        String why = litmus ? "--litmus" : !profile.equals("default") ? "--profile " + profile : verifierOracle != null ? "--verifier-oracle"
                : groups != null ? "--groups" : !inputs.equals("auto") ? "--inputs" : allowMissingExit ? "--allow-missing-exit" : null;
        if (why != null) throw new UserError("--source csmith and " + why + ": " + why.replaceFirst(" .*", "")
                + " is for generated BPF programs or litmus tests; csmith campaigns compile C programs (drop one of them)");
        List<String> names = rts.stream().map(Runtime::name).toList();
        for (String n : names) {
            if (!org.crosscheck.coordinator.campaign.CsmithCaseRunner.RUNTIMES.contains(n))
                throw new UserError("--source csmith: runtime " + n + " cannot take part (csmith campaigns run interp, jit and optionally kernel)");
        }
        if (!names.get(0).equals("interp") || !names.contains("jit"))
            throw new UserError("--source csmith: --runtimes must be interp,jit or interp,jit,kernel (interp first), got " + String.join(",", names));
        List<org.crosscheck.isa.elf.BpfCompiler> compilers = (cc == null ? List.of("gcc", "clang") : cc).stream().map(CFiles::compiler).distinct().toList();
        List<String> opts = (levels == null ? List.of("2") : levels).stream().map(CFiles::opt).distinct().toList();
        var d = org.crosscheck.coordinator.csmith.Csmith.Options.defaults();
        return new org.crosscheck.coordinator.csmith.Csmith.Options(compilers, opts, cv, d.budget(), d.nativeMillis());
    }

    /** --source csmith on this machine: csmith, the host gcc and each --cc must be here; else one line naming what to install. */
    static void checkCsmithTools(CampaignConfig cfg) {
        if (cfg.csmith() == null) return;
        String missing = org.crosscheck.coordinator.csmith.Csmith.missingTools();
        if (!missing.isEmpty()) throw new UserError("--source csmith needs " + missing);
        for (var b : cfg.csmith().compilers())
            if (!b.available()) throw new UserError("--source csmith: " + b.executable() + " not found on PATH (apt-get install " + b.debianPackage() + ")");
    }

    private int[] threadRange() {
        String[] f = litmusThreads.strip().split("-");
        try {
            int lo = Integer.parseInt(f[0].strip()), hi = f.length > 1 ? Integer.parseInt(f[1].strip()) : lo;
            if (f.length <= 2) return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--litmus-threads: expected MIN-MAX such as 2-3, got '" + litmusThreads + "'");
    }

    /** The longest duration accepted (a campaign's deadline is counted in nanoseconds, which end after 292 years). */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    /** A duration such as 90s, 10m, 2h or 7d (a bare number is seconds) of 1 s to {@link #MAX_DURATION}; errors name the option. */
    static Duration parseDuration(String option, String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofSeconds(Long.parseLong(t));
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(option + ": expected a number with s, m, h or d (90s, 10m, 2h), got '" + s + "'");
        } catch (ArithmeticException tooLong) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(option + ": expected 1s to " + MAX_DURATION.toDays() + "d, got '" + s + "'");
        }
        return d;
    }

    /** A numeric option's value if it is within [min, max], else a UserError naming the option and the range. */
    static long within(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new UserError(option + ": expected " + (max == Long.MAX_VALUE ? "at least " + min : min + " to " + max) + ", got " + value);
        }
        return value;
    }

    /** Directories the user named, each of which must exist. */
    static List<Path> directories(String option, List<Path> dirs) {
        for (Path p : dirs) if (!Files.isDirectory(p)) throw new UserError(option + " " + p + ": no such directory");
        return dirs;
    }

    /** Opens the workdir's campaign; its errors (another seed, a corrupt state) are the user's. */
    static void checkWorkdir(Path workdir) {
        try {
            Files.createDirectories(workdir);
        } catch (IOException e) {
            throw new UserError("--workdir " + workdir + ": " + e.getMessage());
        }
    }
}
