package org.crosscheck.runtime.concurrent;

import static org.crosscheck.runtime.concurrent.StoreBuffering.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;
import org.crosscheck.runtime.concurrent.Histogram.State;

/** What every concurrent runner on this machine (x86) must show of store buffering, for the runners' tests. */
public final class StoreBufferingChecks {
    private StoreBufferingChecks() {}

    /** SB's weak outcome, whatever z holds: P0:r1 = P1:r1 = 0. */
    public static boolean bothReadZero(State s) {
        return s.values()[0] == 0 && s.values()[1] == 0;
    }

    /**
     * SB in runs of {@code round} iterations (a new seed each) until a state that passes {@code seen}
     * shows, up to {@code max} iterations in all; every run counts each of its iterations.
     */
    public static Histogram until(ConcurrentRunner runner, boolean fenced, long round, long max, Predicate<State> seen) throws ConcurrentRunException {
        SharedProgram sb = StoreBuffering.program(fenced);
        Histogram all = new Histogram();
        for (long seed = 1; all.total() < max && all.counts().keySet().stream().noneMatch(seen); seed++) {
            Histogram h = runner.run(sb, round, seed);
            assertEquals(round, h.total());
            all.addAll(h);
        }
        return all;
    }

    /** Plain SB shows the weak outcome within {@code max} iterations, besides the SC ones, and nothing else. */
    public static Histogram assertWeakShows(ConcurrentRunner runner, long round, long max) throws ConcurrentRunException {
        Histogram all = until(runner, false, round, max, StoreBufferingChecks::bothReadZero);
        assertTrue(all.count(StoreBuffering.weak(false)) > 0, () -> "no weak outcome in " + all.total() + " iterations: " + all.counts());
        assertOnly(all, StoreBuffering.weak(false), state(0, 1, false), state(1, 0, false), state(1, 1, false));
        return all;
    }

    /** Fenced SB never shows the weak outcome in {@code iterations} iterations, only SC ones. */
    public static void assertFencedNeverWeak(ConcurrentRunner runner, long iterations) throws ConcurrentRunException {
        Histogram h = runner.run(StoreBuffering.program(true), iterations, 7);
        assertEquals(iterations, h.total());
        assertEquals(0, h.count(StoreBuffering.weak(true)), () -> "weak outcome despite the atomics: " + h.counts());
        assertOnly(h, state(0, 1, true), state(1, 0, true), state(1, 1, true));
    }

    public static void assertOnly(Histogram h, State... allowed) {
        for (State s : h.counts().keySet()) assertTrue(List.of(allowed).contains(s), () -> "unexpected state " + s + " in " + h.counts());
    }
}
