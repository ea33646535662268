package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged litmus files are either read and checked or rejected with a LitmusException naming a line; nothing else escapes. */
class MutatedInputTest {
    private static final String NOISE = "0123456789x;:|=()[]{}*+-~/\\ \nr9PBexistsgotoL";

    @Test
    void mutationsOfTheCatalogueAreCheckedOrFailWithLitmusException() throws IOException {
        Random rnd = new Random(8);
        int rejected = 0, total = 0;
        for (Path f : KindsTest.files()) {
            String text = Files.readString(f);
            for (int k = 0; k < 50; k++) {
                StringBuilder sb = new StringBuilder(text);
                for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
                    int at = rnd.nextInt(sb.length());
                    switch (rnd.nextInt(3)) {
                        case 0 -> sb.deleteCharAt(at);
                        case 1 -> sb.insert(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                        default -> sb.insert(at, "99999999999999999999");
                    }
                }
                total++;
                try {
                    Checker.check(LitmusParser.parse(f.getFileName().toString(), sb.toString()));
                } catch (LitmusException e) {
                    rejected++;
                    assertTrue(e.line() >= 0 && e.line() <= sb.toString().split("\n", -1).length, e.getMessage());
                } catch (RuntimeException e) {
                    fail("unexpected " + e + " for a mutation of " + f.getFileName() + ":\n" + sb);
                }
            }
        }
        assertTrue(rejected > total / 4, "most mutations should be rejected: " + rejected + " of " + total);
    }
}
