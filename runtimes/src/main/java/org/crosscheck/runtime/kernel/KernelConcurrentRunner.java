package org.crosscheck.runtime.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.SharedProgram;

/**
 * Litmus runs on the Linux kernel's JIT: each thread of a {@link SharedProgram} becomes a socket
 * filter (see {@link SharedMap} for the code and the map) run by BPF_PROG_TEST_RUN with
 * {@code repeat} set, from a Java thread pinned to a CPU of its own, all threads over one array
 * map. A run goes in chunks of {@code instances} iterations: user space places the locations of
 * every instance on fresh cache lines (chosen from the seed) and sets them to their initial
 * values, the threads run the chunk together (a barrier inside the program lines up each
 * iteration), and user space reads each instance's observed registers and final location values
 * into the histogram. Placement and the delays that vary the threads' relative timing derive
 * from the seed; what the threads observe depends on the hardware and the scheduler.
 *
 * <p>Nothing waits forever: a thread waits at most {@link #RENDEZVOUS_NANOS} for the others
 * before a chunk and {@link SharedMap#SPINS} barrier reads inside one (a time-out only costs
 * that iteration its overlap), so a test run of a chunk always ends.
 *
 * <p>With more threads than CPUs, threads share CPUs round-robin: the results stay right, but a
 * thread then waits in vain for a partner that cannot run, so weak outcomes become rare and runs slow.
 */
public final class KernelConcurrentRunner implements ConcurrentRunner {
    /** How long a thread waits for the others before a chunk, at most. */
    private static final long RENDEZVOUS_NANOS = 20_000_000;
    /** Barrier time-outs of the last run, for benchmarks: many mean the threads seldom ran together. */
    private volatile long lastTimeouts;

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public String unavailableReason() {
        return Availability.reason().orElse(null);
    }

    /** How often a thread of the last run gave up waiting at the barrier (its partner was not running), over all threads. */
    public long lastTimeouts() {
        return lastTimeouts;
    }

    @Override
    public Histogram run(SharedProgram program, long iterations, long seed) throws ConcurrentRunException {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, is " + iterations);
        String unavailable = unavailableReason();
        if (unavailable != null) throw new ConcurrentRunException("kernel runtime unavailable: " + unavailable);
        int threads = program.threads().size();
        Histogram histogram = new Histogram();
        if (threads == 0 || iterations == 0) return histogram;
        SharedMap layout = layout(program, SharedMap.SPINS);
        List<Session> sessions = new ArrayList<>();
        int[] fds = new int[threads];
        Arrays.fill(fds, -1);
        try {
            for (int t = 0; t < threads; t++) sessions.add(new Session());
            Session.ValueMap map = sessions.getFirst().memoryMap(layout.size);
            if (map == null) {
                Session s = sessions.getFirst();
                throw new ConcurrentRunException("cannot create the shared map of " + layout.size + " bytes: " + s.lastFailure + " failed with " + Errno.describe(s.lastError));
            }
            for (int t = 0; t < threads; t++) fds[t] = load(sessions.get(t), layout.code(program, t, map.fd(), seed), t);
            return runChunks(program, layout, map.value(), sessions, fds, iterations, seed);
        } finally {
            for (int fd : fds) Bpf.close(fd);
            for (Session s : sessions) s.close();
        }
    }

    /** The shared map's layout for {@code program} (threads &gt; 0); why there is none as the exception. */
    static SharedMap layout(SharedProgram program, int spins) throws ConcurrentRunException {
        int threads = program.threads().size();
        if (threads > SharedMap.MAX_THREADS) throw new ConcurrentRunException(threads + " threads; the kernel runner takes at most " + SharedMap.MAX_THREADS);
        SharedMap layout = SharedMap.of(program, spins);
        if (layout == null) throw new ConcurrentRunException("the test's locations and observed registers do not fit one map value of " + SharedMap.MAX_SIZE + " bytes");
        return layout;
    }

    /** What the verifier log's wN instructions are. */
    static final String PROLOGUE = "the litmus thread's prologue: barrier, delay, location addresses";

    private static int load(Session s, SharedMap.Code code, int thread) throws ConcurrentRunException {
        int fd = KernelRuntime.load(s, code.bytes(), 0, 0);
        if (fd >= 0) return fd;
        Outcome.Rejected r = KernelRuntime.rejection(s, code.bytes(), code.bodyStart(), code.bodySlots(), -fd, PROLOGUE);
        throw new ConcurrentRunException("thread P" + thread + " refused by the kernel's verifier: " + r.reason());
    }

