package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.elf.BpfCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code crosscheck compile} and {@code crosscheck compilers} on the project's own C files. */
class CompileCommandTest {
    @TempDir
    Path tmp;

    static final Path C = Path.of("..", "corpus", "c");

    static void need(BpfCompiler cc) {
        assumeTrue(cc.available(), cc.executable() + " not on PATH (apt-get install " + cc.debianPackage() + ")");
    }

    @ParameterizedTest
    @EnumSource(BpfCompiler.class)
    void compiledCallsRunTo42OnInterpreterAndJit(BpfCompiler cc) throws Exception {
        need(cc);
        for (String opt : List.of("-O0", "-O2")) {
            for (String cpu : List.of("v1", "v3")) {
                Cli c = Cli.run("compile", C.resolve("return42.c").toString(), "--cc", cc.id(), "--mcpu", cpu, opt, "--run", "interp,jit");
                assertEquals(0, c.exit(), c.err() + c.out());
                assertTrue(c.out().contains("call local L"), c.out());
                assertTrue(c.out().contains("\n# entry xdp, memory 0 bytes\ninterp: r0 = 0x2a (42)\njit: r0 = 0x2a (42)\n"), cc + " " + opt + " " + cpu + ": " + c.out());
            }
        }
    }

    /**
     * CI's C tests: a handful of corpus/c programs (a local call, branches on the input, calls with
     * arguments, .data/.rodata/.bss) compiled by both compilers at -O2 -mcpu=v3, each run on interp, jit
     * and the kernel (where bpf() works here; else on the two): every runtime returns what the C computes.
     */
    @ParameterizedTest
    @EnumSource(BpfCompiler.class)
    void cTestsRunOnInterpJitAndKernel(BpfCompiler cc) throws Exception {
        need(cc);
        boolean kernel;
        try (var k = new org.crosscheck.runtime.kernel.KernelRuntime()) {
            kernel = k.unavailableReason().isEmpty();
        }
        String runtimes = kernel ? "interp,jit,kernel" : "interp,jit";
        for (var e : java.util.Map.of("return42.c", 42, "branches.c", 12846, "calls.c", 5, "globals.c", 102).entrySet()) {
            Cli c = Cli.run("compile", C.resolve(e.getKey()).toString(), "--cc", cc.id(), "--mcpu", "v3", "-O2", "--run", runtimes);
            assertEquals(0, c.exit(), e.getKey() + ": " + c.err() + c.out());
            String hex = Integer.toHexString(e.getValue());
            assertTrue(c.out().contains("\ninterp: r0 = 0x" + hex + " (" + e.getValue() + ")\njit: r0 = 0x" + hex + " (" + e.getValue() + ")\n"), e.getKey() + ": " + c.out());
            if (kernel) assertTrue(c.out().contains("\nkernel: w0 = 0x" + hex + " (" + e.getValue() + ";"), e.getKey() + ": " + c.out());
        }
    }

    /** A bounded csmith batch: every build lands in one bucket; seeds 2 and 3 agree with native on both compilers at -O2. */
    @Test
    void aCsmithBatchCountsEveryBuildInABucket() throws Exception {
        need(BpfCompiler.GCC);
        need(BpfCompiler.CLANG);
        assumeTrue(org.crosscheck.coordinator.csmith.Csmith.missingTools().isEmpty(), "needs " + org.crosscheck.coordinator.csmith.Csmith.missingTools());
        Cli c = Cli.run("csmith", "--count", "2", "--seed", "2", "--cc", "gcc,clang", "-O", "2", "--workdir", tmp.resolve("w").toString(), "-v");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(c.out().contains("seed 3 clang -O2 -mcpu=v3: agree\n"), c.out());
        assertTrue(c.lastLine().matches("csmith: 2 programs in .* 4 builds: agree 4, compiler-divergent 0, runtime-divergent 0, not compiled 0, "
                + "rejected by reader 0, not terminated within budget 0, trapped on both runtimes 0; native failed 0"), c.lastLine());
    }

