package org.crosscheck.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.worker.MutantHunt;

/**
 * {@code bench mutants}: each mutant hunted ({@link MutantHunt}, seed 1) on one input a program and on K,
 * back to back, alternating which goes first each round, after one hunt not reported (HotSpot's warm-up):
 * the median seconds to detection of each and their ratio, and the first case (the same every round: the
 * campaign is deterministic in its seed). A hunt that finds nothing within the cap counts as the cap.
 */
final class MutantBench {
    private MutantBench() {}

    static void run(PrintWriter out, List<String> mutants, int inputs, double cap, int rounds) throws IOException, InterruptedException {
        Duration limit = Duration.ofMillis((long) (cap * 1000));
        out.printf(Locale.ROOT, "bench mutants: interp against each mutant, seed 1, 2 threads, --inputs 1 against --inputs %d, %d rounds, at most %.0f s a hunt%n",
                inputs, rounds, cap);
        out.flush();
        hunt(mutants.get(0), 1, limit); // warm-up, not reported
        int noMore = 0;
        for (String m : mutants) {
            List<Double> one = new ArrayList<>(), many = new ArrayList<>();
            MutantHunt.Detection first1 = null, firstK = null;
            for (int round = 0; round < rounds; round++) {
                boolean oneFirst = round % 2 == 0;
                MutantHunt.Detection a = hunt(m, oneFirst ? 1 : inputs, limit), b = hunt(m, oneFirst ? inputs : 1, limit);
                MutantHunt.Detection d1 = oneFirst ? a : b, dk = oneFirst ? b : a;
                one.add(d1.seconds());
                many.add(dk.seconds());
                first1 = d1;
                firstK = dk;
            }
            double m1 = median(one), mk = median(many);
            if (mk <= m1) noMore++;
            out.printf(Locale.ROOT, "%-18s --inputs 1: median %6.2f s (%s); --inputs %d: median %6.2f s (%s); %.2fx the time%s%n", m, m1,
                    at(first1), inputs, mk, at(firstK), m1 == 0 ? 0.0 : mk / m1, mk <= m1 ? "" : "  (more time on " + inputs + ")");
            out.flush();
        }
        out.printf(Locale.ROOT, "bench mutants: %d of %d mutants found on %d inputs in no more median time than on 1%n", noMore, mutants.size(), inputs);
        out.flush();
    }

    private static String at(MutantHunt.Detection d) {
        return d.found() ? String.format(Locale.ROOT, "first case %,d", d.firstCase()) : "not found";
    }

    private static MutantHunt.Detection hunt(String mutant, int inputs, Duration cap) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("crosscheck-bench-mutants-");
        try {
            return MutantHunt.hunt(mutant, inputs, 1, work, cap);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
