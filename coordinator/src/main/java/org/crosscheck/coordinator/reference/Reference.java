package org.crosscheck.coordinator.reference;

import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * The reference: RFC 9669 as our interpreter implements it, the runtime every other is compared
 * with. The engine reaches it only through here: one named runtime, one interpreter.
 */
public final class Reference {
    private Reference() {}

    /** The reference runtime's name in campaigns, outcomes and findings. */
    public static final String NAME = "interp";

    /** Stateless between runs (each builds its own machine), so threads share it. */
    static final Interpreter INTERPRETER = new Interpreter();

    /** The reference's outcome, without a trace (the fast path). */
    public static Outcome run(ProgramInput input, Limits limits) {
        return INTERPRETER.run(input.program(), input.memory(), limits);
    }

    /** The reference trace of {@code input}: traced when first asked for its states. */
    public static ReferenceTrace trace(ProgramInput input, Limits limits) {
        return new ReferenceTrace(input, limits, null);
    }

    /** As {@link #trace(ProgramInput, Limits)}, with the outcome a run already gave (the trace is not run for it). */
    public static ReferenceTrace trace(ProgramInput input, Limits limits, Outcome outcome) {
        return new ReferenceTrace(input, limits, outcome);
    }
}
