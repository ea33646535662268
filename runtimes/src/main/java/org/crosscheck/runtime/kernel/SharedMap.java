package org.crosscheck.runtime.kernel;

import java.util.ArrayList;
import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;
import org.crosscheck.runtime.concurrent.SharedProgram;

/**
 * The one array-map value a concurrent run shares between its threads, and the socket filter
 * each thread runs over it. The value holds {@code instances} copies of the test's locations
 * (litmus7's instances: iteration {@code i} of a chunk uses instance {@code i}), each location on
 * a cache line of its own at a place user space chooses per chunk and writes into a table:
 *
 * <pre>
 *   t*64            thread t's iteration counter (+0) and barrier time-out counter (+8)
 *   T*64            the barrier: arrivals of all threads so far
 *   table           per instance, per location: the location's offset inside the location region
 *   results(t)      per instance: thread t's observed registers
 *   locations       the location region (a power of two bytes), one cache line per location
 * </pre>
 *
 * Thread t's program, run {@code repeat} times by BPF_PROG_TEST_RUN on its own CPU:
 *
 * <pre>
 *   r9 = &value; r8 = counter[t]++            n: this run's iteration (its instance)
 *   a = atomic_fetch_add(barrier, 1) + 1      arrive (fully ordered)
 *   a >= T*(n+1), the last to arrive: wait 0..DELAYS-1 rounds (pseudo-random per n: see below)
 *   else spin until barrier >= T*(n+1), at most SPINS reads; a time-out is counted and proceeds
 *   spill r9 and n; for each location register: its address in instance n, spilled
 *   r0..r9 = the thread's initial registers   (pointers reloaded from the stack)
 *   BODY                                      unchanged (jumps count slots, as encoded); each exit becomes a goto EPILOGUE
 * EPILOGUE:
 *   spill the observed registers; reload r9 and n; base(t) = r9; results(t)[n] = the observed registers
 *   r0 = 0; exit
 * </pre>
 *
 * The last thread to arrive would otherwise start ahead of the others by the time the
 * barrier's cache line takes to reach them: it waits a few pseudo-random rounds first (see
 * {@link #DELAYS}), which makes weak outcomes several times more frequent.
 *
 * <p>The barrier counts arrivals over the whole chunk, so a thread that timed out (its partner
 * was preempted) is not waited for again: the partner, once back, passes the barriers it is
 * late for at once and the threads line up again. Every index is masked and every offset
 * 8-aligned so that the verifier can prove each access inside the value (and aligned, which
 * atomics need). The spill slots sit at the bottom of the 512-byte stack, far from where a body
 * would keep its own.
 */
final class SharedMap {
    /** Reads of the barrier before a thread gives up waiting (the verifier walks each one; keep well below its 8192 pending branches). */
    static final int SPINS = 4096;
    /**
     * The last thread to reach the barrier waits 0..DELAYS-1 rounds of a two-instruction loop
     * (a round takes a cycle or two). Measured on the two-CPU development VM, store buffering's weak outcome shows
     * in 3-5% of the iterations with no delay, 10-17% with 0..127 rounds, 6-9% with 0..255, 5-6% with 0..511.
     */
    static final int DELAYS = 128;
    /** The largest value we ask for (an array map's value may not exceed KMALLOC_MAX_SIZE, 4 MiB). */
    static final int MAX_SIZE = 2 << 20;
    /** Instances per chunk at most. */
    static final int MAX_INSTANCES = 1024;
    /** Threads and observed registers per thread at most (counters and spill slots are addressed with 16-bit offsets). */
    static final int MAX_THREADS = 64, MAX_OBSERVED = 32;
    static final int LINE = 64;

    private static final int BASE_SLOT = -512, INDEX_SLOT = -504, REG_SLOTS = -496, OBSERVED_SLOTS = -408;

