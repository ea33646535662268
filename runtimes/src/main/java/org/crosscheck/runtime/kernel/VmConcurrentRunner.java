package org.crosscheck.runtime.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.ConcurrentRunner;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.SharedProgram;
import org.crosscheck.runtime.vm.Guest;
import org.crosscheck.runtime.vm.VmArch;
import org.crosscheck.runtime.vm.VmCache;
import org.crosscheck.runtime.vm.VmException;
import org.crosscheck.runtime.vm.VmName;

/**
 * Litmus runs on a guest kernel ({@code vm:<arch>[-<version>]:<jit|interp>}) booted with {@link #CPUS}
 * vCPUs under multi-threaded TCG: the host's {@link KernelConcurrentRunner} with the guest as its kernel.
 * The threads are the same {@link SharedMap} programs, loaded by the guest over one mmapable array map
 * (guest.c's 'L'); each chunk the host places the locations in a copy of the map's value ({@link
 * KernelConcurrentRunner.Placement}, from the seed), sends the bytes it set, the guest runs every thread
 * with BPF_PROG_TEST_RUN's repeat on a pthread pinned to a vCPU of its own and sends back the counters,
 * the observed registers and the locations (guest.c's 'U'), and the host histograms the states.
 *
 * <p>One guest per runner, booted at the first {@link #unavailableReason} and powered off at {@link #close}
 * (or when the JVM exits); a guest that dies or misses a chunk's deadline is killed, the run is a {@link
 * ConcurrentRunException} saying so, and the next run boots another.
 */
public final class VmConcurrentRunner implements ConcurrentRunner, AutoCloseable {
    /** vCPUs of a litmus guest (the shared tests have two threads; ordinary guests have one). */
    public static final int CPUS = 2;
    /** Barrier reads before a time-out: 6.1's verifier refuses the host's {@link SharedMap#SPINS} (EFAULT walking the loop). */
    static final int SPINS = 1024;
    /** How long a chunk (at most {@link SharedMap#MAX_INSTANCES} iterations of each thread) may take under TCG. */
    static final long CHUNK_MILLIS = 120_000;

    private final String name;
    private final VmName vm;
    private volatile Guest guest;
    private Optional<String> unavailable;
    private final Thread shutdown = new Thread(() -> {
        Guest g = guest; // not close(): a run may hold the lock as the JVM exits
        if (g != null) g.close();
    }, "crosscheck-vm-litmus-shutdown");
    private long restarts;

