package org.crosscheck.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.conformance.Expectations;
import org.crosscheck.runtime.conformance.Expected;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every bpf_conformance test through the kernel: a test ends as it expects unless
 * conformance/kernel-expected.txt lists it, and then it must have the listed hash and end with the
 * listed outcome.
 */
class KernelConformanceTest {
    private static KernelRuntime kernel;

    @BeforeAll
    static void open() {
        kernel = KernelTests.kernel();
    }

    @TestFactory
    Stream<DynamicTest> conformance() throws IOException {
        Path dir = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        Expectations expected = Expectations.builtIn("kernel");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
        assertTrue(files.size() >= 300, "found only " + files.size() + " tests in " + dir);
        return files.stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
            DataFile data = DataFile.read(f);
            Outcome o = kernel.run(data.program().program(), data.memory(), Limits.DEFAULT);
            Expected want = Expected.of(data);
            Expectations.Judgement j = expected.judge(f.getFileName().toString(), Files.readAllBytes(f), want.meets(o), o);
            assertNotEquals(Expectations.Status.FAIL, j.status(), () -> j.why().isEmpty() ? "expected " + want.describe()
                    + ", got " + o.describe() : j.why());
        }));
    }
}
