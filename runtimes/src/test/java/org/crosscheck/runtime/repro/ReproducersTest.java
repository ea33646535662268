package org.crosscheck.runtime.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bug kept in corpus/reproducers/ is shown on the bare runtime: each {@code NAME.data} has a
 * {@code NAME.<target>.c} (written by {@code crosscheck replay --emit-c}) and the {@code .out} it
 * printed here; built and run again it prints the same, and that is not the RFC's result.
 */
class ReproducersTest {
    static final Path DIR = Path.of("..", "corpus", "reproducers");

    @TempDir
    Path build;

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void everyReproducerHasItsCProgramAndItsOutput() throws IOException {
        List<Path> data = files(".data");
        assertFalse(data.isEmpty(), "no reproducers in " + DIR.toAbsolutePath());
        for (Path d : data) {
            String base = d.getFileName().toString().replaceFirst("\\.data$", "");
            List<Path> cs = files(".c").stream().filter(c -> c.getFileName().toString().startsWith(base + ".")).toList();
            assertEquals(1, cs.size(), base + ": expected one " + base + ".<kernel|dpdk-interp|dpdk-jit>.c, found " + cs);
            Path out = Path.of(cs.get(0).toString().replaceFirst("\\.c$", ".out"));
            assertTrue(Files.isRegularFile(out), out + " is missing (crosscheck replay " + d + " --emit-c DIR writes it)");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachCProgramPrintsWhatItsFileClaims() throws IOException {
        return files(".c").stream().map(c -> dynamicTest(c.getFileName().toString(), () -> {
            String name = c.getFileName().toString().replaceFirst("\\.c$", "");
            String target = name.substring(name.lastIndexOf('.') + 1);
            CRepro.Target t = CRepro.Target.of(target);
            try (Runtime r = Runtimes.create(target)) {
                assumeTrue(r.unavailableReason().isEmpty(), () -> target + " unavailable here: " + r.unavailableReason().orElse(""));
            }
            Path bin;
            try {
                bin = CRepro.build(t, Files.readString(c), build, name);
            } catch (IOException e) {
                throw new AssertionError("cannot build " + c + " (./test installs gcc, libdpdk-dev and librte-bpf23): " + e.getMessage());
            }
            String printed = CRepro.run(bin).transcript();
            assertEquals(Files.readString(Path.of(c.toString().replaceFirst("\\.c$", ".out"))), printed, c + " printed something else here");
            DataFile data = DataFile.read(DIR.resolve(name.substring(0, name.lastIndexOf('.')) + ".data"));
            Long rfc = data.expectedResult();
            if (rfc != null) {
                String rfcLine = "r0 = 0x" + Long.toHexString(t == CRepro.Target.KERNEL ? rfc & 0xffff_ffffL : rfc);
                assertFalse(printed.lines().anyMatch(rfcLine::equals), c + " prints the RFC's result, " + rfcLine + ": not a bug here");
            }
        }));
    }
}
