package org.crosscheck.coordinator.csmith;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.minimize.Minimizer;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.isa.elf.ElfException;
import org.crosscheck.isa.elf.ElfObject;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;

/**
 * Differential compilation of csmith programs: one program (csmith's, with crosscheck's runtime header
 * inlined in place of {@code csmith.h}, and an entry {@code csmith_entry} in section {@code xdp} that
 * runs csmith's main and returns its checksum) compiled natively with the host's gcc and run, and
 * compiled to BPF by each compiler at each optimization level, read by {@link ElfObject} and run on
 * interp and jit (and the kernel when given). Each build lands in one {@link Bucket}:
 *
 * <ul>
 *   <li>both BPF runtimes return the native checksum: {@link Bucket#AGREE};
 *   <li>they return the same other value: {@link Bucket#COMPILER_DIVERGENT} (the compiler's code computes
 *       something else than the native build of the same C, which csmith makes free of undefined behaviour);
 *   <li>they differ from each other (or the kernel, having accepted the program, from them):
 *       {@link Bucket#RUNTIME_DIVERGENT};
 *   <li>both use up the instruction budget: {@link Bucket#NOT_TERMINATED} (within budget);
 *   <li>both trap the same way (call depth, an access outside memory): {@link Bucket#TRAPPED};
 *   <li>the compiler refuses the C ({@link Bucket#NOT_COMPILED}) or the reader the object
 *       ({@link Bucket#READER_REFUSED}), each with its reason without file names, lines and offsets.
 * </ul>
 *
 * A program whose native build does not compile, crash or finish within {@link Options#nativeMillis} is
 * no case ({@link Result#nativeFailure}).
 */
public final class Csmith {
    /** csmith's options: its defaults without what BPF cannot take well (packed structs), and small programs. */
    public static final List<String> CSMITH_OPTIONS = List.of("--no-argc", "--no-packed-struct", "--max-funcs", "3", "--max-block-size", "3",
            "--max-array-dim", "2", "--max-array-len-per-dim", "4", "--max-expr-complexity", "6", "--max-struct-fields", "5");

    public enum Bucket {
        AGREE("agree"), COMPILER_DIVERGENT("compiler-divergent"), RUNTIME_DIVERGENT("runtime-divergent"), NOT_COMPILED("not compiled"),
        READER_REFUSED("rejected by reader"), NOT_TERMINATED("not terminated within budget"), TRAPPED("trapped on both runtimes");

        public final String label;

        Bucket(String label) {
            this.label = label;
        }

        /** The bucket as a metric label value: {@code compiler-divergent}, {@code reader-refused}... */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A program's bucket (id, label) in a campaign: the most telling of its builds' buckets (a divergence,
     * then a reader refusal, a trap, a run out of budget, then agree; not compiled only when no build compiled),
     * or why it is no case (the native build failed or did not finish, csmith failed).
     */
    public record ProgramBucket(String id, String label) {
        public static final ProgramBucket NATIVE_NOT_TERMINATED = new ProgramBucket("native-not-terminated", "native non-terminating"),
                NATIVE_FAILED = new ProgramBucket("native-failed", "native failed"), CSMITH_FAILED = new ProgramBucket("csmith-failed", "csmith failed");

        private static final List<Bucket> PRIORITY = List.of(Bucket.RUNTIME_DIVERGENT, Bucket.COMPILER_DIVERGENT, Bucket.READER_REFUSED,
                Bucket.TRAPPED, Bucket.NOT_TERMINATED, Bucket.AGREE, Bucket.NOT_COMPILED);

        static ProgramBucket of(Bucket b) {
            return new ProgramBucket(b.id(), b.label);
        }

        /** Every program bucket, in the order progress lines show them. */
        public static List<ProgramBucket> all() {
            List<ProgramBucket> all = new ArrayList<>();
            for (Bucket b : Bucket.values()) all.add(of(b));
            all.addAll(List.of(NATIVE_NOT_TERMINATED, NATIVE_FAILED, CSMITH_FAILED));
            return all;
        }

        public static ProgramBucket of(Result r) {
            if (r.nativeFailure() != null) return r.nativeTimedOut() ? NATIVE_NOT_TERMINATED : NATIVE_FAILED;
            for (Bucket b : PRIORITY) if (r.builds().stream().anyMatch(x -> x.bucket() == b)) return of(b);
            return of(Bucket.NOT_COMPILED); // no compiler given
        }
    }

