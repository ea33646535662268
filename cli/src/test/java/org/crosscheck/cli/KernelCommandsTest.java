package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands users run with --runtime kernel, end to end through Main against the real kernel. */
class KernelCommandsTest {
    private static final Path TESTS = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");

    @TempDir
    Path dir;

    @BeforeAll
    static void kernelAvailable() {
        try (Runtime k = Runtimes.create("kernel")) {
            Optional<String> why = k.unavailableReason();
            assumeTrue(why.isEmpty(), () -> "kernel runtime unavailable: " + why.orElse(""));
        }
    }

    record Result(int code, String out) {}

    private static synchronized Result crosscheck(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            System.out.flush();
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void conformancePassesOrListsEveryTest() {
        Result r = crosscheck("conformance", "-q", "--runtime", "kernel", TESTS.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("conformance: kernel passed 300 failed 0 skipped 13"), r.out());
    }

    @Test
    void conformanceShowsTheKernelsReasonForAnExpectedFailure() {
        Result r = crosscheck("conformance", "--runtime", "kernel", TESTS.resolve("callx.data").toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().matches("(?s).*XFAIL " + java.util.regex.Pattern.quote(TESTS.resolve("callx.data") + ": rejected by verifier: unknown opcode 8d [EINVAL] [as conformance/kernel-expected.txt:")
                + "\\d+ lists\\].*"), r.out());
    }

    @Test
    void runShowsR0AndMemory() throws IOException {
        Path prog = Files.writeString(dir.resolve("p.s"), "lddw %r0, 0x1122334455667788\nstb [%r1+1], 0xee\nexit\n");
        Result r = crosscheck("run", prog.toString(), "--runtime", "kernel-instrumented", "--mem", "00 00 00");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("kernel-instrumented: r0 = 0x1122334455667788"), r.out());
        assertTrue(r.out().contains("[1] 00 -> ee"), r.out());
        Result bare = crosscheck("run", prog.toString(), "--runtime", "kernel", "--mem", "00 00 00");
        assertEquals(0, bare.code(), bare.out());
        assertTrue(bare.out().contains("kernel: w0 = 0x55667788 (1432778632; only r0's low 32 bits are reported)"), bare.out());
        assertTrue(bare.out().contains("[1] 00 -> ee"), bare.out());
    }

    @Test
    void replayEmitsAStandaloneCProgramThatPrintsWhatTheBareKernelReturns() throws IOException {
        Path prog = Files.writeString(dir.resolve("forty-two.data"), "-- asm\nmov %r0, 40\nadd %r0, %r2\nexit\n-- mem\n00 11\n-- result\n42\n");
        Path c = dir.resolve("c");
        Result r = crosscheck("replay", prog.toString(), "--runtimes", "interp,kernel-instrumented", "--emit-c", c.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("wrote " + c.resolve("forty-two.kernel.c") + "; build and run: gcc -O2 -o"), r.out());
        assertTrue(r.out().contains("it prints: kernel: Linux ") && r.out().contains("; r0 = 0x2a; memory: 00 11; RFC 9669: r0 = 0x2a; the same\n"), r.out());
        String source = Files.readString(c.resolve("forty-two.kernel.c"));
        assertTrue(source.contains("#include <linux/bpf.h>") && source.contains("RFC 9669 (crosscheck's reference interpreter, interp): r0 = 0x2a"), source);
        String printed = Files.readString(c.resolve("forty-two.kernel.out"));
        assertTrue(printed.matches("kernel: Linux \\S+ .*, net\\.core\\.bpf_jit_enable \\d\nr0 = 0x2a\nmemory: 00 11\nRFC 9669: r0 = 0x2a; the same\n"), printed);
        Result none = crosscheck("replay", prog.toString(), "--runtimes", "interp,jit", "--emit-c", c.toString());
        assertEquals(2, none.code(), none.out()); // "--emit-c: none of interp, jit is a kernel, DPDK or VM kernel runtime", before running
        assertTrue(none.out().isEmpty(), none.out());
    }

    /** replay names the deviation that explains the kernel's outcome (an address in r0) and counts it as agreeing. */
    @Test
    void replayNamesADocumentedDeviation() throws IOException {
        Path test = Files.writeString(dir.resolve("unwind-pointer.data"), "-- asm\ncall 5\nexit\n-- mem\n00 00 00 00 00 00 00 00\n-- result\n0x1000000000\n");
        Result r = crosscheck("replay", test.toString(), "--runtimes", "interp,kernel");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("a documented deviation (address-in-r0)"), r.out());
        assertTrue(r.out().contains("all runtimes agree"), r.out());
    }

    @Test
    void runShowsTheVerifiersReasonAndVerboseTheWholeLog() throws IOException {
        Path prog = Files.writeString(dir.resolve("oob.s"), "mov %r0, 0\nldxw %r0, [%r1+2]\nexit\n");
        Result r = crosscheck("run", prog.toString(), "--runtime", "kernel", "--mem", "01 02 03 04");
        assertTrue(r.out().contains("kernel: rejected by verifier: invalid access to map value, value_size=4 off=2 size=4 (at pc 1: r0 = *(u32 *)(r1 +2)) [EACCES]"), r.out());
        assertTrue(!r.out().contains("processed "), r.out());
        Result v = crosscheck("run", "--verbose", prog.toString(), "--runtime", "kernel", "--mem", "01 02 03 04");
        assertTrue(v.out().contains("# crosscheck: instruction numbers are the program's own"), v.out());
        assertTrue(v.out().contains("\n1: (61) r0 = *(u32 *)(r1 +2)\n"), v.out());
        assertTrue(v.out().contains("processed "), v.out());
    }

    @Test
    void benchMeasuresTheRuntimeAndTheCLoop() {
        Result r = crosscheck("bench", "kernel", "--seconds", "0.3", "--rounds", "1", "--threads", "1");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().matches("(?s).*threads  programs/s   C raw loop/s   ratio\\n\\s+1\\s+\\d+\\s+\\d+\\s+\\d+%.*"), r.out());
    }

    /** --generated: the campaign's programs, no C baseline, the verifier's rejections counted. */
    @Test
    void benchGeneratedRunsTheCampaignsProgramsWithoutTheCLoop() {
        Result r = crosscheck("bench", "kernel", "--generated", "--seconds", "0.2", "--rounds", "1", "--threads", "1");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().matches("(?s)bench kernel: generated programs \\(groups \\[.*\\(load \\+ run \\+ read back \\+ close\\).*"
                + "\nthreads  programs/s   rejected\n\\s+1\\s+\\d+   \\d+ of \\d+ runs \\(\\d+\\.\\d\\d%\\)\n"), r.out());
    }

    @Test
    void benchKernelLitmusMeasuresStoreBuffering() {
        Result r = crosscheck("bench", "kernel-litmus", "--seconds", "0.1", "--rounds", "1", "--iterations", "20000");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().matches("(?s).*round  iterations/s   weak \\(0,0\\)   barrier time-outs\\n\\s+1\\s+\\d+\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d\\d%.*"), r.out());
    }
}
