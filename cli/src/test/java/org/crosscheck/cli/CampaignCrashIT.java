package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.DataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a campaign loses no finding already reported and leaves no corrupt
 * file; running again on the same workdir resumes from the checkpoint.
 */
class CampaignCrashIT {
    @TempDir
    Path work;

    Process start(String duration) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", PluginProtocolIT.JAR.toString(), "campaign", "--runtimes", "interp,interp-mutant:add32-zext,interp-mutant:neg32-sext",
                "--duration", duration, "--workdir", work.toString(), "--seed", "5", "--metrics", "off", "--threads", "2"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("log-" + System.nanoTime()).toFile()).start();
    }

    @Test
    void killNineLosesNothingAndResumes() throws Exception {
        Process p = start("120s");
        FindingStore store = new FindingStore(work);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.list().size() < 2 && System.nanoTime() < deadline) Thread.sleep(100);
        Thread.sleep(6000); // let a checkpoint and more sightings happen
        Map<String, Long> before = new HashMap<>();
        for (FindingStore.Summary s : store.list()) before.put(s.id(), s.count());
        p.destroyForcibly().waitFor(); // SIGKILL
        assertTrue(before.size() >= 2, "findings before the kill: " + before);

        for (FindingStore.Summary s : store.list()) check(s.dir()); // a finding half-created at the kill is a hidden .new-* dir
        new FindingStore(work); // reopening removes such leftovers
        try (var ds = Files.newDirectoryStream(store.root(), ".new-*")) {
            assertTrue(!ds.iterator().hasNext(), "a half-created finding survived reopening");
        }
        String state = Files.readString(work.resolve("campaign.properties"));
        long watermark = Long.parseLong(state.replaceAll("(?s).*watermark=(\\d+).*", "$1"));
        assertTrue(watermark > 0, state);

        Process again = start("3s");
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue());
        String log = Files.readString(Files.list(work).filter(f -> f.getFileName().toString().startsWith("log-")).sorted().toList().getLast());
        assertTrue(log.contains("resuming in " + work + " at case " + watermark), log);
        for (FindingStore.Summary s : new FindingStore(work).list()) {
            check(s.dir());
            if (before.containsKey(s.id())) assertTrue(s.count() >= before.get(s.id()), s.title());
        }
        for (String id : before.keySet()) assertTrue(Files.isDirectory(store.root().resolve(id)), "lost finding " + id);
    }

    /** Every file of a finding is complete and readable. */
    static void check(Path dir) throws Exception {
        for (String f : List.of("description", "repro.data", "original.data", "outcomes", "meta.properties", "cases")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, dir + "/" + f + " is empty");
        }
        DataFile.read(dir.resolve("repro.data")).program();
        DataFile.read(dir.resolve("original.data")).program();
        FindingStore.summary(dir);
    }
}
