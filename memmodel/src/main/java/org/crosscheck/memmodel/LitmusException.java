package org.crosscheck.memmodel;

/** A litmus test that cannot be read or checked: names the file, the line (0 when none) and the problem (input quoted {@link org.crosscheck.isa.Printable}). */
public final class LitmusException extends RuntimeException {
    private final String file;
    private final int line;
    private final String problem;

    public LitmusException(String file, int line, String problem) {
        super(org.crosscheck.isa.Printable.escape(file + (line > 0 ? ":" + line : "") + ": " + problem));
        this.file = file;
        this.line = line;
        this.problem = org.crosscheck.isa.Printable.escape(problem);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
