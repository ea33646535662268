package org.crosscheck.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.jit.Compiled;
import org.crosscheck.runtime.jit.Jit;
import org.crosscheck.runtime.jit.MemoryMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * The JIT runtime's speed. The three program benchmarks report ns per executed BPF instruction
 * (one operation = one instruction, via {@code @OperationsPerInvocation}), in steady state on a
 * program compiled once; each run includes setting up registers and copying the input memory.
 * {@code compileAndLoad} samples the latency of compiling and loading a 64-instruction program
 * (read its p0.50), {@code compileAndLoadInSets} the same per program when 64 are compiled together. Run: {@code java -jar bench/target/benchmarks.jar JitBench}.
 */
public class JitBench extends ProgramsBench<Compiled> {
    private static final int SET = 64;
    private Program sixtyFour;
    private List<Program> sixtyFours;

    @Setup
    public void setup() {
        BenchPrograms.check();
        prepare(Jit::compile);
        sixtyFour = BenchPrograms.sixtyFour();
        sixtyFours = java.util.Collections.nCopies(SET, sixtyFour);
        for (Compiled c : new Compiled[] {primes, memcpy, aluMix}) {
            if (c.fallbackReason() != null) throw new IllegalStateException(c.fallbackReason());
        }
    }

    @Override
    protected Outcome run(Compiled program, byte[] memory) {
        Outcome o = program.run(memory, BUDGET);
        if (!(o instanceof Outcome.Returned)) throw new IllegalStateException("benchmark program did not return: " + o.describe());
        return o;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Compiled compileAndLoad() {
        return Jit.compile(sixtyFour);
    }

    /** Per program, compiling and loading 64 of them together as a campaign does (they share classes). */
    @Benchmark
    @OperationsPerInvocation(SET)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<Compiled> compileAndLoadInSets() {
        return Jit.compileAll(sixtyFours, MemoryMode.PLAIN);
    }

}
