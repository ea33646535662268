package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.crosscheck.coordinator.csmith.Csmith;
import org.crosscheck.coordinator.csmith.Csmith.Bucket;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "csmith",
        mixinStandardHelpOptions = true,
        description = {
            "Differential compilation: a bounded batch of csmith programs (no floating point; crosscheck's",
            "runtime header instead of csmith's, so nothing prints and the entry returns the checksum), each",
            "compiled natively by the host's gcc and run, and compiled to BPF by each --cc at each -O, read by",
            "the ELF reader and run on interp and jit (and kernel with --kernel). Prints the count of builds per",
            "bucket: agree, compiler-divergent (both BPF runtimes agree, not with native), runtime-divergent",
            "(they differ), not compiled, rejected by reader, not terminated within budget, trapped; then the",
            "reasons of the refusals and the kernel's verdicts. Divergences are findings in WORKDIR/findings",
            "(title by bucket and flags; runtime divergences minimized as campaigns minimize them, with the C",
            "source kept as csmith.c). The continuous, resumable form with metrics: campaign --source csmith."
        },
        footer = {"", "Examples:", "  crosscheck csmith --count 100 --cc gcc,clang -O 2",
            "  crosscheck csmith --count 50 --cc clang -O 0,2 --kernel --seed 7 --workdir work"})