    /**
     * The csmith seed of case {@code index} of a campaign with seed {@code campaignSeed} (csmith takes 32 bits):
     * SplitMix64 of the pair, so neighbouring campaigns and cases get unrelated programs.
     */
    public static long caseSeed(long campaignSeed, long index) {
        long z = campaignSeed * 0x9E3779B97F4A7C15L + index * 0xD1B54A32D192ED03L + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0xffff_ffffL;
    }

    /**
     * What runs: the compilers, their -O levels and -mcpu, the runtimes (interp and jit first), the budget.
     * The native run's limit is 1 s: a program that runs longer natively (gcc -O1, some 10^9 instructions)
     * would use up the BPF budget of 10^7 instructions anyway, and a second more per such program (a
     * tenth of csmith's) slowed campaigns by a third at 5 s.
     */
    public record Options(List<BpfCompiler> compilers, List<String> opts, CpuVersion cpu, long budget, long nativeMillis) {
        public static final long NATIVE_MILLIS = 1_000;

        public static Options defaults() {
            return new Options(List.of(BpfCompiler.GCC, BpfCompiler.CLANG), List.of("-O2"), CpuVersion.V3, 10_000_000, NATIVE_MILLIS);
        }
    }

    /** One compiler × level of one program. {@code kernel} is the kernel's outcome when it ran (else null). */
    public record Build(BpfCompiler cc, String opt, CpuVersion cpu, Bucket bucket, String reason, Program program,
            Map<String, Outcome> outcomes, Outcome kernel) {
        public String flags() {
            return cc.id() + " " + opt + " -mcpu=" + cpu;
        }
    }

    /** One program: its seed, source, native checksum (or why there is none) and builds. */
    public record Result(long seed, String source, Long nativeChecksum, String nativeFailure, List<Build> builds) {
        /** Whether the native build ran out of time (no case: csmith's program may not terminate). */
        public boolean nativeTimedOut() {
            return nativeFailure != null && nativeFailure.startsWith(NATIVE_TIMEOUT);
        }
    }

    static final String NATIVE_TIMEOUT = "native run did not finish within ";

    private final Options options;
    private final Runtime interp, jit, kernel;
    private final Path work;

    /** {@code kernel} may be null; {@code work} is a scratch directory this instance owns. */
    public Csmith(Options options, Runtime interp, Runtime jit, Runtime kernel, Path work) {
        this.options = options;
        this.interp = interp;
        this.jit = jit;
        this.kernel = kernel;
        this.work = work;
    }

    /** Whether csmith and the host gcc are on PATH: empty when so, else what to install. */
    public static String missingTools() {
        List<String> missing = new ArrayList<>();
        if (!onPath("csmith")) missing.add("csmith (apt-get install csmith)");
        if (!onPath("gcc")) missing.add("gcc (apt-get install gcc)");
        return String.join(", ", missing);
    }

