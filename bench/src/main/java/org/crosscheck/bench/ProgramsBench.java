package org.crosscheck.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.crosscheck.isa.Program;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three program benchmarks (primes, memcpy, aluMix of {@link BenchPrograms}) on one engine, in ns
 * per executed BPF instruction (one operation = one instruction): the settings and the loops shared by
 * {@link InterpBench}, {@link JitBench} and {@link DispatchFloorBench}, each of which says how it
 * prepares a program ({@link #prepare}) and runs it once ({@link #run}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class ProgramsBench<P> {
    static final long BUDGET = 100_000_000;

    protected P primes, memcpy, aluMix;
    protected byte[] primesMemory, memcpyMemory, aluMixMemory;

    /** Prepares the three programs as the engine runs them (decoded, compiled) and takes their inputs. */
    protected void prepare(Function<Program, P> how) {
        primes = how.apply(BenchPrograms.primes().program());
        memcpy = how.apply(BenchPrograms.memcpy().program());
        aluMix = how.apply(BenchPrograms.aluMix().program());
        primesMemory = BenchPrograms.primes().memory();
        memcpyMemory = BenchPrograms.memcpy().memory();
        aluMixMemory = BenchPrograms.aluMix().memory();
    }

    /** Runs a prepared program once on (a copy of) its input to its exit. */
    protected abstract Object run(P program, byte[] memory);

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.PRIMES_EXECUTED)
    public Object primes() {
        return run(primes, primesMemory);
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.MEMCPY_EXECUTED)
    public Object memcpy() {
        return run(memcpy, memcpyMemory);
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.ALU_MIX_EXECUTED)
    public Object aluMix() {
        return run(aluMix, aluMixMemory);
    }
}
