package org.crosscheck.runtime.jit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Outcome.TrapKind;
import org.crosscheck.runtime.interp.Interpreter;

/** A compiled program: its chunks and the driver that runs them. Reusable and thread-safe (no state of its own). */
public final class Compiled {
    private static final Interpreter INTERPRETER = new Interpreter();

    private final Program program;
    /** For the interpreter's share of a run (unsupported programs, hand-overs): decoded when first needed. */
    private Interpreter.Decoded decoded;
    private final String unsupported;
    private final int slots;
    private final Chunk[] chunks;
    private final int[] chunkOf;
    private final String fallbackReason;
    private final MemoryMode mode;

    Compiled(Program program, String unsupported, MemoryMode mode, Chunk[] chunks, int[] chunkOf, String fallbackReason) {
        this.mode = mode;
        this.program = program;
        this.unsupported = unsupported;
        this.slots = program.slotCount();
        this.chunks = chunks;
        this.chunkOf = chunkOf;
        this.fallbackReason = fallbackReason;
    }

    /** Number of JVM classes (one method each) the program was compiled to. */
    public int chunkCount() {
        return chunks == null ? 0 : chunks.length;
    }

    /** The hidden classes holding this program's code (shared with the programs compiled together with it). */
    java.util.Set<Class<?>> classes() {
        java.util.Set<Class<?>> out = new java.util.HashSet<>();
        if (chunks != null) for (Chunk c : chunks) out.add(c.set().getClass());
        return out;
    }

    /** A benign race: Decoded is immutable, so two threads decoding at once both get a correct one. */
    private Interpreter.Decoded decoded() {
        Interpreter.Decoded d = decoded;
        if (d == null) decoded = d = Interpreter.Decoded.of(program);
        return d;
    }

    /** Null when compiled; else why the program runs on the interpreter. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** Runs on a copy of {@code memory}, as {@link org.crosscheck.runtime.Runtime#run}. */
    public Outcome run(byte[] memory, long budget) {
        return execute(MachineState.initial(memory, program.globalData(), budget), budget);
    }

    /** Runs from {@code s} (updating its ram in place); {@code budget} is the whole run's, {@code s.left} what remains. */
    public Outcome execute(MachineState s, long budget) {
        if (unsupported != null || chunks == null) return INTERPRETER.resume(decoded(), s, budget).outcome();
        if (mode.shared() && s.shared == null) {
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
        try {
            int end = drive(s);
            sync.run();
            if (end == Chunk.DONE) return new Outcome.Returned(s.r[0], s.memory());
            if (end >= 0) return new Outcome.Trapped(TrapKind.FELL_OFF_END, end, "no instruction at pc " + end);
            // less budget left than the next block needs: the interpreter finishes exactly
            s.pc = -end - 2;
            return INTERPRETER.resume(decoded(), s, budget).outcome();
        } catch (JitTrap t) {
            sync.run();
            return new Outcome.Trapped(t.kind, t.pc, t.getMessage());
        }
    }

    /**
     * Runs chunk after chunk from {@code s.pc}: {@link Chunk#DONE} after exit; a pc {@code >= 0} when
     * the run fell off the end there; {@code < DONE} (the chunks' hand-over code) when the budget left is
     * smaller than the next block. Traps are thrown as {@link JitTrap}.
     */
    int drive(MachineState s) {
        int pc = s.pc;
        while (true) {
            if (pc >= slots) return pc;
            int next = chunks[chunkOf[pc]].run(s, pc);
            if (next <= Chunk.DONE) return next;
            if (next == pc) throw new IllegalStateException("jit: chunk " + chunkOf[pc] + " has no entry at pc " + pc);
            pc = next;
        }
    }

    /**
     * Runs one thread of a concurrent test over {@code s.shared} (which other threads share), without
     * copying any memory: null when the thread exits (its registers are in {@code s.r}), else why
     * it did not: a trap, a budget too small, or code the JIT could not compile.
     */
    public String runThread(MachineState s) {
        if (!mode.shared()) throw new IllegalStateException("runThread needs code compiled for shared memory");
        if (unsupported != null) return unsupported;
        if (chunks == null) return "not compiled: " + fallbackReason;
        try {
            int end = drive(s);
            if (end == Chunk.DONE) return null;
            return end >= 0 ? "fell off the end at pc " + end : "instruction budget used up before pc " + (-end - 2);
        } catch (JitTrap t) {
            return t.kind + " at pc " + t.pc + ": " + t.getMessage();
        }
    }
}
