package org.crosscheck.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.campaign.CaseRunner;
import org.crosscheck.coordinator.generate.Corpus;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.InterpConcurrentRunner;
import org.crosscheck.runtime.concurrent.JitConcurrentRunner;
import org.crosscheck.runtime.concurrent.SharedProgram;
import org.crosscheck.runtime.concurrent.StoreBuffering;
import org.crosscheck.runtime.kernel.KernelConcurrentRunner;
import org.crosscheck.runtime.kernel.VmRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench",
        description = {
            "Measures programs per second of a runtime for 16-instruction programs (for the kernel: load + run + read back + close), "
                    + "on 1 and on 2 threads. For the kernel it also builds and runs the minimal C loop bench/c/kernel_raw.c (with gcc) "
                    + "and prints both side by side. For dpdk-interp and dpdk-jit each program goes through the executor process.",
            "With --generated a runtime runs the programs a default campaign generates for it instead, with --corpus a campaign's "
                    + "case mix: the kernel-only reference a campaign's rate is measured against. Measure it over as long a window as "
                    + "the campaign (e.g. --seconds 60 --rounds 1): the kernel frees closed programs later, and short rounds read high.",
            "`bench campaign` runs the same campaign (seed 1) back to back on one input a program and on K (--inputs), --rounds "
                    + "times: programs/s and executions/s of each and their ratios (--seconds each, 2 threads).",
            "`bench mutants` hunts each interp mutant (--mutants, default all) with a campaign of interp against it (seed 1, 2 threads) on one "
                    + "input a program and on K (--inputs, default 8), alternating, --rounds times: the median seconds to the first finding "
                    + "naming the mutated instruction (from the first batch handed out, the single-node cluster's start not counted; --seconds caps each hunt) and the first case.",
            "`bench coordinator` measures the cluster coordinator alone: batches dispatched to and results absorbed from no-op "
                    + "workers on a second node, in programs per second.",
            "`bench kernel-litmus` measures litmus iterations per second of the kernel's concurrent runner (store buffering on two "
                    + "pinned CPUs) and how often the weak outcome shows; `bench litmus` the same for the jit runner (JVM threads) "
                    + "and the interp runner (which runs each of SB's 20 sequentially consistent schedules once per run, whatever "
                    + "--iterations says)."
        },
        footer = {"", "Example:", "  crosscheck bench kernel", "  crosscheck bench kernel --generated --threads 1,2",
            "  crosscheck bench vm:amd64-6.1:jit --generated --beside kernel --threads 1",
            "  crosscheck bench kernel --generated --corpus corpus --threads 2 --seconds 60 --rounds 1", "  crosscheck bench dpdk-jit",
            "  crosscheck bench coordinator --seconds 5", "  crosscheck bench campaign --runtimes interp,kernel --seconds 30 --rounds 2", "  crosscheck bench campaign --runtimes interp,kernel --verifier-oracle 1/16 --seconds 30 --rounds 3", "  crosscheck bench kernel-litmus", "  crosscheck bench litmus --rounds 5",
            "  crosscheck bench mutants --rounds 5", "  crosscheck bench mutants --mutants sdiv-overflow,ldxw-input-31 --inputs 8 --rounds 9",
            "  crosscheck bench interp --seconds 2 --threads 1"})
final class BenchCommand extends CliCommand {
    @Parameters(paramLabel = "RUNTIME", description = "The runtime to measure: ${COMPLETION-CANDIDATES}.", completionCandidates = Names.class)
    String runtimeName;

    @Option(names = "--seconds", paramLabel = "S", description = "Length of each measurement (default: 2); a 1 s warm-up precedes each thread count. "
            + "bench mutants: the most each hunt may take (default: 60).")
    Double secondsGiven;

    /** --seconds, or its default for the bench asked for. */
    private double seconds;

    @Option(names = "--mutants", split = ",", paramLabel = "NAME,NAME", description = "bench mutants: the interp mutants to hunt (default: all of them).")
    List<String> mutantNames;

