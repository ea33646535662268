package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * crosscheck JVMs of the packaged jar that a test starts ({@code @RegisterExtension}), each with its
 * output (stdout and stderr) in a log of its name; all killed after each test.
 */
final class Jvms implements AfterEachCallback {
    private final List<Process> started = new ArrayList<>();
    private final Path logs;

    Jvms() {
        try {
            logs = Files.createTempDirectory("crosscheck-jvms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code crosscheck ARGS} as the launcher does, without a cluster secret in its environment. */
    Process start(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC",
                "-jar", PluginProtocolIT.JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().remove("CROSSCHECK_SECRET");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** The runtimes of the small cluster campaigns of the tests (a finding within seconds). */
    static final String RUNTIMES = "interp,interp-mutant:sdiv-overflow";

    /** A coordinator on 127.0.0.1:PORT with the secret 's', no metrics, of a campaign of {@link #RUNTIMES} and these options. */
    Process coordinator(String name, int port, Path workdir, String... campaign) throws IOException {
        List<String> args = new ArrayList<>(List.of("coordinator", "--bind", "127.0.0.1:" + port, "--workdir", workdir.toString(),
                "--http", "off", "--secret", "s", "--runtimes", RUNTIMES));
        args.addAll(List.of(campaign));
        return start(name, args);
    }

    /** A worker of one thread joining 127.0.0.1:PORT with the secret 's' and {@link #RUNTIMES}. */
    Process worker(String name, int port, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker", "--join", "127.0.0.1:" + port, "--secret", "s", "--threads", "1",
                "--runtimes", RUNTIMES));
        args.addAll(List.of(options));
        return start(name, args);
    }

    /** What the JVM of this name printed so far. */
    String log(String name) throws IOException {
        return Files.readString(logs.resolve(name + ".log"));
    }

    /** Waits (60 s at most) until the JVM of this name has printed {@code text}; fails if it ends first. */
    void await(String name, Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!log(name).contains(text)) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, name + " did not print '" + text + "': " + log(name));
            Thread.sleep(50);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (Process p : started) p.destroyForcibly();
        for (Process p : started) p.onExit().join();
        started.clear();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) if (!f.equals(logs)) Files.delete(f);
        }
    }
}
