package org.crosscheck.coordinator.campaign;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.crosscheck.coordinator.findings.AtomicFiles;

/**
 * The part of a campaign that survives a crash: the seed, the watermark below which every batch is
 * done with the counters of exactly those batches, and the batches done above it. A resumed campaign
 * issues again every case not done (a batch in flight at the crash runs again; findings, keyed by
 * content and case, count it once), never one that is done, so each program is counted once.
 */
public final class CampaignState {
    private final Path file;
    private final long seed;
    private long watermark;
    private final TreeMap<Long, long[]> doneAbove = new TreeMap<>(); // batch start -> {end, programs, divergences, executions}
    private long programs;
    private long executions;
    private long divergences;
    private long nextIssue;

    private CampaignState(Path file, long seed, long watermark, long programs, long executions, long divergences) {
        this.executions = executions;
        this.file = file;
        this.seed = seed;
        this.watermark = watermark;
        this.nextIssue = watermark;
        this.programs = programs;
        this.divergences = divergences;
    }

    /** A campaign of programs: see {@link #open(Path, Long, String)}. */
    public static CampaignState open(Path workdir, Long seed) throws IOException {
        return open(workdir, seed, PROGRAMS);
    }

    public static final String PROGRAMS = "programs", LITMUS = "litmus", CSMITH = "csmith";

    /** A kind as the workdir's errors name it. */
    private static String described(String kind) {
        return switch (kind) {
            case LITMUS -> "litmus";
            case CSMITH -> "csmith (--source csmith)";
            default -> "program";
        };
    }

    /**
     * Loads the state of the workdir, or starts one with {@code seed}; a different seed in the workdir is an
     * error, and so is another kind of campaign ({@link #PROGRAMS}, {@link #LITMUS} or {@link #CSMITH}: their case numbers
     * mean different things).
     */
    public static CampaignState open(Path workdir, Long seed, String kind) throws IOException {
        Path f = workdir.resolve("campaign.properties");
        if (!Files.isRegularFile(f)) {
            long s = seed != null ? seed : System.nanoTime();
            CampaignState st = new CampaignState(f, s, 0, 0, 0, 0);
            st.kind = kind;
            st.save();
            return st;
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f)));
        try {
            long s = Long.parseLong(p.getProperty("seed"));
            if (seed != null && seed != s) {
                throw new IOException(f + ": this workdir holds a campaign with seed " + s + ", not " + seed
                        + " (use another --workdir or drop --seed to resume)");
            }
            String held = p.getProperty("kind", PROGRAMS);
            if (!held.equals(kind)) {
                throw new IOException(f + ": this workdir holds a " + described(held) + " campaign; a " + described(kind)
                        + " campaign needs another --workdir");
            }
            CampaignState st = new CampaignState(f, s, Long.parseLong(p.getProperty("watermark", "0")),
                    Long.parseLong(p.getProperty("programs", "0")), Long.parseLong(p.getProperty("executions", p.getProperty("programs", "0"))),
                    Long.parseLong(p.getProperty("divergences", "0")));
            st.kind = kind;
            for (String b : p.getProperty("done_above", "").split(",")) {
                if (b.isBlank()) continue;
                String[] v = b.split(":");
                // start:end:programs:divergences[:executions] (states written before inputs have no executions: one per program)
                st.doneAbove.put(Long.parseLong(v[0]), new long[] {Long.parseLong(v[1]), Long.parseLong(v[2]), Long.parseLong(v[3]),
                        Long.parseLong(v.length > 4 ? v[4] : v[2])});
            }
            return st;
        } catch (NumberFormatException | NullPointerException | ArrayIndexOutOfBoundsException e) {
            throw new IOException(f + ": corrupt campaign state (" + e.getMessage() + ")");
        }
    }

    private String kind = PROGRAMS;

    public long seed() {
        return seed;
    }

    /** Hands out the next batch [start, start + size), skipping batches already done. */
    public synchronized long[] issue(int size) {
        return issue(size, Long.MAX_VALUE);
    }

    /** Like {@link #issue(int)} but never past case {@code limit}; null when every case below it is issued. */
    public synchronized long[] issue(int size, long limit) {
        if (exhausted(limit)) return null;
        long start = nextIssue;
        Long next = doneAbove.higherKey(start);
        long end = Math.min(Math.min(start + size, limit), next == null ? Long.MAX_VALUE : next);
        nextIssue = end;
        return new long[] {start, end};
    }

    /** Whether every case below {@code limit} is issued or done. */
    public synchronized boolean exhausted(long limit) {
        nextIssue = Math.max(nextIssue, watermark); // everything below the watermark is done
        for (Map.Entry<Long, long[]> d = doneAbove.floorEntry(nextIssue); d != null && d.getValue()[0] > nextIssue;
                d = doneAbove.floorEntry(nextIssue)) {
            nextIssue = d.getValue()[0];
        }
        return nextIssue >= limit;
    }

    /** Marks a batch done with its counts; advances the watermark over every finished prefix. */
    public synchronized void done(long start, long end, long batchPrograms, long batchExecutions, long batchDivergences) {
        doneAbove.put(start, new long[] {end, batchPrograms, batchDivergences, batchExecutions});
        while (!doneAbove.isEmpty() && doneAbove.firstKey() == watermark) {
            long[] b = doneAbove.pollFirstEntry().getValue();
            watermark = b[0];
            programs += b[1];
            divergences += b[2];
            executions += b[3];
        }
    }

    /** Whether batch {@code start} is done (counted): below the watermark or recorded above it. */
    public synchronized boolean isDone(long start) {
        return start < watermark || doneAbove.containsKey(start);
    }

    public synchronized long watermark() {
        return watermark;
    }

    /** Programs of every batch done (the durable count). */
    public synchronized long programs() {
        long n = programs;
        for (long[] b : doneAbove.values()) n += b[1];
        return n;
    }

    /** (program, input) pairs of every batch done (the durable count). */
    public synchronized long executions() {
        long n = executions;
        for (long[] b : doneAbove.values()) n += b[3];
        return n;
    }

    public synchronized long divergences() {
        long n = divergences;
        for (long[] b : doneAbove.values()) n += b[2];
        return n;
    }

    public synchronized void save() throws IOException {
        StringBuilder sb = new StringBuilder("# crosscheck campaign state: resume with the same --workdir\n");
        sb.append("seed=").append(seed).append('\n');
        sb.append("kind=").append(kind).append('\n');
        sb.append("watermark=").append(watermark).append('\n');
        sb.append("programs=").append(programs).append('\n');
        sb.append("executions=").append(executions).append('\n');
        sb.append("divergences=").append(divergences).append('\n');
        StringBuilder above = new StringBuilder();
        doneAbove.forEach((s, b) -> above.append(above.isEmpty() ? "" : ",").append(s).append(':').append(b[0]).append(':')
                .append(b[1]).append(':').append(b[2]).append(':').append(b[3]));
        sb.append("# batches done above the watermark: start:end:programs:divergences:executions\n");
        sb.append("done_above=").append(above).append('\n');
        AtomicFiles.write(file, sb.toString());
    }
}
