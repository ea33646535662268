package org.crosscheck.bench;

import java.util.concurrent.TimeUnit;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The campaign generator's cost in ns per generated case (program and memory), configured as a
 * default campaign: every RFC group, CPU v4. Each invocation generates {@value #BATCH} consecutive
 * indices, and the indices move on from one invocation to the next, so sizes average out as in a
 * campaign. Run: {@code java -jar bench/target/benchmarks.jar GeneratorBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GeneratorBench {
    private static final int BATCH = 1024;
    private final Generator generator = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4));
    private long next;

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void generate(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) bh.consume(generator.generate(1, next++));
    }
}
