package org.crosscheck.coordinator.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.coordinator.metrics.MetricsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A litmus finding in the live view: its test, its threads as BPF, what the runtimes showed, a download of the test. */
class WebViewLitmusTest {
    static final String TEST = """
            BPF SB
            {
             0:r2=x; 0:r4=y;
             1:r2=y; 1:r4=x;
            }
             P0                       | P1                       ;
             r1 = 1                   | r1 = 1                   ;
             *(u32 *)(r2 + 0) = r1    | *(u32 *)(r2 + 0) = r1    ;
             r3 = *(u32 *)(r4 + 0)    | r3 = *(u32 *)(r4 + 0)    ;
            exists (0:r3=0 /\\ 1:r3=0)
            """;

    @TempDir
    Path tmp;

    @Test
    void litmusFindingShowsItsTestAndThreads() throws Exception {
        FindingStore store = new FindingStore(tmp);
        String title = "forbidden state: jit-mutant:unordered-fetch vs bpf-memory-model [plain SB]";
        store.record(FindingStore.Report.litmus(title, "forbidden state", List.of("jit-mutant:unordered-fetch"), "plain", "1:2", 1, 2, 1, TEST,
                "Histogram (1 states)\n5  0:r3=0; 1:r3=0;   <- forbidden by the BPF memory model\n"));
        Metrics metrics = new Metrics();
        try (MetricsServer server = new MetricsServer(new InetSocketAddress("127.0.0.1", 0), metrics); HttpClient http = HttpClient.newHttpClient()) {
            server.addWebView(store, metrics);
            String base = "http://127.0.0.1:" + server.address().getPort() + "/api/findings/" + FindingStore.idOf(title);
            String json = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(json.contains("\"asm_title\":\"Litmus test (herd)\""), json);
            assertTrue(json.contains("BPF SB"), json);
            assertTrue(json.contains("P0:\\n") && json.contains("*(u32 *)(r2 + 0) = r1"), "threads in the LLVM dialect: " + json);
            assertTrue(json.contains("forbidden by the BPF memory model"), json);
            assertTrue(json.contains("\"download\":\"/api/findings/" + FindingStore.idOf(title) + "/test.litmus\""), json);
            HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(base + "/test.litmus")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, file.statusCode());
            assertEquals(TEST, file.body());
        }
    }
}
