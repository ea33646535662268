package org.crosscheck.runtime.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Capabilities;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.executor.Processes;

/**
 * Runtime {@code plugin:<name>}: any executable speaking the bpf_conformance plugin protocol, one
 * process per program as the protocol requires. The command line gets the input memory as a hex
 * argument when there is memory; the program arrives on stdin as one line of space-separated hex
 * bytes. Outcomes, typed:
 * <ul>
 *   <li>exit 0 with r0 in hex on stdout: {@link Outcome.Returned} with the input memory unchanged
 *       (the protocol reports no memory: the campaign declares that as a deviation);</li>
 *   <li>exit non-zero: {@link Outcome.Rejected} at stage LOADER, kind OTHER, with the plugin's first
 *       line as the reason (the protocol does not tell a trap from a refusal);</li>
 *   <li>killed by a signal: {@link Outcome.Crashed} naming the signal; past the wall-clock limit:
 *       {@link Outcome.TimedOut} (the process and its children are killed);</li>
 *   <li>anything else (garbage on stdout, more than {@link #OUTPUT_LIMIT} bytes on stdout or
 *       stderr, a command that cannot start): {@link Outcome.Crashed} saying what broke.</li>
 * </ul>
 * Thread-safe: every run is its own process.
 */
public final class PluginRuntime implements Runtime {
    /** Bytes kept of each of stdout and stderr; more is a protocol violation. */
    public static final int OUTPUT_LIMIT = 64 * 1024;
    private static final Pattern HEX_R0 = Pattern.compile("(0[xX])?[0-9a-fA-F]{1,16}");

    private final String name;
    private final List<String> command;

    /** {@code name} is the part after {@code plugin:}; {@code command} the program and its options. */
    public PluginRuntime(String name, List<String> command) {
        if (command.isEmpty()) throw new IllegalArgumentException("plugin " + name + ": empty command line");
        this.name = name;
        this.command = List.copyOf(command);
    }

    @Override
    public String name() {
        return "plugin:" + name;
    }

    public List<String> command() {
        return command;
    }

    /** A plugin does not say what it supports: every group is tried, failures are outcomes. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    @Override
    public Outcome run(Program program, byte[] memory, Limits limits) {
        if (!program.globalData().isEmpty()) return new Outcome.Unsupported("global data (" + program.globalData().size() + " bytes): the plugin protocol carries instructions and memory only");
        List<String> cmd = new ArrayList<>(command);
        if (memory.length > 0) cmd.add(HexFormat.of().formatHex(memory));
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            return new Outcome.Crashed(name() + " cannot start '" + command.get(0) + "': " + e.getMessage());
        }
        try (Processes.Deadline d = Processes.deadline(p, limits.wallClockMillis())) {
            Processes.Capture out = Processes.capture(p.getInputStream(), OUTPUT_LIMIT, false);
            Processes.Capture err = Processes.capture(p.getErrorStream(), OUTPUT_LIMIT, false);
            try (OutputStream in = p.getOutputStream()) {
                in.write((HexFormat.ofDelimiter(" ").formatHex(program.encode()) + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the plugin exited or closed stdin without reading: its exit status says the rest
            }
            String death = Processes.death(p); // waits; the deadline kills it when it runs too long
            out.await(1000);
            err.await(1000);
            if (d.fired()) return new Outcome.TimedOut(limits.wallClockMillis());
            int signal = Processes.signal(p);
            if (signal > 0) return new Outcome.Crashed(name() + " " + death + stderr(err));
            if (out.overflowed() || err.overflowed()) {
                return new Outcome.Crashed(name() + " wrote more than " + OUTPUT_LIMIT + " bytes on " + (out.overflowed() ? "stdout" : "stderr"));
            }
            String text = out.text().strip();
            if (p.exitValue() == 0) {
                if (!HEX_R0.matcher(text).matches()) {
                    return new Outcome.Crashed(name() + " broke the plugin protocol: exit 0 with stdout '" + clip(text) + "' (expected r0 in hex)");
                }
                return new Outcome.Returned(Long.parseUnsignedLong(text.replaceFirst("^0[xX]", ""), 16), memory.clone());
            }
            String said = text.isEmpty() ? err.text().strip() : text;
            String first = said.isEmpty() ? "no message" : clip(said.split("\n", 2)[0]);
            return new Outcome.Rejected(Outcome.Stage.LOADER, Outcome.RejectKind.OTHER, "plugin failed (" + death + "): " + first, said);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Outcome.Crashed(name() + ": interrupted");
        }
    }

    private static String stderr(Processes.Capture err) {
        String l = err.lastLine();
        return l.isEmpty() ? "" : "; stderr: " + l;
    }

    private static String clip(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }

    /**
     * Splits a command line as a shell would for simple cases: whitespace separates words, single
     * quotes keep everything literally, double quotes keep spaces, backslash escapes one character.
     */
    public static List<String> split(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < commandLine.length()) w.append(commandLine.charAt(++i));
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < commandLine.length()) {
                w.append(commandLine.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated " + quote + " quote in command line: " + commandLine);
        if (inWord) words.add(w.toString());
        if (words.isEmpty()) throw new IllegalArgumentException("empty command line");
        return words;
    }
}
