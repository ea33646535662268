package org.crosscheck.runtime.jit;

import org.crosscheck.runtime.MachineState;

/**
 * One compiled piece of a program: method {@code which} of a {@link ChunkSet}, which executes basic
 * blocks from {@code pc} with the registers in JVM locals, until control leaves the chunk.
 */
record Chunk(ChunkSet set, int which) {
    /** Code meaning "the program returned; r0 is in the state". */
    static final int DONE = -1;

    /**
     * Runs from block start {@code pc} (loading registers from {@code s} and storing them back
     * when it leaves). Returns the pc where another chunk continues, {@link #DONE}, or
     * {@code -pc - 2} when the budget left is smaller than the block at pc (the interpreter
     * finishes the run exactly from there).
     */
    int run(MachineState s, int pc) {
        return set.run(which, s, pc);
    }
}
