package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.findings.FindingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign whose workdir fills up (a 256 KiB tmpfs, filled by the test once the first finding is
 * stored) stops at once: exit code 2 and one line naming where there is no space, instead of errors
 * logged for seconds, batch results dropped and exit 70 "internal error"; every finding stored is
 * complete, none half-written, and the checkpoint is readable.
 */
class DiskFullIT {
    @TempDir
    Path tmp;

    static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void aFullDiskStopsTheCampaignAtOnceKeepingWhatWasWritten() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to mount a tmpfs");
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString()) == 0, "mount -t tmpfs failed here");
        Process p = null;
        try {
            Path work = disk.resolve("work"), log = tmp.resolve("campaign.log");
            p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", PluginProtocolIT.JAR.toString(),
                    "campaign", "--runtimes", "interp,interp-mutant:sdiv-overflow", "--duration", "5m", "--workdir", work.toString(),
                    "--seed", "1", "--metrics", "off", "--threads", "2",
                    // one input a program: no WORKDIR/corpus of path inputs, whose files (a tmpfs page each) fill 256 KiB before the first finding
                    "--inputs", "1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            FindingStore store = new FindingStore(work);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (store.list().isEmpty() && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertFalse(store.list().isEmpty(), "no finding stored: " + Files.readString(log));
            fill(disk.resolve("filler"));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the campaign went on with a full disk: " + Files.readString(log));
            String out = Files.readString(log);
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("crosscheck: no space left on " + work), out);
            assertFalse(out.contains("internal error"), out);
            assertTrue(out.lines().filter(l -> l.contains("ERROR")).count() <= 1, "one error line: " + out);

            Files.delete(disk.resolve("filler"));
            try (var ds = Files.newDirectoryStream(store.root(), ".new-*")) {
                assertFalse(ds.iterator().hasNext(), "a half-written finding was left");
            }
            List<FindingStore.Summary> stored = new FindingStore(work).list();
            assertFalse(stored.isEmpty());
            for (FindingStore.Summary s : stored) CampaignCrashIT.check(s.dir());
            assertTrue(Files.readString(work.resolve("campaign.properties")).contains("watermark="), "the checkpoint is intact");
        } finally {
            if (p != null) p.destroyForcibly().waitFor();
            sh("umount", disk.toString());
        }
    }

    /** Writes zeros until the file system is full. */
    static void fill(Path f) {
        try (OutputStream o = Files.newOutputStream(f)) {
            byte[] block = new byte[4096];
            while (true) o.write(block);
        } catch (IOException full) {
            // the disk is full
        }
    }
}
