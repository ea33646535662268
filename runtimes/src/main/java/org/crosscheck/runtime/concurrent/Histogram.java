package org.crosscheck.runtime.concurrent;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each final state was observed. A state is the vector {@link SharedProgram#stateWidth()}
 * describes: the observed registers of each thread, then the final value of each location. Not
 * thread-safe: each thread of a runner keeps its own and the runner merges them at the end.
 */
public final class Histogram {
    /** One observed state, usable as a map key. */
    public record State(long[] values) {
        public State {
            values = values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && Arrays.equals(values, s.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    private final Map<State, Long> counts = new HashMap<>();
    private long total;

    public void add(long[] state) {
        add(new State(state), 1);
    }

    public void add(State state, long n) {
        counts.merge(state, n, Long::sum);
        total += n;
    }

    public void addAll(Histogram other) {
        other.counts.forEach(this::add);
    }

    public long total() {
        return total;
    }

    public long count(State s) {
        return counts.getOrDefault(s, 0L);
    }

    public Map<State, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }
}
