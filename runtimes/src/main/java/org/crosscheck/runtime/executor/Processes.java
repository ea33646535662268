package org.crosscheck.runtime.executor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the executor and plugin runtimes share about child processes: a wall-clock watchdog, a
 * bounded reader of an output stream, and a one-line account of how a process died.
 */
public final class Processes {
    private Processes() {}

    private static final ScheduledExecutorService WATCHDOG = watchdog();

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("process-watchdog").factory());
        s.setRemoveOnCancelPolicy(true); // one task per run: cancelled ones must not pile up
        return s;
    }

    /** A kill scheduled at a deadline; {@link #fired()} tells whether it happened. */
    public static final class Deadline implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        Deadline(Process p, long millis) {
            task = WATCHDOG.schedule(() -> {
                fired.set(true);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }, millis, TimeUnit.MILLISECONDS);
        }

        public boolean fired() {
            return fired.get();
        }

        /** Cancels the kill; true when it had already started. */
        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /** Kills {@code p} (and its children) after {@code millis} unless closed first. */
    public static Deadline deadline(Process p, long millis) {
        return new Deadline(p, millis);
    }

    /**
     * Reads a stream to its end on a virtual thread, keeping at most {@code limit} bytes (the first
     * ones, or the last ones with {@code keepLast}); what passes the limit is drained and counted, so
     * the child never blocks on a full pipe.
     */
    public static final class Capture {
        private final byte[] buf;
        private int len;
        private long total;
        private final Thread thread;

        Capture(InputStream in, int limit, boolean keepLast) {
            buf = new byte[limit];
            thread = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[8192];
                try (in) {
                    int n;
                    while ((n = in.read(chunk)) > 0) {
                        synchronized (this) {
                            if (keepLast && len + n > buf.length) { // drop the oldest bytes
                                int drop = Math.min(len, len + n - buf.length);
                                System.arraycopy(buf, drop, buf, 0, len - drop);
                                len -= drop;
                            }
                            int keep = Math.min(n, buf.length - len);
                            System.arraycopy(chunk, 0, buf, len, keep);
                            len += keep;
                            total += n;
                        }
                    }
                } catch (IOException closed) {
                    // the process is gone: keep what was read
                }
            });
        }

        /** Waits up to {@code millis} for the end of the stream. */
        public void await(long millis) throws InterruptedException {
            thread.join(java.time.Duration.ofMillis(millis));
        }

        public synchronized String text() {
            return new String(buf, 0, len, StandardCharsets.UTF_8);
        }

        /** True when the stream had more than the limit. */
        public synchronized boolean overflowed() {
            return total > buf.length;
        }

        public synchronized long total() {
            return total;
        }

        /** The last non-empty line kept, at most 200 characters (for crash details). */
        public String lastLine() {
            String[] lines = text().strip().split("\n");
            String l = lines[lines.length - 1].strip();
            return l.length() > 200 ? l.substring(0, 200) + "..." : l;
        }
    }

    public static Capture capture(InputStream in, int limit, boolean keepLast) {
        return new Capture(in, limit, keepLast);
    }

    /** How a finished process ended: {@code killed by signal 6 (SIGABRT)} or {@code exited with code 3}. */
    public static String death(Process p) {
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) return "did not exit";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for it";
        }
        int code = p.exitValue();
        // Java reports a death by signal N as exit value 128 + N
        return code > 128 && code < 128 + 65 ? "killed by signal " + (code - 128) + " (" + signalName(code - 128) + ")" : "exited with code " + code;
    }

    /** The signal number of a death by signal, else -1. */
    public static int signal(Process p) {
        int code = p.exitValue();
        return code > 128 && code < 128 + 65 ? code - 128 : -1;
    }

    static String signalName(int n) {
        return switch (n) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> "SIG" + n;
        };
    }
}
