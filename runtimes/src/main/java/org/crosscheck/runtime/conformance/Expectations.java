package org.crosscheck.runtime.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.crosscheck.runtime.Outcome;

/**
 * Conformance tests a runtime is known to fail, each pinned to the test's content and the exact
 * outcome: one {@code <file name> <sha256, first 16 hex digits> <outcome>} per line, # comments
 * (the why, above the entries it explains). A listed test passes as XFAIL only when its content
 * still has that hash and it still ends with that outcome ({@link #key}): a rejection's listed text
 * is a prefix of the runtime's message, a value or a trap must be equal. Anything else fails, so a
 * listed test cannot change behaviour unnoticed. The built-in lists are the resources
 * {@code conformance/<runtime>-expected.txt}; {@code crosscheck conformance --write-expected} writes them.
 */
public final class Expectations {
    /** One listed test: its file name, content hash, expected outcome and line in the list. */
    public record Entry(String file, String hash, String outcome, int line) {
        String text() {
            return file + " " + hash + " " + outcome;
        }
    }

    /** What a listed (or unlisted) test's run comes to. */
    public enum Status { PASS, FAIL, XFAIL }

    /** A judgement and, for people, why. */
    public record Judgement(Status status, String why) {}

    private final String source;
    private final List<String> lines;
    private final Map<String, Entry> entries;

    private Expectations(String source, List<String> lines, Map<String, Entry> entries) {
        this.source = source;
        this.lines = lines;
        this.entries = entries;
    }

    /** The built-in list of a runtime (empty when it has none). */
    public static Expectations builtIn(String runtime) {
        return resource("conformance/" + runtime.replace(':', '-') + "-expected.txt");
    }

    /** A list in the class path (empty when there is none). */
    public static Expectations resource(String resource) {
        try (InputStream in = Expectations.class.getClassLoader().getResourceAsStream(resource)) {
            return parse(in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A list in a file; a missing file is an empty list (so that {@code --write-expected} can start one). */
    public static Expectations read(Path file) throws IOException {
        return parse(Files.exists(file) ? Files.readString(file) : "", file.toString());
    }

    /** Parses a list; a malformed line is an IllegalArgumentException naming {@code source:line}. */
    public static Expectations parse(String text, String source) {
        List<String> lines = text.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] f = t.split("\\s+", 3);
            String where = source + ":" + (i + 1);
            if (f.length < 3 || !f[1].matches("[0-9a-f]{16}")) {
                throw new IllegalArgumentException(where + ": expected '<test file> <16 hex digits of its sha256> <outcome>', got '" + t + "'");
            }
            if (entries.containsKey(f[0])) throw new IllegalArgumentException(where + ": " + f[0] + " is listed twice");
            entries.put(f[0], new Entry(f[0], f[1], f[2], i + 1));
        }
        return new Expectations(source, lines, entries);
    }

    /** Where the list comes from (a resource name or a path). */
    public String source() {
        return source;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The first 16 hex digits of the SHA-256 of a test file's bytes. */
    public static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An outcome as a list states it: {@code r0 = 0x2a} (or {@code w0 = ...} when only 32 bits are
     * reported), {@code trap OUT_OF_BOUNDS at pc 3}, {@code rejected by verifier: <reason>},
     * {@code crashed: <detail>}, {@code timed out}, {@code unsupported: <what>}.
     */
    public static String key(Outcome o) {
        return switch (o) {
            case Outcome.Returned r -> (r.r0Bits() == 64 ? "r0" : "w0") + " = 0x" + Long.toHexString(r.r0());
            case Outcome.Trapped t -> "trap " + t.kind() + " at pc " + t.pc();
            case Outcome.TimedOut t -> "timed out";
            case Outcome.Crashed c -> "crashed: " + withoutAddresses(c.detail());
            default -> o.describe();
        };
    }

    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("\\s*\\(?\\b[A-Z]?\\s*0x[0-9a-fA-F]{8,}\\)?");

    /** A crash's words without the machine addresses that differ from run to run. */
    public static String withoutAddresses(String detail) {
        return ADDRESS.matcher(detail).replaceAll("");
    }

    /** Whether an outcome is the listed one: the listed text a prefix of a message, or equal to a value or trap. */
    public static boolean matches(String listed, Outcome o) {
        String actual = key(o);
        return o instanceof Outcome.Rejected || o instanceof Outcome.Crashed || o instanceof Outcome.Unsupported
                ? actual.startsWith(listed) : actual.equals(listed);
    }

    /**
     * Judges a test that ran: {@code passed} is whether it met its own expectation, {@code o} what
     * the runtime did. Unlisted: PASS or FAIL as it ran. Listed: XFAIL only when content and outcome
     * are the listed ones.
     */
    public Judgement judge(String fileName, byte[] content, boolean passed, Outcome o) {
        Entry e = entries.get(fileName);
        if (e == null) return new Judgement(passed ? Status.PASS : Status.FAIL, "");
        String hash = hash(content);
        if (!hash.equals(e.hash())) {
            return new Judgement(Status.FAIL, "its content changed since " + source + ":" + e.line() + " listed it (sha256 " + hash
                    + ", listed " + e.hash() + "): check it and list it again with --write-expected");
        }
        if (passed) return new Judgement(Status.FAIL, "passes but " + source + ":" + e.line() + " lists it as failing with '" + e.outcome() + "'");
        if (!matches(e.outcome(), o)) {
            return new Judgement(Status.FAIL, "fails otherwise than " + source + ":" + e.line() + " lists: listed '" + e.outcome() + "', got '"
                    + key(o) + "'");
        }
        return new Judgement(Status.XFAIL, key(o) + " [as " + source + ":" + e.line() + " lists]");
    }

    /**
     * This list with the runs of {@code ran} applied: a failing test is listed with its hash and
     * outcome (in its old line, or at the end), a test that ran and did not fail is taken off,
     * comments and tests not run stay. {@code failing} maps file name to the failing run's outcome key.
     */
    public String rewritten(Set<String> ran, Map<String, Entry> failing) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            String file = t.isEmpty() || t.startsWith("#") ? null : t.split("\\s+", 2)[0];
            if (file == null || !ran.contains(file)) out.add(line);
            else if (failing.containsKey(file)) out.add(failing.get(file).text());
        }
        List<Entry> added = failing.values().stream().filter(e -> !entries.containsKey(e.file())).toList();
        if (!added.isEmpty()) {
            if (out.isEmpty()) {
                out.add("# Conformance tests this runtime fails: <test file> <sha256, 16 hex digits> <outcome>. Say why above each group.");
            }
            out.add("# listed by crosscheck conformance --write-expected (say why):");
            added.forEach(e -> out.add(e.text()));
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    /** An entry for a failing run, as {@link #rewritten} lists it. */
    public static Entry entry(String fileName, byte[] content, Outcome o) {
        return new Entry(fileName, hash(content), key(o), 0);
    }
}