    /**
     * {@code campaign --source csmith}: every C program lands in one bucket (the buckets sum to the programs), the
     * workdir resumes after its watermark (a second run does the next cases only), and combinations that belong to
     * generated programs or litmus tests, an unknown source, or a workdir of another kind, are one-line errors.
     */
    @Test
    void aCsmithCampaignCountsEveryProgramInABucketAndResumes() throws Exception {
        need(BpfCompiler.GCC);
        need(BpfCompiler.CLANG);
        assumeTrue(org.crosscheck.coordinator.csmith.Csmith.missingTools().isEmpty(), "needs " + org.crosscheck.coordinator.csmith.Csmith.missingTools());
        Path w = tmp.resolve("csmith-camp");
        Cli first = Cli.run("campaign", "--source", "csmith", "--runtimes", "interp,jit", "--programs", "3", "--seed", "4", "--workdir", w.toString(),
                "--metrics", "off", "--threads", "2");
        assertEquals(0, first.exit(), first.err() + first.out());
        assertEquals(3, programsAndBuckets(first.out()));
        assertTrue(Files.readString(w.resolve("campaign.properties")).contains("kind=csmith\n"));
        Cli second = Cli.run("campaign", "--source", "csmith", "--runtimes", "interp,jit", "--programs", "5", "--workdir", w.toString(), "--metrics", "off");
        assertEquals(0, second.exit(), second.err() + second.out());
        assertTrue(second.out().contains("campaign: resuming in " + w + " at case 3\n"), second.out());
        assertEquals(2, programsAndBuckets(second.out()));
        assertTrue(Files.readString(w.resolve("campaign.properties")).contains("watermark=5\n"));

        for (var bad : java.util.Map.of("--litmus", List.of("--litmus"), "--profile verifier", List.of("--profile", "verifier"),
                "--groups", List.of("--groups", "base64")).entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("campaign", "--source", "csmith", "--workdir", tmp.resolve("bad").toString()));
            args.addAll(bad.getValue());
            Cli c = Cli.run(args.toArray(String[]::new));
            assertEquals(2, c.exit(), c.out());
            assertEquals("crosscheck: --source csmith and " + bad.getKey() + ": " + bad.getValue().get(0) + " is for generated BPF programs or litmus"
                    + " tests; csmith campaigns compile C programs (drop one of them)\n", c.err());
        }
        Cli unknown = Cli.run("campaign", "--source", "llvm-stress", "--workdir", tmp.resolve("bad").toString());
        assertEquals(2, unknown.exit());
        assertEquals("crosscheck: --source: expected generator or csmith, got 'llvm-stress'\n", unknown.err());
        Cli kernelFirst = Cli.run("campaign", "--source", "csmith", "--runtimes", "jit,interp", "--workdir", tmp.resolve("bad").toString());
        assertEquals(2, kernelFirst.exit());
        assertTrue(kernelFirst.err().startsWith("crosscheck: --source csmith: --runtimes must be interp,jit or interp,jit,kernel"), kernelFirst.err());
        Cli otherKind = Cli.run("campaign", "--runtimes", "interp,jit", "--programs", "1", "--workdir", w.toString(), "--metrics", "off");
        assertEquals(2, otherKind.exit());
        assertEquals("crosscheck: " + w.resolve("campaign.properties") + ": this workdir holds a csmith (--source csmith) campaign; a program campaign"
                + " needs another --workdir\n", otherKind.err());
    }

    /** The C programs of a csmith campaign's summary, checked to equal the sum of its buckets. */
    private static long programsAndBuckets(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("campaign: (\\d+) C programs in .*\ncampaign: (agree .*)\n").matcher(out);
        assertTrue(m.find(), out);
        long programs = Long.parseLong(m.group(1)), sum = 0;
        for (String b : m.group(2).split(", ")) sum += Long.parseLong(b.substring(b.lastIndexOf(' ') + 1).replace(",", ""));
        assertEquals(programs, sum, out);
        return programs;
    }

    /** The atomics table names the instruction each builtin becomes: clang's fetch add32 at v3, GCC's lock add32 for an unused result. */
    @Test
    void theAtomicsTableNamesEachBuiltinsInstruction() throws Exception {
        need(BpfCompiler.GCC);
        need(BpfCompiler.CLANG);
        AtomicsCommand.Case add = new AtomicsCommand.Case("__sync_fetch_and_add", 32, true, "__sync_fetch_and_add(V, X)");
        Path f = Files.writeString(tmp.resolve("atomic.c"), AtomicsCommand.source(add));
        CFiles.Build b = CFiles.build(BpfCompiler.CLANG, org.crosscheck.isa.CpuVersion.V3, "-O2", f);
        assertTrue(b.object().entry().program().insns().stream().anyMatch(i -> i.op() == org.crosscheck.isa.Op.ATOMIC32_FETCH_ADD), b.toString());
        AtomicsCommand.Case unused = new AtomicsCommand.Case("__sync_fetch_and_add", 32, false, "__sync_fetch_and_add(V, X)");
        f = Files.writeString(tmp.resolve("atomic.c"), AtomicsCommand.source(unused));
        b = CFiles.build(BpfCompiler.GCC, org.crosscheck.isa.CpuVersion.V1, "-O2", f);
        assertTrue(b.object().entry().program().insns().stream().anyMatch(i -> i.op() == org.crosscheck.isa.Op.ATOMIC32_ADD), b.toString());
        Cli c = Cli.run("compile", f.toString(), "--cc", "gcc", "--mcpu", "v1", "-O2", "--run", "interp,jit");
        assertTrue(c.out().contains("\ninterp: r0 = 0x92345689 (2452903561)\njit: r0 = 0x92345689 (2452903561)\n"), c.out()); // 0x8000000f + 0x1234567a
    }

    @Test
    void thePrintedProgramAssemblesBackAndTakesMemoryWhenTheFunctionUsesItsPointer() throws Exception {
        need(BpfCompiler.CLANG);
        Cli c = Cli.run("compile", C.resolve("loops.c").toString(), "--cc", "clang", "--mcpu", "v3", "-O2", "--run", "interp");
        assertEquals(0, c.exit(), c.err());
        String xdp = c.out().substring(c.out().indexOf("# section xdp"), c.out().indexOf("# entry"));
        Program p = Assembler.assemble(xdp);
        assertTrue(p.slotCount() > 5, xdp);
        assertTrue(c.out().contains("# entry xdp, memory 64 bytes\ninterp: r0 = 0x0 (0)\n"), c.out()); // zero input: sum 0, no countdown
    }

    @Test
    void cThatDoesNotCompileIsOneLineWithTheCompilersFirstError() throws Exception {
        need(BpfCompiler.GCC);
        Path bad = Files.writeString(tmp.resolve("bad.c"), "int f(void) { return undeclared; }\n");
        Cli c = Cli.run("compile", bad.toString(), "--cc", "gcc", "--mcpu", "v2");
        assertEquals(2, c.exit());
        assertEquals(1, c.err().strip().lines().count(), c.err());
        assertTrue(c.err().matches("crosscheck: .*bad\\.c does not compile \\(gcc -O2 -mcpu=v2\\): bpf-gcc: .*bad\\.c:1:\\d+: error: .undeclared. undeclared.*\\n"), c.err());
    }

    @Test
    void aCpuTheCompilerLacksIsItsOwnWords() {
        need(BpfCompiler.CLANG);
        Cli c = Cli.run("compile", C.resolve("return42.c").toString(), "--cc", "clang", "--mcpu", "v4");
        assumeTrue(c.exit() != 0, "this clang knows v4");
        assertEquals("crosscheck: " + C.resolve("return42.c") + " does not compile (clang -O2 -mcpu=v4): clang: error: unknown target CPU 'v4'\n", c.err());
    }

    @Test
    void aMissingCompilerIsOneLineNamingItsPackage() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.crosscheck.cli.Main", "compile", C.resolve("return42.c").toString(), "--cc", "gcc").redirectErrorStream(true);
        pb.environment().put("PATH", tmp.toString()); // no compiler on it
        Process q = pb.start();
        String out = new String(q.getInputStream().readAllBytes());
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, q.exitValue(), out);
        assertEquals("crosscheck: bpf-gcc not found on PATH (apt-get install gcc-bpf)\n", out);
    }

    @Test
    void theCompilersMatrixCountsEveryBuildAndNamesEachViolation() throws Exception {
        need(BpfCompiler.GCC);
        need(BpfCompiler.CLANG);
        Path dir = Files.createDirectories(tmp.resolve("c"));
        Files.copy(C.resolve("return42.c"), dir.resolve("return42.c"));
        Files.copy(C.resolve("branches.c"), dir.resolve("branches.c"));
        Cli c = Cli.run("compilers", dir.toString());
        String out = c.out();
        assertTrue(out.startsWith("compiler   base32    base64    atomic32"), out);
        for (String row : List.of("gcc v1", "gcc v2", "gcc v3", "gcc v4", "clang v1", "clang v2", "clang v3", "clang v4")) {
            assertTrue(out.contains("\n" + String.format("%-10s", row) + " "), row + ": " + out);
        }
        // GCC 12 emits v2 jumps at -mcpu=v1; a local call (return42.c) is base32 at every cpu, no violation
        assertTrue(out.contains("  gcc -O2 -mcpu=v1: jle (jle_imm, cpu v2 > v1) in branches.c section xdp\n"), out);
        assertFalse(out.contains("call local"), out);
        assertTrue(out.contains("\ngcc v3     "), out);
        var m = java.util.regex.Pattern.compile("compilers: (\\d+) objects read, (\\d+) compilations refused by the compiler, (\\d+) objects refused by the reader, (\\d+) violations")
                .matcher(c.lastLine());
        assertTrue(m.matches(), c.lastLine());
        assertEquals(2 * 2 * 4 * 2, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)), "every build accounted for");
        assertEquals(out.lines().filter(l -> l.matches("  (gcc|clang) -O\\d -mcpu=v\\d: .*")).count(), Long.parseLong(m.group(4)), "violations listed");
        assertEquals(1, c.exit(), "violations make exit code 1");
    }
}