final class CsmithCommand extends CliCommand {
    @Option(names = "--count", defaultValue = "100", paramLabel = "N", description = "Programs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "csmith seed of the first program; the next ones count up (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cc", split = ",", defaultValue = "gcc,clang", paramLabel = "gcc,clang", description = "BPF compilers (default: ${DEFAULT-VALUE}).")
    List<String> cc;

    @Option(names = "-O", split = ",", defaultValue = "2", paramLabel = "0|2", description = "Optimization levels, e.g. -O 0,2 (default: -O${DEFAULT-VALUE}).")
    List<String> levels;

    @Option(names = "--mcpu", defaultValue = "v3", paramLabel = "v1..v4", description = "The BPF compilers' -mcpu (default: ${DEFAULT-VALUE}).")
    String mcpu;

    @Option(names = "--kernel", description = "Also run each object on the host kernel (where its verifier accepts it).")
    boolean withKernel;

    @Option(names = "--budget", defaultValue = "10000000", paramLabel = "N", description = "Instruction budget of interp and jit per run (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Programs in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--workdir", defaultValue = "crosscheck-work", paramLabel = "DIR", description = "Where findings are stored (default: ${DEFAULT-VALUE}).")
    Path workdir;

    @Option(names = {"-v", "--verbose"}, description = "A line per program and build.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        String missing = Csmith.missingTools();
        if (!missing.isEmpty()) throw new UserError("csmith needs " + missing);
        List<BpfCompiler> compilers = new ArrayList<>();
        for (String c : cc) {
            BpfCompiler b = CFiles.compiler(c);
            if (!b.available()) throw new UserError(b.executable() + " not found on PATH (apt-get install " + b.debianPackage() + ")");
            compilers.add(b);
        }
        List<String> opts = levels.stream().map(CFiles::opt).toList();
        CpuVersion cpu = CFiles.cpu(mcpu);
        if (count < 1 || threads < 1 || budget < 1) throw new UserError("--count, --threads and --budget must be positive");
        Csmith.Options options = new Csmith.Options(compilers, opts, cpu, budget, Csmith.Options.NATIVE_MILLIS);
        FindingStore store = new FindingStore(workdir);
        List<Runtime> runtimes = new ArrayList<>();
        Runtime interp = RuntimeOptions.available("interp"), jit = RuntimeOptions.available("jit");
        runtimes.add(interp);
        runtimes.add(jit);
        Runtime kernel = withKernel ? RuntimeOptions.available("kernel") : null;
        if (kernel != null) runtimes.add(kernel);
        Tally tally = new Tally();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Path> scratch = new ArrayList<>();
        try {
            List<Future<?>> jobs = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < threads; t++) {
                Path dir = Files.createTempDirectory("crosscheck-csmith");
                scratch.add(dir);
                Csmith engine = new Csmith(options, interp, jit, kernel, dir);
                jobs.add(pool.submit(() -> {
                    for (int k; (k = next.getAndIncrement()) < count; ) {
                        long s = seed + k;
                        Csmith.Result r = engine.run(s);
                        synchronized (tally) {
                            tally.add(r);
                            if (verbose) print(out, r);
                        }
                        record(store, engine, r, out);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) f.get();
        } finally {
            pool.shutdownNow();
            for (Path d : scratch) AtomicFiles.deleteTree(d);
            for (Runtime r : runtimes) r.close();
            store.flush();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        tally.print(out, compilers, opts, cpu, withKernel);
        out.printf(Locale.ROOT, "csmith: %d programs in %.1f s (%.2f programs/s, %d thread%s), %d builds: %s%n", count, secs, count / secs, threads,
                threads == 1 ? "" : "s", tally.builds, tally.summary());
        return tally.buckets.getOrDefault(Bucket.COMPILER_DIVERGENT, 0) + tally.buckets.getOrDefault(Bucket.RUNTIME_DIVERGENT, 0) > 0 ? 1 : 0;
    }

    private static void print(PrintWriter out, Csmith.Result r) {
        if (r.nativeFailure() != null) {
            out.println("seed " + r.seed() + ": " + r.nativeFailure());
            return;
        }
        for (Csmith.Build b : r.builds()) {
            out.printf(Locale.ROOT, "seed %d %s: %s%s%s%n", r.seed(), b.flags(), b.bucket().label, b.reason().isEmpty() ? "" : " (" + b.reason() + ")",
                    b.kernel() == null ? "" : "; kernel: " + b.kernel().describe());
        }
    }

    /** Stores a program's findings ({@link Csmith#findings}: the campaign's the same) and says which are new. */
    private static void record(FindingStore store, Csmith engine, Csmith.Result r, PrintWriter out) throws IOException {
        for (FindingStore.Report report : engine.findings(r, r.seed(), 0)) {
            boolean fresh;
            synchronized (store) {
                fresh = store.record(report);
            }
            synchronized (out) {
                out.println((fresh ? "new finding: " : "finding seen again: ") + report.title() + " (seed " + r.seed() + ") in "
                        + store.root().resolve(FindingStore.idOf(report.title())));
            }
        }
    }

    /** Counts per build (compiler and level) and bucket, and the reasons. */
    static final class Tally {
        final Map<String, EnumMap<Bucket, Integer>> perBuild = new TreeMap<>();
        final EnumMap<Bucket, Integer> buckets = new EnumMap<>(Bucket.class);
        final Map<String, Integer> notCompiled = new TreeMap<>(), readerRefused = new TreeMap<>(), trapped = new TreeMap<>(),
                nativeFailed = new TreeMap<>(), kernel = new TreeMap<>();
        int builds;

        void add(Csmith.Result r) {
            if (r.nativeFailure() != null) {
                nativeFailed.merge(r.nativeFailure().replaceAll("\\S*/p\\d+\\.c:\\d+:\\d+: ", ""), 1, Integer::sum);
                return;
            }
            for (Csmith.Build b : r.builds()) {
                builds++;
                buckets.merge(b.bucket(), 1, Integer::sum);
                perBuild.computeIfAbsent(b.cc().id() + " " + b.opt(), k -> new EnumMap<>(Bucket.class)).merge(b.bucket(), 1, Integer::sum);
                String key = b.cc().id() + " " + b.opt() + ": " + b.reason();
                switch (b.bucket()) {
                    case NOT_COMPILED -> notCompiled.merge(key, 1, Integer::sum);
                    case READER_REFUSED -> readerRefused.merge(key, 1, Integer::sum);
                    case TRAPPED -> trapped.merge(key, 1, Integer::sum);
                    default -> {}
                }
                if (b.kernel() != null) kernel.merge(b.cc().id() + " " + b.opt() + ": " + kernelVerdict(b.kernel()), 1, Integer::sum);
            }
        }

        static String kernelVerdict(Outcome k) {
            return switch (k) {
                case Outcome.Returned r -> "ran";
                case Outcome.Rejected r -> "rejected by the verifier: " + r.reason().replaceAll("\\(at pc.*", "").replaceAll("\\b\\d+\\b", "N").strip();
                case Outcome.Unsupported u -> "unsupported: " + u.what().replaceAll(" \\(.*", "");
                default -> k.describe();
            };
        }

        String summary() {
            StringBuilder sb = new StringBuilder();
            for (Bucket b : Bucket.values()) sb.append(sb.isEmpty() ? "" : ", ").append(b.label).append(' ').append(buckets.getOrDefault(b, 0));
            int nf = nativeFailed.values().stream().mapToInt(Integer::intValue).sum();
            return sb + "; native failed " + nf;
        }

        void print(PrintWriter out, List<BpfCompiler> compilers, List<String> opts, CpuVersion cpu, boolean withKernel) {
            StringBuilder h = new StringBuilder(String.format("%-12s", "build (" + cpu + ")"));
            for (Bucket b : Bucket.values()) h.append(String.format(" %" + Math.max(8, b.label.length()) + "s", b.label));
            out.println(h);
            for (var e : perBuild.entrySet()) {
                StringBuilder row = new StringBuilder(String.format("%-12s", e.getKey()));
                for (Bucket b : Bucket.values()) row.append(String.format(" %" + Math.max(8, b.label.length()) + "d", e.getValue().getOrDefault(b, 0)));
                out.println(row);
            }
            section(out, "not compiled", notCompiled);
            section(out, "rejected by reader", readerRefused);
            section(out, "trapped on both runtimes", trapped);
            section(out, "native build failed (no case)", nativeFailed);
            if (withKernel) section(out, "kernel", kernel);
        }

        private static void section(PrintWriter out, String name, Map<String, Integer> m) {
            if (m.isEmpty()) return;
            out.println(name + ":");
            m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e -> out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
        }
    }
}
