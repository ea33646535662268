package org.crosscheck.runtime.barrier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Machine code to text with binutils' objdump ({@code objdump -D -b binary -m MACHINE}; binutils-multiarch's reads every architecture). */
public final class Objdump {
    private Objdump() {}

    /** One instruction: its offset in the image, its bytes as objdump shows them, and its text (lower case, blanks folded, comments dropped). */
    public record Line(long address, String bytes, String text) {
        @Override
        public String toString() {
            return String.format("%6x:  %-24s %s", address, bytes, text);
        }
    }

    /** objdump is missing, refused the machine or failed: the message says what to install or what it said. */
    public static final class ObjdumpException extends Exception {
        ObjdumpException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Pattern INSN = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*(?:\\t(.*))?$");
    private static final Pattern COMMENT = Pattern.compile("\\s+(#|//|;)\\s.*$|\\s*<[^>]*>");

    /** The instructions of {@code image}, read with objdump's {@code options} (the table's, e.g. {@code -m aarch64}). */
    public static List<Line> disassemble(byte[] image, List<String> options) throws ObjdumpException {
        Path f = null;
        try {
            f = Files.createTempFile("crosscheck-jit-", ".bin");
            Files.write(f, image);
            List<String> cmd = new ArrayList<>(List.of("objdump", "-D", "-b", "binary"));
            cmd.addAll(options);
            cmd.add(f.toString());
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new ObjdumpException("objdump not found (apt-get install binutils-multiarch)");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ObjdumpException("objdump did not finish within 30 s");
            }
            if (p.exitValue() != 0) {
                String first = out.strip().lines().findFirst().orElse("(nothing)");
                throw new ObjdumpException(String.join(" ", cmd.subList(0, cmd.size() - 1)) + " failed with exit code " + p.exitValue() + ": " + first
                        + (first.contains("can't use supported") || first.contains("unknown") ? " (binutils-multiarch's objdump reads every architecture: apt-get install binutils-multiarch)" : ""));
            }
            return parse(out);
        } catch (IOException e) {
            throw new ObjdumpException("objdump: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjdumpException("objdump interrupted");
        } finally {
            if (f != null) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** objdump's listing as lines; a line of bytes only (x86 splits long instructions) joins the one before. */
    static List<Line> parse(String listing) {
        List<Line> lines = new ArrayList<>();
        for (String l : listing.split("\n")) {
            Matcher m = INSN.matcher(l);
            if (!m.matches()) continue;
            String text = m.group(3);
            if (text == null || text.isBlank()) {
                if (!lines.isEmpty()) {
                    Line last = lines.removeLast();
                    lines.add(new Line(last.address(), last.bytes() + " " + m.group(2).strip(), last.text()));
                }
                continue;
            }
            String clean = COMMENT.matcher(text).replaceAll("").strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            lines.add(new Line(Long.parseLong(m.group(1), 16), m.group(2).strip(), clean));
        }
        return lines;
    }
}
