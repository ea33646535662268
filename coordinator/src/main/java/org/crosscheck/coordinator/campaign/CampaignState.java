package org.crosscheck.coordinator.campaign;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.crosscheck.coordinator.findings.AtomicFiles;

/**
 * The part of a campaign that survives a crash: the seed and the watermark below which every
 * batch is done, with the counters of exactly those batches. A resumed campaign starts again at the
 * watermark; batches above it that were already run before the crash run again, and findings,
 * keyed by content and case, count them once.
 */
public final class CampaignState {
    private final Path file;
    private final long seed;
    private long watermark;
    private final TreeMap<Long, long[]> doneAbove = new TreeMap<>(); // batch start -> {end, programs, divergences}
    private long programs;
    private long divergences;
    private final TreeSet<Long> issued = new TreeSet<>();
    private long nextIssue;

    private CampaignState(Path file, long seed, long watermark, long programs, long divergences) {
        this.file = file;
        this.seed = seed;
        this.watermark = watermark;
        this.nextIssue = watermark;
        this.programs = programs;
        this.divergences = divergences;
    }

    /** Loads the state of the workdir, or starts one with {@code seed}; a different seed in the workdir is an error. */
    public static CampaignState open(Path workdir, Long seed) throws IOException {
        Path f = workdir.resolve("campaign.properties");
        if (!Files.isRegularFile(f)) {
            long s = seed != null ? seed : System.nanoTime();
            CampaignState st = new CampaignState(f, s, 0, 0, 0);
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
            return new CampaignState(f, s, Long.parseLong(p.getProperty("watermark", "0")),
                    Long.parseLong(p.getProperty("programs", "0")), Long.parseLong(p.getProperty("divergences", "0")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(f + ": corrupt campaign state (" + e.getMessage() + ")");
        }
    }

    public long seed() {
        return seed;
    }

    /** Hands out the next batch [start, start + size). */
    public synchronized long[] issue(int size) {
        long start = nextIssue;
        nextIssue += size;
        issued.add(start);
        return new long[] {start, start + size};
    }

    /** Marks a batch done with its counts; advances the watermark over every finished prefix. */
    public synchronized void done(long start, long end, long batchPrograms, long batchDivergences) {
        issued.remove(start);
        doneAbove.put(start, new long[] {end, batchPrograms, batchDivergences});
        while (!doneAbove.isEmpty() && doneAbove.firstKey() == watermark) {
            long[] b = doneAbove.pollFirstEntry().getValue();
            watermark = b[0];
            programs += b[1];
            divergences += b[2];
        }
    }

    public synchronized long watermark() {
        return watermark;
    }

    /** Programs of the batches below the watermark (the durable count). */
    public synchronized long programs() {
        return programs;
    }

    public synchronized long divergences() {
        return divergences;
    }

    public synchronized void save() throws IOException {
        StringBuilder sb = new StringBuilder("# crosscheck campaign state: resume with the same --workdir\n");
        sb.append("seed=").append(seed).append('\n');
        sb.append("watermark=").append(watermark).append('\n');
        sb.append("programs=").append(programs).append('\n');
        sb.append("divergences=").append(divergences).append('\n');
        AtomicFiles.write(file, sb.toString());
    }
}
