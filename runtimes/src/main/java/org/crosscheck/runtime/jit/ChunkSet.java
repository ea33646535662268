package org.crosscheck.runtime.jit;

import org.crosscheck.runtime.MachineState;

/**
 * A hidden class holding many compiled chunks (of one or many programs) as static methods: defining
 * a class costs the same for one chunk or fifty, so a campaign compiles its programs in sets.
 */
public interface ChunkSet {
    /** Runs chunk {@code which} of this set from block start {@code pc}; as {@link Chunk#run}. */
    int run(int which, MachineState s, int pc);
}