    @Option(names = "--threads", defaultValue = "1,2", split = ",", paramLabel = "N,N", description = "Thread counts to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "Measurements per thread count; the best counts (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--iterations", paramLabel = "N",
            description = "kernel-litmus, litmus: iterations per litmus run (default: 1000000 for kernel-litmus, where each run loads its programs anew; 100000 for litmus).")
    Long iterations;

    @Option(names = "--no-c", description = "Do not build and run the C baseline.")
    boolean noC;

    @Option(names = "--beside", paramLabel = "RUNTIME", description = "Also measure RUNTIME on the same programs, its rounds alternating "
            + "with the first's, and print both rates and their ratio (e.g. a VM guest's kernel beside the host's: vm:amd64:jit --beside kernel). "
            + "No C baseline then.")
    String beside;

    @Option(names = "--generated", description = "Run the campaign generator's programs (every RFC group the runtime supports, cpu v4, "
            + "seed 1; about 75 instructions with branches, loops and calls), each with its own memory, each thread its own "
            + GENERATED_POOL + " cases generated before timing and run in turn. Every outcome counts (a generated program may "
            + "trap or be rejected); the rejected ones are counted. No C baseline.")
    boolean generated;

    @Option(names = "--corpus", paramLabel = "DIR", split = ",", description = "With --generated: the campaign's case mix instead, a fifth "
            + "of the cases mutants of these directories' .data programs (as `campaign --corpus`; mutants run with the campaign's budget for them).")
    List<Path> corpus;

    @Option(names = "--runtimes", defaultValue = "interp,jit", paramLabel = "R,R", description = "campaign: the runtimes, the reference first (default: ${DEFAULT-VALUE}).")
    String campaignRuntimes;

    @Option(names = "--inputs", paramLabel = "K", description = "campaign: inputs a program on the second run of each pair (default: as campaign's auto, 32 with a kernel runtime, else 8).")
    Long inputs;

    @Option(names = "--verifier-oracle", paramLabel = "1/N", description = "campaign: pair the campaign without the verifier oracle with the same "
            + "campaign checking one case in N (both on --inputs, default 1), instead of one input against K: the oracle's cost.")
    String oracle;

    /** The largest of --threads, or {@code otherwise} when they were not given. */
    private int most(int otherwise) {
        return threads.equals(List.of(1, 2)) ? otherwise : threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Cases each thread cycles through with --generated: generated before timing, so that only the runtime is measured. */
    static final int GENERATED_POOL = 50_000;
    static final long GENERATED_SEED = 1;

    static final class Names extends ArrayList<String> {
        Names() {
            super(Runtimes.names());
            add("coordinator");
            add("campaign");
            add("mutants");
            add("kernel-litmus");
            add("litmus");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        seconds = secondsGiven != null ? secondsGiven : runtimeName.equals("mutants") ? 60 : 2;
        if (mutantNames != null && !runtimeName.equals("mutants")) throw new UserError("--mutants is for bench mutants");
        if (!(seconds > 0 && seconds <= 600)) throw new UserError("--seconds must be in (0, 600], is " + seconds);
        if (rounds < 1 || rounds > 100) throw new UserError("--rounds must be 1..100, is " + rounds);
        for (int t : threads) if (t < 1 || t > 64) throw new UserError("--threads: each count must be 1..64, is " + t);
        if (corpus != null && !generated) throw new UserError("--corpus needs --generated");
        if (generated && (runtimeName.equals("coordinator") || runtimeName.equals("campaign") || runtimeName.equals("mutants") || runtimeName.equals("kernel-litmus") || runtimeName.equals("litmus"))) {
            throw new UserError("--generated applies to a runtime, not to bench " + runtimeName);
        }
        if (runtimeName.equals("mutants")) {
            List<String> names = mutantNames != null ? mutantNames : org.crosscheck.runtime.mutant.Mutants.names();
            for (String m : names) {
                if (!org.crosscheck.runtime.mutant.Mutants.names().contains(m)) {
                    throw new UserError("--mutants: no mutant '" + m + "' (there are " + String.join(", ", org.crosscheck.runtime.mutant.Mutants.names()) + ")");
                }
            }
            int k = inputs != null ? (int) CampaignOptions.within("--inputs", inputs, 2, 1024) : CampaignConfig.defaultInputs(false);
            MutantBench.run(out, names, k, seconds, rounds);
            return 0;
        }
        if (runtimeName.equals("campaign")) {
            List<Runtime> rts = new ArrayList<>();
            try {
                for (String n : campaignRuntimes.split(",")) rts.add(RuntimeOptions.available(n.trim()));
                if (rts.size() < 2) throw new UserError("--runtimes: a campaign compares at least two runtimes, got '" + campaignRuntimes + "'");
                if (oracle != null) {
                    int every = CampaignOptions.oracleEvery(oracle, rts.stream().map(Runtime::name).toList());
                    if (every == 0) throw new UserError("--verifier-oracle: bench campaign compares the oracle on with off; give 1/N");
                    int k = inputs != null ? (int) CampaignOptions.within("--inputs", inputs, 1, 1024) : 1;
                    CampaignBench.oracle(out, rts, k, every, seconds, rounds, most(2));
                    return 0;
                }
                int k = inputs != null ? (int) CampaignOptions.within("--inputs", inputs, 2, 1024)
                        : CampaignConfig.defaultInputs(rts.stream().anyMatch(Runtime::loadsOnce));
                CampaignBench.run(out, rts, k, seconds, rounds, most(2));
            } finally {
                for (Runtime r : rts) r.close();
            }
            return 0;
        }
        if (runtimeName.equals("coordinator")) {
            // the coordinator alone, with 16 no-op worker threads (as 8 two-core workers would ask)
            org.crosscheck.worker.CoordinatorBench.run(out, seconds, 16, 256);
            return 0;
        }
        if (runtimeName.equals("kernel-litmus") || runtimeName.equals("litmus")) {
            boolean kernel = runtimeName.equals("kernel-litmus");
            long n = iterations != null ? iterations : kernel ? 1_000_000 : 100_000;
            if (n < 1 || n > 1_000_000_000) throw new UserError("--iterations must be 1..1000000000, is " + n);
            if (kernel) {
                KernelConcurrentRunner runner = new KernelConcurrentRunner();
                litmus(out, runner, n, runner::lastTimeouts);
            } else {
                for (ConcurrentRunner runner : List.of(new JitConcurrentRunner(), new InterpConcurrentRunner())) litmus(out, runner, n, null);
            }
            return 0;
        }
        if (beside != null && (beside.equals(runtimeName) || !Runtimes.names().contains(beside) && !beside.startsWith("vm:"))) {
            throw new UserError("--beside: '" + beside + "' is not another runtime (one of " + String.join(", ", Runtimes.names()) + ", vm:...)");
        }
        try (Runtime runtime = RuntimeOptions.available(runtimeName); Runtime other = beside == null ? null : RuntimeOptions.available(beside)) {
            Path cBinary = runtimeName.equals("kernel") && !noC && !generated && other == null ? buildC(out) : null;
            String what = runtimeName.equals("kernel") ? "load + run + read back + close"
                    : runtimeName.startsWith("dpdk-") ? "executor round trip + rte_bpf_load + run + destroy" : "run";
            int most = threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
            Cases cases;
            if (generated) {
                Generator.Config config = Campaign.generatorConfig(List.of(runtime), Group.rfc(), CpuVersion.V4, Generator.DEFAULT_MAX_UNITS, false);
                Corpus mix = Corpus.empty();
                if (corpus != null) {
                    try {
                        mix = Corpus.load(CampaignOptions.directories("--corpus", corpus), config, warning -> out.println("bench: " + warning));
                    } catch (IOException e) {
                        throw new UserError("--corpus: " + e.getMessage());
                    }
                }
                Generator.Case[][] pools = pools(new Generator(config), mix, most);
                long insns = 0;
                for (Generator.Case c : pools[0]) insns += c.program().insns().size();
                String mutants = mix.size() == 0 ? "" : String.format(", a fifth mutants of %d corpus programs", mix.size());
                out.printf("bench %s: generated programs (groups %s, cpu %s, seed %d; %d cases per thread%s, %.1f instructions on average) (%s),"
                        + " best of %d rounds of %.1f s after 1 s warm-up%n", runtimeName, config.groups(), config.cpu(), GENERATED_SEED, GENERATED_POOL,
                        mutants, (double) insns / GENERATED_POOL, what, rounds, seconds);
                out.println(other == null ? "threads  programs/s   rejected" : String.format("threads  programs/s   rejected   %12s/s   rejected   ratio", beside));
                cases = (thread, i) -> pools[thread][(int) (i % GENERATED_POOL)];
            } else {
                out.printf("bench %s: 16-instruction programs with 16 bytes of memory (%s), best of %d rounds of %.1f s after 1 s warm-up%n",
                        runtimeName, what, rounds, seconds);
                out.println(other != null ? String.format("threads  programs/s   %12s/s   ratio", beside) : cBinary == null ? "threads  programs/s" : "threads  programs/s   C raw loop/s   ratio");
                byte[] memory = new byte[16];
                cases = (thread, i) -> new Generator.Case(0, i, program((thread << 24) + (int) i), memory);
            }
            out.flush();
            long[] next = new long[most]; // each thread goes on through its own cases from one measurement to the next
            long[] otherNext = new long[most];
            for (int t : threads) {
                measure(runtime, t, 1.0, cases, next, generated);
                if (other != null) measure(other, t, 1.0, cases, otherNext, generated);
                // Rounds alternate between the runtime and the C loop (or the --beside runtime) and the best of each
                // counts, so that load from other processes on the machine hits both alike.
                double rate = 0, c = 0;
                long runs = 0, rejected = 0, otherRuns = 0, otherRejected = 0;
                double cpuRate = 0, otherCpuRate = 0;
                for (int round = 0; round < rounds; round++) {
                    Measured m = measure(runtime, t, seconds, cases, next, generated);
                    rate = Math.max(rate, m.rate());
                    cpuRate = Math.max(cpuRate, m.guestCpuRate());
                    runs += m.runs();
                    rejected += m.rejected();
                    if (cBinary != null) c = Math.max(c, runC(cBinary, t));
                    if (other != null) {
                        Measured o = measure(other, t, seconds, cases, otherNext, generated);
                        c = Math.max(c, o.rate());
                        otherCpuRate = Math.max(otherCpuRate, o.guestCpuRate());
                        otherRuns += o.runs();
                        otherRejected += o.rejected();
                    }
                }
                if (generated && other != null) {
                    out.printf("%7d  %10.0f   %8.2f%%   %14.0f   %8.2f%%   %4.0f%%%n", t, rate, 100.0 * rejected / runs, c, 100.0 * otherRejected / otherRuns, 100 * rate / c);
                } else if (generated) {
                    out.printf("%7d  %10.0f   %d of %d runs (%.2f%%)%n", t, rate, rejected, runs, 100.0 * rejected / runs);
                } else if (cBinary == null && other == null) {
                    out.printf("%7d  %10.0f%n", t, rate);
                } else {
                    out.printf(other != null ? "%7d  %10.0f   %14.0f   %4.0f%%%n" : "%7d  %10.0f   %12.0f   %4.0f%%%n", t, rate, c, 100 * rate / c);
                }
                // a guest's QEMU on a core of its own: the rate its CPU time gives, whatever else ran on the machine
                if (cpuRate > 0) out.printf("         %s: %.0f programs per second of its guests' CPU time%n", runtimeName, cpuRate);
                if (otherCpuRate > 0) out.printf("         %s: %.0f programs per second of its guests' CPU time%n", beside, otherCpuRate);
                out.flush();
            }
            return 0;
        }
    }

    /**
     * Store buffering on a concurrent runner: each round runs it in runs of {@code iterations}
     * iterations (for the kernel, each run loads both programs anew, as a litmus run does) for
     * {@code seconds}; then the best round. {@code timeouts}: the runner's barrier time-outs of its
     * last run, when it has them.
     */
    private void litmus(PrintWriter out, ConcurrentRunner runner, long iterations, LongSupplier timeouts) throws ConcurrentRunException {
        if (runner.unavailableReason() != null) throw new UserError("the " + runner.name() + " runner is not available here: " + runner.unavailableReason());
        SharedProgram sb = StoreBuffering.program(false);
        long start = System.nanoTime();
        runner.run(sb, 1, 0);
        out.printf("bench %s: store buffering (2 threads) on %s, runs of %d iterations, %d round(s) of at least %.1f s; first run (1 iteration): %.0f ms%n",
                runtimeName, runner.name(), iterations, rounds, seconds, (System.nanoTime() - start) / 1e6);
        out.println("round  iterations/s   weak (0,0)" + (timeouts != null ? "   barrier time-outs" : ""));
        out.flush();
        long seed = 1, runs = 0;
        double best = 0;
        Histogram all = new Histogram();
        for (int round = 1; round <= rounds; round++) {
            Histogram h = new Histogram();
            long timedOut = 0;
            start = System.nanoTime();
            do {
                h.addAll(runner.run(sb, iterations, seed++));
                runs++;
                if (timeouts != null) timedOut += timeouts.getAsLong();
            } while (System.nanoTime() - start < seconds * 1e9);
            double rate = h.total() / ((System.nanoTime() - start) / 1e9);
            best = Math.max(best, rate);
            all.addAll(h);
            out.printf("%5d  %12.0f   %9.2f%%", round, rate, 100.0 * h.count(StoreBuffering.weak(false)) / h.total());
            out.printf(timeouts != null ? "   %8.2f%%%n" : "%n", 100.0 * timedOut / (2.0 * h.total()));
            out.flush();
        }
        // an exhaustive runner (interp) stops each run after its last schedule
        String exhaustive = all.total() < runs * iterations ? String.format(" (each run: every one of its %d schedules once)", all.total() / runs) : "";
        out.printf("bench %s: %s best %.0f iterations/s over %d round(s), weak (0,0) in %.2f%% of %d iterations%s%n", runtimeName, runner.name(), best, rounds,
                100.0 * all.count(StoreBuffering.weak(false)) / all.total(), all.total(), exhaustive);
        out.flush();
    }

    /** Run {@code i} of bench thread {@code thread}: a program and its memory. */
    interface Cases {
        Generator.Case get(int thread, long i);
    }

    /** A measurement: programs per second, runs, and runs rejected (by a verifier or loader). */
    record Measured(double rate, long runs, long rejected, double guestCpuRate) {}

    /**
     * {@code threads} threads, thread k running its cases from {@code next[k]} on, for {@code secs}.
     * Unless {@code anyOutcome}, every run must return.
     */
    static Measured measure(Runtime runtime, int threads, double secs, Cases cases, long[] next, boolean anyOutcome) throws InterruptedException {
        long end = System.nanoTime() + (long) (secs * 1e9);
        long cpu0 = runtime instanceof VmRuntime vm ? vm.guestCpuNanos() : 0;
        long[] counts = new long[threads], rejected = new long[threads];
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < threads; k++) {
            int id = k;
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end && (anyOutcome || failure.get() == null)) {
                    // a campaign's chunk at a time, as its runner hands them (a VM guest gets them in one exchange)
                    List<Runtime.Job> jobs = new ArrayList<>(BATCH);
                    for (int j = 0; j < BATCH; j++) {
                        Generator.Case c = cases.get(id, next[id]++);
                        jobs.add(new Runtime.Job(c.program(), List.of(c.memory()), CaseRunner.limits(c, Limits.DEFAULT.wallClockMillis())));
                    }
                    for (List<Outcome> os : runtime.runBatch(jobs)) {
                        Outcome o = os.get(0);
                        if (o instanceof Outcome.Rejected) rejected[id]++;
                        if (!(o instanceof Outcome.Returned)) failure.compareAndSet(null, o.describe());
                        counts[id]++;
                    }
                }
            }));
        }
        for (Thread w : workers) w.join();
        double took = (System.nanoTime() - start) / 1e9;
        if (!anyOutcome && failure.get() != null) throw new IllegalStateException("benchmark program did not return: " + failure.get());
        long total = 0, rejects = 0;
        for (int k = 0; k < threads; k++) {
            total += counts[k];
            rejects += rejected[k];
        }
        double guestCpu = runtime instanceof VmRuntime vm ? (vm.guestCpuNanos() - cpu0) / 1e9 : 0;
        return new Measured(total / took, total, rejects, guestCpu > 0 ? total / guestCpu : 0);
    }

    /** Programs handed to a runtime at once ({@link Runtime#runBatch}), as many as a campaign's runner hands it. */
    static final int BATCH = CaseRunner.CHUNK;

    /** {@link #GENERATED_POOL} cases for each of {@code threads} threads, thread k's from index k * pool on. */
    private static Generator.Case[][] pools(Generator generator, Corpus corpus, int threads) {
        Generator.Case[][] pools = new Generator.Case[threads][GENERATED_POOL];
        for (int k = 0; k < threads; k++) {
            for (int i = 0; i < GENERATED_POOL; i++) pools[k][i] = CaseRunner.caseOf(GENERATED_SEED, (long) k * GENERATED_POOL + i, generator, corpus);
        }
        return pools;
    }

    /** A 16-instruction program that reads and writes its 16 bytes of memory; {@code seed} makes each distinct. */
    static Program program(int seed) {
        try {
            return Program.of(
                    Insn.of(Op.LDXDW, 0, 1, 0, 0),
                    Insn.imm(Op.MOV64_IMM, 3, seed),
                    Insn.reg(Op.ADD64_REG, 0, 3),
                    Insn.imm(Op.XOR64_IMM, 0, 0x55),
                    Insn.imm(Op.MUL64_IMM, 0, 3),
                    Insn.of(Op.LDXDW, 4, 1, 8, 0),
                    Insn.reg(Op.ADD64_REG, 4, 0),
                    Insn.of(Op.STXDW, 1, 4, 8, 0),
                    Insn.imm(Op.RSH64_IMM, 4, 3),
                    Insn.reg(Op.OR64_REG, 0, 4),
                    Insn.imm(Op.AND64_IMM, 0, 0xffff),
                    Insn.reg(Op.ADD64_REG, 0, 2),
                    Insn.imm(Op.LSH64_IMM, 0, 2),
                    Insn.of(Op.STXDW, 1, 0, 0, 0),
                    Insn.imm(Op.SUB64_IMM, 0, 1),
                    Insn.of(Op.EXIT));
        } catch (DecodeException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles the C baseline (shipped in the jar) with gcc into a temporary directory. */
    private static Path buildC(PrintWriter out) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("crosscheck-bench");
        dir.toFile().deleteOnExit();
        Path src = dir.resolve("kernel_raw.c");
        try (InputStream in = BenchCommand.class.getResourceAsStream("/bench/kernel_raw.c")) {
            if (in == null) throw new IllegalStateException("bench/kernel_raw.c is missing from the jar");
            Files.copy(in, src);
        }
        Path bin = dir.resolve("kernel_raw");
        src.toFile().deleteOnExit();
        bin.toFile().deleteOnExit();
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-O2", "-pthread", "-o", bin.toString(), src.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            out.println("C baseline skipped: cannot run gcc (" + e.getMessage() + ")");
            return null;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            out.println("C baseline skipped: gcc failed: " + log.strip());
            return null;
        }
        return bin;
    }

    private static final Pattern PER_SECOND = Pattern.compile("per_second=(\\d+)");

    private double runC(Path bin, int threads) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(bin.toString(), Integer.toString(threads), Double.toString(seconds)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor((long) seconds + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new UserError("C baseline did not finish");
        }
        Matcher m = PER_SECOND.matcher(text);
        if (p.exitValue() != 0 || !m.find()) throw new UserError("C baseline failed: " + text.strip());
        return Double.parseDouble(m.group(1));
    }
}
