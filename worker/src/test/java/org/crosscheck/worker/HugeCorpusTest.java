package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign whose corpus holds a 950,000-instruction program (10 MB of .data) and one of 5,000
 * instructions beside a small seed: it used to read and copy them for longer than its duration
 * (parsing a raw program was quadratic), then end having run nothing. Now each is skipped with one
 * line naming its file, and the campaign runs for its duration, generating and mutating the seed.
 */
class HugeCorpusTest {
    @TempDir
    Path tmp;

    static String program(int movs) {
        return "-- asm\n" + "mov %r0, 1\n".repeat(movs) + "exit\n-- result\n0x1\n";
    }

    @Test
    void hugeCorpusProgramsAreSkippedAndTheCampaignRuns() throws Exception {
        Path corpus = Files.createDirectories(tmp.resolve("corpus"));
        Path huge = Files.writeString(corpus.resolve("huge.data"), program(950_000));
        Path large = Files.writeString(corpus.resolve("large.data"), program(5_000));
        Files.writeString(corpus.resolve("small.data"), program(3));
        Path work = tmp.resolve("work");
        var cfg = new CampaignConfig(List.of("interp", "jit"), Group.rfc(), CpuVersion.V4, 1, Duration.ofSeconds(15), 0,
                work, 1, 64, 24, List.of(corpus));
        List<Runtime> runtimes = List.of(Runtimes.create("interp"), Runtimes.create("jit"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        Campaign.Summary s;
        Campaign campaign;
        try (PrintStream capture = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            // a guard against the stall, not a measurement: the campaign lasts 15 s
            campaign = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> new Campaign(cfg, runtimes, new FindingStore(work), new Metrics()));
            Campaign c = campaign;
            s = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> LocalCampaign.run(c, runtimes, 1, null));
        } finally {
            System.setErr(stderr);
        }
        List<String> warnings = Arrays.stream(err.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> l.contains("corpus: skipping")).toList();
        assertEquals(List.of(
                "crosscheck: corpus: skipping " + huge + ": " + String.format("%,d", Files.size(huge)) + " bytes, more than the 1,048,576 a corpus file may have",
                "crosscheck: corpus: skipping " + large + ": 5,001 instructions, more than the 4,096 a corpus program may have"), warnings);
        assertEquals(1, campaign.corpusSize(), "the small seed is mutated");
        assertTrue(s.programs() > 0, "the campaign ran programs: " + s);
    }
}
