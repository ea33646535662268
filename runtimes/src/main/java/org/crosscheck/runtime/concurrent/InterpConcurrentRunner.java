package org.crosscheck.runtime.concurrent;

import static org.crosscheck.runtime.Layout.MEM_BASE;
import static org.crosscheck.runtime.Layout.STACK_SIZE;
import static org.crosscheck.runtime.Layout.STACK_TOP;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.MachineState;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * The reference for concurrent runs: the interpreter under a scheduler of sequentially consistent
 * interleavings, the states any correct runtime may show (it may show more: the weak ones the
 * memory model allows). Threads share one memory; a step runs one thread up to and including its
 * next memory access (instructions that touch no memory commute with the other threads, so
 * interleaving them adds no states). Every schedule is explored, one iteration each, when there
 * are at most {@code iterations} of them; otherwise {@code iterations} random schedules are run.
 */
public final class InterpConcurrentRunner implements ConcurrentRunner {
    /** Instructions one thread may execute: tests are loop-free or nearly so; more means it does not end. */
    static final int MAX_STEPS = 100_000;

    private static final Interpreter INTERPRETER = new Interpreter();

    @Override
    public String name() {
        return "interp";
    }

    @Override
    public Histogram run(SharedProgram p, long iterations, long seed) throws ConcurrentRunException {
        List<Interpreter.Decoded> code = new ArrayList<>();
        List<Program> programs = new ArrayList<>();
        for (int t = 0; t < p.threads().size(); t++) {
            Program prog = p.program(t);
            programs.add(prog);
            code.add(Interpreter.Decoded.of(prog));
        }
        Histogram exhaustive = new Histogram();
        if (explore(p, code, programs, exhaustive, iterations)) return exhaustive;
        Histogram sampled = new Histogram();
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < iterations; i++) sampled.add(schedule(p, code, programs, null, random));
        return sampled;
    }

    /** Depth-first over all schedules (re-running each from the start); false when there are more than {@code limit}. */
    private static boolean explore(SharedProgram p, List<Interpreter.Decoded> code, List<Program> programs, Histogram h, long limit)
            throws ConcurrentRunException {
        List<int[]> choices = new ArrayList<>(); // per decision: {chosen, options}
        long runs = 0;
        while (true) {
            if (++runs > limit) return false;
            h.add(schedule(p, code, programs, choices, null));
            while (!choices.isEmpty() && choices.getLast()[0] + 1 == choices.getLast()[1]) choices.removeLast();
            if (choices.isEmpty()) return true;
            choices.getLast()[0]++;
        }
    }

    /**
     * Runs one schedule to the end and returns its state. With {@code choices}: follows the recorded
     * decisions, then takes the first option at new ones (recording them); else random decisions.
     */
    private static long[] schedule(SharedProgram p, List<Interpreter.Decoded> code, List<Program> programs, List<int[]> choices,
            SplittableRandom random) throws ConcurrentRunException {
        int threads = code.size();
        int locs = p.locations();
        byte[] ram = new byte[locs * 8 + threads * STACK_SIZE];
        ByteBuffer buf = ByteBuffer.wrap(ram).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < locs; l++) buf.putLong(l * 8, p.initial()[l]);
        MachineState[] st = new MachineState[threads];
        for (int t = 0; t < threads; t++) {
            SharedProgram.ThreadCode tc = p.threads().get(t);
            MachineState s = new MachineState(ram, 0, locs * 8, locs * 8 + t * STACK_SIZE);
            for (int k = 0; k < 11; k++) s.r[k] = tc.regLocation()[k] < 0 ? tc.regValue()[k] : MEM_BASE + 8L * tc.regLocation()[k];
            s.r[10] = STACK_TOP;
            st[t] = s;
        }
        boolean[] done = new boolean[threads];
        int[] steps = new int[threads];
        int[] runnable = new int[threads];
        int decision = 0;
        while (true) {
            int n = 0;
            for (int t = 0; t < threads; t++) if (!done[t]) runnable[n++] = t;
            if (n == 0) break;
            int pick;
            if (n == 1) pick = 0;
            else if (choices == null) pick = random.nextInt(n);
            else {
                if (decision == choices.size()) choices.add(new int[] {0, n});
                pick = choices.get(decision++)[0];
            }
            int t = runnable[pick];
            done[t] = step(code.get(t), programs.get(t), st[t], t, steps);
        }
        long[] state = new long[p.stateWidth()];
        long[] address = new long[locs];
        for (int l = 0; l < locs; l++) address[l] = MEM_BASE + 8L * l;
        int k = 0;
        for (int t = 0; t < threads; t++) for (int r : p.threads().get(t).observed()) state[k++] = SharedProgram.symbolize(st[t].r[r], address);
        for (int l = 0; l < locs; l++) state[k++] = buf.getLong(l * 8);
        return state;
    }

    /** Runs thread t up to and including its next memory access; true when it has exited. */
    private static boolean step(Interpreter.Decoded d, Program prog, MachineState s, int t, int[] steps) throws ConcurrentRunException {
        while (true) {
            if (++steps[t] > MAX_STEPS) throw new ConcurrentRunException("P" + t + ": still running after " + MAX_STEPS + " instructions");
            Insn insn = prog.at(s.pc);
            boolean access = insn != null && insn.op().size() > 0;
            s.left = 1;
            Outcome o = INTERPRETER.resume(d, s, 1).outcome();
            if (o instanceof Outcome.Returned) return true;
            if (!(o instanceof Outcome.Trapped tr && tr.kind() == Outcome.TrapKind.BUDGET))
                throw new ConcurrentRunException("P" + t + ": " + o.describe());
            if (access) return false;
        }
    }
}
