package org.crosscheck.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.coordinator.campaign.Campaign;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.crosscheck.coordinator.campaign.CampaignConfig;
import org.crosscheck.coordinator.campaign.LitmusCaseRunner;
import org.crosscheck.memmodel.LitmusGenerator;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.Runtimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's, started here on loopback) scrapes a short live campaign; then every
 * PromQL expression of every dashboard panel, and every alert rule with the series it watches,
 * goes through Prometheus' HTTP API: each must be valid and the panels and signals must return data.
 */
class DashboardsTest {
    @TempDir
    Path tmp;

    static Path dashboards() {
        Path p = Path.of("..", "dashboards");
        if (!Files.isDirectory(p)) p = Path.of("dashboards");
        return p;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyPanelAndAlertIsValidAndHasData() throws Exception {
        Path prometheus = Tools.require("prometheus", "prometheus");
        Map<String, String> queries = new LinkedHashMap<>();
        String dash = Files.readString(dashboards().resolve("crosscheck-campaign.json"));
        Matcher m = Pattern.compile("\"title\": \"([^\"]+)\",\\s*\"gridPos\"|\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dash);
        String title = null;
        while (m.find()) {
            if (m.group(1) != null) title = m.group(1);
            else queries.put("panel '" + title + "'", m.group(2).replace("\\\"", "\""));
        }
        String alerts = Files.readString(dashboards().resolve("alerts.yml"));
        Matcher a = Pattern.compile("- alert: (\\S+)\\s+expr: (.+)\\n[\\s\\S]*?signal: \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(alerts);
        int alertCount = 0;
        while (a.find()) {
            queries.put("alert " + a.group(1), a.group(2).strip());
            queries.put("alert " + a.group(1) + " signal", a.group(3).replace("\\\"", "\""));
            alertCount++;
        }
        assertTrue(queries.size() >= 24 + 2 * 4, "parsed " + queries.keySet());
        assertEquals(4, alertCount);

        // a live campaign with every kind of series: two real runtimes, an injected bug, mutated corpus programs
        Path work = tmp.resolve("work");
        Metrics metrics = new Metrics();
        FindingStore store = new FindingStore(work);
        List<String> names = new ArrayList<>(List.of("interp", "interp-mutant:add32-zext"));
        Runtime kernel = Runtimes.create("kernel");
        if (kernel.unavailableReason().isEmpty()) names.add("kernel");
        List<Runtime> rts = names.stream().map(Runtimes::create).toList();
        Path corpus = Path.of("..", "corpus");
        var cfg = new CampaignConfig(names, Group.rfc(), CpuVersion.V4, 9, Duration.ofSeconds(60), 0, work, 1, 64, 24, List.of(corpus), false, 10_000, null,
                4, org.crosscheck.coordinator.generate.Generator.Profile.DEFAULT, 8); // the oracle on one case in 4, 8 inputs a program
        Campaign campaign = new Campaign(cfg, rts, store, metrics);
        // no VM guest here (VmGuestIT shows real guests' restarts and crashes counted by a campaign): one of each
        metrics.guests("vm:amd64-6.1:jit", "restarts", 1);
        metrics.guests("vm:amd64-6.1:jit", "crashes", 1);
        // beside it a litmus campaign (its own coordinator, as a user would run one), for the litmus panels
        Metrics litmusMetrics = new Metrics();
        Path litmusWork = tmp.resolve("litmus");
        List<Runtime> litmusRts = List.of(Runtimes.create("interp"), Runtimes.create("jit"));
        var litmusCfg = new CampaignConfig(List.of("interp", "jit"), Group.rfc(), CpuVersion.V4, 9, Duration.ofSeconds(60), 0, litmusWork, 1, 2, 24,
                List.of(), false, 10_000, new LitmusCaseRunner.Options(LitmusGenerator.Config.defaults(), 2000), 0,
                org.crosscheck.coordinator.generate.Generator.Profile.DEFAULT, 1);
        Campaign litmus = new Campaign(litmusCfg, litmusRts, new FindingStore(litmusWork), litmusMetrics);
        // and a csmith campaign (--source csmith) for the csmith panels, where csmith, gcc and clang are here
        String csmithMissing = org.crosscheck.coordinator.csmith.Csmith.missingTools()
                + (org.crosscheck.isa.elf.BpfCompiler.CLANG.available() ? "" : " clang (apt-get install clang)");
        Metrics csmithMetrics = new Metrics();
        List<Runtime> csmithRts = List.of(Runtimes.create("interp"), Runtimes.create("jit"));
        Campaign csmith = null;
        if (csmithMissing.isBlank()) {
            Path csmithWork = tmp.resolve("csmith");
            var csmithCfg = new CampaignConfig(List.of("interp", "jit"), Group.rfc(), CpuVersion.V3, 9, Duration.ofSeconds(60), 0, csmithWork, 1, 1, 24,
                    List.of(), false, 10_000, null, 0, org.crosscheck.coordinator.generate.Generator.Profile.DEFAULT, 1,
                    new org.crosscheck.coordinator.csmith.Csmith.Options(List.of(org.crosscheck.isa.elf.BpfCompiler.CLANG), List.of("-O2"), CpuVersion.V3,
                            10_000_000, 5_000));
            csmith = new Campaign(csmithCfg, csmithRts, new FindingStore(csmithWork), csmithMetrics);
        } else {
            queries.values().removeIf(q -> q.contains("crosscheck_csmith_"));
            System.err.println("DashboardsTest: csmith panels not checked: needs " + csmithMissing.strip());
        }
        Campaign csmithCampaign = csmith;
        int promPort = freePort();
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), metrics);
                MetricsServer litmusServer = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), litmusMetrics);
                MetricsServer csmithServer = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), csmithMetrics)) {
            Files.writeString(tmp.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: [%s]
                    scrape_configs:
                      - job_name: crosscheck-coordinator
                        static_configs: [{targets: ["127.0.0.1:%d", "127.0.0.1:%d", "127.0.0.1:%d"]}]
                    """.formatted(dashboards().toAbsolutePath().resolve("alerts.yml"), server.address().getPort(), litmusServer.address().getPort(),
                    csmithServer.address().getPort()));
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    LocalCampaign.run(campaign, rts, 1, null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread litmusRunner = Thread.ofPlatform().start(() -> {
                try {
                    LocalCampaign.run(litmus, litmusRts, 1, null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread csmithRunner = Thread.ofPlatform().start(() -> {
                if (csmithCampaign == null) return;
                try {
                    LocalCampaign.run(csmithCampaign, csmithRts, 1, null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Process prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + tmp.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + promPort)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + promPort;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                Map<String, String> failures = new LinkedHashMap<>();
                // wait until every query answers with data (series need a few scrapes for rate())
                do {
                    Thread.sleep(2000);
                    failures.clear();
                    for (var q : queries.entrySet()) {
                        boolean alertExpr = q.getKey().startsWith("alert ") && !q.getKey().endsWith(" signal");
                        String body;
                        try {
                            body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                                    + URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
                        } catch (java.io.IOException e) {
                            failures.put(q.getKey(), "prometheus not answering yet");
                            continue;
                        }
                        if (!body.contains("\"status\":\"success\"")) failures.put(q.getKey(), "invalid: " + body);
                        else if (!alertExpr && body.contains("\"result\":[]")) failures.put(q.getKey(), "no data: " + q.getValue());
                    }
                } while (!failures.isEmpty() && System.nanoTime() < deadline);
                assertEquals(Map.of(), failures);
                String rules = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/rules")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(rules.contains("CrosscheckNoProgress") && rules.contains("\"health\":\"ok\""), rules);
            } finally {
                prom.destroy();
                prom.waitFor(10, TimeUnit.SECONDS);
                campaign.stop();
                litmus.stop();
                if (csmithCampaign != null) csmithCampaign.stop();
                runner.join();
                litmusRunner.join();
                csmithRunner.join();
            }
        }
    }
}
