package org.crosscheck.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Layout;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What switch dispatch costs at least on this machine, as a yardstick for {@link InterpBench}: a
 * toy interpreter with only the 25 operations the three benchmark programs use, the same packed
 * slots as the reference interpreter, a budget counted per instruction, the input region only and
 * no traps (a bad access throws). It is not a runtime of crosscheck; after the measurement it must
 * have computed the reference interpreter's r0 on each program, or the run fails.
 *
 * <p>{@code profile=own}: each fork runs one program only, so HotSpot compiles the toy for that
 * program's operations. {@code profile=mixed}: setup first runs the three programs in turns, a
 * thousand instructions at a time, so the toy is compiled for all 25 operations (as a campaign
 * compiles the real interpreter for all of them). Run: {@code java -jar bench/target/benchmarks.jar
 * DispatchFloorBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DispatchFloorBench {
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long BUDGET = 100_000_000;

    @Param({"own", "mixed"})
    public String profile;

    private long[] primes, memcpy, aluMix;
    private byte[] primesMemory, memcpyMemory, aluMixMemory;

    @Setup
    public void setup() {
        primes = decode(BenchPrograms.primes().program());
        memcpy = decode(BenchPrograms.memcpy().program());
        aluMix = decode(BenchPrograms.aluMix().program());
        primesMemory = BenchPrograms.primes().memory();
        memcpyMemory = BenchPrograms.memcpy().memory();
        aluMixMemory = BenchPrograms.aluMix().memory();
        if (profile.equals("mixed")) {
            for (int round = 0; round < 3_000; round++) {
                run(primes, primesMemory.clone(), 1_000);
                run(memcpy, memcpyMemory.clone(), 1_000);
                run(aluMix, aluMixMemory.clone(), 1_000);
            }
        } else if (!profile.equals("own")) {
            throw new IllegalArgumentException("profile is own or mixed, not " + profile);
        }
    }

    /** After the measurement, so that the check does not shape the profile: the toy must agree with the interpreter. */
    @TearDown
    public void check() {
        for (BenchPrograms.Bench b : BenchPrograms.all()) {
            Outcome o = new Interpreter().run(b.program(), b.memory(), Limits.DEFAULT.withBudget(BUDGET));
            long r0 = run(decode(b.program()), b.memory().clone(), BUDGET);
            if (!(o instanceof Outcome.Returned ret) || ret.r0() != r0) {
                throw new IllegalStateException(b.name() + ": the toy returned " + r0 + ", the interpreter " + o.describe());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.PRIMES_EXECUTED)
    public long primes() {
        return run(primes, primesMemory.clone(), BUDGET);
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.MEMCPY_EXECUTED)
    public long memcpy() {
        return run(memcpy, memcpyMemory.clone(), BUDGET);
    }

    @Benchmark
    @OperationsPerInvocation((int) BenchPrograms.ALU_MIX_EXECUTED)
    public long aluMix() {
        return run(aluMix, aluMixMemory.clone(), BUDGET);
    }

    /** Slots as the reference interpreter packs them; the 25 operations' keys are their opcodes. */
    private static long[] decode(Program p) {
        long[] code = new long[p.slotCount() + 1];
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            code[pc] = i.op().code | (i.dst() & 15) << 8 | (i.src() & 15) << 12 | (i.off() & 0xffffL) << 16 | i.imm() << 32;
            if (i.slots() == 2) code[pc + 1] = i.imm() >>> 32 << 32; // lddw: the upper half in the second slot
        }
        return code;
    }

    private static int at(long a, int size, int len) {
        long o = a - Layout.MEM_BASE;
        if (o < 0 || o > len - size) throw new IllegalStateException(size + "-byte access at 0x" + Long.toHexString(a));
        return (int) o;
    }

    /** Runs until exit (r0) or until {@code budget} instructions have run (-1). */
    private static long run(long[] code, byte[] mem, long budget) {
        final long[] r = new long[16];
        final int len = mem.length;
        r[1] = Layout.MEM_BASE;
        r[2] = len;
        r[10] = Layout.STACK_TOP;
        int pc = 0;
        while (budget-- > 0) {
            final long w = code[pc];
            final int ds = (int) (w >>> 8) & 15;
            final int sr = (int) (w >>> 12) & 15;
            final int off = (short) (w >>> 16);
            final long imm = w >> 32;
            switch ((int) w & 0xff) {
                case 0x18 -> r[ds] = imm & 0xffffffffL | (code[++pc] >> 32) << 32;
                case 0xb7 -> r[ds] = imm;
                case 0xbf -> r[ds] = r[sr];
                case 0x07 -> r[ds] += imm;
                case 0x0f -> r[ds] += r[sr];
                case 0x17 -> r[ds] -= imm;
                case 0x2f -> r[ds] *= r[sr];
                case 0x57 -> r[ds] &= imm;
                case 0xaf -> r[ds] ^= r[sr];
                case 0x67 -> r[ds] <<= imm;
                case 0x77 -> r[ds] >>>= imm;
                case 0xc7 -> r[ds] >>= imm;
                case 0x04 -> r[ds] = (int) (r[ds] + imm) & 0xffffffffL;
                case 0xac -> r[ds] = (r[ds] ^ r[sr]) & 0xffffffffL;
                case 0x71 -> r[ds] = mem[at(r[sr] + off, 1, len)] & 0xffL;
                case 0x79 -> r[ds] = (long) I64.get(mem, at(r[sr] + off, 8, len));
                case 0x72 -> mem[at(r[ds] + off, 1, len)] = (byte) imm;
                case 0x7b -> I64.set(mem, at(r[ds] + off, 8, len), r[sr]);
                case 0x05 -> pc += off;
                case 0x25 -> { if (Long.compareUnsigned(r[ds], imm) > 0) pc += off; }
                case 0x3d -> { if (Long.compareUnsigned(r[ds], r[sr]) >= 0) pc += off; }
                case 0xa5 -> { if (Long.compareUnsigned(r[ds], imm) < 0) pc += off; }
                case 0x45 -> { if ((r[ds] & imm) != 0) pc += off; }
                case 0x55 -> { if (r[ds] != imm) pc += off; }
                case 0x95 -> { return r[0]; }
                default -> throw new IllegalStateException("the toy has no operation 0x" + Integer.toHexString((int) w & 0xff) + " (pc " + pc + ")");
            }
            pc++;
        }
        return -1;
    }
}
