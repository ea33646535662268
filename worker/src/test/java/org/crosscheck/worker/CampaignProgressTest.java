package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

class CampaignProgressTest {
    @TempDir
    Path work;

    private static final Pattern RATE = Pattern.compile("([\\d,]+)/s");

    /**
     * Rates are averaged over the last minute: a line printed when no batch ended since the last one
     * still shows the campaign's rate (with DPDK's 256-program batches taking 20 s, 138 of 156 lines
     * of a 5-minute campaign said 0/s).
     */
    @Test
    void aLineWithoutANewBatchStillShowsTheRate() throws Exception {
        var cfg = new CampaignConfig(List.of("interp", "jit"), Group.rfc(), CpuVersion.V4, 1, Duration.ofSeconds(60), 64,
                work, 1, 64, 24, List.of());
        List<Runtime> runtimes = List.of(Runtimes.create("interp"), Runtimes.create("jit"));
        Campaign campaign = new Campaign(cfg, runtimes, new FindingStore(work), new Metrics());
        LocalCampaign.run(campaign, runtimes, 1, null);
        for (int line = 0; line < 2; line++) {
            String text = campaign.progressLine(null);
            assertTrue(text.contains("] 64 programs ("), text);
            Matcher m = RATE.matcher(text);
            int rates = 0;
            for (; m.find(); rates++) assertTrue(Long.parseLong(m.group(1).replace(",", "")) > 0, "line " + line + ": " + text);
            assertEquals(3, rates, text); // the campaign's, interp's and jit's
            Thread.sleep(20);
        }
    }
}
