package org.crosscheck.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * The one campaign (or coordinator) of a workdir: an exclusive OS lock on {@code WORKDIR/lock}, held
 * for the life of the campaign. The lock goes with the process, so a file left by a killed one does
 * not block; what the file says (pid, since when) is only for the message of a campaign refused. The
 * file is never deleted: a campaign that opened it just before could then lock a file no one else sees.
 */
final class WorkdirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WorkdirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the workdir's lock, or fails at once with a {@link UserError} naming who holds it. */
    static WorkdirLock take(Path workdir) {
        Path file = workdir.resolve("lock");
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError("--workdir " + workdir + ": cannot open " + file + ": " + e.getMessage());
        }
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(file);
                ch.close();
                throw new UserError("workdir " + workdir + " is in use by another campaign (" + holder + ")");
            }
            String since = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid=" + ProcessHandle.current().pid() + "\nsince=" + since + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new WorkdirLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UserError("--workdir " + workdir + ": cannot lock " + file + ": " + e.getMessage());
        }
    }

    /** "pid N, since T" as the holder wrote it (it may not have yet). */
    private static String holder(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // unreadable: say what we know
        }
        return "pid " + p.getProperty("pid", "unknown") + ", since " + p.getProperty("since", "unknown");
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close releases it too
        }
        closeQuietly(channel);
    }
}
