package org.crosscheck.coordinator.findings;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Outcome;

/**
 * Findings on disk: {@code findings/<id>/} where id is a hash of the title, holding
 * {@code description}, {@code repro.data} (minimized), {@code original.data}, {@code outcomes},
 * {@code meta.properties} (title, count, first/last seen, seed, generator version...) and
 * {@code cases} (the ids of the cases that showed it, so a case seen twice counts once). A new
 * finding is assembled in a temporary directory and renamed into place; updates replace files
 * atomically. Nothing already found is lost when the process dies.
 */
public final class FindingStore {
    /** A divergence ready to be stored. */
    public record Report(String title, String kind, List<String> runtimes, String reference, String group,
            Program original, byte[] originalMemory, Program repro, byte[] reproMemory,
            Map<String, Outcome> reproOutcomes, String caseId, long seed, long index, int generatorVersion, boolean minimized,
            String litmusTest, String litmusReport, String bare, String releases, String claim, Map<String, String> files) {

        /** {@code files}: more files of the finding by name (a csmith finding's C source, {@code csmith.c}), written with it. */
        public Report {
            files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(files));
        }

        /** {@code bare} of a finding whose repro diverges the same way on the faithful runtime. */
        public static final String REPRODUCES_BARE = "reproduces bare";
        /** {@code bare} of one whose repro diverges only under an instrumented runtime's wrapper. */
        public static final String ONLY_INSTRUMENTED = "only instrumented";

        /**
         * A divergence of programs; {@code bare} is {@link #REPRODUCES_BARE}, {@link #ONLY_INSTRUMENTED} or
         * empty (runtimes of ours), {@code releases} the exact releases of the kernel or DPDK runtimes involved.
         */
        public Report(String title, String kind, List<String> runtimes, String reference, String group,
                Program original, byte[] originalMemory, Program repro, byte[] reproMemory,
                Map<String, Outcome> reproOutcomes, String caseId, long seed, long index, int generatorVersion, boolean minimized,
                String bare, String releases) {
            this(title, kind, runtimes, reference, group, original, originalMemory, repro, reproMemory, reproOutcomes, caseId, seed, index,
                    generatorVersion, minimized, null, null, bare, releases, "", Map.of());
        }

        /** A divergence among runtimes of ours (nothing to re-run bare). */
        public Report(String title, String kind, List<String> runtimes, String reference, String group,
                Program original, byte[] originalMemory, Program repro, byte[] reproMemory,
                Map<String, Outcome> reproOutcomes, String caseId, long seed, long index, int generatorVersion, boolean minimized) {
            this(title, kind, runtimes, reference, group, original, originalMemory, repro, reproMemory, reproOutcomes, caseId, seed, index,
                    generatorVersion, minimized, "", "");
        }

        /** A litmus finding: the test (herd's dialect) and what the runtimes showed, instead of programs. */
        public static Report litmus(String title, String kind, List<String> runtimes, String group, String caseId, long seed, long index,
                int generatorVersion, String test, String report) {
            return new Report(title, kind, runtimes, "bpf-memory-model", group, null, null, null, null, Map.of(), caseId, seed, index,
                    generatorVersion, false, test, report, "", "", "", Map.of());
        }

        /** This finding with {@code claim}: what a verifier claimed that the reference's run broke (verifier oracle findings). */
        public Report withClaim(String claim) {
            return new Report(title, kind, runtimes, reference, group, original, originalMemory, repro, reproMemory, reproOutcomes, caseId, seed,
                    index, generatorVersion, minimized, litmusTest, litmusReport, bare, releases, claim, files);
        }

        /** This finding with more files ({@link #files}). */
        public Report withFiles(Map<String, String> files) {
            return new Report(title, kind, runtimes, reference, group, original, originalMemory, repro, reproMemory, reproOutcomes, caseId, seed,
                    index, generatorVersion, minimized, litmusTest, litmusReport, bare, releases, claim, files);
        }

