package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.junit.jupiter.api.Test;

/**
 * Drives {@code crosscheck plugin} as bpf_conformance's runner does: a real subprocess of the
 * packaged jar, the program as one line of space-separated hex bytes on stdin, the memory as a hex
 * argument when the test has memory. Its answer must equal what the conformance command decides.
 */
class PluginProtocolIT {
    static final Path JAR = Path.of(System.getProperty("crosscheck.jar", "target/crosscheck.jar"));

    record Answer(int exit, String stdout) {}

    static Answer plugin(byte[] program, byte[] memory) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString(), "plugin", "--runtime", "interp"));
        if (memory.length > 0) cmd.add(HexFormat.of().formatHex(memory));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write((HexFormat.ofDelimiter(" ").formatHex(program) + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("plugin did not exit");
        }
        return new Answer(p.exitValue(), out);
    }

    @Test
    void answersEveryConformanceTestLikeTheConformanceCommand() throws Exception {
        List<Path> tests;
        try (Stream<Path> s = Files.list(Cli.shared().resolve("bpf_conformance/tests"))) {
            tests = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> results = new ArrayList<>();
        for (Path t : tests) {
            results.add(pool.submit(() -> {
                DataFile f = DataFile.read(t);
                Answer a = plugin(f.program().program().encode(), f.memory());
                String verdict = Cli.run("conformance", "-q", t.toString()).lastLine();
                boolean conformancePassed = verdict.contains("passed 1 ");
                boolean pluginPassed = a.exit() == 0 && Long.parseUnsignedLong(a.stdout(), 16) == f.expectedResult();
                return conformancePassed == pluginPassed ? null : t + ": conformance says " + verdict + ", plugin answered exit "
                        + a.exit() + " '" + a.stdout() + "'";
            }));
        }
        List<String> mismatches = new ArrayList<>();
        for (Future<String> r : results) {
            String m = r.get();
            if (m != null) mismatches.add(m);
        }
        pool.shutdown();
        assertEquals(List.of(), mismatches);
        assertEquals(313, results.size());
    }

    @Test
    void failuresExitNonZeroWithTheReason() throws Exception {
        byte[] oob = HexFormat.of().parseHex("61100000000000009500000000000000"); // ldxw r0, [r1+0] with no memory
        Answer a = plugin(oob, new byte[0]);
        assertEquals(1, a.exit());
        assertEquals("trap OUT_OF_BOUNDS at pc 0 (4-byte access at 0x1000000000)", a.stdout());
        Answer bad = plugin(HexFormat.of().parseHex("0700010001000000"), new byte[0]);
        assertEquals(1, bad.exit());
        assertEquals("invalid program: instruction 0: 0x07 add: reserved field offset must be 0, is 1", bad.stdout());
    }
}
