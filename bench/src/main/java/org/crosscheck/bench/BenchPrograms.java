package org.crosscheck.bench;

import java.util.List;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.interp.Interpreter;

/**
 * Loop-heavy programs shared by the runtime benchmarks (interpreter, JIT): each with its input
 * memory and the number of instructions one run executes. The counts are constants so a benchmark
 * can declare them in {@code @OperationsPerInvocation} (JMH then reports ns per BPF instruction);
 * {@link #check()} measures them with the interpreter and fails if a program changed.
 */
public final class BenchPrograms {
    private BenchPrograms() {}

    /** A program, its input memory and how many instructions a run executes. */
    public record Bench(String name, Program program, byte[] memory, long executed) {}

    /** Counts the primes below 8192 with a sieve of Eratosthenes over the input memory. */
    public static final String PRIMES = """
            mov %r0, 0
            mov %r3, 2
            outer:
            jge %r3, %r2, done
            mov %r4, %r1
            add %r4, %r3
            ldxb %r5, [%r4+0]
            jne %r5, 0, next
            add %r0, 1
            mov %r6, %r3
            mul %r6, %r3
            inner:
            jge %r6, %r2, next
            mov %r7, %r1
            add %r7, %r6
            stb [%r7+0], 1
            add %r6, %r3
            ja inner
            next:
            add %r3, 1
            ja outer
            done:
            exit
            """;
    public static final long PRIMES_EXECUTED = 143_850;

    /** Copies the first 4096 bytes of memory to the second 4096, 8 bytes at a time, 32 times. */
    public static final String MEMCPY = """
            mov %r9, 32
            pass:
            mov %r3, 0
            copy:
            mov %r4, %r1
            add %r4, %r3
            ldxdw %r5, [%r4+0]
            stxdw [%r4+4096], %r5
            add %r3, 8
            jlt %r3, 4096, copy
            sub %r9, 1
            jne %r9, 0, pass
            mov %r0, %r5
            exit
            """;
    public static final long MEMCPY_EXECUTED = 98_403;

    /** xorshift64 steps with data-dependent branches, shifts and 32-bit arithmetic. */
    public static final String ALU_MIX = """
            lddw %r6, 0x9e3779b97f4a7c15
            mov %r0, 0
            mov %r9, 20000
            loop:
            mov %r7, %r6
            lsh %r7, 13
            xor %r6, %r7
            mov %r7, %r6
            rsh %r7, 7
            xor %r6, %r7
            mov %r7, %r6
            lsh %r7, 17
            xor %r6, %r7
            mov %r8, %r6
            and %r8, 0xff
            jgt %r8, 0x80, high
            add %r0, %r8
            ja cont
            high:
            sub %r0, 3
            xor32 %r0, %r8
            cont:
            jset %r6, 4, odd
            arsh %r0, 1
            odd:
            add32 %r0, 1
            sub %r9, 1
            jne %r9, 0, loop
            exit
            """;
    public static final long ALU_MIX_EXECUTED = 370_005;

    public static Bench primes() {
        return bench("primes", PRIMES, new byte[8192], PRIMES_EXECUTED);
    }

    public static Bench memcpy() {
        byte[] memory = new byte[8192];
        for (int i = 0; i < 4096; i++) memory[i] = (byte) (i * 31 + 7);
        return bench("memcpy", MEMCPY, memory, MEMCPY_EXECUTED);
    }

    public static Bench aluMix() {
        return bench("alumix", ALU_MIX, new byte[0], ALU_MIX_EXECUTED);
    }

    public static List<Bench> all() {
        return List.of(primes(), memcpy(), aluMix());
    }

    public static Bench byName(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark program " + name));
    }

    /** A 64-instruction program (loops, memory, a local call) for compile-and-load latency. */
    public static Program sixtyFour() {
        StringBuilder s = new StringBuilder("mov %r0, 0\nmov %r6, 10\nloop:\n");
        for (int k = 0; k < 7; k++) {
            s.append("add %r0, ").append(k + 1).append('\n')
                    .append("stxdw [%r10-").append(8 * (k + 1)).append("], %r0\n")
                    .append("ldxdw %r3, [%r10-").append(8 * (k + 1)).append("]\n")
                    .append("xor %r0, %r3\n")
                    .append("lsh %r3, 3\n")
                    .append("jgt %r3, 100, +1\n")
                    .append("add32 %r0, %r3\n");
        }
        s.append("call local f\nsub %r6, 1\njne %r6, 0, loop\nexit\n");
        s.append("f:\nmov %r1, %r0\nmod %r1, 7\nadd %r0, %r1\nmov %r2, %r0\nrsh %r2, 2\nxor %r0, %r2\nand32 %r0, 0xfffff\nadd %r0, 3\nexit\n");
        Program p = parse(s.toString());
        if (p.insns().size() != 64) throw new IllegalStateException("sixtyFour has " + p.insns().size() + " instructions");
        return p;
    }

    private static Bench bench(String name, String asm, byte[] memory, long executed) {
        return new Bench(name, parse(asm), memory, executed);
    }

    private static Program parse(String asm) {
        try {
            return Assembler.assemble(asm);
        } catch (IsaException e) {
            throw new IllegalStateException("benchmark program does not assemble: " + e.getMessage(), e);
        }
    }

    /** Measures each program's executed count with the interpreter; throws when a constant is stale. */
    public static void check() {
        for (Bench b : all()) {
            Interpreter.Result r = new Interpreter().execute(b.program(), b.memory(), Limits.DEFAULT.withBudget(100_000_000));
            if (!(r.outcome() instanceof org.crosscheck.runtime.Outcome.Returned)) {
                throw new IllegalStateException(b.name() + " did not return: " + r.outcome().describe());
            }
            if (r.executed() != b.executed()) {
                throw new IllegalStateException(b.name() + " executes " + r.executed() + " instructions, constant says " + b.executed());
            }
        }
    }

    public static void main(String[] args) {
        for (Bench b : all()) {
            Interpreter.Result r = new Interpreter().execute(b.program(), b.memory(), Limits.DEFAULT.withBudget(100_000_000));
            System.out.println(b.name() + ": " + r.outcome().describe() + ", executed " + r.executed());
        }
    }
}