        public boolean isLitmus() {
            return litmusTest != null;
        }
    }

    /** What is known of a stored finding. */
    public record Summary(String id, String title, String kind, List<String> runtimes, String group, long count,
            Instant firstSeen, Instant lastSeen, boolean minimized, Path dir) {}

    private static final int MAX_CASES_KEPT = 10_000;

    private final Path root;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public FindingStore(Path workdir) throws IOException {
        this.root = workdir.resolve("findings");
        Files.createDirectories(root);
        cleanTemporaries();
    }

    public Path root() {
        return root;
    }

    /** The directory name of a title: 16 hex digits of its SHA-256. */
    public static String idOf(String title) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(title.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sightings of a stored finding not yet written back (flushed with the campaign's checkpoint).
     * {@code cases} holds the latest {@link #MAX_CASES_KEPT}, as the file does: a known bug can be
     * sighted hundreds of times a second for a week, and a case seen again (a batch run again after
     * a crash) is a recent one.
     */
    private static final class Live {
        final Properties meta;
        final Set<String> cases;
        boolean dirty;

        Live(Properties meta, Set<String> cases) {
            this.meta = meta;
            this.cases = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_CASES_KEPT;
                }
            });
            this.cases.addAll(cases);
        }
    }

    /** Whether a finding of this title is stored. */
    public boolean has(String title) {
        return Files.isDirectory(root.resolve(idOf(title)));
    }

    private final Map<String, Live> live = new ConcurrentHashMap<>();

    /**
     * Records one sighting. Returns true when the finding is new; a new finding is on disk, complete,
     * when this returns. Further sightings of a known finding are counted in memory and written by
     * {@link #flush()}. A case already recorded for the finding does not count again.
     */
    public boolean record(Report r) throws IOException {
        String id = idOf(r.title());
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            Path dir = root.resolve(id);
            Instant now = Instant.now();
            if (!Files.isDirectory(dir)) {
                create(dir, id, r, now);
                live.put(id, new Live(readMeta(dir), readCases(dir)));
                return true;
            }
            Live l = live.get(id);
            if (l == null) {
                l = new Live(readMeta(dir), readCases(dir));
                live.put(id, l);
            }
            if (!l.cases.add(r.caseId())) return false;
            l.meta.setProperty("count", Long.toString(Long.parseLong(l.meta.getProperty("count", "0")) + 1));
            l.meta.setProperty("last_seen", now.toString());
            l.dirty = true;
            return false;
        }
    }

    /** Writes back the counts and cases of findings seen since the last flush (atomically, each file). */
    public void flush() throws IOException {
        for (Map.Entry<String, Live> e : live.entrySet()) {
            synchronized (locks.computeIfAbsent(e.getKey(), k -> new Object())) {
                Live l = e.getValue();
                if (!l.dirty) continue;
                Path dir = root.resolve(e.getKey());
                writeCases(dir, l.cases);
                AtomicFiles.write(dir.resolve("meta.properties"), store(l.meta));
                l.dirty = false;
            }
        }
    }

    /** Writes a new finding into a temporary directory renamed to {@code dir}: on any failure (a full disk) there is no trace of it. */
    private void create(Path dir, String id, Report r, Instant now) throws IOException {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(root, ".new-" + id + "-");
            write(tmp, r, id, now);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(root);
        } catch (IOException e) {
            if (tmp != null && Files.exists(tmp)) AtomicFiles.deleteTree(tmp);
            throw AtomicFiles.failure(root, 0, e);
        }
    }

    private static void write(Path tmp, Report r, String id, Instant now) throws IOException {
        if (r.isLitmus()) {
            AtomicFiles.write(tmp.resolve("test.litmus"), r.litmusTest());
            AtomicFiles.write(tmp.resolve("outcomes"), r.litmusReport());
            AtomicFiles.write(tmp.resolve("description"), r.title() + "\n\nkind: " + r.kind() + "\nruntimes: " + String.join(", ", r.runtimes())
                    + " vs the BPF memory model\ncase: " + r.caseId() + " (seed " + r.seed() + ", index " + r.index() + ", litmus generator v"
                    + r.generatorVersion() + ")\n\nwhat the runtimes showed:\n" + r.litmusReport() + "\ntest.litmus:\n" + r.litmusTest()
                    + "\nreplay: crosscheck litmus run --runtime " + String.join(",", r.runtimes()) + " <this directory>/test.litmus\n");
        } else {
            Long expected = r.reproOutcomes().get(r.reference()) instanceof Outcome.Returned ret ? ret.r0() : null;
            String header = r.title() + "\nexpected: the reference (" + r.reference() + ") outcome";
            AtomicFiles.write(tmp.resolve("repro.data"), DataFile.write(r.repro(), r.reproMemory(), expected, header));
            AtomicFiles.write(tmp.resolve("original.data"), DataFile.write(r.original(), r.originalMemory(), null,
                    r.title() + "\noriginal program of case " + r.caseId()));
            AtomicFiles.write(tmp.resolve("outcomes"), outcomes(r.reproOutcomes()));
            AtomicFiles.write(tmp.resolve("description"), description(r));
        }
        for (Map.Entry<String, String> f : r.files().entrySet()) AtomicFiles.write(tmp.resolve(f.getKey()), f.getValue());
        AtomicFiles.write(tmp.resolve("cases"), r.caseId() + "\n");
        Properties meta = new Properties();
        meta.setProperty("id", id);
        meta.setProperty("title", r.title());
        meta.setProperty("kind", r.kind());
        meta.setProperty("runtimes", String.join(",", r.runtimes()));
        meta.setProperty("reference", r.reference());
        meta.setProperty("group", r.group());
        meta.setProperty("count", "1");
        meta.setProperty("first_seen", now.toString());
        meta.setProperty("last_seen", now.toString());
        meta.setProperty("seed", Long.toString(r.seed()));
        meta.setProperty("index", Long.toString(r.index()));
        meta.setProperty("case", r.caseId());
        meta.setProperty("generator_version", Integer.toString(r.generatorVersion()));
        meta.setProperty("minimized", Boolean.toString(r.minimized()));
        if (!r.isLitmus()) meta.setProperty("repro_instructions", Integer.toString(r.repro().insns().size()));
        if (r.bare() != null && !r.bare().isEmpty()) meta.setProperty("bare", r.bare());
        if (r.releases() != null && !r.releases().isEmpty()) meta.setProperty("releases", r.releases());
        AtomicFiles.write(tmp.resolve("meta.properties"), store(meta));
    }

    static String outcomes(Map<String, Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(outcomes).forEach((rt, o) -> {
            sb.append(rt).append(": ").append(o.describe()).append('\n');
            if (o instanceof Outcome.Returned ret && ret.memory().length > 0) {
                sb.append("  memory: ").append(HexFormat.ofDelimiter(" ").formatHex(ret.memory())).append('\n');
            }
            if (o instanceof Outcome.Rejected rej && rej.log() != null && !rej.log().isBlank()) {
                sb.append("  log:\n");
                for (String l : rej.log().strip().split("\n")) sb.append("    ").append(l).append('\n');
            }
        });
        return sb.toString();
    }

    static String description(Report r) {
        return r.title() + "\n\n"
                + "kind: " + r.kind() + "\nruntimes: " + String.join(", ", r.runtimes()) + " vs " + r.reference() + "\n"
                + "case: " + r.caseId() + " (seed " + r.seed() + ", index " + r.index() + ", generator v" + r.generatorVersion() + ")\n"
                + "minimized: " + r.minimized() + " (" + r.original().insns().size() + " -> " + r.repro().insns().size() + " instructions)\n"
                + (r.bare() == null || r.bare().isEmpty() ? "" : "bare: " + r.bare() + (r.bare().equals(Report.REPRODUCES_BARE)
                        ? " (the faithful runtime, the program exactly as given, diverges the same way)\n"
                        : " (the faithful runtime agrees with the reference: the divergence needs the instrumented wrapper; not a bug until shown bare)\n"))
                + (r.releases() == null || r.releases().isEmpty() ? "" : "releases: " + r.releases() + "\n")
                + (r.claim() == null || r.claim().isEmpty() ? "" : "\nthe verifier's claim the reference's run broke:\n" + r.claim() + "\n")
                + "\n"
                + "outcomes of repro.data:\n" + outcomes(r.reproOutcomes()) + "\n"
                + "repro.data (LLVM dialect):\n" + Disassembler.llvm(r.repro()) + "\n"
                + (r.files().isEmpty() ? "" : "more files: " + String.join(", ", r.files().keySet()) + "\n")
                + "replay: crosscheck replay <this directory>\n"
                + (r.releases() == null || r.releases().isEmpty() ? "" : "standalone C: crosscheck replay <this directory> --emit-c DIR\n");
    }

    /** Every stored finding, most frequent first. */
    public List<Summary> list() throws IOException {
        List<Summary> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path dir : ds) {
                if (!Files.isDirectory(dir) || dir.getFileName().toString().startsWith(".")) continue;
                out.add(summary(dir));
            }
        }
        out.sort(java.util.Comparator.comparingLong(Summary::count).reversed().thenComparing(Summary::title));
        return out;
    }

    public static Summary summary(Path dir) throws IOException {
        Properties m = readMeta(dir);
        return new Summary(m.getProperty("id", dir.getFileName().toString()), m.getProperty("title", "?"), m.getProperty("kind", "?"),
                List.of(m.getProperty("runtimes", "").split(",")), m.getProperty("group", ""),
                Long.parseLong(m.getProperty("count", "0")), Instant.parse(m.getProperty("first_seen", Instant.EPOCH.toString())),
                Instant.parse(m.getProperty("last_seen", Instant.EPOCH.toString())), Boolean.parseBoolean(m.getProperty("minimized")), dir);
    }

    /** A finding directory's meta.properties; an IOException when it has none. */
    public static Properties readMeta(Path dir) throws IOException {
        Properties p = new Properties();
        Path f = dir.resolve("meta.properties");
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": not a finding (no meta.properties)");
        p.load(new StringReader(Files.readString(f)));
        return p;
    }

    private static Set<String> readCases(Path dir) throws IOException {
        Path f = dir.resolve("cases");
        Set<String> s = new LinkedHashSet<>();
        if (Files.isRegularFile(f)) for (String l : Files.readAllLines(f)) if (!l.isBlank()) s.add(l.strip());
        return s;
    }

    private static void writeCases(Path dir, Set<String> cases) throws IOException {
        List<String> keep = new ArrayList<>(cases);
        if (keep.size() > MAX_CASES_KEPT) keep = keep.subList(keep.size() - MAX_CASES_KEPT, keep.size());
        AtomicFiles.write(dir.resolve("cases"), String.join("\n", keep) + "\n");
    }

    private static String store(Properties p) {
        StringWriter w = new StringWriter();
        try {
            new TreeMap<>(p).forEach((k, v) -> {
                Properties one = new Properties();
                one.setProperty((String) k, (String) v);
                StringWriter line = new StringWriter();
                try {
                    one.store(line, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                line.toString().lines().filter(l -> !l.startsWith("#")).forEach(l -> w.append(l).append('\n'));
            });
        } catch (UncheckedIOException e) {
            throw e;
        }
        return w.toString();
    }

    /** Leftovers of a crash in the middle of creating a finding are removed: they were never visible. */
    private void cleanTemporaries() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".new-*")) {
            for (Path p : ds) AtomicFiles.deleteTree(p);
        }
    }
}
