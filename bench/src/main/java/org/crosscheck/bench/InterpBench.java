package org.crosscheck.bench;

import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

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
public class InterpBench extends ProgramsBench<Interpreter.Decoded> {

    @Param({"campaign"})
    public String profile;
    private final Interpreter interp = new Interpreter();

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
        prepare(Interpreter.Decoded::of);
    }

    @Override
    protected Outcome run(Interpreter.Decoded program, byte[] memory) {
        Interpreter.Result r = interp.execute(program, memory, BUDGET);
        if (!(r.outcome() instanceof Outcome.Returned)) throw new IllegalStateException("benchmark program did not return: " + r.outcome().describe());
        return r.outcome();
    }
}
