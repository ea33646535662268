package org.crosscheck.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.metrics.Metrics;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Disassembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import org.crosscheck.memmodel.LitmusCompiler;
import org.crosscheck.memmodel.LitmusException;
import org.crosscheck.memmodel.LitmusParser;
import org.crosscheck.runtime.concurrent.ConcurrentRunException;

/**
 * The live web view on the coordinator's HTTP port: {@code /} is a page (plain HTML and JS from the
 * jar, no build step) that polls {@code /api/status} (totals from the metrics registry) and
 * {@code /api/findings}; {@code /api/findings/<id>} gives one finding's outcomes and reproducer in
 * both dialects; {@code /api/findings/<id>/repro.data} downloads the reproducer.
 */
public final class WebView {
    private final Metrics metrics;
    private final FindingStore store;
    private final long started = System.currentTimeMillis();

    private WebView(Metrics metrics, FindingStore store) {
        this.metrics = metrics;
        this.store = store;
    }

    /** Adds the page and its API to a server. */
    public static void install(HttpServer server, Metrics metrics, FindingStore store) {
        WebView v = new WebView(metrics, store);
        server.createContext("/api/status", ex -> v.guard(ex, () -> respond(ex, 200, "application/json", v.status())));
        server.createContext("/api/findings", ex -> v.guard(ex, () -> v.findings(ex)));
        server.createContext("/", ex -> v.guard(ex, () -> v.page(ex)));
    }

    private interface Action {
        void run() throws IOException;
    }

    private void guard(HttpExchange ex, Action a) throws IOException {
        try {
            a.run();
        } catch (IOException | RuntimeException e) {
            respond(ex, 500, "text/plain; charset=utf-8", "crosscheck: " + e.getMessage() + "\n");
        }
    }

    private void page(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            respond(ex, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        try (InputStream in = WebView.class.getResourceAsStream("/org/crosscheck/coordinator/web/index.html")) {
            respond(ex, 200, "text/html; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Totals read from the metrics registry, so the page shows exactly what Prometheus scrapes. */
    String status() throws IOException {
        Map<String, Double> executed = new TreeMap<>(), executions = new TreeMap<>(), coverage = new TreeMap<>();
        double generated = 0, workers = -1, inputs = 0, paths = 0;
        for (Meter m : metrics.registry().getMeters()) {
            String name = m.getId().getName();
            if (m instanceof Counter c && name.equals("crosscheck_programs_executed")) executed.merge(m.getId().getTag("runtime"), c.count(), Double::sum);
            if (m instanceof Counter c && name.equals("crosscheck_executions")) executions.merge(m.getId().getTag("runtime"), c.count(), Double::sum);
            if (m instanceof Counter c && name.equals("crosscheck_programs_generated")) generated += c.count();
            if (m instanceof Counter c && name.equals("crosscheck_inputs_executed")) inputs += c.count();
            if (m instanceof Counter c && name.equals("crosscheck_paths")) paths += c.count();
            if (m instanceof Gauge g && name.equals("crosscheck_isa_coverage_ratio")) coverage.put(m.getId().getTag("group"), g.value());
            if (m instanceof Gauge g && name.equals("crosscheck_cluster_workers_up")) workers = g.value();
        }
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"uptime_seconds\":").append((System.currentTimeMillis() - started) / 1000.0);
        sb.append(",\"generated\":").append((long) generated);
        sb.append(",\"executions_total\":").append((long) inputs);
        sb.append(",\"paths\":").append((long) paths);
        sb.append(",\"workers\":").append((long) workers);
        sb.append(",\"findings\":").append(store.list().size());
        sb.append(",\"executed\":").append(object(executed));
        sb.append(",\"executions\":").append(object(executions));
        sb.append(",\"coverage\":").append(object(coverage));
        return sb.append('}').toString();
    }

    private static String object(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(q(k)).append(':').append(v));
        return sb.append('}').toString();
    }

    private void findings(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().replaceFirst("^/api/findings/?", "");
        if (path.isEmpty()) {
            StringBuilder sb = new StringBuilder("[");
            for (FindingStore.Summary s : store.list()) {
                if (sb.length() > 1) sb.append(',');
                sb.append("{\"id\":").append(q(s.id())).append(",\"title\":").append(q(s.title())).append(",\"kind\":").append(q(s.kind()))
                        .append(",\"count\":").append(s.count()).append(",\"first_seen\":").append(q(s.firstSeen().toString()))
                        .append(",\"last_seen\":").append(q(s.lastSeen().toString())).append(",\"minimized\":").append(s.minimized()).append('}');
            }
            respond(ex, 200, "application/json", sb.append(']').toString());
            return;
        }
        String[] parts = path.split("/", 2);
        if (!parts[0].matches("[0-9a-f]{16}")) {
            respond(ex, 404, "text/plain; charset=utf-8", "no such finding\n");
            return;
        }
        Path dir = store.root().resolve(parts[0]);
        if (!Files.isDirectory(dir)) {
            respond(ex, 404, "text/plain; charset=utf-8", "no such finding\n");
            return;
        }
        // a program finding keeps repro.data; a litmus finding its test
        boolean litmus = Files.isRegularFile(dir.resolve("test.litmus"));
        String file = litmus ? "test.litmus" : "repro.data";
        if (parts.length == 2 && parts[1].equals(file)) {
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + parts[0] + "-" + file + "\"");
            respond(ex, 200, "text/plain; charset=utf-8", Files.readString(dir.resolve(file)));
            return;
        }
        FindingStore.Summary s = FindingStore.summary(dir);
        String asm = "", llvm = "";
        if (litmus) {
            asm = Files.readString(dir.resolve("test.litmus"));
            llvm = litmusThreads(dir.resolve("test.litmus"));
        } else {
            try {
                Program p = DataFile.read(dir.resolve("repro.data")).program().program();
                asm = Disassembler.conformance(p, true);
                llvm = Disassembler.llvm(p);
            } catch (IsaException e) {
                asm = llvm = "unreadable reproducer: " + e.getMessage();
            }
        }
        String body = "{\"id\":" + q(s.id()) + ",\"title\":" + q(s.title()) + ",\"count\":" + s.count()
                + ",\"first_seen\":" + q(s.firstSeen().toString()) + ",\"last_seen\":" + q(s.lastSeen().toString())
                + ",\"outcomes\":" + q(Files.readString(dir.resolve("outcomes"))) + ",\"asm\":" + q(asm) + ",\"llvm\":" + q(llvm)
                + ",\"asm_title\":" + q(litmus ? "Litmus test (herd)" : "Reproducer (bpf_conformance)")
                + ",\"llvm_title\":" + q(litmus ? "Its threads as BPF (LLVM)" : "Reproducer (LLVM)")
                + ",\"file\":" + q(file) + ",\"download\":" + q("/api/findings/" + s.id() + "/" + file) + "}";
        respond(ex, 200, "application/json", body);
    }

    /** Each thread of a litmus test as the BPF program runs execute, in the LLVM dialect. */
    private static String litmusThreads(Path test) {
        try {
            var program = LitmusCompiler.compile(LitmusParser.parse(test)).program();
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < program.threads().size(); t++)
                sb.append("P").append(t).append(":\n").append(Disassembler.llvm(program.program(t))).append('\n');
            return sb.toString();
        } catch (IOException | LitmusException | ConcurrentRunException e) {
            return "cannot show the threads: " + e.getMessage();
        }
    }

    static String q(String s) {
        return Json.string(s);
    }

    static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
