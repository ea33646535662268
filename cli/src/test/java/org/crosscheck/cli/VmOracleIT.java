package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.runtime.vm.VmArch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier oracle on a guest's kernel (Debian's amd64 6.1 under QEMU): every case checked, no claim broken. */
class VmOracleIT {
    @Test
    void theOracleChecksTheGuestsVerifierAndFindsNothing(@TempDir Path dir) {
        Guests.prepared(VmArch.AMD64);
        String vm = "vm:amd64-6.1:interp";
        Cli c = Cli.run("campaign", "--runtimes", "interp," + vm, "--profile", "verifier", "--verifier-oracle", "1/1", "--inputs", "1", "--seed", "77",
                "--programs", "500", "--workdir", dir.resolve("w").toString(), "--metrics", "127.0.0.1:0");
        assertEquals(0, c.exit(), c.out() + c.err());
        Matcher m = Pattern.compile("verifier oracle " + Pattern.quote(vm) + ": ([0-9,]+) checks \\(([0-9,]+) states, [0-9.]+ MB of logs\\), ([0-9,]+) unreadable, ([0-9,]+) findings")
                .matcher(c.out());
        assertTrue(m.find(), c.out());
        long checks = Long.parseLong(m.group(1).replace(",", ""));
        assertTrue(checks > 300, c.out()); // the accepted programs the reference returned from, of 500
        assertTrue(Long.parseLong(m.group(2).replace(",", "")) > checks, c.out());
        assertEquals("0", m.group(3), c.out());
        assertEquals("0", m.group(4), c.out());
        assertTrue(c.out().contains("verifier accepts " + vm + " "), c.out());
        assertTrue(Pattern.compile("campaign: 500 programs in .*, 0 divergences, 0 findings").matcher(c.out()).find(), c.out());
    }

    /** The 313 shared conformance tests through the guest's verifier and the oracle: every accepted one checked, no claim broken. */
    @Test
    void theConformanceSuiteBreaksNoClaimOfTheGuestsVerifier() throws Exception {
        Guests.prepared(VmArch.AMD64);
        Path tests = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");
        java.util.List<String> found = new java.util.ArrayList<>();
        int checked = 0, files = 0;
        try (org.crosscheck.runtime.kernel.VmRuntime vm = new org.crosscheck.runtime.kernel.VmRuntime("vm:amd64-6.1:interp");
                java.util.stream.Stream<Path> s = java.nio.file.Files.list(tests)) {
            assertTrue(vm.unavailableReason().isEmpty(), vm.unavailableReason().toString());
            for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                files++;
                org.crosscheck.isa.DataFile d = org.crosscheck.isa.DataFile.read(f);
                var in = new org.crosscheck.isa.ProgramInput(d.program().program(), d.memory());
                var trace = org.crosscheck.coordinator.reference.Reference.trace(in, org.crosscheck.runtime.Limits.DEFAULT);
                if (!(trace.outcome() instanceof org.crosscheck.runtime.Outcome.Returned)) continue; // as a campaign: only complete paths
                var result = org.crosscheck.coordinator.oracle.VerifierOracle.run(vm, trace);
                if (result.log().startsWith("# not loaded") || result.states() == 0) continue; // refused (cpu v4 on 6.1, callx, ...)
                checked++;
                for (var v : result.violations()) found.add(f.getFileName() + ": " + v.check().id + ": " + v.describe());
            }
        }
        assertEquals(313, files);
        assertEquals(java.util.List.of(), found);
        assertTrue(checked >= 200, "checked only " + checked);
        System.out.println("verifier oracle on vm:amd64-6.1: " + checked + " accepted conformance tests of " + files + ", 0 violations");
    }
}
