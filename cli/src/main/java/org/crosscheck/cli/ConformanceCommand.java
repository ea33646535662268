package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.runtime.conformance.Expectations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "conformance",
        description = {
            "Runs bpf_conformance .data tests on a runtime: one line per test (PASS, FAIL or SKIP with",
            "the reason), then 'conformance: RUNTIME passed N failed M skipped K'. Exit code 0 only",
            "when no test failed; a malformed test counts as failed and names its file and line.",
            "A test passes when it ends as it expects: its r0, or the error it names (a decode",
            "rejection, a verifier/loader/JIT rejection or a trap; any of them when it does not say).",
            "A runtime's known failures (built in: conformance/RUNTIME-expected.txt) are pinned to",
            "each test's sha256 and exact outcome: XFAIL only when both are unchanged, else FAIL."
        },
        footer = {"", "Examples:", "  crosscheck conformance --runtime interp ../shared/bpf_conformance/tests",
            "  crosscheck conformance --runtime kernel --write-expected kernel-expected.txt ../shared/bpf_conformance/tests"})
final class ConformanceCommand extends CliCommand {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--cpu", paramLabel = "v1..v4", description = "Skip tests that need a newer CPU version.")
    String cpu;

    @Option(names = "--include-groups", paramLabel = "G,G", description = "Run only tests whose groups are all among these.")
    String include;

    @Option(names = "--exclude-groups", paramLabel = "G,G", description = "Skip tests that use any of these groups.")
    String exclude;

    @Option(names = "--expected", paramLabel = "FILE", description = "The list of known failures to judge by, instead of the built-in one.")
    Path expectedFile;

    @Option(names = "--write-expected", paramLabel = "FILE",
            description = "Write the list of known failures as this run found them to FILE: the list judged by (--expected, "
                    + "else built in) with every failing test pinned to its hash and outcome, passing ones taken off; "
                    + "comments and tests not run stay. The run's exit code is then 0 unless a test is malformed.")
    Path writeExpected;

    @Option(names = {"-q", "--quiet"}, description = "Print only failures and the summary line.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = ".data files, or directories searched for them.")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        Set<Group> groups;
        CpuVersion maxCpu;
        try {
            groups = include == null ? EnumSet.allOf(Group.class) : Group.parseList(include);
            if (exclude != null) groups.removeAll(Group.parseList(exclude));
            maxCpu = cpu == null ? CpuVersion.V4 : CpuVersion.parse(cpu);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        List<Path> files = collect(paths, ".data");
        try (Runtime runtime = runtimeOptions.open()) {
            Expectations expectations = expectations(runtime.name());
            TestRunner runner = new TestRunner(runtime, runtimeOptions.limits(), groups, maxCpu, expectations);
            int passed = 0, failed = 0, skipped = 0, xfailed = 0, malformed = 0;
            Set<String> ran = new HashSet<>();
            Map<String, Expectations.Entry> failing = new LinkedHashMap<>();
            for (Path f : files) {
                TestRunner.Verdict v = runner.run(f);
                switch (v.status()) {
                    case PASS -> passed++;
                    case FAIL -> failed++;
                    case SKIP -> skipped++;
                    case XFAIL -> {
                        skipped++;
                        xfailed++;
                    }
                }
                if (v.outcome() != null) {
                    String name = f.getFileName().toString();
                    ran.add(name);
                    // a listed test that now ends as it expects is taken off, not listed with its passing outcome
                    if (!v.endsAsExpected()) failing.put(name, Expectations.entry(name, v.content(), v.outcome()));
                } else if (v.status() == TestRunner.Status.FAIL) {
                    malformed++;
                }
                if (!quiet || v.status() == TestRunner.Status.FAIL) out.println(v.line());
                out.flush();
            }
            if (xfailed > 0) out.println("expected failures: " + xfailed + " (counted as skipped; listed in " + expectations.source() + ")");
            out.println("conformance: " + runtime.name() + " passed " + passed + " failed " + failed + " skipped " + skipped);
            if (writeExpected != null) {
                AtomicFiles.write(writeExpected, expectations.rewritten(ran, failing));
                out.println("wrote " + writeExpected + ": " + failing.size() + " known failures of " + runtime.name());
                return malformed == 0 ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        }
    }

    private Expectations expectations(String runtime) {
        if (expectedFile == null) return Expectations.builtIn(runtime);
        try {
            return Expectations.read(expectedFile);
        } catch (IOException e) {
            throw new UserError("--expected " + expectedFile + ": cannot read it (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new UserError("--expected: " + e.getMessage());
        }
    }

    /** The files named, and those ending in {@code suffix} under the directories named, sorted per directory. */
    static List<Path> collect(List<Path> paths, String suffix) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.toString().endsWith(suffix) && Files.isRegularFile(f)).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new UserError(p + ": no such file or directory");
            }
        }
        if (files.isEmpty()) throw new UserError("no " + suffix + " files in " + paths);
        return files;
    }
}
