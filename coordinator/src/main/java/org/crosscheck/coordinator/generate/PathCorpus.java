package org.crosscheck.coordinator.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.isa.DataFile;

/**
 * WORKDIR/corpus: programs whose inputs reached several paths in the reference, each kept with those
 * inputs, one .data file per path ({@code <program hash>-<n>.data}, the program's own input first, the
 * reference's r0 as the expected result). A campaign's batches each offer one (the program with the most
 * paths, {@link Tally#offerPathInputs}); the next campaign over the workdir mutates them as it mutates
 * its seeds and reproducers (the corpus of a running campaign is frozen, so its cases stay
 * deterministic). At most {@link #MAX_PROGRAMS} programs: past that the corpus would crowd out the
 * seeds and take longer to copy than a short campaign runs.
 */
public final class PathCorpus {
    public static final int MAX_PROGRAMS = 1000;

    private final Path dir;
    private final Set<String> programs = new HashSet<>();
    private long keptInputs;

    private PathCorpus(Path dir) {
        this.dir = dir;
    }

    /** The directory of a workdir's kept inputs. */
    public static Path dirOf(Path workdir) {
        return workdir.resolve("corpus");
    }

    /** The workdir's path corpus, with what earlier runs kept counted toward the cap. */
    public static PathCorpus open(Path workdir) throws IOException {
        PathCorpus c = new PathCorpus(dirOf(workdir));
        if (Files.isDirectory(c.dir)) {
            try (Stream<Path> s = Files.list(c.dir)) {
                s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".data") && n.indexOf('-') > 0)
                        .forEach(n -> c.programs.add(n.substring(0, n.indexOf('-'))));
            }
        }
        return c;
    }

    /**
     * Writes a program's path inputs (atomically, file by file); false when the program is kept already or the
     * corpus is full.
     */
    public boolean keep(Tally.PathInputs p) throws IOException {
        String name = hash(p.program().encode());
        if (programs.contains(name) || programs.size() >= MAX_PROGRAMS) return false;
        Files.createDirectories(dir);
        int n = 0;
        for (Tally.Input in : p.inputs()) {
            String text = DataFile.write(p.program(), in.memory(), in.r0(), String.format(
                    "campaign case %d: input %d of %d that reached a path the ones before it did not (reference interpreter)",
                    p.index(), n + 1, p.inputs().size()));
            AtomicFiles.write(dir.resolve(String.format("%s-%02d.data", name, n++)), text);
        }
        programs.add(name);
        keptInputs += n;
        return true;
    }

    /** Programs in the corpus, this run's and earlier runs'. */
    public int programs() {
        return programs.size();
    }

    /** Inputs this run kept. */
    public long keptInputs() {
        return keptInputs;
    }

    public Path dir() {
        return dir;
    }

    private static String hash(byte[] program) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(program), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