    final int threads, locations, instances;
    /** Barrier reads before a time-out in this layout's programs. */
    final int spins;
    final int barrier, table, tableStride, region, size;
    final int[] results, resultStride;
    /** Where the location region starts. */
    final int locationBase;

    private SharedMap(SharedProgram p, int instances, int spins) {
        this.spins = spins;
        this.threads = p.threads().size();
        this.locations = p.locations();
        this.instances = instances;
        barrier = threads * LINE;
        table = barrier + LINE;
        tableStride = pow2(Math.max(8, 8 * locations));
        int at = table + instances * tableStride;
        results = new int[threads];
        resultStride = new int[threads];
        for (int t = 0; t < threads; t++) {
            results[t] = at;
            resultStride[t] = pow2(Math.max(8, 8 * p.threads().get(t).observed().length));
            at += instances * resultStride[t];
        }
        locationBase = (at + LINE - 1) / LINE * LINE;
        region = pow2(Math.max(LINE, instances * locations * LINE));
        size = locationBase + region;
    }

    /** The layout for {@code p} with as many instances (a power of two) as fit; null when not even one does. */
    static SharedMap of(SharedProgram p) {
        return of(p, SPINS);
    }

    /** As {@link #of(SharedProgram)}, the barrier giving up after {@code spins} reads (older verifiers refuse {@link #SPINS}). */
    static SharedMap of(SharedProgram p, int spins) {
        for (int k = MAX_INSTANCES; k >= 1; k /= 2) {
            SharedMap m = new SharedMap(p, k, spins);
            if (m.size <= MAX_SIZE) return m;
        }
        return null;
    }

    int counter(int thread) {
        return thread * LINE;
    }

    int timeouts(int thread) {
        return thread * LINE + 8;
    }

    /**
     * Where thread t leaves the value's kernel address (root may store pointers): user space needs it to
     * tell a register that holds a location's address, which states show as the location (see
     * {@link SharedProgram#symbolize}).
     */
    int base(int thread) {
        return thread * LINE + 16;
    }

    /** Where instance {@code i}'s table entry for location {@code l} is. */
    int tableEntry(int i, int l) {
        return table + i * tableStride + 8 * l;
    }

    int result(int thread, int i, int k) {
        return results[thread] + i * resultStride[thread] + 8 * k;
    }

    /** Thread {@code t}'s program: prologue, body, epilogue, for the map {@code mapFd}; its delays derive from {@code seed}. */
    Code code(SharedProgram p, int t, int mapFd, long seed) throws ConcurrentRunException {
        SharedProgram.ThreadCode thread = p.threads().get(t);
        check(thread, t);
        Asm a = new Asm();
        a.add(Insn.of(Op.LDDW_MAP_VALUE, 9, 0, 0, mapFd & 0xffff_ffffL));
        barrier(a, t, seed);
        entry(a, thread);
        int bodyStart = a.slot();
        int bodySlots = 0;
        for (Insn i : thread.body()) bodySlots += i.slots();
        int end = bodyStart + bodySlots; // where the epilogue starts
        for (Insn i : thread.body()) {
            int at = a.slot();
            a.add(i.op() == Op.EXIT ? Insn.of(Op.JA, 0, 0, end - (at + 1), 0) : i);
        }
        epilogue(a, t, thread.observed());
        return new Code(a.encode(), bodyStart, bodySlots);
    }

