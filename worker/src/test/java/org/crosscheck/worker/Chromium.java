package org.crosscheck.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Debian Chromium driven over the Chrome DevTools protocol with the JDK's own WebSocket
 * client: navigate, evaluate JavaScript, take a screenshot. Enough for the web view's test,
 * nothing downloaded.
 */
final class Chromium implements AutoCloseable {
    private final Process process;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    /** Chromium on the PATH; fails the test naming the install step when there is none. */
    static Path binary() {
        return Tools.require("chromium", "chromium", "chromium-browser", "google-chrome");
    }

    Chromium(Path profile) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (System.nanoTime() > deadline || !process.isAlive()) throw new IllegalStateException("Chromium did not start; see chromium.log");
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String list = "";
        for (int i = 0; i < 100 && !list.contains("\"type\": \"page\""); i++) {
            list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Thread.sleep(50);
        }
        Matcher m = Pattern.compile("\"webSocketDebuggerUrl\": \"(ws://[^\"]+/page/[^\"]+)\"").matcher(list);
        if (!m.find()) throw new IllegalStateException("no page target in " + list);
        ws = http.newWebSocketBuilder().buildAsync(URI.create(m.group(1)), new WebSocket.Listener() {
            final StringBuilder buf = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    String msg = buf.toString();
                    buf.setLength(0);
                    Matcher id = Pattern.compile("^\\{\"id\":(\\d+),").matcher(msg);
                    if (id.find()) {
                        CompletableFuture<String> f = pending.remove(Integer.parseInt(id.group(1)));
                        if (f != null) f.complete(msg);
                    }
                }
                socket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** Sends a DevTools command and returns the raw JSON reply. */
    String call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).get(10, TimeUnit.SECONDS);
        String reply = f.get(30, TimeUnit.SECONDS);
        if (reply.contains("\"error\":")) throw new IllegalStateException(method + " failed: " + reply);
        return reply;
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", "{\"url\":\"" + url + "\"}");
    }

    /** Evaluates an expression and returns its value as a string. */
    String eval(String expression) throws Exception {
        String reply = call("Runtime.evaluate", "{\"expression\":" + json(expression) + ",\"returnByValue\":true,\"awaitPromise\":true}");
        return value(reply);
    }

    /**
     * The {@code "value"} of a DevTools reply: a JSON string unescaped, or the literal as written. Scanned by
     * hand: a regex alternation repeated per character recursed per character and overflowed the stack on
     * page texts of a few thousand characters (the CI failure).
     */
    static String value(String reply) {
        int at = reply.indexOf("\"value\":");
        if (at < 0) return "";
        int start = at + "\"value\":".length();
        if (start < reply.length() && reply.charAt(start) == '"') {
            int end = start + 1;
            while (end < reply.length() && reply.charAt(end) != '"') end += reply.charAt(end) == '\\' ? 2 : 1;
            return unjson(reply.substring(start, Math.min(end + 1, reply.length())));
        }
        int end = start;
        while (end < reply.length() && reply.charAt(end) != ',' && reply.charAt(end) != '}') end++;
        return reply.substring(start, end);
    }

    /** Waits until the expression is true (polling), or fails after the timeout. */
    void waitFor(String expression, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!eval("Boolean(" + expression + ")").equals("true")) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + expression + "; page says: " + eval("document.body.innerText"));
            Thread.sleep(200);
        }
    }

    void screenshot(Path file) throws Exception {
        String reply = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        Matcher m = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(reply);
        if (!m.find()) throw new IllegalStateException("no screenshot data");
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(m.group(1)));
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String unjson(String quoted) {
        String s = quoted.substring(1, quoted.length() - 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(n);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            ws.abort();
        } finally {
            process.destroyForcibly();
        }
    }
}
