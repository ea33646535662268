package org.crosscheck.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The public conformance suite in ../shared, read in place (never copied into the project). */
public final class SharedSuite {
    private SharedSuite() {}

    public static Path root() {
        String prop = System.getProperty("crosscheck.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p.resolve("bpf_conformance"))) {
            throw new IllegalStateException("conformance suite not found at " + p.toAbsolutePath()
                    + " (set -Dcrosscheck.shared=DIR to the folder holding bpf_conformance/)");
        }
        return p;
    }

    /** The 313 tests of bpf_conformance/tests, sorted. */
    public static List<Path> tests() {
        try (Stream<Path> s = Files.list(root().resolve("bpf_conformance/tests"))) {
            return s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
