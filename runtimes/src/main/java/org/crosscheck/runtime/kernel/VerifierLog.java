package org.crosscheck.runtime.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.RejectKind;
import org.crosscheck.runtime.Outcome.Stage;

/**
 * Turns a refused BPF_PROG_LOAD (errno and verifier log) into an {@link Outcome.Rejected}: the
 * decisive line of the log as the reason, the log with the kernel's instruction numbers
 * translated into the user's (our wrapper's own instructions become {@code wN}).
 */
final class VerifierLog {
    private VerifierLog() {}

    /**
     * Where instruction numbers appear in a log: at a line start before ": ", in "from A to B:", after
     * the word "insn" (and an optional '#') or after '@'. A scanner, not a regular expression: with
     * the look-behinds this needs, a regex took about a microsecond per character, a fifth of a
     * kernel campaign's CPU.
     */
    private static final int MAX_DIGITS = 9;
    private static final Pattern INSN_LINE = Pattern.compile("^(w?\\d+): \\((\\p{XDigit}{2})\\) (.*?)(\\s+;.*)?$");
    private static final Pattern STATE_LINE = Pattern.compile("^(w?\\d+: R|from w?\\d+ to w?\\d+: |func#|processed \\d+ insns|verification time|stack depth|mark_read|\\s*$)");

    /** {@code wrapper} says what the instructions before the program are (see {@link KernelCode#wrapper()}). */
    static Outcome.Rejected rejection(int errno, String rawLog, int userStart, int userSlots, String wrapper) {
        Errno e = Errno.of(errno);
        if (rawLog == null || rawLog.isBlank()) {
            RejectKind kind = e == Errno.EINVAL || e == Errno.EACCES ? (e == Errno.EINVAL ? RejectKind.INVALID : RejectKind.PERMISSION) : e.kind;
            return new Outcome.Rejected(Stage.LOADER, kind, "BPF_PROG_LOAD failed with " + Errno.describe(errno) + " and no verifier log", null);
        }
        String log = translate(rawLog, userStart, userSlots);
        String reason = decisiveLine(log);
        return new Outcome.Rejected(Stage.VERIFIER, e.kind, reason + " [" + e.name() + "]", header(userStart, userSlots, wrapper) + log);
    }

    /** The most instructions a privileged program may have (BPF_COMPLEXITY_LIMIT_INSNS). */
    static final int MAX_INSNS = 1_000_000;

    /**
     * E2BIG, not logged: a program of more than {@link #MAX_INSNS} slots (counting the wrapper's)
     * is refused by the loader, any other by the verifier, whose walk passed the same limit.
     */
    static Outcome.Rejected tooLarge(int slots) {
        if (slots > MAX_INSNS) {
            return new Outcome.Rejected(Stage.LOADER, RejectKind.TOO_LARGE, "BPF_PROG_LOAD failed with " + Errno.describe(Errno.E2BIG.number)
                    + ": " + slots + " instructions with crosscheck's wrapper, the kernel takes at most " + MAX_INSNS, null);
        }
        return new Outcome.Rejected(Stage.VERIFIER, RejectKind.TOO_LARGE,
                "BPF program is too large: the verifier walked its limit of " + MAX_INSNS + " instructions [E2BIG]", null);
    }

    static String header(int userStart, int userSlots, String wrapper) {
        return "# crosscheck: instruction numbers are the program's own; wN is instruction N of crosscheck's wrapper\n"
                + "# (w0-w" + (userStart - 1) + ": " + wrapper + "; the kernel saw the program at "
                + userStart + "-" + (userStart + userSlots - 1) + ")\n";
    }

    /** The log with every kernel instruction number replaced by the user's (or {@code wN}). */
    static String translate(String log, int userStart, int userSlots) {
        StringBuilder out = new StringBuilder(log.length() + 64);
        int start = 0;
        while (true) {
            int end = log.indexOf('\n', start);
            translateLine(log, start, end < 0 ? log.length() : end, userStart, userSlots, out);
            if (end < 0) break;
            out.append('\n');
            start = end + 1;
        }
        return out.toString();
    }

    private static void translateLine(String log, int from, int to, int userStart, int userSlots, StringBuilder out) {
        int i = from;
        int d = digits(log, i, to);
        if (d > i && log.startsWith(": ", d)) { // "12: ..."
            i = number(log, i, d, userStart, userSlots, out);
        } else if (log.startsWith("from ", i) && (d = digits(log, i + 5, to)) > i + 5 && log.startsWith(" to ", d)) {
            out.append("from ");
            i = number(log, i + 5, d, userStart, userSlots, out);
            out.append(" to ");
            i += 4;
            d = digits(log, i, to);
            if (d > i && d < to && log.charAt(d) == ':') i = number(log, i, d, userStart, userSlots, out);
        }
        while (i < to) {
            char c = log.charAt(i);
            if (c == '@' && (d = digits(log, i + 1, to)) > i + 1) {
                out.append('@');
                i = number(log, i + 1, d, userStart, userSlots, out);
            } else if (c == 'i' && log.startsWith("insn ", i) && (i == from || !isWordChar(log.charAt(i - 1)))) {
                int n = i + 5;
                if (n < to && log.charAt(n) == '#') n++;
                out.append(log, i, n);
                d = digits(log, n, to);
                i = d > n ? number(log, n, d, userStart, userSlots, out) : n;
            } else {
                out.append(c);
                i++;
            }
        }
    }

    /** The end of the run of digits at {@code i} (i itself when there is none). */
    private static int digits(String s, int i, int to) {
        while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i;
    }

    /** Appends the number in [from, to) translated (left as it is when too long to be an index); returns to. */
    private static int number(String s, int from, int to, int userStart, int userSlots, StringBuilder out) {
        if (to - from > MAX_DIGITS) {
            out.append(s, from, to);
            return to;
        }
        int n = Integer.parseInt(s, from, to, 10);
        if (n >= userStart && n < userStart + userSlots) out.append(n - userStart);
        else out.append('w').append(n);
        return to;
    }

    /** A regex word character: [a-zA-Z0-9_]. */
    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /**
     * The decisive line: the first message after the last instruction the verifier printed (what
     * follows are details and state dumps), else the first message of the log (errors found before
     * the walk, such as "unknown opcode"), with the pc of that instruction when there is one.
     */
    static String decisiveLine(String log) {
        List<String> lines = List.of(log.split("\n"));
        int lastInsn = -1;
        for (int i = lines.size() - 1; i >= 0 && lastInsn < 0; i--) if (INSN_LINE.matcher(lines.get(i)).matches()) lastInsn = i;
        String at = "";
        if (lastInsn >= 0) {
            Matcher m = INSN_LINE.matcher(lines.get(lastInsn));
            if (m.matches()) at = " (at pc " + m.group(1) + ": " + m.group(3).strip() + ")";
        }
        List<String> messages = new ArrayList<>();
        for (int i = lastInsn + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!STATE_LINE.matcher(l).find() && !INSN_LINE.matcher(l).matches()) messages.add(l.strip());
        }
        if (messages.isEmpty()) return lastInsn >= 0 ? "rejected" + at : "rejected without a message";
        return messages.getFirst() + at;
    }
}
