package org.crosscheck.bench;

import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference interpreter's speed in ns per executed BPF instruction (one operation = one
 * instruction), on the same loop-heavy programs as {@link JitBench}, decoded once; each run
 * includes setting up the machine and copying the input memory. With {@code profile=campaign} (the
 * default, the figure we report) setup first runs 100,000 programs of the campaign generator, so
 * that HotSpot compiles the interpreter with the profile a campaign gives it (every op seen), not
 * one shaped by the benchmark program alone. {@code -p profile=own} skips that (and the check of
 * the instruction counts, which would run the other programs): each fork then compiles the
 * interpreter for its one program, as {@link DispatchFloorBench} does.
 * Run: {@code java -jar bench/target/benchmarks.jar InterpBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InterpBench {
    private static final long BUDGET = 100_000_000;

    @Param({"campaign"})
    public String profile;
    private final Interpreter interp = new Interpreter();
    private Interpreter.Decoded primes, memcpy, aluMix;
    private byte[] primesMemory, memcpyMemory, aluMixMemory;

    @Setup
    public void setup() {
        switch (profile) {
            case "campaign" -> {
                BenchPrograms.check();
                Generator generator = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4));
                for (int i = 0; i < 100_000; i++) {
                    Generator.Case c = generator.generate(1, i);
                    interp.execute(c.program(), c.memory(), Limits.DEFAULT);
                }
            }
            case "own" -> { }
            default -> throw new IllegalArgumentException("profile is campaign or own, not " + profile);
        }
        primes = Interpreter.Decoded.of(BenchPrograms.primes().program());
        memcpy = Interpreter.Decoded.of(BenchPrograms.memcpy().program());
        aluMix = Interpreter.Decoded.of(BenchPrograms.aluMix().program());
        primesMemory = BenchPrograms.primes().memory();
        memcpyMemory = BenchPrograms.memcpy().memory();
        aluMixMemory = BenchPrograms.aluMix().memory();
    }

    private static Outcome returned(Interpreter.Result r) {
        if (!(r.outcome() instanceof Outcome.Returned)) throw new IllegalStateException("benchmark program did not return: " + r.outcome().describe());
        return r.outcome();
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.PRIMES_EXECUTED)
    public Outcome primes() {
        return returned(interp.execute(primes, primesMemory, BUDGET));
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.MEMCPY_EXECUTED)
    public Outcome memcpy() {
        return returned(interp.execute(memcpy, memcpyMemory, BUDGET));
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.ALU_MIX_EXECUTED)
    public Outcome aluMix() {
        return returned(interp.execute(aluMix, aluMixMemory, BUDGET));
    }
}