    /** r9 = &value: n = counter[t]++ (kept in r8), then the barrier of iteration n (r9 and r8 survive it). */
    private void barrier(Asm a, int t, long seed) {
        a.add(Insn.of(Op.LDXDW, 8, 9, counter(t), 0));
        a.add(Insn.reg(Op.MOV64_REG, 7, 8));
        a.add(Insn.imm(Op.ADD64_IMM, 7, 1));
        a.add(Insn.of(Op.STXDW, 9, 7, counter(t), 0));
        a.add(Insn.imm(Op.MUL64_IMM, 7, threads));
        a.add(Insn.imm(Op.MOV64_IMM, 6, 1));
        a.add(Insn.of(Op.ATOMIC64_FETCH_ADD, 9, 6, barrier, 0));
        a.add(Insn.imm(Op.ADD64_IMM, 6, 1));
        int toLast = a.add(null);
        a.add(Insn.imm(Op.MOV64_IMM, 5, 0));
        int loop = a.slot();
        a.add(Insn.of(Op.LDXDW, 4, 9, barrier, 0));
        int toDone = a.add(null);
        a.add(Insn.imm(Op.ADD64_IMM, 5, 1));
        a.jumpTo(a.add(null), Insn.of(Op.JLT_IMM, 5, 0, 0, spins), loop);
        a.add(Insn.of(Op.LDXDW, 4, 9, timeouts(t), 0));
        a.add(Insn.imm(Op.ADD64_IMM, 4, 1));
        a.add(Insn.of(Op.STXDW, 9, 4, timeouts(t), 0));
        int timedOut = a.add(null);
        a.jumpTo(toLast, Insn.of(Op.JGE_REG, 6, 7, 0, 0), a.slot());
        // the last to arrive runs ahead of the others by the time the barrier's cache line takes
        // to reach them: it waits a pseudo-random 0..DELAYS-1 rounds, so that the threads' relative
        // start sweeps both sides of that gap (a fixed delay would suit one machine only)
        a.add(Insn.reg(Op.MOV64_REG, 5, 8));
        a.add(Insn.imm(Op.ADD64_IMM, 5, (int) seed));
        a.add(Insn.imm(Op.MUL64_IMM, 5, 0x9E3779B1L)); // Fibonacci hashing: the high bits vary with every n
        a.add(Insn.imm(Op.RSH64_IMM, 5, 16));
        a.add(Insn.imm(Op.AND64_IMM, 5, DELAYS - 1));
        int delay = a.slot();
        int delayDone = a.add(null);
        a.add(Insn.imm(Op.SUB64_IMM, 5, 1));
        a.jumpTo(a.add(null), Insn.of(Op.JA), delay);
        a.jumpTo(delayDone, Insn.of(Op.JLE_IMM, 5, 0, 0, 0), a.slot()); // == 0, but 6.1's verifier narrows r5 only on an unsigned compare
        a.jumpTo(toDone, Insn.of(Op.JGE_REG, 4, 7, 0, 0), a.slot());
        a.jumpTo(timedOut, Insn.of(Op.JA), a.slot());
    }

    /** r9 = &value, r8 = n: spills both, then sets r0-r9 as the thread starts (locations of instance n). */
    private void entry(Asm a, SharedProgram.ThreadCode thread) {
        a.add(Insn.imm(Op.AND64_IMM, 8, instances - 1));
        a.add(Insn.of(Op.STXDW, 10, 9, BASE_SLOT, 0));
        a.add(Insn.of(Op.STXDW, 10, 8, INDEX_SLOT, 0));
        for (int r = 0; r < 10; r++) {
            int l = thread.regLocation()[r];
            if (l < 0) continue;
            // r2 = &table[n][l]; r1 = its offset, masked into the region; r2 = &location
            a.add(Insn.reg(Op.MOV64_REG, 1, 8));
            a.add(Insn.imm(Op.LSH64_IMM, 1, Integer.numberOfTrailingZeros(tableStride)));
            a.add(Insn.imm(Op.ADD64_IMM, 1, table + 8L * l));
            a.add(Insn.reg(Op.MOV64_REG, 2, 9));
            a.add(Insn.reg(Op.ADD64_REG, 2, 1));
            a.add(Insn.of(Op.LDXDW, 1, 2, 0, 0));
            a.add(Insn.imm(Op.AND64_IMM, 1, region - 8));
            a.add(Insn.imm(Op.ADD64_IMM, 1, locationBase));
            a.add(Insn.reg(Op.MOV64_REG, 2, 9));
            a.add(Insn.reg(Op.ADD64_REG, 2, 1));
            a.add(Insn.of(Op.STXDW, 10, 2, REG_SLOTS + 8 * r, 0));
        }
        for (int r = 0; r < 10; r++) {
            long v = thread.regValue()[r];
            if (thread.regLocation()[r] >= 0) a.add(Insn.of(Op.LDXDW, r, 10, REG_SLOTS + 8 * r, 0));
            else if (v == (int) v) a.add(Insn.imm(Op.MOV64_IMM, r, v));
            else a.add(Insn.imm(Op.LDDW, r, v));
        }
    }

