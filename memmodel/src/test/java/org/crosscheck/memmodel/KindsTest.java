package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The checker agrees with herd's verdicts in ../shared/litmus/bpf/kinds.txt, test by test. */
class KindsTest {
    static final Path DIR = Path.of(System.getProperty("crosscheck.shared", "../../shared"), "litmus", "bpf");

    /** kinds.txt: test name to verdict. */
    static Map<String, String> kinds() throws IOException {
        Map<String, String> kinds = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("kinds.txt"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) kinds.put(f[0], f[1]);
        }
        return kinds;
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".litmus")).sorted().toList();
        }
    }

    static Stream<Arguments> tests() throws IOException {
        Map<String, String> kinds = kinds();
        List<Arguments> args = new ArrayList<>();
        for (Path f : files()) {
            Litmus t = LitmusParser.parse(f);
            args.add(Arguments.of(f.getFileName().toString(), t, kinds.get(t.name())));
        }
        return args.stream();
    }

    @Test
    void everyTestOfKindsHasAFileAndTheOtherWayRound() throws IOException {
        Map<String, String> kinds = kinds();
        List<String> names = new ArrayList<>();
        for (Path f : files()) names.add(LitmusParser.parse(f).name());
        assertFalse(kinds.isEmpty());
        assertEquals(new java.util.TreeSet<>(kinds.keySet()), new java.util.TreeSet<>(names));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tests")
    void verdictMatchesKinds(String file, Litmus test, String expected) {
        assertEquals(expected, Checker.check(test).verdict().text, file);
    }
}
