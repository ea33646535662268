package org.crosscheck.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Conformance tests a runtime is known to fail, with the runtime's own reason: the resource
 * {@code conformance/<runtime>-expected.txt}, one {@code <file name> <reason>} per line, # comments.
 */
record Expectations(String source, Map<String, String> reasons) {

    static Expectations of(String runtime) {
        String resource = "conformance/" + runtime.replace(':', '-') + "-expected.txt";
        Map<String, String> reasons = new HashMap<>();
        try (InputStream in = Expectations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) continue;
                    String[] kv = t.split("\\s+", 2);
                    reasons.put(kv[0], kv.length > 1 ? kv[1] : "listed without a reason");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Expectations(resource, reasons);
    }

    /** The reason a test is expected to fail, or null. */
    String reason(String fileName) {
        return reasons.get(fileName);
    }
}