    private Histogram runChunks(SharedProgram program, SharedMap layout, MemorySegment value, List<Session> sessions, int[] fds, long iterations, long seed)
            throws ConcurrentRunException {
        int threads = fds.length;
        int[] cpus = Bpf.allowedCpus();
        if (cpus.length == 0) cpus = new int[] {-1};
        Placement placement = new Placement(layout, seed);
        Histogram histogram = new Histogram();
        long timeouts = 0;
        List<ExecutorService> workers = new ArrayList<>();
        try {
            // one thread per litmus thread, pinned once, for the whole run
            List<Future<Integer>> pinned = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ExecutorService w = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("kernel-litmus-P" + t).daemon().factory());
                workers.add(w);
                int cpu = cpus[t % cpus.length];
                pinned.add(w.submit(() -> cpu < 0 ? 0 : Bpf.pinTo(cpu)));
            }
            for (int t = 0; t < threads; t++) {
                int err = await(pinned.get(t), t);
                if (err != 0) throw new ConcurrentRunException("cannot pin thread P" + t + " to CPU " + cpus[t % cpus.length] + ": sched_setaffinity failed with " + Errno.describe(err));
            }
            long[] state = new long[program.stateWidth()];
            AtomicLong arrived = new AtomicLong();
            long chunk = 0;
            for (long done = 0; done < iterations; chunk++) {
                int n = (int) Math.min(layout.instances, iterations - done);
                placement.prepare(program, value, n);
                List<Future<Integer>> runs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Session s = sessions.get(t);
                    int fd = fds[t];
                    long all = threads * (chunk + 1);
                    runs.add(workers.get(t).submit(() -> {
                        rendezvous(arrived, all);
                        return testRun(s, fd, n);
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    int err = await(runs.get(t), t);
                    if (err != 0) throw new ConcurrentRunException("thread P" + t + ": BPF_PROG_TEST_RUN failed with " + Errno.describe(err));
                    timeouts += value.get(ValueLayout.JAVA_LONG, layout.timeouts(t));
                }
                placement.record(program, value, n, state, histogram);
                done += n;
            }
            lastTimeouts = timeouts;
            return histogram;
        } finally {
            for (ExecutorService w : workers) w.close(); // waits for a test run still going (it ends: every wait is bounded)
        }
    }

    /**
     * Waits, spinning, until all threads have arrived (at most {@link #RENDEZVOUS_NANOS}): each
     * thread then holds its CPU when the test runs start, so that they overlap even when other
     * processes compete for the CPUs (waking a thread from sleep takes up to milliseconds).
     */
    private static void rendezvous(AtomicLong arrived, long all) {
        arrived.incrementAndGet();
        long deadline = System.nanoTime() + RENDEZVOUS_NANOS;
        while (arrived.get() < all && System.nanoTime() < deadline) Thread.onSpinWait();
    }

    /** One chunk of {@code repeat} iterations of a thread: 0, or the errno of the failure. */
    private static int testRun(Session s, int fd, int repeat) {
        MemorySegment data = s.buffer(KernelRuntime.ETH_HLEN);
        data.asSlice(0, KernelRuntime.ETH_HLEN).fill((byte) 0);
        long r = s.testRun(fd, data, KernelRuntime.ETH_HLEN, repeat);
        return r < 0 ? (int) -r : 0;
    }

    private static int await(Future<Integer> f, int thread) throws ConcurrentRunException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConcurrentRunException("interrupted while thread P" + thread + " ran");
        } catch (ExecutionException e) {
            throw new ConcurrentRunException("thread P" + thread + " failed: " + e.getCause());
        }
    }

    /**
     * Where each instance's locations live in the current chunk: distinct cache lines of the
     * location region, at a random 8-byte slot of the line, drawn anew each chunk from the seed.
     */
    static final class Placement {
        private final SharedMap layout;
        private final SplittableRandom random;
        /** A permutation of the region's lines; each chunk uses its first instances*locations after a partial shuffle. */
        private final int[] lines;
        private final int[] offsets;

        Placement(SharedMap layout, long seed) {
            this.layout = layout;
            this.random = new SplittableRandom(seed);
            lines = new int[layout.region / SharedMap.LINE];
            for (int k = 0; k < lines.length; k++) lines[k] = k;
            offsets = new int[layout.instances * layout.locations];
        }

        /** Resets the counters and the barrier, places the locations of the first {@code n} instances and sets them to their initial values. */
        void prepare(SharedProgram p, MemorySegment value, int n) {
            for (int t = 0; t < layout.threads; t++) {
                value.set(ValueLayout.JAVA_LONG, layout.counter(t), 0);
                value.set(ValueLayout.JAVA_LONG, layout.timeouts(t), 0);
            }
            value.set(ValueLayout.JAVA_LONG, layout.barrier, 0);
            for (int k = 0; k < n * layout.locations; k++) {
                int pick = k + random.nextInt(lines.length - k);
                int line = lines[pick];
                lines[pick] = lines[k];
                lines[k] = line;
                offsets[k] = line * SharedMap.LINE + 8 * random.nextInt(SharedMap.LINE / 8);
            }
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < layout.locations; l++) {
                    value.set(ValueLayout.JAVA_LONG, layout.tableEntry(i, l), offsets[i * layout.locations + l]);
                    value.set(ValueLayout.JAVA_LONG, address(i, l), p.initial()[l]);
                }
            }
        }

        /**
         * Adds the states of the chunk's first {@code n} instances to {@code histogram}: each thread's observed
         * registers (a location's address shown as the location) and each location's final value.
         */
        void record(SharedProgram program, MemorySegment value, int n, long[] state, Histogram histogram) {
            long base = value.get(ValueLayout.JAVA_LONG, layout.base(0));
            long[] address = new long[layout.locations];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < layout.locations; l++) address[l] = base + address(i, l);
                int w = 0;
                for (int t = 0; t < layout.threads; t++) {
                    int observed = program.threads().get(t).observed().length;
                    for (int k = 0; k < observed; k++)
                        state[w++] = SharedProgram.symbolize(value.get(ValueLayout.JAVA_LONG, layout.result(t, i, k)), address);
                }
                for (int l = 0; l < layout.locations; l++) state[w++] = value.get(ValueLayout.JAVA_LONG, address(i, l));
                histogram.add(state);
            }
        }

        /** Offset in the map value of instance {@code i}'s location {@code l}. */
        long address(int i, int l) {
            return layout.locationBase + offsets[i * layout.locations + l];
        }
    }
}
