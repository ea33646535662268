package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.memmodel.Checker;
import org.crosscheck.memmodel.LitmusPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Judges litmus tests with the BPF memory model: one line per test.",
            "The model is herd's bpf.cat as FORMATS.md states it; each test prints",
            "'<name> Allowed|Forbidden|Required'. A test that cannot be read is reported on",
            "stderr as 'FILE:LINE: problem' and the exit code is 2."
        },
        footer = {"", "Examples:", "  crosscheck litmus check ../shared/litmus/bpf",
            "  crosscheck litmus check --verbose ../shared/litmus/bpf/MP+poonceonces.litmus",
            "  crosscheck litmus check --kinds ../shared/litmus/bpf/kinds.txt ../shared/litmus/bpf"})
final class LitmusCheckCommand extends CliCommand {
    @Option(names = {"-v", "--verbose"}, description = "Print herd-like output: the allowed final states, Positive/Negative counts, the verdict.")
    boolean verbose;

    @Option(names = "--unroll", paramLabel = "N", description = "How often a path may take one backward jump (default: ${DEFAULT-VALUE}).")
    int unroll = Checker.DEFAULT_UNROLL;

    @Option(names = "--kinds", paramLabel = "FILE", description = "Compare the verdicts with a kinds file ('<name> <verdict>' lines); exit code 1 on any disagreement.")
    Path kinds;

    @Mixin
    LitmusFiles litmusFiles;

    /** Tests whose verdict the kinds file gives, and those it gives another (or none) for. */
    private int agree, disagree;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        if (unroll < 0) throw new UserError("--unroll must be at least 0, not " + unroll);
        Map<String, String> expected = kinds == null ? Map.of() : readKinds(kinds);
        int unreadable = litmusFiles.each(test -> Checker.check(test, unroll), (f, test, r) -> {
            String verdict = r.verdict().text;
            if (verbose) {
                out.print(r.format(LitmusPrinter.condition(test.condition())));
                out.println();
            } else {
                out.println(test.name() + " " + verdict);
            }
            if (kinds != null) {
                String want = expected.get(test.name());
                if (verdict.equals(want)) {
                    agree++;
                } else {
                    disagree++;
                    out.println("DISAGREE " + test.name() + ": checker " + verdict + ", kinds " + (want == null ? "(absent)" : want));
                }
            }
            out.flush();
        });
        if (kinds != null) out.println("kinds: agree " + agree + " disagree " + disagree + " unreadable " + unreadable);
        return unreadable > 0 ? 2 : disagree > 0 ? 1 : 0;
    }

    private static Map<String, String> readKinds(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        Map<String, String> kinds = new TreeMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            if (f.length != 2) throw new UserError(file + ":" + (i + 1) + ": expected '<name> <verdict>', found '" + line + "'");
            kinds.put(f[0], f[1]);
        }
        return kinds;
    }
}
