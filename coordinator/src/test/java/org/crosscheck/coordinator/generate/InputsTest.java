package org.crosscheck.coordinator.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.crosscheck.coordinator.reference.Reference;
import org.junit.jupiter.api.Test;

class InputsTest {
    /** Mutants change the input where it was read, mostly to boundary values of the read's width. */
    @Test
    void mutantsChangeWhatWasReadToBoundaryValues() {
        byte[] first = new byte[16];
        Inputs in = new Inputs(new SplittableRandom(3));
        in.observed(first, new int[] {4 << 4 | 4}, List.of(), true); // a 4-byte read at offset 4
        assertTrue(in.worthMore());
        Set<Long> words = new HashSet<>();
        int elsewhere = 0;
        for (int i = 0; i < 400; i++) {
            byte[] m = in.next();
            assertEquals(16, m.length);
            words.add(Reference.valueAt(m, 4, 4));
            for (int b = 0; b < 16; b++) if ((b < 4 || b >= 8) && m[b] != 0) elsewhere++;
        }
        assertTrue(words.containsAll(Set.of(31L, 32L, 0x7fffffffL, 0x80000000L, 0xffffffffL)), words.toString());
        assertTrue(elsewhere > 0 && elsewhere < 100, "random bytes elsewhere now and then: " + elsewhere);
        assertArrayEquals(new byte[16], first, "the parent is not changed");
    }

    /** A parent's hints are taken about half the time: both places of a pair set at once. */
    @Test
    void hintsPutTheirValuesWhereTheOperandsWereRead() {
        Inputs in = new Inputs(new SplittableRandom(5));
        in.observed(new byte[16], new int[] {0 << 4 | 8, 8 << 4 | 8}, List.of(new Reference.Hint(0 << 4 | 8, Long.MIN_VALUE, 8 << 4 | 8, -1)), true);
        int pairs = 0;
        for (int i = 0; i < 400; i++) {
            byte[] m = in.next();
            if (Reference.valueAt(m, 0, 8) == Long.MIN_VALUE && Reference.valueAt(m, 8, 8) == -1) pairs++;
        }
        assertTrue(pairs > 150 && pairs < 250, "about half the mutants are the hint: " + pairs);
    }

    /** An input nobody read cannot change a run: no more inputs are asked for. */
    @Test
    void nothingReadNothingMore() {
        Inputs in = new Inputs(new SplittableRandom(1));
        in.observed(new byte[8], new int[0], List.of(), true);
        assertFalse(in.worthMore());
        in.observed(new byte[8], new int[] {0 << 4 | 8}, List.of(), false); // not a new path: not a parent
        assertFalse(in.worthMore());
    }

    @Test
    void sameSeedSameInputs() {
        for (int round = 0; round < 2; round++) {
            Inputs a = new Inputs(new SplittableRandom(9)), b = new Inputs(new SplittableRandom(9));
            a.observed(new byte[8], new int[] {0 << 4 | 8, 2 << 4 | 2}, List.of(), true);
            b.observed(new byte[8], new int[] {0 << 4 | 8, 2 << 4 | 2}, List.of(), true);
            for (int i = 0; i < 50; i++) assertArrayEquals(a.next(), b.next());
        }
    }
}
