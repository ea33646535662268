package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live web view in a real (headless) Chromium during a campaign with a known finding (a
 * mutant runtime): the page shows the runtimes and the finding; clicking it shows the outcomes side
 * by side and the reproducer in both dialects. The screenshot is saved to
 * coordinator/target/webview.png.
 */
class WebViewBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void pageShowsCampaignAndFindingsLive() throws Exception {
        Chromium.binary(); // before the campaign starts: fails naming the install step when Chromium is missing
        Path work = tmp.resolve("work");
        Metrics metrics = new Metrics();
        FindingStore store = new FindingStore(work);
        var cfg = new CampaignConfig(List.of("interp", "interp-mutant:add32-zext"), Group.rfc(), CpuVersion.V4, 3,
                Duration.ofSeconds(60), 0, work, 1, 64, 24, List.of());
        List<org.crosscheck.runtime.Runtime> rts = List.of(Runtimes.create("interp"), Runtimes.create("interp-mutant:add32-zext"));
        Campaign campaign = new Campaign(cfg, rts, store, metrics);
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), metrics)) {
            server.addWebView(store, metrics);
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    LocalCampaign.run(campaign, rts, 1, null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Chromium browser = new Chromium(tmp.resolve("profile"))) {
                browser.navigate("http://127.0.0.1:" + server.address().getPort() + "/");
                browser.waitFor("document.querySelector('#runtimes').innerText.includes('interp-mutant:add32-zext')", 30);
                browser.waitFor("document.querySelector('tr.finding') !== null", 60);
                String findings = browser.eval("document.querySelector('#findings').innerText");
                assertTrue(findings.contains("r0 mismatch: interp-mutant:add32-zext vs interp [base32 add32"), findings);
                String summary = browser.eval("document.querySelector('#summary').innerText");
                assertTrue(summary.matches("(?s)[\\d,]+ programs · [\\d,]+ executions · \\d+\\.\\d\\d paths a program · \\d+ findings · up \\d+ s.*"), summary);
                String runtimeTable = browser.eval("document.querySelector('#runtimes').innerText");
                assertTrue(runtimeTable.contains("executions"), runtimeTable);
                browser.eval("[...document.querySelectorAll('tr.finding')].find(r => r.innerText.includes('[base32 add32')).click()");
                browser.waitFor("!document.querySelector('#detail').hidden && document.querySelector('#detail-llvm').innerText.length > 0", 10);
                String outcomes = browser.eval("document.querySelector('#detail-outcomes').innerText");
                assertTrue(outcomes.contains("interp: r0 = ") && outcomes.contains("interp-mutant:add32-zext: r0 = "), outcomes);
                assertTrue(browser.eval("document.querySelector('#detail-asm').innerText").contains("add32 %r"), "conformance dialect");
                assertTrue(browser.eval("document.querySelector('#detail-llvm').innerText").contains(" += "), "LLVM dialect");
                String href = browser.eval("document.querySelector('#detail-download').getAttribute('href')");
                String download = browser.eval("fetch('" + href + "').then(r => r.text())");
                assertTrue(download.contains("-- asm") && download.contains("-- result"), download);
                Path shot = Path.of("target", "webview.png");
                browser.screenshot(shot);
                assertTrue(Files.size(shot) > 10_000, "screenshot too small");
            } finally {
                campaign.stop();
                runner.join();
            }
        }
    }
}
