package org.crosscheck.runtime.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faithful runtimes say what a bare loader says: every shared conformance test through
 * {@code kernel} (and {@code dpdk-interp}, {@code dpdk-jit}) and through the C reproducer's loader
 * (raw bpf(2), rte_bpf_*; the program as hex arguments), verdict by verdict: rejected, or returned
 * with the same r0 and memory.
 */
class BareLoaderTest {
    static final Path TESTS = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");

    @TempDir
    Path dir;

    @Test
    void theFaithfulKernelGivesTheBareLoadersVerdictOnEveryConformanceTest() throws Exception {
        compare("kernel", CRepro.Target.KERNEL);
    }

    @Test
    void theFaithfulDpdkInterpreterGivesTheBareLoadersVerdictOnEveryConformanceTest() throws Exception {
        compare("dpdk-interp", CRepro.Target.DPDK_INTERP);
    }

    @Test
    void theFaithfulDpdkJitGivesTheBareLoadersVerdictOnEveryConformanceTest() throws Exception {
        compare("dpdk-jit", CRepro.Target.DPDK_JIT);
    }

    /** One line per verdict: {@code returned 0x2a 0102} (r0's low 32 bits for the kernel), {@code rejected}, {@code crashed}. */
    static String verdict(Outcome o, CRepro.Target t) {
        return switch (o) {
            case Outcome.Returned r -> "returned 0x" + Long.toHexString(t == CRepro.Target.KERNEL ? r.r0() & 0xffff_ffffL : r.r0())
                    + " " + HexFormat.of().formatHex(r.memory());
            case Outcome.Rejected r -> "rejected";
            case Outcome.Crashed c -> "crashed";
            default -> o.describe();
        };
    }

    static String verdict(CRepro.Run run) {
        if (run.exitCode() == 1 && run.stdout().contains("rejected: ")) return "rejected";
        if (run.exitCode() != 0) return "crashed";
        // DPDK's own messages may come first
        String r0 = run.stdout().lines().filter(l -> l.startsWith("r0 = ")).findFirst().orElse("r0 = ?").substring(5);
        String mem = run.stdout().lines().filter(l -> l.startsWith("memory:")).findFirst().orElse("").replace("memory:", "").replace(" ", "");
        return "returned " + r0 + " " + mem;
    }

    private void compare(String runtime, CRepro.Target target) throws Exception {
        try (Runtime r = Runtimes.create(runtime)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> runtime + " unavailable: " + r.unavailableReason().orElse(""));
            Path loader;
            try {
                loader = CRepro.build(target, CRepro.source(target, Program.of(List.of()), new byte[0], List.of("bare loader")), dir, "loader");
            } catch (IOException e) {
                throw new AssertionError("cannot build the bare loader (run ./test, which installs gcc, libdpdk-dev and librte-bpf23): " + e.getMessage());
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(TESTS)) {
                files = s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
            }
            assertTrue(files.size() >= 300, "found only " + files.size() + " tests in " + TESTS);
            List<String> differ = new ArrayList<>();
            int compared = 0;
            for (Path f : files) {
                DataFile data = DataFile.read(f);
                Program p = data.program().program();
                Outcome o = r.run(p, data.memory(), Limits.DEFAULT);
                if (o instanceof Outcome.Unsupported) continue; // not loaded by us: nothing to compare
                String hex = HexFormat.of().formatHex(p.encode());
                String ours = verdict(o, target);
                String bare = verdict(CRepro.run(loader, hex, HexFormat.of().formatHex(data.memory())));
                compared++;
                if (!ours.equals(bare)) differ.add(f.getFileName() + ": " + runtime + " " + ours + ", bare " + bare);
            }
            assertEquals(List.of(), differ, "verdicts that differ from the bare loader's");
            assertTrue(compared >= 150, "compared only " + compared);
            System.out.println(runtime + ": " + compared + " of " + files.size() + " conformance tests give the bare loader's verdict");
        }
    }
}
