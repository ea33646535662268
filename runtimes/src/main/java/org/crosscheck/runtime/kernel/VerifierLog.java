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

    /** Where instruction numbers appear in a log: at a line start, in "from A to B", after "insn" or "@". */
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)(?=: )|(?<=^from )(\\d+)(?= to )|(?<=^from \\d{1,9} to )(\\d+)(?=:)|(?<=\\binsn #?)(\\d+)|(?<=@)(\\d+)");
    private static final Pattern INSN_LINE = Pattern.compile("^(w?\\d+): \\((\\p{XDigit}{2})\\) (.*?)(\\s+;.*)?$");
    private static final Pattern STATE_LINE = Pattern.compile("^(w?\\d+: R|from w?\\d+ to w?\\d+: |func#|processed \\d+ insns|verification time|stack depth|mark_read|\\s*$)");

    static Outcome.Rejected rejection(int errno, String rawLog, int userStart, int userSlots) {
        Errno e = Errno.of(errno);
        if (rawLog == null || rawLog.isBlank()) {
            RejectKind kind = e == Errno.EINVAL || e == Errno.EACCES ? (e == Errno.EINVAL ? RejectKind.INVALID : RejectKind.PERMISSION) : e.kind;
            return new Outcome.Rejected(Stage.LOADER, kind, "BPF_PROG_LOAD failed with " + Errno.describe(errno) + " and no verifier log", null);
        }
        String log = translate(rawLog, userStart, userSlots);
        String reason = decisiveLine(log);
        return new Outcome.Rejected(Stage.VERIFIER, e.kind, reason + " [" + e.name() + "]", header(userStart, userSlots) + log);
    }

    static String header(int userStart, int userSlots) {
        return "# crosscheck: instruction numbers are the program's own; wN is instruction N of crosscheck's wrapper\n"
                + "# (w0-w" + (userStart - 1) + ": prologue, epilogue that stores r0, unwind stubs; the kernel saw the program at "
                + userStart + "-" + (userStart + userSlots - 1) + ", each exit of its main function as a goto to the epilogue)\n";
    }

    /** The log with every kernel instruction number replaced by the user's (or {@code wN}). */
    static String translate(String log, int userStart, int userSlots) {
        StringBuilder out = new StringBuilder(log.length() + 64);
        for (String line : log.split("\n", -1)) {
            Matcher m = NUMBERS.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                int n = Integer.parseInt(m.group());
                m.appendReplacement(sb, n >= userStart && n < userStart + userSlots ? Integer.toString(n - userStart) : "w" + n);
            }
            m.appendTail(sb);
            out.append(sb).append('\n');
        }
        out.setLength(Math.max(0, out.length() - 1));
        return out.toString();
    }

    /**
     * The decisive line: the first message after the last instruction the verifier printed (what
     * follows are details and state dumps), else the first message of the log (errors found before
     * the walk, such as "unknown opcode"), with the pc of that instruction when there is one.
     */
    static String decisiveLine(String log) {
        List<String> lines = List.of(log.split("\n"));
        int lastInsn = -1;
        for (int i = 0; i < lines.size(); i++) if (INSN_LINE.matcher(lines.get(i)).matches()) lastInsn = i;
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
