package org.crosscheck.runtime.barrier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The barrier table ({@code barriers.txt} beside this class, the default; or a file of the same form):
 * the ordering the BPF memory model requires of each {@link BarrierOp}, with the kernel documentation
 * that says so, and per architecture the instruction sequences ("recipes") that give each ordering,
 * with the kernel's own implementation of it, and how objdump reads that architecture's code.
 */
public final class BarrierTable {
    /** What the model asks of an op. */
    public enum Ordering {
        /** An atomic read-modify-write, in no particular order with other accesses. */
        RELAXED("relaxed", "atomicity"),
        /** Ordered with every access before and after it (smp_mb() on both sides). */
        FULL("full", "full ordering"),
        /** Ordered before every later access. */
        ACQUIRE("acquire", "acquire ordering"),
        /** Ordered after every earlier access. */
        RELEASE("release", "release ordering");

        public final String id, noun;

        Ordering(String id, String noun) {
            this.id = id;
            this.noun = noun;
        }

        static Ordering of(String id) {
            for (Ordering o : values()) if (o.id.equals(id)) return o;
            throw new IllegalArgumentException("unknown ordering '" + id + "' (relaxed, full, acquire or release)");
        }
    }

    /** One op's requirement and its citation. */
    public record Requirement(BarrierOp op, Ordering ordering, String citation) {}

    /** Instructions that give {@code ordering} on {@code arch}, in order among the op's code, and the kernel's own use of them. */
    public record Recipe(String arch, Ordering ordering, String name, List<Pattern> steps, String citation) {}

    private final Map<BarrierOp, Requirement> requirements = new EnumMap<>(BarrierOp.class);
    private final List<Recipe> recipes = new ArrayList<>();
    private final Map<String, List<String>> objdump = new LinkedHashMap<>();
    private final String source;

    private BarrierTable(String source) {
        this.source = source;
    }

    /** The table that ships with crosscheck. */
    public static BarrierTable standard() {
        try (InputStream in = BarrierTable.class.getResourceAsStream("barriers.txt")) {
            if (in == null) throw new IllegalStateException("barriers.txt missing from the jar");
            return parse("barriers.txt", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("barriers.txt: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a table; {@code source} names it in errors. A malformed line is an IllegalArgumentException
     * naming the line and the problem; an op without a row is one too.
     */
    public static BarrierTable parse(String source, String text) {
        BarrierTable t = new BarrierTable(source);
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+\\|\\s+", -1);
            try {
                t.row(f);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + (n + 1) + ": " + e.getMessage());
            }
        }
        for (BarrierOp op : BarrierOp.values()) {
            if (!t.requirements.containsKey(op)) throw new IllegalArgumentException(source + ": no 'op | " + op.id + " | ...' row");
        }
        return t;
    }

    private void row(String[] f) {
        switch (f[0]) {
            case "op" -> {
                columns(f, 4, "op | NAME | ORDERING | CITATION");
                BarrierOp op = BarrierOp.of(f[1]);
                if (requirements.containsKey(op)) throw new IllegalArgumentException("a second row for op " + op.id);
                requirements.put(op, new Requirement(op, Ordering.of(f[2]), f[3]));
            }
            case "objdump" -> {
                columns(f, 3, "objdump | ARCH | OPTIONS");
                objdump.put(f[1], List.of(f[2].split("\\s+")));
            }
            case "recipe" -> {
                columns(f, 6, "recipe | ARCH | ORDERING | NAME | STEP ; STEP ... | CITATION");
                List<Pattern> steps = new ArrayList<>();
                for (String s : f[4].split("\\s+;\\s+")) {
                    try {
                        steps.add(Pattern.compile(s));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("bad regular expression '" + s + "': " + e.getDescription());
                    }
                }
                recipes.add(new Recipe(f[1], Ordering.of(f[2]), f[3], List.copyOf(steps), f[5]));
            }
            default -> throw new IllegalArgumentException("a row starts with op, objdump or recipe, not '" + f[0] + "'");
        }
    }

    private static void columns(String[] f, int n, String form) {
        if (f.length != n) throw new IllegalArgumentException(f.length + " columns, expected " + n + ": " + form);
        for (String c : f) if (c.isBlank()) throw new IllegalArgumentException("an empty column: " + form);
    }

    public String source() {
        return source;
    }

    public Requirement requirement(BarrierOp op) {
        return requirements.get(op);
    }

    /** The recipes for {@code ordering} on {@code arch}, in the table's order (empty: the table has none). */
    public List<Recipe> recipes(String arch, Ordering ordering) {
        return recipes.stream().filter(r -> r.arch().equals(arch) && r.ordering() == ordering).toList();
    }

    /** objdump's options for a raw image of {@code arch}, or null when the table has none. */
    public List<String> objdumpOptions(String arch) {
        return objdump.get(arch);
    }
}
