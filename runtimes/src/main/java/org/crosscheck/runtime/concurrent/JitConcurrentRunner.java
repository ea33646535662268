package org.crosscheck.runtime.concurrent;

import static org.crosscheck.runtime.Layout.MEM_BASE;
import static org.crosscheck.runtime.Layout.STACK_SIZE;
import static org.crosscheck.runtime.Layout.STACK_TOP;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.jit.Compiled;
import org.crosscheck.runtime.jit.Jit;
import org.crosscheck.runtime.jit.MemoryMode;

/**
 * The threads of a test as JIT-compiled code on JVM threads over one shared off-heap segment,
 * with the JIT's BPF-to-JVM access-mode mapping ({@link MemoryMode#SHARED}), litmus7-style:
 * iterations run in chunks of {@link #INSTANCES}; iteration i of a chunk uses its own instance of
 * the locations, so the threads never wait for each other to reset memory; before each iteration
 * the threads meet at a spinning barrier (litmus7's "user" mode) so their accesses overlap in
 * time; between chunks they meet at a blocking barrier where the states of the chunk are
 * collected and the instances reset. Each chunk places the locations anew (all in one cache line
 * or each in its own, in a random order; instances in a random order), as litmus7 varies placement.
 */
public final class JitConcurrentRunner implements ConcurrentRunner {
    /** Location instances per chunk: iterations between two blocking barriers. */
    static final int INSTANCES = 4096;
    /**
     * Instructions one thread may execute per iteration (a fraction of a second): litmus threads run
     * a handful; a thread that never ends fails the run instead of hanging it.
     */
    static final long MAX_INSTRUCTIONS = 1L << 28;
    private static final int LINE = 64;
    /** Spins at the per-iteration barrier before going on alone (fewer when there are more threads than CPUs). */
    private static final int SPINS = 1 << 12, SPINS_OVERSUBSCRIBED = 1 << 6, MIN_SPINS = 1 << 9;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final MemoryMode mode;

    /** The {@code jit} runner with the JIT's real mapping. */
    public JitConcurrentRunner() {
        this("jit", MemoryMode.SHARED);
    }

    /** A runner with another mapping: {@code jit-mutant:unordered-fetch} is the deliberately wrong one. */
    public JitConcurrentRunner(String name, MemoryMode mode) {
        if (!mode.shared()) throw new IllegalArgumentException("a concurrent runner needs a shared memory mode");
        this.name = name;
        this.mode = mode;
    }

    @Override
    public String name() {
        return name;
    }

    /** Compiles each thread's body with a final exit, for code that shares memory. */
    static List<Compiled> compile(SharedProgram p, MemoryMode mode) throws ConcurrentRunException {
        List<Compiled> out = new ArrayList<>();
        for (int t = 0; t < p.threads().size(); t++) {
            Compiled c = Jit.compile(p.program(t), mode);
            if (c.fallbackReason() != null) throw new ConcurrentRunException("P" + t + ": the JIT cannot compile it: " + c.fallbackReason());
            out.add(c);
        }
        return out;
    }

