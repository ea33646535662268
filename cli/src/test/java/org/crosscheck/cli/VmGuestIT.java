package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's amd64 and arm64 6.1 kernels under QEMU as runtimes, end to end: prepared (apt-get download, the guest
 * executor compiled, the initramfs written) when this machine has not prepared it yet, then booted for
 * conformance, the op probe and a campaign. The x86-64 guest boots in about 3 s under TCG.
 */
class VmGuestIT {
    private static final String JIT = "vm:amd64-6.1:jit";

    @BeforeAll
    static void prepared() {
        Guests.prepared(VmArch.AMD64, VmArch.ARM64);
        Cli list = Cli.run("vm", "list");
        assertTrue(list.out().contains("amd64-6.1 ") && list.out().contains("cloud-amd64"), list.out());
    }

    /** Every conformance test passes or fails exactly as the pinned list says, on amd64 and arm64, JIT and interpreter. */
    @Test
    void conformanceAsPinned() {
        for (String r : new String[] {JIT, "vm:amd64-6.1:interp", "vm:arm64-6.1:jit", "vm:arm64-6.1:interp"}) {
            Cli c = Cli.run("conformance", "-q", "--runtime", r, Cli.shared().resolve("bpf_conformance/tests").toString());
            assertEquals(0, c.exit(), c.out() + c.err());
            String expected = r.equals("vm:arm64-6.1:jit") ? "passed 241 failed 0 skipped 72" : "passed 243 failed 0 skipped 70";
            assertTrue(c.lastLine().matches("conformance: " + Pattern.quote(r) + " " + expected), c.lastLine());
        }
    }

    /** 6.1 predates cpu v4: the probe says so, and a campaign sent only what it runs finds nothing to report. */
    @Test
    void probedGroupsKeepTheCampaignInsideThem(@TempDir Path dir) {
        Cli g = Cli.run("groups", "--runtimes", "interp," + JIT);
        assertEquals(0, g.exit(), g.out() + g.err());
        assertTrue(g.out().lines().anyMatch(l -> l.matches("interp +(all +){7}- +all +v4")), g.out());
        assertTrue(g.out().lines().anyMatch(l -> l.matches(Pattern.quote(JIT) + " +58/62 +47/54 +all +all +6/10 +6/10 +all +- +none +v3")), g.out());
        assertTrue(g.out().contains("bswap16 (base32, v4): unknown opcode d7 [EINVAL]"), g.out());

        Cli c = Cli.run("campaign", "--runtimes", "interp," + JIT, "--duration", "10s", "--seed", "1", "--workdir", dir.resolve("w").toString());
        assertEquals(0, c.exit(), c.out() + c.err());
        Matcher m = Pattern.compile("campaign: ([0-9,]+) programs in .*, (\\d+) divergences, (\\d+) findings").matcher(c.out());
        assertTrue(m.find(), c.out());
        assertTrue(Long.parseLong(m.group(1).replace(",", "")) > 500, c.out());
        assertEquals("0", m.group(2), c.out());
        assertEquals("0", m.group(3), c.out());
    }

