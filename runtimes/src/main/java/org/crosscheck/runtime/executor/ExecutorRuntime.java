package org.crosscheck.runtime.executor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;

/**
 * A runtime that runs in executor child processes ({@link ExecutorMain}, the same classpath in a
 * new JVM) so that a crash of the runtime is an {@link Outcome.Crashed}, never a dead caller.
 * Executors live across programs; each calling thread takes an idle one from a pool (or starts
 * one), so concurrent callers never share a pipe. Every run has the wall-clock limit of its
 * {@link Limits}: past it the child is killed and the run is {@link Outcome.TimedOut}. A child that
 * dies is described (signal or exit code, its last line on stderr) and replaced at the next run.
 */
public final class ExecutorRuntime implements Runtime {
    /** What the parent knows without starting a child; {@code poisons}: programs after which a child is not reused. */
    public record Spec(String name, Capabilities capabilities, Predicate<Program> poisons, boolean compiles) {}

    /** The JVM's fatal error banner: {@code #  SIGSEGV (0xb) at pc=0x..., pid=..., tid=...} and the problematic frame. */
    private static final java.util.regex.Pattern FATAL_SIGNAL = java.util.regex.Pattern.compile(
            "#\\s+(SIG[A-Z]+) \\(0x[0-9a-f]+\\)[^\\n]*\\n(?:[^\\n]*\\n)*?# Problematic frame:\\n#([^\\n]*)");

    /** How long a child may take to start and say hello. */
    static final long START_MILLIS = 60_000;

    private final Spec spec;
    private final ConcurrentLinkedDeque<Executor> idle = new ConcurrentLinkedDeque<>();
    private final Set<Executor> all = ConcurrentHashMap.newKeySet();
    private volatile Optional<String> unavailable;
    private volatile boolean closed;

    public ExecutorRuntime(Spec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Capabilities capabilities() {
        return spec.capabilities();
    }

    @Override
    public boolean compiles() {
        return spec.compiles();
    }

    /** Asks a child (started once for this, then kept): only it knows whether the runtime can run here. */
    @Override
    public Optional<String> unavailableReason() {
        Optional<String> u = unavailable;
        if (u != null) return u;
        synchronized (this) {
            if (unavailable == null) {
                try {
                    idle.push(start());
                } catch (IOException e) {
                    unavailable = Optional.of("cannot start the executor process: " + e.getMessage());
                }
            }
            return unavailable;
        }
    }

    /** Number of child processes alive (for tests). */
    public int executors() {
        return (int) all.stream().filter(e -> e.process.isAlive()).count();
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        Optional<String> why = unavailableReason();
        if (why.isPresent()) return new Outcome.Unsupported(name() + " unavailable: " + why.get());
        Executor e = idle.pollFirst();
        if (e == null) {
            try {
                e = start();
            } catch (IOException ex) {
                return new Outcome.Crashed("executor did not start: " + ex.getMessage());
            }
        }
        Outcome o = e.exchange(program, memory, limits);
        if (e.healthy && !spec.poisons().test(program) && !closed) {
            idle.push(e);
        } else {
            e.destroy();
            if (!closed) Thread.ofVirtual().start(this::prestart); // the next run need not wait for a JVM to start
        }
        return o;
    }

    /** Starts an executor into the idle pool (a failure is left for the next run to report). */
    private void prestart() {
        try {
            Executor e = start();
            if (closed) e.destroy();
            else idle.push(e);
        } catch (IOException ignored) {
            // run() starts one itself and reports why it cannot
        }
    }

    private Executor start() throws IOException {
        Executor e = new Executor(command(spec.name()));
        all.add(e);
        try (Processes.Deadline d = Processes.deadline(e.process, START_MILLIS)) {
            String hello;
            try {
                hello = Framing.readHello(e.in);
            } catch (IOException ex) {
                e.destroy();
                throw new IOException((d.fired() ? "no hello within " + START_MILLIS + " ms" : "executor " + Processes.death(e.process)
                        + " before its hello (" + ex.getMessage() + ")") + lastWords(e), ex);
            }
            if (unavailable == null) unavailable = hello.isEmpty() ? Optional.empty() : Optional.of(hello);
        }
        return e;
    }

    /** The child's command line: this JVM's java and classpath, the executor main class and the runtime name. */
    static List<String> command(String runtime) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-Xshare:auto",
                // JVM messages never on the frame stream; a native crash writes its report there instead of
                // an hs_err file (the parent reads the signal from it) and leaves no core file
                "-Xlog:disable", "-Xlog:all=error:stderr", "-XX:+ErrorFileToStdout", "-XX:-CreateCoredumpOnCrash",
                "-cp", System.getProperty("java.class.path"), ExecutorMain.class.getName(), runtime);
    }

    private static String lastWords(Executor e) {
        try {
            e.stderr.await(1000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        String l = e.stderr.lastLine();
        return l.isEmpty() ? "" : "; stderr: " + l;
    }

    @Override
    public void close() {
        closed = true;
        for (Executor e : all) e.destroy();
        idle.clear();
    }

    /** One child process and its pipes; used by one thread at a time. */
    private final class Executor {
        final Process process;
        final OutputStream out;
        final InputStream in;
        final Processes.Capture stderr;
        boolean healthy = true;

        Executor(List<String> command) throws IOException {
            process = new ProcessBuilder(command).start();
            out = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(process.getInputStream(), 1 << 16);
            stderr = Processes.capture(process.getErrorStream(), 4096, true);
        }

        Outcome exchange(Program program, byte[] memory, Limits limits) {
            Processes.Deadline d = Processes.deadline(process, limits.wallClockMillis());
            try {
                Framing.writeRun(out, program.encode(), memory, limits);
                Outcome o = Framing.readOutcome(in);
                d.close();
                if (d.fired()) healthy = false; // killed just after answering: the answer stands, the child does not
                return o;
            } catch (IOException ex) {
                d.close();
                healthy = false;
                if (d.fired()) return new Outcome.TimedOut(limits.wallClockMillis());
                String how = ex instanceof Framing.ProtocolException ? nativeCrash() : "";
                process.destroyForcibly();
                return new Outcome.Crashed(name() + " executor " + how + Processes.death(process) + lastWords(this));
            }
        }

        /**
         * After a frame that is not one: the JVM's fatal error report (written to stdout by
         * -XX:+ErrorFileToStdout) names the signal and where it hit; read a bounded part of it.
         */
        String nativeCrash() {
            Processes.Capture rest = Processes.capture(in, 64 * 1024, false);
            try (Processes.Deadline d = Processes.deadline(process, 3000)) {
                rest.await(4000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            java.util.regex.Matcher m = FATAL_SIGNAL.matcher(rest.text());
            return m.find() ? "hit " + m.group(1) + " in native code (" + m.group(2).strip() + "), " : "broke the executor protocol, ";
        }

        void destroy() {
            healthy = false;
            all.remove(this);
            try {
                out.close(); // end of input: a healthy child exits by itself
            } catch (IOException ignored) {
                // already dead
            }
            process.destroyForcibly();
        }
    }
}
