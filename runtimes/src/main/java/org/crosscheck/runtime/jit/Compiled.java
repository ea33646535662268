package org.crosscheck.runtime.jit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.TrapKind;
import org.crosscheck.runtime.interp.Interpreter;

/** A compiled program: its chunks and the driver that runs them. Reusable and thread-safe (no state of its own). */
public final class Compiled {
    private static final Interpreter INTERPRETER = new Interpreter();

    private final Interpreter.Decoded decoded;
    private final int slots;
    private final Chunk[] chunks;
    private final int[] chunkOf;
    private final String fallbackReason;
    private final MemoryMode mode;

    Compiled(Interpreter.Decoded decoded, MemoryMode mode, int slots, Chunk[] chunks, int[] chunkOf, String fallbackReason) {
        this.mode = mode;
        this.decoded = decoded;
        this.slots = slots;
        this.chunks = chunks;
        this.chunkOf = chunkOf;
        this.fallbackReason = fallbackReason;
    }

    /** Number of JVM classes (one method each) the program was compiled to. */
    public int chunkCount() {
        return chunks == null ? 0 : chunks.length;
    }

    /** Null when compiled; else why the program runs on the interpreter. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** Runs on a copy of {@code memory}, as {@link org.crosscheck.runtime.Runtime#run}. */
    public Outcome run(byte[] memory, long budget) {
        return execute(MachineState.initial(memory, budget), budget);
    }

    /** Runs from {@code s} (updating its ram in place); {@code budget} is the whole run's, {@code s.left} what remains. */
    public Outcome execute(MachineState s, long budget) {
        if (decoded.unsupported() != null || chunks == null) return INTERPRETER.resume(decoded, s, budget).outcome();
        if (mode == MemoryMode.SHARED && s.shared == null) {
            // one thread alone: run on an off-heap copy of ram, then put the bytes back
            try (Arena arena = Arena.ofConfined()) {
                s.shared = arena.allocate(Math.max(s.ram.length, 1), 8).copyFrom(MemorySegment.ofArray(s.ram));
                try {
                    return run(s, budget, () -> MemorySegment.copy(s.shared, ValueLayout.JAVA_BYTE, 0, s.ram, 0, s.ram.length));
                } finally {
                    s.shared = null;
                }
            }
        }
        return run(s, budget, () -> {});
    }

    /** The driver: runs chunk after chunk; {@code sync} makes {@code s.ram} current before anyone reads it. */
    private Outcome run(MachineState s, long budget, Runnable sync) {
        int pc = s.pc;
        try {
            while (true) {
                if (pc >= slots) {
                    sync.run();
                    return new Outcome.Trapped(TrapKind.FELL_OFF_END, pc, "no instruction at pc " + pc);
                }
                int next = chunks[chunkOf[pc]].run(s, pc);
                if (next == Chunk.DONE) {
                    sync.run();
                    return new Outcome.Returned(s.r[0], s.memory());
                }
                if (next < Chunk.DONE) {
                    // less budget left than the next block needs: the interpreter finishes exactly
                    sync.run();
                    s.pc = -next - 2;
                    return INTERPRETER.resume(decoded, s, budget).outcome();
                }
                if (next == pc) throw new IllegalStateException("jit: chunk " + chunkOf[pc] + " has no entry at pc " + pc);
                pc = next;
            }
        } catch (JitTrap t) {
            sync.run();
            return new Outcome.Trapped(t.kind, t.pc, t.getMessage());
        }
    }
}