    /**
     * One pipelined exchange of 64 generated programs, each loaded once and run on four inputs, gives input by
     * input what one run at a time gives; and the inputs matter (some programs' outcomes differ between them).
     */
    @Test
    void aBatchAnswersAsRunsOneByOne() {
        try (org.crosscheck.runtime.kernel.VmRuntime vm = new org.crosscheck.runtime.kernel.VmRuntime(JIT)) {
            assertTrue(vm.unavailableReason().isEmpty(), vm.unavailableReason().toString());
            org.crosscheck.coordinator.generate.Generator g = new org.crosscheck.coordinator.generate.Generator(org.crosscheck.coordinator.campaign.Campaign.generatorConfig(
                    java.util.List.of(vm), org.crosscheck.isa.Group.rfc(), org.crosscheck.isa.CpuVersion.V4, org.crosscheck.coordinator.generate.Generator.DEFAULT_MAX_UNITS, false));
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
            java.util.List<org.crosscheck.runtime.Runtime.Job> jobs = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                var c = g.generate(5, i);
                java.util.List<byte[]> inputs = new java.util.ArrayList<>(java.util.List.of(c.memory()));
                for (int k = 0; k < 3 && c.memory().length > 0; k++) {
                    byte[] m = c.memory().clone();
                    for (int b = 0; b < m.length; b += 1 + rnd.nextInt(4)) m[b] = (byte) rnd.nextInt(256);
                    inputs.add(m);
                }
                jobs.add(new org.crosscheck.runtime.Runtime.Job(c.program(), inputs, org.crosscheck.runtime.Limits.DEFAULT));
            }
            var batch = vm.runBatch(jobs);
            int differing = 0;
            for (int j = 0; j < jobs.size(); j++) {
                var job = jobs.get(j);
                assertEquals(job.inputs().size(), batch.get(j).size());
                for (int k = 0; k < job.inputs().size(); k++) {
                    var one = vm.run(job.program(), job.inputs().get(k), job.limits());
                    assertTrue(one.sameAs(batch.get(j).get(k)), "job " + j + " input " + k + ": batch " + batch.get(j).get(k).describe() + ", alone " + one.describe());
                }
                var first = batch.get(j).get(0);
                if (batch.get(j).stream().anyMatch(o -> !o.sameAs(first))) differing++;
            }
            assertTrue(differing > 0, "no program's outcome depends on its input");
        }
    }

    /** replay --runtimes vm:*:jit runs a test on every prepared kernel's JIT and says which releases differ from the reference. */
    @Test
    void replayOnEveryPreparedKernel() {
        Cli c = Cli.run("replay", Cli.shared().resolve("bpf_conformance/tests/add.data").toString(), "--runtimes", "interp,vm:*:jit");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("\n" + JIT + " "), c.out());
        assertTrue(c.out().contains("kernels that differ from interp: none\n") && c.out().contains(JIT + " (6.1.0-"), c.out());
        Cli bad = Cli.run("replay", Cli.shared().resolve("bpf_conformance/tests/add.data").toString(), "--runtimes", "interp,vm:*:fast");
        assertEquals(2, bad.exit());
        assertEquals("crosscheck: runtime 'vm:*:fast': expected vm:*, vm:*:jit or vm:*:interp\n", bad.err());
    }

    /** A truncated kernel image is one line naming it, not a hang or a stack trace (the real jar, its own cache dir). */
    @Test
    void aTruncatedKernelSaysSo(@TempDir Path cache) throws Exception {
        VmCache.Prepared p = VmCache.find(VmArch.AMD64, "6.1").orElseThrow();
        Path copy = Files.createDirectories(cache.resolve("crosscheck/vm/amd64-6.1"));
        try (var s = Files.list(p.dir())) {
            for (Path f : s.filter(Files::isRegularFile).toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        byte[] k = Files.readAllBytes(p.kernel());
        Files.write(copy.resolve(p.kernel().getFileName()), java.util.Arrays.copyOf(k, k.length / 3));
        Path prog = Files.writeString(cache.resolve("p.s"), "mov %r0, 1\nexit\n");
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-jar", System.getProperty("crosscheck.jar"), "run", prog.toString(), "--runtime", JIT).redirectErrorStream(true);
        b.environment().put("XDG_CACHE_HOME", cache.toString());
        Process proc = b.start();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "crosscheck did not finish");
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, proc.exitValue(), out);
        assertEquals(1, out.strip().lines().count(), out);
        assertTrue(out.startsWith("crosscheck: runtime " + JIT + " is not available here: ") && out.contains("corrupt or truncated kernel image?"), out);
    }

    /** The real jar as a subprocess, with {@code env} added; it is started, not waited for. */
    private static Process jar(Path log, java.util.Map<String, String> env, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", System.getProperty("crosscheck.jar")));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        return b.start();
    }

    private static java.util.List<String> titles(Path work) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        Path f = work.resolve("findings");
        if (!Files.isDirectory(f)) return out;
        try (var s = Files.list(f)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                java.util.Properties p = new java.util.Properties();
                try (var in = Files.newBufferedReader(d.resolve("meta.properties"))) {
                    p.load(in);
                }
                out.add(p.getProperty("title"));
            }
        }
        return out;
    }

    /** A guest kernel that panics mid-campaign (guest.c's debug command) is one titled finding with its console report, and the campaign goes on. */
    @Test
    void aKernelPanicIsOneTitledFindingAndTheCampaignGoesOn(@TempDir Path dir) throws Exception {
        // one input a program, and eight: the job the guest died on is then run again input by input on a fresh guest
        for (String inputs : new String[] {"1", "8"}) panicIsOneFinding(dir.resolve(inputs), inputs);
    }

    private void panicIsOneFinding(Path dir, String inputs) throws Exception {
        Path work = dir.resolve("w"), log = dir.resolve("log");
        Files.createDirectories(dir);
        Process p = jar(log, java.util.Map.of("CROSSCHECK_VM_CRASH_AFTER", "300"), "campaign", "--runtimes", "interp," + JIT, "--programs", "2000",
                "--duration", "150s", "--seed", "1", "--inputs", inputs, "--metrics", "off", "--workdir", work.toString());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the campaign did not end");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertEquals(java.util.List.of("crash (Kernel panic - not syncing: sysrq triggered crash): " + JIT + " vs interp"),
                titles(work).stream().map(t -> t.substring(0, t.lastIndexOf(" ["))).toList(), out);
        Matcher m = Pattern.compile("campaign: ([0-9,]+) programs in").matcher(out);
        assertTrue(m.find() && Long.parseLong(m.group(1).replace(",", "")) > 1_000, "the campaign went on after the panic: " + out);
        Matcher g = Pattern.compile("campaign: guests " + Pattern.quote(JIT) + ": ([0-9,]+) restarts?, ([0-9,]+) kernel crash").matcher(out);
        assertTrue(g.find() && Long.parseLong(g.group(1)) >= 1 && Long.parseLong(g.group(2)) >= 1, "the panic counted as a restart and a crash: " + out);
        try (var s = Files.list(work.resolve("findings"))) {
            Path f = s.filter(Files::isDirectory).findFirst().orElseThrow();
            String outcomes = Files.readString(f.resolve("outcomes"));
            assertTrue(outcomes.contains("sysrq_handle_crash"), "the console's report is kept: " + outcomes);
        }
    }

    /** A guest frozen (SIGSTOP to its QEMU) misses the run's deadline, is killed and replaced; the campaign goes on. */
    @Test
    void aFrozenGuestIsReplaced(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("w"), log = dir.resolve("log");
        // bounded by programs, not time: on a loaded machine the boot alone can take a minute (CI once froze the guest mid-boot);
        // no oracle: a freeze during its verification (a 60 s deadline, no run) retires the guest without a finding
        Process p = jar(log, java.util.Map.of(), "campaign", "--runtimes", "interp," + JIT, "--programs", "3000", "--duration", "170s", "--seed", "1",
                "--inputs", "1", "--metrics", "off", "--timeout-ms", "2000", "--threads", "1", "--verifier-oracle", "off", "--workdir", work.toString());
        long before = 0;
        for (int i = 0; i < 1200 && before == 0 && p.isAlive(); i++) { // booted and running programs
            Thread.sleep(100);
            before = programs(Files.readString(log));
        }
        assertTrue(before > 0 && before < 2000, "no programs ran before the freeze: " + Files.readString(log));
        ProcessHandle qemu = p.descendants().filter(h -> h.info().command().orElse("").contains("qemu-system")).findFirst().orElse(null);
        assertTrue(qemu != null, "no QEMU running: " + Files.readString(log));
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(qemu.pid())).start().waitFor());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the campaign did not end");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(!qemu.isAlive(), "the frozen QEMU was killed");
        assertTrue(titles(work).stream().allMatch(t -> t.startsWith("timeout: " + JIT + " vs interp")) && !titles(work).isEmpty(), titles(work) + "\n" + out);
        Matcher m = Pattern.compile("campaign: ([0-9,]+) programs in").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Long.parseLong(m.group(1).replace(",", "")) > before + 500, "programs at the freeze " + before + ", at the end: " + out);
        assertTrue(Pattern.compile("campaign: guests " + Pattern.quote(JIT) + ": [1-9][0-9,]* restarts?, 0 kernel crashes").matcher(out).find(),
                "the frozen guest counted as a restart, not a crash: " + out);
    }

    /** The programs count of the last progress line in {@code log} (0 before the first). */
    private static long programs(String log) {
        long n = 0;
        Matcher m = Pattern.compile("(?m)^\\[[0-9:]+\\] ([0-9,]+) programs").matcher(log);
        while (m.find()) n = Long.parseLong(m.group(1).replace(",", ""));
        return n;
    }
}
