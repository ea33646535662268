package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The external programs some tests drive (Chromium, Prometheus), found on the PATH as {@code ./test}
 * looks for them before installing them. A missing one fails its test with one line naming the
 * install step: a test that cannot run what it checks must not pass or skip.
 */
final class Tools {
    private Tools() {}

    /** The first of {@code names} on the PATH; fails the test naming the Debian package when none is. */
    static Path require(String pkg, String... names) {
        return onPath(System.getenv().getOrDefault("PATH", ""), pkg, names);
    }

    /** As {@link #require(String, String...)} with the directories of {@code path}. */
    static Path onPath(String path, String pkg, String... names) {
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            }
        }
        return fail(names[0] + " not found: run ./test, or apt-get install " + pkg);
    }
}
