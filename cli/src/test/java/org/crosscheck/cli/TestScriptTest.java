package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command {@code ./test} and CI's {@code .ci/run}, copied beside a stub
 * {@code mvnw} into a scratch project and run with stub {@code apt-get}, {@code ldconfig} and
 * tools on a PATH of nothing else: it installs exactly the packages that are missing, then runs
 * {@code mvnw -B -ntp verify} with its own arguments; {@code .ci/run} runs exactly it.
 */
class TestScriptTest {
    @TempDir
    Path tmp;

    Path project, bin;

    static Path executable(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A scratch project with the real scripts and a PATH of stubs; {@code present} are the tools already installed. */
    void setUp(List<String> present, boolean dpdk) throws IOException {
        project = tmp.resolve("project");
        Path root = Path.of("..");
        executable(project.resolve("test"), Files.readString(root.resolve("test")));
        executable(project.resolve(".ci/run"), Files.readString(root.resolve(".ci/run")));
        executable(project.resolve("mvnw"), "#!/bin/sh\necho \"mvnw $*\" >> " + tmp.resolve("calls") + "\nexit 3\n");
        executable(project.resolve("bin/java25-home"), "#!/bin/sh\necho /jdk\n");
        bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "grep")) {
            executable(bin.resolve(tool), "#!/bin/sh\nexec " + Path.of("/usr/bin", tool).toRealPath() + " \"$@\"\n");
        }
        executable(bin.resolve("apt-get"), "#!/bin/sh\necho \"apt-get $*\" >> " + tmp.resolve("calls") + "\n");
        executable(bin.resolve("ldconfig"), "#!/bin/sh\n" + (dpdk ? "echo '\tlibrte_bpf.so.23 (libc6,x86-64) => /usr/lib/librte_bpf.so.23'\n" : ""));
        executable(bin.resolve("dpkg-query"), "#!/bin/sh\n" + (dpdk ? "echo 'install ok installed'\n" : "exit 1\n"));
        for (String tool : present) executable(bin.resolve(tool), "#!/bin/sh\n");
    }

    /** Runs a script of the scratch project: its exit code, and the stubs' calls. */
    record Run(int exit, List<String> calls) {}

    Run run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out").toFile());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
        Path calls = tmp.resolve("calls");
        return new Run(p.exitValue(), Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    @Test
    void installsOnlyWhatIsMissingThenRunsEveryTestWithItsArguments() throws Exception {
        setUp(List.of("chromium"), false);
        Run r = run(project.resolve("test").toString(), "-Dtest=Foo", "-o");
        assertEquals(3, r.exit(), "the exit code of mvnw: " + Files.readString(tmp.resolve("out")));
        assertEquals(List.of("apt-get update -qq", "apt-get install -y -qq -o DPkg::Lock::Timeout=300 prometheus librte-bpf23 gcc qemu-system-x86 qemu-system-arm cpio gcc-bpf clang llvm csmith libdpdk-dev binutils-multiarch",
                "mvnw -B -ntp verify -Dtest=Foo -o"), r.calls());
    }

    @Test
    void installsNothingWhenAllIsThere() throws Exception {
        setUp(List.of("chromium", "prometheus", "gcc", "qemu-system-x86_64", "qemu-system-aarch64", "cpio", "bpf-gcc", "clang", "llc", "csmith"), true);
        assertEquals(List.of("mvnw -B -ntp verify"), run(project.resolve("test").toString()).calls());
    }

    @Test
    void ciRunsExactlyTheTestCommand() throws Exception {
        setUp(List.of(), false);
        executable(project.resolve("test"), "#!/bin/sh\necho \"test $*\" >> " + tmp.resolve("calls") + "\nexit 4\n");
        Run r = run(project.resolve(".ci/run").toString());
        assertEquals(4, r.exit());
        assertEquals(List.of("test "), r.calls());
    }
}
