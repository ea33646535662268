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
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JIT runtime's speed. The three program benchmarks report ns per executed BPF instruction
 * (one operation = one instruction, via {@code @OperationsPerInvocation}), in steady state on a
 * program compiled once; each run includes setting up registers and copying the input memory.
 * {@code compileAndLoad} samples the latency of compiling and loading a 64-instruction program
 * (read its p0.50), {@code compileAndLoadInSets} the same per program when 64 are compiled together. Run: {@code java -jar bench/target/benchmarks.jar JitBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JitBench {
    private static final long BUDGET = 100_000_000;
    private Compiled primes, memcpy, aluMix;
    private byte[] primesMemory, memcpyMemory, aluMixMemory;
    private static final int SET = 64;
    private Program sixtyFour;
    private List<Program> sixtyFours;

    @Setup
    public void setup() {
        BenchPrograms.check();
        primes = Jit.compile(BenchPrograms.primes().program());
        memcpy = Jit.compile(BenchPrograms.memcpy().program());
        aluMix = Jit.compile(BenchPrograms.aluMix().program());
        primesMemory = BenchPrograms.primes().memory();
        memcpyMemory = BenchPrograms.memcpy().memory();
        aluMixMemory = BenchPrograms.aluMix().memory();
        sixtyFour = BenchPrograms.sixtyFour();
        sixtyFours = java.util.Collections.nCopies(SET, sixtyFour);
        for (Compiled c : new Compiled[] {primes, memcpy, aluMix}) {
            if (c.fallbackReason() != null) throw new IllegalStateException(c.fallbackReason());
        }
    }

    private static Outcome returned(Outcome o) {
        if (!(o instanceof Outcome.Returned)) throw new IllegalStateException("benchmark program did not return: " + o.describe());
        return o;
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.PRIMES_EXECUTED)
    public Outcome primes() {
        return returned(primes.run(primesMemory, BUDGET));
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.MEMCPY_EXECUTED)
    public Outcome memcpy() {
        return returned(memcpy.run(memcpyMemory, BUDGET));
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.ALU_MIX_EXECUTED)
    public Outcome aluMix() {
        return returned(aluMix.run(aluMixMemory, BUDGET));
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
