package org.crosscheck.coordinator.findings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes that a crash never leaves half done: write to a temporary file, fsync, rename. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Deletes {@code dir} and everything under it (nothing when it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    public static void write(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code target} atomically; a {@link NoSpaceException} naming its directory when the file system is full. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) ch.write(buf);
                    ch.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(dir);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw failure(dir, bytes.length, e);
        }
    }

    /** Room a file system must have beyond a write's bytes for its failure not to be taken as a full disk (blocks, metadata). */
    private static final long SLACK = 64 * 1024;

    /**
     * What a failed write of {@code bytes} into {@code dir} was: a {@link NoSpaceException} naming
     * {@code dir} when it was one already or the file system has no room for the write (the JDK
     * reports ENOSPC as a plain IOException), else {@code e} itself.
     */
    public static IOException failure(Path dir, long bytes, IOException e) {
        if (e instanceof NoSpaceException) return new NoSpaceException(dir, e);
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            if (existing != null && Files.getFileStore(existing).getUsableSpace() < bytes + SLACK) return new NoSpaceException(dir, e);
        } catch (IOException ignored) {
            // cannot tell: the error as it was
        }
        return e;
    }

    /** Makes a rename durable. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the rename itself is still atomic
        }
    }
}