    static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) return true;
        return false;
    }

    /** crosscheck's csmith runtime header. */
    public static String header() {
        try (InputStream in = Csmith.class.getResourceAsStream("csmith.h")) {
            if (in == null) throw new IllegalStateException("csmith.h missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String ENTRY = """

            #if defined(__bpf__) || defined(__BPF__)
            __attribute__((section("xdp"), used))
            #endif
            unsigned long long csmith_entry(void *ctx) { (void) ctx; csmith_main(); return csmith_checksum; }
            """;

    /** csmith's program for {@code seed}, made self-contained: the header inlined, main renamed, the entry appended. */
    public static String program(String csmithOutput) {
        String s = csmithOutput.replace("#include \"csmith.h\"", header());
        s = s.replaceFirst("(?m)^int main \\(void\\)", "static int csmith_main(void)");
        return s + ENTRY;
    }

    /** Runs csmith for {@code seed}. */
    public String generate(long seed) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("csmith", "--seed", Long.toUnsignedString(seed & 0xffff_ffffL)));
        cmd.addAll(CSMITH_OPTIONS);
        Exec e = exec(cmd, 30_000, work); // csmith writes platform.info into its working directory
        if (e.exit != 0) throw new IOException("csmith --seed " + seed + " failed: " + e.firstLine());
        return program(e.out);
    }

    /** Generates, compiles and runs one program. */
    public Result run(long seed) throws IOException, InterruptedException {
        String source = generate(seed);
        return run(seed, source);
    }

    public Result run(long seed, String source) throws IOException, InterruptedException {
        Path c = work.resolve("p" + seed + ".c");
        Files.writeString(c, source);
        Path main = nativeMain();
        Path exe = work.resolve("p" + seed);
        try {
            Exec cc = exec(List.of("gcc", "-w", "-O1", c.toString(), main.toString(), "-o", exe.toString()), 120_000);
            if (cc.exit != 0) return new Result(seed, source, null, "native gcc: " + cc.firstLine(), List.of());
            Exec run = exec(List.of(exe.toString()), options.nativeMillis());
            if (run.timedOut) return new Result(seed, source, null, NATIVE_TIMEOUT + options.nativeMillis() + " ms", List.of());
            if (run.exit != 0) return new Result(seed, source, null, "native run exited with " + run.exit, List.of());
            long checksum = Long.parseUnsignedLong(run.out.strip(), 16);
            List<Build> builds = new ArrayList<>();
            for (BpfCompiler compiler : options.compilers()) {
                for (String opt : options.opts()) builds.add(build(compiler, opt, c, checksum));
            }
            return new Result(seed, source, checksum, null, builds);
        } finally {
            Files.deleteIfExists(exe);
            Files.deleteIfExists(c);
        }
    }

    /** The native build's main (one per instance; the threads of a campaign's worker share an instance). */
    private synchronized Path nativeMain() throws IOException {
        Path main = work.resolve("native_main.c");
        if (!Files.exists(main)) {
            Files.writeString(main, "#include <stdio.h>\nunsigned long long csmith_entry(void *ctx);\n"
                    + "int main(void) { printf(\"%llx\\n\", csmith_entry(0)); return 0; }\n");
        }
        return main;
    }

    /**
     * The findings of a program's divergent builds, titled by triage (a compiler's checksum against native, or
     * runtimes against each other), compiler, -O and -mcpu; a divergence between interp and jit minimized as
     * campaigns minimize programs. Each keeps the C source ({@code csmith.c}, its first line the csmith seed,
     * flags, reason and native checksum) and {@code native.txt}; original.data is the compiler's BPF program.
     * {@code seed} and {@code index} are the finding's case (the campaign's seed and case, or the csmith seed and 0).
     */
    public List<FindingStore.Report> findings(Result r, long seed, long index) {
        List<FindingStore.Report> out = new ArrayList<>();
        for (Build b : r.builds()) {
            if (b.bucket() == Bucket.COMPILER_DIVERGENT || b.bucket() == Bucket.RUNTIME_DIVERGENT) out.add(finding(r, b, seed, index));
        }
        return out;
    }

    private FindingStore.Report finding(Result r, Build b, long seed, long index) {
        boolean compiler = b.bucket() == Bucket.COMPILER_DIVERGENT;
        String title = compiler ? "checksum mismatch: " + b.flags() + " vs native [csmith]"
                : "runtime divergence: " + String.join(" vs ", b.outcomes().keySet()) + " [csmith " + b.flags() + "]";
        ProgramInput original = new ProgramInput(b.program(), new byte[0]);
        ProgramInput repro = original;
        boolean minimized = false;
        Limits limits = Limits.DEFAULT.withBudget(options.budget());
        Map<String, Outcome> outcomes = new TreeMap<>(b.outcomes());
        if (!compiler && !interp.run(b.program(), new byte[0], limits).sameAs(jit.run(b.program(), new byte[0], limits))) {
            repro = new Minimizer(c -> !interp.run(c.program(), c.memory(), limits).sameAs(jit.run(c.program(), c.memory(), limits)), 2_000, 60_000)
                    .minimize(original);
            minimized = true;
            outcomes.put(interp.name(), interp.run(repro.program(), repro.memory(), limits));
            outcomes.put(jit.name(), jit.run(repro.program(), repro.memory(), limits));
        }
        String checksum = "0x" + Long.toHexString(r.nativeChecksum());
        Map<String, String> files = Map.of(
                "csmith.c", "/* csmith seed " + r.seed() + ", " + b.flags() + ": " + b.reason() + " (native checksum " + checksum + ") */\n" + r.source(),
                "native.txt", "csmith seed " + r.seed() + "\nbuild: " + b.flags() + "\nbucket: " + b.bucket().label + (b.reason().isEmpty() ? "" : " (" + b.reason() + ")")
                        + "\nnative checksum (gcc -O1 on this host): " + checksum + "\n");
        return new FindingStore.Report(title, compiler ? "compiler" : "runtime", List.copyOf(b.outcomes().keySet()), compiler ? "native" : interp.name(),
                "csmith", original.program(), original.memory(), repro.program(), repro.memory(), outcomes,
                "csmith-" + r.seed() + "-" + b.flags().replace(' ', '_'), seed, index, 0, minimized).withFiles(files);
    }

    private Build build(BpfCompiler compiler, String opt, Path c, long checksum) throws IOException, InterruptedException {
        CpuVersion cpu = options.cpu();
        Path o = work.resolve(c.getFileName() + "." + compiler.id() + opt + ".o");
        BpfCompiler.Result r = compiler.compile(c, cpu, opt, o);
        Files.deleteIfExists(o);
        if (!r.ok()) return new Build(compiler, opt, cpu, Bucket.NOT_COMPILED, compilerReason(r.error()), null, Map.of(), null);
        ElfObject obj;
        Program p;
        try {
            obj = ElfObject.read(r.object(), compiler.id() + " " + opt);
            p = obj.entry().program();
        } catch (ElfException e) {
            return new Build(compiler, opt, cpu, Bucket.READER_REFUSED, readerReason(e.getMessage()), null, Map.of(), null);
        }
        Limits limits = Limits.DEFAULT.withBudget(options.budget());
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Outcome i = interp.run(p, new byte[0], limits);
        Outcome j = jit.run(p, new byte[0], limits);
        outcomes.put(interp.name(), i);
        outcomes.put(jit.name(), j);
        Outcome k = null;
        if (kernel != null) {
            k = kernel.run(p, new byte[0], limits);
            outcomes.put(kernel.name(), k);
        }
        Bucket b;
        String reason = "";
        if (!i.sameAs(j)) {
            b = Bucket.RUNTIME_DIVERGENT;
            reason = "interp: " + i.describe() + "; jit: " + j.describe();
        } else if (k instanceof Outcome.Returned kr && i instanceof Outcome.Returned ir && (kr.r0() & 0xffff_ffffL) != (ir.r0() & 0xffff_ffffL)) {
            b = Bucket.RUNTIME_DIVERGENT;
            reason = "kernel: " + k.describe() + "; interp and jit: " + i.describe();
        } else if (i instanceof Outcome.Returned ir) {
            b = ir.r0() == checksum ? Bucket.AGREE : Bucket.COMPILER_DIVERGENT;
            if (b == Bucket.COMPILER_DIVERGENT) reason = String.format(Locale.ROOT, "native 0x%x, BPF 0x%x", checksum, ir.r0());
        } else if (i instanceof Outcome.Trapped t && t.kind() == Outcome.TrapKind.BUDGET) {
            b = Bucket.NOT_TERMINATED;
        } else if (i instanceof Outcome.Trapped t) {
            b = Bucket.TRAPPED;
            reason = t.kind().name();
        } else {
            b = Bucket.TRAPPED;
            reason = i.describe();
        }
        return new Build(compiler, opt, cpu, b, reason, p, outcomes, k);
    }

    /** A compiler's first error without the file, line and column. */
    static String compilerReason(String error) {
        String s = error.replaceAll("\\S*/p\\d+\\.c:\\d+:\\d+: ", "").replaceAll("\\S*/p\\d+\\.c", "FILE.c")
                .replaceAll(" 0x[0-9a-f]+: .*", ""); // LLVM's DAG node and its signature: the same refusal for every program
        return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }

    /** The reader's refusal without the object's name, offsets and symbol names (csmith numbers them). */
    static String readerReason(String message) {
        String s = message.replaceFirst("^[^:]*\\(?[^)]*\\)?: ", "");
        s = s.replaceAll("0x[0-9a-f]+", "0x...").replaceAll("'g_\\d+'|'func_\\d+'", "'NAME'").replaceAll("\\b\\d+\\b", "N");
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    /** A process's exit code and output (stdout and stderr together). */
    record Exec(int exit, String out, boolean timedOut) {
        String firstLine() {
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("exit code " + exit);
        }
    }

    static Exec exec(List<String> cmd, long millis) throws IOException, InterruptedException {
        return exec(cmd, millis, null);
    }

    static Exec exec(List<String> cmd, long millis, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join();
            return new Exec(-1, "", true);
        }
        reader.join();
        return new Exec(p.exitValue(), new String(out[0], StandardCharsets.UTF_8), false);
    }
}
