package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.crosscheck.isa.Group;
import org.crosscheck.memmodel.Checker;
import org.crosscheck.memmodel.Cycle;
import org.crosscheck.memmodel.Litmus;
import org.crosscheck.memmodel.LitmusGenerator;
import org.crosscheck.memmodel.LitmusGenerator.Config;
import org.crosscheck.memmodel.LitmusPrinter;
import org.crosscheck.memmodel.Result.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gen",
        mixinStandardHelpOptions = true,
        description = {
            "Generates litmus tests as diy7 does, each judged by the BPF memory model.",
            "A test is a random cycle of program-order edges (po, addr, data, ctrl, or",
            "across an atomic fetch-add) and communication edges (rfe, fre, coe) over",
            "plain, acquire/release and atomic accesses, with the condition that",
            "witnesses the cycle. Prints '<name> Allowed|Forbidden' per test, then a",
            "summary; (seed, index) always gives the same test. With --out, writes",
            "DIR/<name>.litmus and DIR/kinds.txt; else prints each test before its line."
        },
        footer = {"", "Examples:", "  crosscheck litmus gen --count 1000 --seed 7 --out /tmp/litmus",
            "  crosscheck litmus gen --count 20 --groups acqrel --threads 2",
            "  crosscheck litmus gen --cycle 'W po W.rel rfe R.acq po R fre'",
            "  crosscheck litmus gen --families --threads 4 --max-cycle 8"})
final class LitmusGenCommand extends CliCommand {
    @Option(names = "--count", paramLabel = "N", description = "How many tests (default: ${DEFAULT-VALUE}).")
    int count = 100;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the tests (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--start", paramLabel = "I", description = "Index of the first test (default: ${DEFAULT-VALUE}), to continue an earlier run.")
    long start = 0;

    @Option(names = "--groups", paramLabel = "G,G", description = "Groups whose accesses may appear, among atomic32, atomic64, acqrel; 'none' for plain accesses only (default: all three).")
    String groups;

    @Option(names = "--threads", paramLabel = "N|MIN-MAX", description = "Threads per test, 2..4 (default: 2-3).")
    String threads = "2-3";

    @Option(names = "--max-cycle", paramLabel = "N", description = "Most edges in a cycle (default: ${DEFAULT-VALUE}).")
    int maxCycle = 6;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the tests and a kinds.txt of their verdicts there.")
    Path out;

    @Option(names = "--cycle", paramLabel = "CYCLE", description = "Build the test of this one cycle instead, e.g. 'W po R fre W fetch R fre'.")
    String cycle;

    @Option(names = "--families", description = "List the named families (SB, MP, ...) the configuration can produce, and stop.")
    boolean families;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = out();
        Config config = config();
        if (families) {
            pw.println(String.join(" ", LitmusGenerator.families(config)));
            return 0;
        }
        if (count < 1) throw new UserError("--count must be at least 1, not " + count);
        if (start < 0) throw new UserError("--start must be at least 0, not " + start);
        if (out != null) {
            if (Files.exists(out) && !Files.isDirectory(out)) throw new UserError(out + ": not a directory");
            Files.createDirectories(out);
        }
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        Map<String, Integer> names = new HashMap<>();
        StringBuilder kinds = new StringBuilder();
        LitmusGenerator generator = new LitmusGenerator(config);
        long t0 = System.nanoTime();
        int n = cycle != null ? 1 : count;
        for (int i = 0; i < n; i++) {
            Cycle c = cycle != null ? parseCycle(cycle) : null;
            LitmusGenerator.Generated g = c != null ? null : generator.generate(seed, start + i);
            Litmus test = unique(c != null ? build(c) : g.test(), names);
            Verdict v = Checker.check(test).verdict();
            verdicts.merge(v, 1, Integer::sum);
            String line = test.name() + " " + v.text;
            kinds.append(line).append('\n');
            // the cycle in a comment after the header, to find the test again (the parser skips comments)
            String text = LitmusPrinter.format(test).replaceFirst("\n", Matcher.quoteReplacement(
                    "\n(* " + (g == null ? "cycle " + c : "seed " + seed + " index " + g.index() + ": " + g.cycle()) + " *)\n"));
            if (out != null) {
                Files.writeString(out.resolve(test.name() + ".litmus"), text);
            } else {
                pw.print(text);
            }
            pw.println(line);
            if (out == null) pw.println();
            pw.flush();
        }
        if (out != null) Files.writeString(out.resolve("kinds.txt"), kinds);
        double seconds = (System.nanoTime() - t0) / 1e9;
        pw.printf("gen: %d tests (Allowed %d, Forbidden %d) in %.2f s, %.0f tests/s%s%n", n,
                verdicts.getOrDefault(Verdict.ALLOWED, 0), verdicts.getOrDefault(Verdict.FORBIDDEN, 0),
                seconds, n / seconds, out == null ? "" : ", written to " + out);
        return 0;
    }

    private Config config() {
        try {
            Set<Group> gs = groups == null ? Config.MEMORY_GROUPS : groups.trim().equals("none") ? Set.of() : Group.parseList(groups);
            String[] range = threads.split("-", -1);
            if (range.length > 2 || !threads.matches("\\d+(-\\d+)?")) throw new UserError("--threads: expected N or MIN-MAX such as 2-3, not '" + threads + "'");
            int min = Integer.parseInt(range[0]), max = Integer.parseInt(range[range.length - 1]);
            return new Config(gs, min, max, maxCycle);
        } catch (NumberFormatException e) {
            throw new UserError("--threads: '" + threads + "' is out of range");
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static Cycle parseCycle(String text) {
        try {
            return Cycle.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("--cycle: " + e.getMessage());
        }
    }

    private static Litmus build(Cycle c) {
        try {
            return LitmusGenerator.build(c);
        } catch (IllegalArgumentException e) {
            throw new UserError("--cycle: " + e.getMessage());
        }
    }

    /** Different tests may share a name: later ones get _2, _3, ... so that no file is overwritten. */
    private static Litmus unique(Litmus t, Map<String, Integer> names) {
        int k = names.merge(t.name(), 1, Integer::sum);
        if (k == 1) return t;
        String name = t.name() + "_" + k;
        names.merge(name, 1, Integer::sum);
        return new Litmus(name, name + ".litmus", t.regInits(), t.locInits(), t.threads(), t.locations(), t.condition());
    }
}
