package org.crosscheck.runtime;

/**
 * Bounds on one run: the instruction budget of the in-process runtimes (an instruction past it
 * traps with {@link Outcome.TrapKind#BUDGET}) and the wall-clock limit of external ones.
 */
public record Limits(long instructionBudget, long wallClockMillis) {
    public static final long DEFAULT_BUDGET = 1_000_000;
    public static final Limits DEFAULT = new Limits(DEFAULT_BUDGET, 10_000);

    public Limits {
        if (instructionBudget <= 0) throw new IllegalArgumentException("instruction budget must be positive, is " + instructionBudget);
        if (wallClockMillis <= 0) throw new IllegalArgumentException("wall-clock limit must be positive, is " + wallClockMillis);
    }

    public Limits withBudget(long budget) {
        return new Limits(budget, wallClockMillis);
    }
}
