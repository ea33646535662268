package org.crosscheck.isa;

/**
 * A malformed input (encoding, assembly text, .data file). It names where — a source and a line,
 * or an instruction index — and what, so the CLI prints one line instead of a stack trace. The
 * message and {@link #problem()} quote the input {@link Printable} (a file of NULs shows {@code \x00}).
 */
public class IsaException extends Exception {
    private final String source;
    private final int line;
    private final String problem;

    public IsaException(String source, int line, String problem) {
        super(format(source == null ? null : Printable.escape(source), line, Printable.escape(problem)));
        this.source = source;
        this.line = line;
        this.problem = Printable.escape(problem);
    }

    private static String format(String source, int line, String problem) {
        StringBuilder sb = new StringBuilder();
        if (source != null) sb.append(source);
        if (line > 0) sb.append(source != null ? ":" : "line ").append(line);
        if (!sb.isEmpty()) sb.append(": ");
        return sb.append(problem).toString();
    }

    /** File or other origin of the input, or null. */
    public String source() {
        return source;
    }

    /** 1-based line number in the source, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }

    /** The same problem placed at a source and line. */
    public IsaException at(String newSource, int newLine) {
        return new IsaException(newSource, newLine, problem);
    }
}