    /** Stores the observed registers into thread t's results for instance n; r0 = 0; exit. */
    private void epilogue(Asm a, int t, int[] observed) {
        for (int k = 0; k < observed.length; k++) a.add(Insn.of(Op.STXDW, 10, observed[k], OBSERVED_SLOTS + 8 * k, 0));
        a.add(Insn.of(Op.LDXDW, 1, 10, BASE_SLOT, 0));
        a.add(Insn.of(Op.STXDW, 1, 1, base(t), 0));
        a.add(Insn.of(Op.LDXDW, 2, 10, INDEX_SLOT, 0));
        a.add(Insn.imm(Op.LSH64_IMM, 2, Integer.numberOfTrailingZeros(resultStride[t])));
        a.add(Insn.imm(Op.ADD64_IMM, 2, results[t]));
        a.add(Insn.reg(Op.ADD64_REG, 1, 2));
        for (int k = 0; k < observed.length; k++) {
            a.add(Insn.of(Op.LDXDW, 3, 10, OBSERVED_SLOTS + 8 * k, 0));
            a.add(Insn.of(Op.STXDW, 1, 3, 8 * k, 0));
        }
        a.add(Insn.imm(Op.MOV64_IMM, 0, 0));
        a.add(Insn.of(Op.EXIT));
    }

    private void check(SharedProgram.ThreadCode thread, int t) throws ConcurrentRunException {
        for (int r = 0; r <= 10; r++) {
            int l = thread.regLocation()[r];
            if (l >= locations || l < -1 || (r == 10 && l != -1)) {
                throw new ConcurrentRunException("thread P" + t + ": r" + r + " is to hold location " + l + ", but the test has locations 0.." + (locations - 1) + " and r10 is the frame pointer");
            }
        }
        if (thread.observed().length > MAX_OBSERVED) throw new ConcurrentRunException("thread P" + t + " observes " + thread.observed().length + " registers; at most " + MAX_OBSERVED);
        for (int r : thread.observed()) if (r < 0 || r > 9) throw new ConcurrentRunException("thread P" + t + " observes r" + r + "; only r0-r9 can be observed");
    }

    /** A thread's encoded program and where its body is (for the verifier log's instruction numbers). */
    record Code(byte[] bytes, int bodyStart, int bodySlots) {}

    private static int pow2(int atLeast) {
        return Integer.highestOneBit(Math.max(1, atLeast - 1)) << 1;
    }

    /** Instructions by slot, with forward jumps patched once their target is known. */
    private static final class Asm {
        private final List<Insn> insns = new ArrayList<>();
        private final List<Integer> slots = new ArrayList<>();
        private int slot;

        int slot() {
            return slot;
        }

        /** Appends {@code i} (null: a placeholder of one slot); its index for {@link #jumpTo}. */
        int add(Insn i) {
            insns.add(i);
            slots.add(slot);
            slot += i == null ? 1 : i.slots();
            return insns.size() - 1;
        }

        /** Places {@code jump} at index {@code index}, aimed at slot {@code target}. */
        void jumpTo(int index, Insn jump, int target) {
            insns.set(index, jump.withJumpOffset(target - (slots.get(index) + 1)));
        }

        byte[] encode() {
            byte[] out = new byte[slot * 8];
            for (int k = 0; k < insns.size(); k++) insns.get(k).encodeTo(out, slots.get(k) * 8);
            return out;
        }
    }
}
