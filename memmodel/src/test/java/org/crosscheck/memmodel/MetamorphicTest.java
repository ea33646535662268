package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same verdicts with threads permuted, locations renamed and registers permuted; and printing
 * a test then parsing it back gives the same test.
 */
class MetamorphicTest {
    static Map<String, String> kinds;

    static Stream<Path> files() throws IOException {
        kinds = KindsTest.kinds();
        return KindsTest.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void shuffledTestsKeepTheirVerdict(Path file) throws IOException {
        Litmus original = LitmusParser.parse(file);
        String expected = kinds.get(original.name());
        for (long seed = 1; seed <= 3; seed++) {
            Litmus shuffled = LitmusTransform.shuffle(original, seed);
            String text = LitmusPrinter.format(shuffled);
            assertNotEquals(LitmusPrinter.format(original), text, "the transform changed nothing");
            Litmus reparsed = LitmusParser.parse(file.getFileName() + "#" + seed, text);
            assertEquals(text, LitmusPrinter.format(reparsed), "print/parse round trip");
            assertEquals(expected, Checker.check(reparsed).verdict().text, file.getFileName() + " shuffled with seed " + seed + ":\n" + text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void printedTestParsesBackToTheSameTest(Path file) throws IOException {
        Litmus t = LitmusParser.parse(file);
        String text = LitmusPrinter.format(t);
        Litmus back = LitmusParser.parse("printed", text);
        assertEquals(text, LitmusPrinter.format(back));
        assertEquals(Checker.check(t).states(), Checker.check(back).states());
    }
}
