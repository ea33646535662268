package org.crosscheck.runtime.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmExec;
import org.crosscheck.runtime.vm.VmName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bug kept in corpus/reproducers/ is shown on the bare runtime: each {@code NAME.data} has one
 * {@code NAME.<target>.c} (written by {@code crosscheck replay --emit-c}; the target a bare runtime here,
 * {@code kernel}, {@code dpdk-interp} or {@code dpdk-jit}, or a VM kernel, {@code vm-ARCH-VERSION-MODE}) and
 * the {@code .out} it printed there; built and run again it prints the same, and that is not the RFC's
 * result. More {@code NAME.<target>.out} files are what the same C program printed on other kernels (another
 * release, the same kernel's interpreter): each is checked where its kernel is, a VM kernel when its guest
 * is prepared. Lines starting {@code kernel: } (the uname the program prints) are not compared.
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

    /** {@code NAME.<target>.<ext>}: the reproducer's NAME (its .data) and the target, or null when no .data names it. */
    record Parts(String base, String target) {
        static Parts of(Path file, List<String> bases) {
            String f = file.getFileName().toString();
            String stem = f.substring(0, f.lastIndexOf('.'));
            for (String b : bases) if (stem.startsWith(b + ".") && stem.length() > b.length() + 1) return new Parts(b, stem.substring(b.length() + 1));
            return null;
        }
    }

    private static List<String> bases() throws IOException {
        return files(".data").stream().map(d -> d.getFileName().toString().replaceFirst("\\.data$", "")).toList();
    }

    @Test
    void everyReproducerHasItsCProgramAndItsOutput() throws IOException {
        List<String> bases = bases();
        assertFalse(bases.isEmpty(), "no reproducers in " + DIR.toAbsolutePath());
        for (String base : bases) {
            List<Path> cs = files(".c").stream().filter(c -> c.getFileName().toString().startsWith(base + ".")).toList();
            assertEquals(1, cs.size(), base + ": expected one " + base + ".<kernel|dpdk-interp|dpdk-jit|vm-ARCH-VERSION-MODE>.c, found " + cs);
            Path out = Path.of(cs.get(0).toString().replaceFirst("\\.c$", ".out"));
            assertTrue(Files.isRegularFile(out), out + " is missing (crosscheck replay " + base + ".data --emit-c DIR writes it)");
        }
        for (Path f : Stream.concat(files(".c").stream(), files(".out").stream()).toList()) {
            Parts p = Parts.of(f, bases);
            assertNotNull(p, f + " belongs to no NAME.data");
            assertTrue(CRepro.Target.of(p.target()) != null || VmName.ofFileLabel(p.target()) != null, f + ": '" + p.target() + "' is no bare runtime and no vm-ARCH-VERSION-MODE");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachCProgramPrintsWhatItsFileClaims() throws IOException {
        List<String> bases = bases();
        return files(".out").stream().map(out -> dynamicTest(out.getFileName().toString(), () -> {
            Parts p = Parts.of(out, bases);
            Path c = files(".c").stream().filter(f -> f.getFileName().toString().startsWith(p.base() + ".")).findFirst().orElseThrow();
            String printed = print(c, p.target());
            assertEquals(withoutKernelLines(Files.readString(out)), withoutKernelLines(printed), c + " printed something else on " + p.target() + " than " + out.getFileName());
            if (!c.getFileName().toString().equals(p.base() + "." + p.target() + ".c")) return; // another kernel's: as recorded, whatever it is
            Long rfc = DataFile.read(DIR.resolve(p.base() + ".data")).expectedResult();
            if (rfc != null) {
                String rfcLine = "r0 = 0x" + Long.toHexString(CRepro.Target.of(p.target()) == CRepro.Target.DPDK_INTERP || CRepro.Target.of(p.target()) == CRepro.Target.DPDK_JIT
                        ? rfc : rfc & 0xffff_ffffL);
                assertFalse(printed.lines().anyMatch(rfcLine::equals), c + " prints the RFC's result, " + rfcLine + ": not a bug here");
            }
        }));
    }

    /** What the C program {@code c} prints on {@code target}: built and run here, or in a guest; skipped where that runtime is not. */
    private String print(Path c, String target) throws IOException {
        VmName vm = VmName.ofFileLabel(target);
        if (vm != null) {
            Optional<VmCache.Prepared> image = VmCache.find(vm.arch(), vm.version()).filter(VmCache.Prepared::current);
            assumeTrue(image.isPresent(), () -> "no current " + vm.arch().debian + "-" + vm.version() + " guest prepared (crosscheck vm prepare --arch " + vm.arch().debian
                    + " --version " + vm.version() + ")");
            VmExec.Ran r = VmExec.run(image.get(), vm.jit(), VmExec.compile(vm.arch(), c, line -> {}), 60_000);
            return new CRepro.Run(r.exited().exitCode(), r.exited().stdout(), r.exited().stderr()).transcript();
        }
        CRepro.Target t = CRepro.Target.of(target);
        try (Runtime r = Runtimes.create(target)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> target + " unavailable here: " + r.unavailableReason().orElse(""));
        }
        Path bin;
        try {
            bin = CRepro.build(t, Files.readString(c), build, c.getFileName().toString().replaceFirst("\\.c$", ""));
        } catch (IOException e) {
            throw new AssertionError("cannot build " + c + " (./test installs gcc, libdpdk-dev and librte-bpf23): " + e.getMessage());
        }
        return CRepro.run(bin).transcript();
    }

    static String withoutKernelLines(String transcript) {
        return transcript.lines().filter(l -> !l.startsWith("kernel: ")).collect(Collectors.joining("\n", "", "\n"));
    }
}
