package org.crosscheck.memmodel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.memmodel.Litmus.*;
import org.crosscheck.runtime.concurrent.Histogram;
import org.crosscheck.runtime.concurrent.SharedProgram;

/**
 * A litmus test compiled for runs ({@link LitmusCompiler}) with what it takes to read the states a
 * run observes as the test's states: the refs a state shows and where each sits in a run's state
 * vector (every thread's observed registers, then every location's final value).
 */
public final class LitmusProgram {
    private final Litmus test;
    private final SharedProgram program;
    private final List<Ref> shown;
    private final Locations locs;
    private final Map<Ref, Integer> index = new HashMap<>();

    /** @param observedRegs per thread: the test's names of the registers it observes (the program may have renamed them) */
    LitmusProgram(Litmus test, SharedProgram program, List<int[]> observedRegs, List<Ref> shown, Locations locs) {
        this.test = test;
        this.program = program;
        this.shown = List.copyOf(shown);
        this.locs = locs;
        int k = 0;
        for (int t = 0; t < observedRegs.size(); t++)
            for (int r : observedRegs.get(t)) index.put(new RegRef(t, r), k++);
        for (int l = 0; l < program.locations(); l++) index.put(new LocRef(locs.name(l)), k++);
    }

    /** A state's value of r: a location's symbolic address (see SharedProgram) becomes the checker's address of it. */
    private long read(Histogram.State state, Ref r) {
        long v = state.values()[index.get(r)];
        long d = v - SharedProgram.SYMBOLIC_BASE;
        if (d >= 0 && d < 8L * program.locations()) return locs.address(locs.name((int) (d / 8))) + d % 8;
        return v;
    }

    public Litmus test() {
        return test;
    }

    public SharedProgram program() {
        return program;
    }

    /** The state as herd shows it, location values truncated to the width the test gives them (all 64-bit here). */
    public String format(Histogram.State state) {
        return States.format(shown, r -> read(state, r), locs);
    }

    /** Whether the state satisfies the proposition of the test's final condition. */
    public boolean satisfies(Histogram.State state) {
        return States.eval(test.condition().prop(), r -> read(state, r), locs);
    }
}
