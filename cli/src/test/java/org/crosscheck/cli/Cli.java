package org.crosscheck.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
record Cli(int exit, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(code, out.toString(), err.toString());
    }

    String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    static Path shared() {
        String prop = System.getProperty("crosscheck.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p.resolve("bpf_conformance"))) throw new IllegalStateException("no conformance suite at " + p.toAbsolutePath());
        return p;
    }
}
