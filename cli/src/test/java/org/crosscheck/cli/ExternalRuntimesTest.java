package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.Capabilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Campaigns with runtimes outside the JVM: DPDK in executors, plugins as processes. Each bounded to seconds. */
class ExternalRuntimesTest {
    @TempDir
    Path work;

    static List<FindingStore.Summary> findings(Path workdir) throws Exception {
        return new FindingStore(workdir).list();
    }

    @Test
    void dpdkLoaderCrashOnAMissingExitIsAMinimizedCrashFindingAndTheCampaignGoesOn() throws Exception {
        try (Runtime r = Runtimes.create("dpdk-jit")) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> "DPDK missing: " + r.unavailableReason().orElse(""));
        }
        Cli c = Cli.run("campaign", "--runtimes", "interp,dpdk-interp,dpdk-jit", "--allow-missing-exit", "--programs", "40",
                "--batch-size", "20", "--seed", "3", "--threads", "2", "--max-units", "6", "--workdir", work.toString(), "--metrics", "off");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(c.lastLine().contains("ISA coverage"), c.out());
        FindingStore.Summary crash = findings(work).stream()
                .filter(s -> s.kind().equals("crash") && s.runtimes().containsAll(List.of("dpdk-interp", "dpdk-jit")))
                .findFirst().orElseThrow(() -> new AssertionError("no loader crash finding in " + c.out()));
        assertTrue(crash.minimized(), crash.title());
        List<Insn> repro = DataFile.read(crash.dir().resolve("repro.data")).program().program().insns();
        assertTrue(repro.getLast().op() != Op.EXIT, "the reproducer ends in exit: " + repro);
        assertTrue(repro.size() <= 10, "not minimized: " + repro); // each crashing try restarts an executor, so ddmin has few tries in its 10 s
        String outcomes = Files.readString(crash.dir().resolve("outcomes"));
        assertTrue(outcomes.contains("interp: trap FELL_OFF_END"), outcomes);
        // the corruption is the same every time; whether glibc notices it at once depends on the heap's state
        assertTrue(outcomes.contains("executor killed by signal 6 (SIGABRT)"), outcomes);
        assertTrue(programs(c) >= 40, c.out());
    }

    /**
     * DPDK's JIT crashes on jset with an immediate. Minimizing such a crash keeps the program's exit
     * and the reference's return: it used to shrink to a program without exit (here {@code w0 = ...}
     * or {@code r1 = r1} alone), on which DPDK's loader crashes for another reason.
     */
    @Test
    void aJitCrashMinimizesToItsCauseNotToAMissingExit() throws Exception {
        try (Runtime r = Runtimes.create("dpdk-jit")) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> "DPDK missing: " + r.unavailableReason().orElse(""));
        }
        Cli c = Cli.run("campaign", "--runtimes", "interp,dpdk-jit", "--programs", "64", "--batch-size", "32", "--seed", "5",
                "--threads", "2", "--max-units", "12", "--workdir", work.toString(), "--metrics", "off");
        assertEquals(0, c.exit(), c.err() + c.out());
        List<FindingStore.Summary> crashes = findings(work).stream().filter(s -> s.kind().equals("crash")).toList();
        assertFalse(crashes.isEmpty(), c.out());
        for (FindingStore.Summary crash : crashes) {
            List<Insn> repro = DataFile.read(crash.dir().resolve("repro.data")).program().program().insns();
            assertEquals(Op.EXIT, repro.getLast().op(), crash.title() + ": " + repro);
            assertTrue(repro.stream().anyMatch(i -> i.op() == Op.JSET_IMM), crash.title() + ": " + repro);
            assertTrue(Files.readString(crash.dir().resolve("outcomes")).contains("interp: r0 = "), crash.title());
        }
    }

    /**
     * DPDK's verifier refuses {@code scalar += pointer} ("destination is not a pointer"), which the
     * generator's masked accesses used: a campaign with DPDK adds the offset to a copy of the pointer
     * instead, so DPDK refuses none of its programs for that (it refused 45% of them).
     */
    @Test
    void campaignsWithDpdkAddOffsetsToPointersSoItsVerifierTakesThem() throws Exception {
        try (Runtime dpdk = Runtimes.create("dpdk-interp")) {
            assumeTrue(dpdk.unavailableReason().isEmpty(), () -> "DPDK missing: " + dpdk.unavailableReason().orElse(""));
            Generator.Config config = Campaign.generatorConfig(List.of(new Interpreter(), dpdk), Group.rfc(), CpuVersion.V4, 24, false);
            assertFalse(config.capabilities().scalarPlusPointer());
            assertEquals(0, notAPointer(dpdk, new Generator(config)));
            Generator.Config scalarPlusPointer = new Generator.Config(new Capabilities(config.groups(), config.capabilities().unsupportedOps(),
                    config.capabilities().loops(), true), config.cpu(), config.maxUnits(), false);
            assertTrue(notAPointer(dpdk, new Generator(scalarPlusPointer)) > 10);
        }
    }

    /** Of 300 generated programs, how many DPDK refuses with "destination is not a pointer". */
    private static int notAPointer(Runtime dpdk, Generator generator) {
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            Generator.Case c = generator.generate(21, i);
            if (dpdk.run(c.program(), c.memory(), Limits.DEFAULT) instanceof Outcome.Rejected r && r.reason().contains("destination is not a pointer")) refused++;
        }
        return refused;
    }

    /** Programs run, from the campaign's summary line. */
    static long programs(Cli c) {
        String summary = c.out().lines().filter(l -> l.startsWith("campaign: ") && l.contains(" programs in ")).findFirst().orElseThrow();
        return Long.parseLong(summary.replaceAll("campaign: ([\\d,]+) programs.*", "$1").replace(",", ""));
    }

    /** Every test passes, is skipped for an encoding DPDK lacks (with the reason, which the probe list confirms), or is a listed deviation. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dpdk-interp", "dpdk-jit"})
    void dpdkConformance(String runtime) throws Exception {
        try (Runtime r = Runtimes.create(runtime)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> "DPDK missing: " + r.unavailableReason().orElse(""));
        }
        Cli c = Cli.run("conformance", "--runtime", runtime, Cli.shared().resolve("bpf_conformance/tests").toString());
        assertEquals(0, c.exit(), c.out());
        assertTrue(c.out().contains("SKIP " + Cli.shared().resolve("bpf_conformance/tests/lock_fetch_add.data") + ": dpdk does not load lock fetch add (pc 4); the probe agrees (unsupported opcode: validate: invalid imm field at pc: 4)"), c.out());
        // listed: 8 for the interpreter (6 divisions by zero, le16-high, le32-high), 7 for the JIT (6 divisions, jset-imm)
        assertEquals("dpdk-interp".equals(runtime) ? "conformance: dpdk-interp passed 159 failed 0 skipped 154" : "conformance: dpdk-jit passed 160 failed 0 skipped 153",
                c.lastLine());
    }

    @Test
    void ourOwnPluginCommandIsAPluginThatAgreesWithTheReference() throws Exception {
        Cli c = Cli.run("campaign", "--runtimes", "interp,plugin:self", "--programs", "8", "--batch-size", "2", "--seed", "4",
                "--threads", "2", "--max-units", "4", "--workdir", work.toString(), "--metrics", "off");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(programs(c) >= 8, c.out());
        assertEquals(List.of(), findings(work).stream().map(FindingStore.Summary::title).toList());
    }

    Path script(String name, String body) throws Exception {
        Path f = work.resolve(name + ".sh");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void misbehavingPluginsBecomeTypedFindingsAndTheCampaignGoesOn() throws Exception {
        Cli c = Cli.run("campaign", "--runtimes", "interp,plugin:sleeper,plugin:garbage,plugin:killer",
                "--plugin", "sleeper=" + script("sleeper", "sleep 1000"),
                "--plugin", "garbage='" + script("garbage", "echo 'not hex'") + "'",
                "--plugin", "killer=" + script("killer", "kill -KILL $$"),
                "--timeout-ms", "300", "--programs", "4", "--batch-size", "2", "--seed", "5", "--threads", "2", "--max-units", "2",
                "--workdir", work.resolve("w").toString(), "--metrics", "off");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(programs(c) >= 4, c.out());
        List<String> titles = findings(work.resolve("w")).stream().map(s -> s.kind() + " " + s.runtimes()).sorted().toList();
        assertEquals(List.of("crash [plugin:garbage, plugin:killer]", "timeout [plugin:sleeper]"), titles);
    }

    @Test
    void badPluginDefinitionsAreOneLineErrors() {
        String test = Cli.shared().resolve("bpf_conformance/tests/add.data").toString();
        Cli c = Cli.run("run", "--runtime", "plugin:nope", "--plugin", "x='unterminated", test);
        assertEquals(2, c.exit());
        assertEquals("crosscheck: unterminated ' quote in command line: 'unterminated\n", c.err());
        Cli d = Cli.run("replay", test, "--runtimes", "plugin:nope");
        assertEquals(2, d.exit(), d.err());
        assertTrue(d.err().startsWith("crosscheck: unknown plugin 'nope' (define it with --plugin nope='command line'"), d.err());
    }
}
