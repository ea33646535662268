package org.crosscheck.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Layout;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.interp.Interpreter;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

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
public class DispatchFloorBench extends ProgramsBench<long[]> {
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    @Param({"own", "mixed"})
    public String profile;


    @Setup
    public void setup() {
        prepare(DispatchFloorBench::decode);
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

    @Override
    protected Long run(long[] program, byte[] memory) {
        return run(program, memory.clone(), BUDGET);
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
