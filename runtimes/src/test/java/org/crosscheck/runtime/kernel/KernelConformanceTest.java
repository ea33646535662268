package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every bpf_conformance test through the kernel: a test passes (r0 as expected) unless
 * conformance/kernel-expected.txt lists it, and then it must fail with the listed reason.
 */
class KernelConformanceTest {
    private static KernelRuntime kernel;

    @BeforeAll
    static void open() {
        kernel = KernelTests.kernel();
    }

    static Map<String, String> expectedFailures() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (var in = KernelConformanceTest.class.getClassLoader().getResourceAsStream("conformance/kernel-expected.txt")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] kv = line.strip().split("\\s+", 2);
                out.put(kv[0], kv[1]);
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> conformance() throws IOException {
        Path dir = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        Map<String, String> expected = expectedFailures();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
        assertTrue(files.size() >= 300, "found only " + files.size() + " tests in " + dir);
        return files.stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
            DataFile data = DataFile.read(f);
            Outcome o = kernel.run(data.program().program(), data.memory(), Limits.DEFAULT);
            boolean passes = o instanceof Outcome.Returned r && r.r0Is(data.expectedResult());
            String listed = expected.get(f.getFileName().toString());
            if (listed == null) {
                assertTrue(passes, "expected r0 = 0x" + Long.toHexString(data.expectedResult()) + ", got " + o.describe());
            } else {
                assertFalse(passes, "passes but kernel-expected.txt lists it: " + listed);
                assertEquals(listed, "verifier: " + ((Outcome.Rejected) o).reason(), "the listed reason is no longer the kernel's");
            }
        }));
    }
}
