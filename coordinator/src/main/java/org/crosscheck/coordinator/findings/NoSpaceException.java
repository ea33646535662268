package org.crosscheck.coordinator.findings;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A write that failed because its file system is full. A campaign stops at once on it (the command
 * exits 2 naming the directory) instead of dropping results while it lasts; what it had written
 * stays intact, since every write is atomic.
 */
public final class NoSpaceException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoSpaceException(Path dir, IOException cause) {
        super("no space left on " + dir, cause);
    }
}