    @Override
    public Histogram run(SharedProgram p, long iterations, long seed) throws ConcurrentRunException {
        List<Compiled> code = compile(p, mode);
        int threads = p.threads().size();
        int spinLimit = threads <= Runtime.getRuntime().availableProcessors() ? SPINS : SPINS_OVERSUBSCRIBED;
        int locs = p.locations();
        long instanceSize = (long) locs * LINE;
        long locationBytes = INSTANCES * instanceSize;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(locationBytes + (long) threads * STACK_SIZE, LINE);
            Chunk chunk = new Chunk(p, mem, locs, seed);
            long chunks = Math.max(1, (iterations + INSTANCES - 1) / INSTANCES);
            Histogram result = new Histogram();
            AtomicReference<String> failure = new AtomicReference<>();
            long[][] observed = new long[threads][];
            for (int t = 0; t < threads; t++) observed[t] = new long[INSTANCES * p.threads().get(t).observed().length];
            AtomicLong arrivals = new AtomicLong();
            long[] done = {0};
            // whether the threads stop after this chunk: decided once, by the barrier, for all of them. Each
            // reading the failure itself raced: a thread woken late saw a failure set meanwhile in the next
            // chunk and left, and the others waited for it at that chunk's barrier forever.
            boolean[] stop = {false};
            CyclicBarrier between = new CyclicBarrier(threads, () -> {
                // runs in the last thread to arrive: every thread's writes of the chunk are visible here
                int n = (int) Math.min(INSTANCES, iterations - done[0]);
                chunk.collect(result, observed, n);
                done[0] += n;
                chunk.reset();
                stop[0] = failure.get() != null;
            });
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                MachineState s = new MachineState(new byte[0], 0, (int) locationBytes, (int) (locationBytes + (long) t * STACK_SIZE));
                s.shared = mem;
                workers.add(Thread.ofPlatform().name("litmus-" + name + "-P" + t).start(() -> {
                    SharedProgram.ThreadCode tc = p.threads().get(id);
                    int[] obs = tc.observed();
                    long[] out = observed[id];
                    long next = 0; // barrier generation: every thread arrives once per iteration
                    int budget = spinLimit;
                    try {
                        for (long c = 0; c < chunks && !stop[0]; c++) {
                            int n = (int) Math.min(INSTANCES, iterations - c * INSTANCES);
                            for (int i = 0; i < n; i++) {
                                long base = chunk.instanceBase(i);
                                long[] r = s.r;
                                for (int k = 0; k < 11; k++) {
                                    int l = tc.regLocation()[k];
                                    r[k] = l < 0 ? tc.regValue()[k] : MEM_BASE + base + chunk.offset(l);
                                }
                                r[10] = STACK_TOP;
                                s.pc = 0;
                                s.depth = 0;
                                s.left = MAX_INSTRUCTIONS;
                                next += threads;
                                arrivals.incrementAndGet();
                                // spin (litmus7's user barrier) so the threads start the iteration together; a thread we
                                // wait for that is not running (more threads than idle CPUs) is not waited for longer:
                                // an iteration without overlap is still a valid execution, and the cumulative count lets
                                // the late thread catch up at once
                                // the spin budget adapts: halved after a wait that timed out (a partner off its CPU
                                // now is likely off it for the next iterations too), doubled after one that did not
                                int spins = 0;
                                while (arrivals.get() < next && spins < budget) {
                                    Thread.onSpinWait();
                                    spins++;
                                }
                                if (arrivals.get() < next) {
                                    budget = Math.max(MIN_SPINS, budget >> 1);
                                    Thread.yield();
                                } else if (spins > 0) {
                                    budget = Math.min(spinLimit, budget << 1);
                                }
                                String why = code.get(id).runThread(s);
                                if (why != null) {
                                    failure.compareAndSet(null, "P" + id + ": " + why);
                                    n = i; // stop after this chunk; the other threads do not wait at a spin barrier for us
                                    next += (long) threads * 1_000_000_000L; // never wait again
                                    arrivals.addAndGet(1_000_000_000L * threads);
                                    break;
                                }
                                for (int j = 0; j < obs.length; j++) out[i * obs.length + j] = r[obs[j]];
                            }
                            between.await();
                        }
                    } catch (InterruptedException | BrokenBarrierException e) {
                        failure.compareAndSet(null, "P" + id + " interrupted");
                        between.reset();
                    }
                }));
            }
            for (Thread w : workers) w.join();
            if (failure.get() != null) throw new ConcurrentRunException(failure.get());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConcurrentRunException("interrupted");
        }
    }

    /** Where the locations are during one chunk, and its states. */
    private static final class Chunk {
        final SharedProgram p;
        final MemorySegment mem;
        final int locs;
        final SplittableRandom random;
        final long[] offset;   // per location: its offset inside an instance
        final int[] instance;  // per iteration of the chunk: which instance it uses
        long stride;           // bytes per instance

        Chunk(SharedProgram p, MemorySegment mem, int locs, long seed) {
            this.p = p;
            this.mem = mem;
            this.locs = locs;
            this.random = new SplittableRandom(seed);
            this.offset = new long[locs];
            this.instance = new int[INSTANCES];
            reset();
        }

        long instanceBase(int i) {
            return instance[i] * stride;
        }

        long offset(int location) {
            return offset[location];
        }

        /** New placement, every instance back to its initial values. */
        void reset() {
            boolean oneLine = random.nextBoolean() && locs * 8 <= LINE;
            int[] order = shuffled(locs);
            for (int l = 0; l < locs; l++) offset[l] = (long) order[l] * (oneLine ? 8 : LINE);
            stride = oneLine ? LINE : (long) locs * LINE;
            int[] inst = shuffled(INSTANCES);
            System.arraycopy(inst, 0, instance, 0, INSTANCES);
            for (int i = 0; i < INSTANCES; i++)
                for (int l = 0; l < locs; l++) mem.set(U64, i * stride + offset[l], p.initial()[l]);
        }

        private int[] shuffled(int n) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) a[i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int x = a[i];
                a[i] = a[j];
                a[j] = x;
            }
            return a;
        }

        /** Adds the states of the chunk's first n iterations. */
        void collect(Histogram h, long[][] observed, int n) {
            long[] state = new long[p.stateWidth()];
            long[] address = new long[locs];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < locs; l++) address[l] = MEM_BASE + instanceBase(i) + offset[l];
                int k = 0;
                for (int t = 0; t < observed.length; t++) {
                    int w = p.threads().get(t).observed().length;
                    for (int j = 0; j < w; j++) state[k++] = SharedProgram.symbolize(observed[t][i * w + j], address);
                }
                for (int l = 0; l < locs; l++) state[k++] = mem.get(U64, instanceBase(i) + offset[l]);
                h.add(state);
            }
        }
    }
}
