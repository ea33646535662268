package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The coordinator's work: batches of case indices handed to workers under leases. A batch must run
 * on every non-reference runtime of the campaign (each time together with the reference); a worker
 * gets the part of a batch its runtimes can serve, so heterogeneous workers split a batch between
 * them. A lease not confirmed in time returns its part to the queue; a result for a part already
 * counted (a retry, or a late worker whose lease had expired) is not counted again. Batches done are
 * recorded in {@link CampaignState}, which persists them. Not thread-safe by design except for the
 * gauges: one actor owns it.
 */
public final class BatchQueue {
    /** A part of batch {@code start} leased to {@code worker}: cases [start, end) on {@code runtimes} (reference first). */
    public record Lease(long start, long end, List<String> runtimes, String worker, long deadline) {}

    /** Whether a result counted: the first part of its batch (its programs count), a further part, or not at all. */
    public enum Result { COUNTED, PART, DUPLICATE }

    private static final class Open {
        final long start, end;
        final Set<String> remaining;
        final List<Lease> leases = new ArrayList<>();
        long programs = -1, executions, divergences;

        Open(long start, long end, List<String> others) {
            this.start = start;
            this.end = end;
            this.remaining = new LinkedHashSet<>(others);
        }

        Set<String> unleased() {
            Set<String> s = new LinkedHashSet<>(remaining);
            for (Lease l : leases) s.removeAll(l.runtimes());
            return s;
        }
    }

    private final CampaignState state;
    private final String reference;
    private final List<String> others;
    private final int batchSize;
    private final long limit;
    private final long leaseNanos;
    private final TreeMap<Long, Open> open = new TreeMap<>();
    private boolean stopped, exhausted, whole;
    private volatile int leasesOut, waiting;
    private volatile long firstLease;

    /** {@code runtimes}: the campaign's, reference first; {@code limit}: no case at or past it (Long.MAX_VALUE: none). */
    public BatchQueue(CampaignState state, List<String> runtimes, int batchSize, long limit, long leaseNanos) {
        this.state = state;
        this.reference = runtimes.get(0);
        this.others = List.copyOf(runtimes.subList(1, runtimes.size()));
        this.batchSize = batchSize;
        this.limit = limit;
        this.leaseNanos = leaseNanos;
    }

    /**
     * Batches go whole to a worker with every runtime of the campaign, never in parts: a csmith case compares its
     * runtimes with each other and with native, and counts each C program in one bucket.
     */
    public synchronized BatchQueue whole() {
        whole = true;
        return this;
    }

    /** The next part for a worker with these runtimes, or null when there is none it can run now. */
    public synchronized Lease next(String worker, Set<String> workerRuntimes, long now) {
        if (!workerRuntimes.contains(reference) || others.stream().noneMatch(workerRuntimes::contains)) return null;
        if (whole && !workerRuntimes.containsAll(others)) return null;
        for (Open o : open.values()) {
            Lease l = lease(o, worker, workerRuntimes, now);
            if (l != null) return l;
        }
        while (!stopped && !exhausted) {
            long[] r = state.issue(batchSize, limit);
            if (r == null) {
                exhausted = true;
                break;
            }
            Open o = new Open(r[0], r[1], others);
            open.put(o.start, o);
            Lease l = lease(o, worker, workerRuntimes, now);
            if (l != null) return l;
        }
        gauges();
        return null;
    }

    private Lease lease(Open o, String worker, Set<String> workerRuntimes, long now) {
        Set<String> can = o.unleased();
        can.retainAll(workerRuntimes);
        if (can.isEmpty()) return null;
        List<String> rts = new ArrayList<>();
        rts.add(reference);
        rts.addAll(can);
        Lease l = new Lease(o.start, o.end, List.copyOf(rts), worker, now + leaseNanos);
        if (firstLease == 0) firstLease = System.nanoTime();
        o.leases.add(l);
        gauges();
        return l;
    }

    /** Whether a result for part (start, end, runtimes) would be a {@link Result#DUPLICATE}: that part is done already. */
    public synchronized boolean isDuplicate(long start, long end, List<String> runtimes) {
        return isDuplicate(open.get(start), start, end, part(runtimes));
    }

    private boolean isDuplicate(Open o, long start, long end, Set<String> part) {
        return o == null || o.end != end || part.isEmpty() || !o.remaining.containsAll(part) || state.isDone(start);
    }

    /** The runtimes a part compares with the reference. */
    private Set<String> part(List<String> runtimes) {
        Set<String> part = new HashSet<>(runtimes);
        part.remove(reference);
        return part;
    }

    /** A worker's result for part (start, end, runtimes) with its counts. */
    public synchronized Result complete(long start, long end, List<String> runtimes, long programs, long divergences) {
        return complete(start, end, runtimes, programs, programs, divergences);
    }

    /** As above, with the (program, input) pairs its programs ran ({@code executions}: counted once per batch, as programs). */
    public synchronized Result complete(long start, long end, List<String> runtimes, long programs, long executions, long divergences) {
        Open o = open.get(start);
        Set<String> part = part(runtimes);
        if (o != null && state.isDone(start)) open.remove(start); // cannot happen: done batches are never issued
        if (isDuplicate(o, start, end, part)) return Result.DUPLICATE;
        o.remaining.removeAll(part);
        o.leases.removeIf(l -> l.runtimes().stream().anyMatch(part::contains));
        boolean first = o.programs < 0;
        if (first) { // every part runs the same cases (and inputs): programs count once per batch
            o.programs = programs;
            o.executions = executions;
        }
        o.divergences += divergences;
        if (o.remaining.isEmpty()) {
            open.remove(start);
            state.done(o.start, o.end, o.programs, o.executions, o.divergences);
        }
        gauges();
        return first ? Result.COUNTED : Result.PART;
    }

    /** Returns expired leases to the queue; the number returned. */
    public synchronized int expire(long now) {
        int n = 0;
        for (Open o : open.values()) {
            for (Iterator<Lease> it = o.leases.iterator(); it.hasNext();) {
                if (it.next().deadline() - now < 0) {
                    it.remove();
                    n++;
                }
            }
        }
        gauges();
        return n;
    }

    /** A worker left (its node is gone): its leases return to the queue at once. */
    public synchronized int release(String worker) {
        int n = 0;
        for (Open o : open.values()) {
            int before = o.leases.size();
            o.leases.removeIf(l -> l.worker().equals(worker));
            n += before - o.leases.size();
        }
        gauges();
        return n;
    }

    /** No new batches (the duration is over, or Ctrl-C): parts already issued still finish. */
    public synchronized void stop() {
        stopped = true;
    }

    /** Every batch the campaign will issue is done. */
    public synchronized boolean finished() {
        if (!stopped && !exhausted && !state.exhausted(limit)) return false;
        return open.isEmpty();
    }

    /** Whether any open part is not leased (work for a worker that asks). */
    public synchronized boolean hasWaiting() {
        return waiting > 0 || (!stopped && !exhausted);
    }

    private void gauges() {
        int l = 0, w = 0;
        for (Open o : open.values()) {
            l += o.leases.size();
            if (!o.unleased().isEmpty()) w++;
        }
        leasesOut = l;
        waiting = w;
    }

    /** {@link System#nanoTime} when the first batch was handed out (the cluster up and a worker asking); 0 before. */
    public long firstLeaseNanos() {
        return firstLease;
    }

    /** Parts leased and not yet confirmed. */
    public int inFlight() {
        return leasesOut;
    }

    /** Issued batches with a part waiting for a worker (returned by an expired lease, or for a runtime no worker has now). */
    public int queueDepth() {
        return waiting;
    }
}
