package org.crosscheck.coordinator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.crosscheck.runtime.kernel.VerifierStates;
import org.crosscheck.runtime.kernel.Verifying;
import org.junit.jupiter.api.Test;

/** No false positives on this machine's kernel: the conformance suite and generated programs break no claim of its verifier. */
class VerifierOracleSoundnessTest {
    static final Path TESTS = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "bpf_conformance", "tests");

    /** The oracle's violations for one program the kernel accepts, as "name: violation" lines; null when it rejects it. */
    static List<String> violations(KernelRuntime kernel, String name, ProgramInput in) throws VerifierStates.Unreadable {
        Verifying.Verification v = kernel.verify(in.program(), in.memory());
        if (!v.accepted()) return null;
        List<String> out = new ArrayList<>();
        for (VerifierOracle.Violation x : VerifierOracle.check(Reference.trace(in, Limits.DEFAULT), VerifierStates.parse(v.log()), v.userStart())) {
            out.add(name + ": " + x.check().id + ": " + x.describe());
        }
        return out;
    }

    @Test
    void theConformanceSuiteBreaksNoClaim() throws Exception {
        try (KernelRuntime kernel = new KernelRuntime(); Stream<Path> s = Files.list(TESTS)) {
            assumeTrue(kernel.unavailableReason().isEmpty(), "kernel unavailable");
            List<String> found = new ArrayList<>();
            int checked = 0;
            for (Path f : s.filter(p -> p.toString().endsWith(".data")).sorted().toList()) {
                DataFile d = DataFile.read(f);
                List<String> v = violations(kernel, f.getFileName().toString(), new ProgramInput(d.program().program(), d.memory()));
                if (v == null) continue;
                checked++;
                found.addAll(v);
            }
            assertEquals(List.of(), found);
            assertTrue(checked >= 250, "checked only " + checked);
            System.out.println("verifier oracle: " + checked + " accepted conformance tests, 0 violations");
        }
    }

    @Test
    void generatedProgramsBreakNoClaim() throws Exception {
        generated(Generator.Profile.DEFAULT);
    }

    @Test
    void programsOfTheVerifierProfileBreakNoClaim() throws Exception {
        generated(Generator.Profile.VERIFIER);
    }

    private static void generated(Generator.Profile profile) throws Exception {
        try (KernelRuntime kernel = new KernelRuntime()) {
            assumeTrue(kernel.unavailableReason().isEmpty(), "kernel unavailable");
            Generator g = new Generator(Campaign.generatorConfig(List.of(new Interpreter(), kernel), Group.rfc(), CpuVersion.V4, Generator.DEFAULT_MAX_UNITS, false)
                    .withProfile(profile));
            List<String> found = new ArrayList<>();
            int checked = 0;
            for (long i = 0; i < 2000; i++) {
                Generator.Case c = g.generate(42, i);
                List<String> v = violations(kernel, "case 42:" + i, c.input());
                if (v == null) continue;
                checked++;
                found.addAll(v);
            }
            assertEquals(List.of(), found);
            assertTrue(checked >= 1500, profile + ": the kernel accepted only " + checked + " of 2000");
            System.out.println("verifier oracle: " + checked + " of 2000 generated programs (" + profile + " profile) accepted, 0 violations");
        }
    }
}