    /** The runner called {@code name} ({@code vm:...}); a malformed name is an IllegalArgumentException. */
    public VmConcurrentRunner(String name) {
        this.name = name;
        this.vm = VmName.parse(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized String unavailableReason() {
        if (unavailable == null) {
            if (vm.arch() == VmArch.S390X) {
                unavailable = Optional.of(vm.arch().debian + " is big-endian: the litmus runner's map layout is written in the host's byte order");
            } else {
                try {
                    Guest g = guest();
                    unavailable = g.hello().modeRefused(vm.jit());
                } catch (VmException e) {
                    unavailable = Optional.of(e.getMessage());
                }
            }
        }
        return unavailable.orElse(null);
    }

    /** Guests killed after dying or missing a deadline (each replaced at the next run) since the last call. */
    @Override
    public synchronized long takeRestarts() {
        long n = restarts;
        restarts = 0;
        return n;
    }

    private Guest guest() {
        if (guest == null) {
            guest = Guest.boot(VmCache.current(vm.arch(), vm.version()), vm.jit(), Guest.BOOT_MILLIS, CPUS);
            try {
                Runtime.getRuntime().addShutdownHook(shutdown);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down already, or hooked before
            }
        }
        return guest;
    }

    @Override
    public synchronized Histogram run(SharedProgram program, long iterations, long seed) throws ConcurrentRunException {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, is " + iterations);
        String why = unavailableReason();
        if (why != null) throw new ConcurrentRunException(name + " unavailable: " + why);
        int threads = program.threads().size();
        if (threads == 0 || iterations == 0) return new Histogram();
        SharedMap layout = KernelConcurrentRunner.layout(program, SPINS);
        List<byte[]> codes = new ArrayList<>();
        List<SharedMap.Code> code = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SharedMap.Code c = layout.code(program, t, 0, seed); // slot 0's lddw: the guest puts its map's fd in
            code.add(c);
            codes.add(c.bytes());
        }
        Guest g;
        try {
            g = guest();
        } catch (VmException e) {
            throw new ConcurrentRunException("cannot boot another " + name + " guest: " + e.getMessage());
        }
        try {
            Guest.LitmusLoaded loaded = g.litmusLoad(layout.size, 0, codes, CHUNK_MILLIS);
            if (loaded.status() == Guest.LitmusLoaded.REFUSED) {
                SharedMap.Code c = code.get(loaded.thread());
                Outcome.Rejected r = loaded.errno() == Errno.E2BIG.number ? VerifierLog.tooLarge(c.bytes().length / 8)
                        : VerifierLog.rejection(loaded.errno(), loaded.text(), c.bodyStart(), c.bodySlots(), KernelConcurrentRunner.PROLOGUE);
                throw new ConcurrentRunException("thread P" + loaded.thread() + " refused by the kernel's verifier: " + r.reason());
            }
            if (loaded.status() != Guest.LitmusLoaded.LOADED) {
                throw new ConcurrentRunException("the guest's " + loaded.text() + " failed with " + Errno.describe(loaded.errno()));
            }
            return runChunks(g, program, layout, iterations, seed);
        } catch (Guest.GuestFailure e) {
            retire();
            throw new ConcurrentRunException("guest " + g.hello().release() + " " + (e.timedOut ? "hung" : "died") + ": " + e.getMessage());
        }
    }

    private Histogram runChunks(Guest g, SharedProgram program, SharedMap layout, long iterations, long seed) throws Guest.GuestFailure, ConcurrentRunException {
        MemorySegment value = MemorySegment.ofArray(new long[layout.size / 8]); // the host's copy of the value
        KernelConcurrentRunner.Placement placement = new KernelConcurrentRunner.Placement(layout, seed);
        Histogram histogram = new Histogram();
        long[] state = new long[program.stateWidth()];
        for (long done = 0; done < iterations;) {
            int n = (int) Math.min(layout.instances, iterations - done);
            placement.prepare(program, value, n);
            // what prepare set: counters, barrier and table, then each placed location; read back: the
            // counters (with the value's kernel address), each thread's results, the locations
            List<Guest.Range> writes = new ArrayList<>(), reads = new ArrayList<>();
            writes.add(Guest.Range.write(0, bytes(value, 0, layout.table + n * layout.tableStride)));
            reads.add(Guest.Range.read(0, layout.threads * SharedMap.LINE));
            for (int t = 0; t < layout.threads; t++) reads.add(Guest.Range.read(layout.result(t, 0, 0), n * layout.resultStride[t]));
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < layout.locations; l++) {
                    int at = (int) placement.address(i, l);
                    writes.add(Guest.Range.write(at, bytes(value, at, 8)));
                    reads.add(Guest.Range.read(at, 8));
                }
            }
            Guest.Chunk chunk = g.litmusChunk(n, writes, reads, CHUNK_MILLIS);
            for (int t = 0; t < chunk.errnos().length; t++) {
                if (chunk.errnos()[t] != 0) throw new ConcurrentRunException("thread P" + t + ": BPF_PROG_TEST_RUN failed with " + Errno.describe(chunk.errnos()[t]));
            }
            MemorySegment read = MemorySegment.ofArray(chunk.read());
            long from = 0;
            for (Guest.Range r : reads) {
                if (from + r.length() > read.byteSize()) throw new ConcurrentRunException("the guest sent " + read.byteSize() + " bytes of a chunk's reads, fewer than asked");
                MemorySegment.copy(read, from, value, r.offset(), r.length());
                from += r.length();
            }
            placement.record(program, value, n, state, histogram);
            done += n;
        }
        return histogram;
    }

    private static byte[] bytes(MemorySegment value, long offset, int length) {
        return value.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private synchronized void retire() {
        if (guest != null) guest.close();
        guest = null;
        restarts++;
    }

    /** Powers the guest off. */
    @Override
    public synchronized void close() {
        if (guest != null) guest.close();
        guest = null;
    }
}
