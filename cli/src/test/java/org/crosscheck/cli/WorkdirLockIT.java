package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two campaigns on one workdir both ran and exited 0, the checkpoint last-writer-wins. Now the second
 * is refused at once (one line naming the workdir and the holder, exit 2) and the first goes on; once
 * the first has ended, or was killed (its lock file stays, the OS lock does not), a new one runs.
 */
class WorkdirLockIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Jvms jvms = new Jvms();

    /** A campaign in a JVM of its own on {@code work}. */
    Process campaign(String name, Path work, String duration) throws IOException {
        return jvms.start(name, List.of("campaign", "--runtimes", "interp,interp-mutant:sdiv-overflow", "--duration", duration,
                "--workdir", work.toString(), "--seed", "1", "--metrics", "off", "--threads", "1"));
    }

    String log(String name) throws IOException {
        return jvms.log(name);
    }

    @Test
    void aSecondCampaignOnTheSameWorkdirIsRefusedAtOnce() throws Exception {
        Path work = tmp.resolve("work");
        Process first = campaign("first", work, "8s");
        jvms.await("first", first, "campaign: seed");

        Process second = campaign("second", work, "8s");
        assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second campaign runs: " + log("second"));
        assertEquals(2, second.exitValue(), log("second"));
        String refusal = log("second").strip();
        assertTrue(Pattern.matches("crosscheck: workdir " + Pattern.quote(work.toString()) + " is in use by another campaign \\(pid "
                + first.pid() + ", since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\S*\\)", refusal), refusal);
        assertTrue(first.isAlive(), "the first campaign was stopped: " + log("first"));

        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the first campaign did not end: " + log("first"));
        assertEquals(0, first.exitValue(), log("first"));
        assertTrue(log("first").contains(" programs in "), log("first"));

        Process killed = campaign("killed", work, "5m"); // the first has ended: runs, resuming
        jvms.await("killed", killed, "campaign: seed");
        assertTrue(log("killed").contains("campaign: resuming in " + work), log("killed"));
        killed.destroyForcibly().waitFor(); // SIGKILL: its lock file stays behind
        assertTrue(Files.readString(work.resolve("lock")).contains("pid=" + killed.pid()));

        Process after = campaign("after", work, "2s");
        assertTrue(after.waitFor(60, TimeUnit.SECONDS), "did not end: " + log("after"));
        assertEquals(0, after.exitValue(), log("after"));
        assertTrue(log("after").contains(" programs in "), log("after"));
    }
}
