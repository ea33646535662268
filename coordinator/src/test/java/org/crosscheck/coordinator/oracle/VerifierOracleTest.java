package org.crosscheck.coordinator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.crosscheck.coordinator.oracle.VerifierOracle.Check;
import org.crosscheck.coordinator.oracle.VerifierOracle.Violation;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.crosscheck.runtime.kernel.VerifierStates;
import org.crosscheck.runtime.kernel.Verifying;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mutation test of the oracle on real logs of this machine's kernel: each log perturbed one way (a
 * bound narrowed below the concrete value, a branch's states removed, a map value shortened below an
 * access) is caught by the right check; the log as the kernel wrote it gives nothing.
 */
class VerifierOracleTest {
    /** A bounded byte, an access at offset 6 of the 8-byte map value, a branch the input takes. */
    static final String PROGRAM = """
            ldxb %r3, [%r1+0]
            and %r3, 7
            ldxb %r4, [%r1+6]
            jgt %r3, 3, big
            mov %r0, 1
            exit
            big:
            mov %r0, 2
            exit""";
    static final byte[] MEMORY = {(byte) 0xff, 0, 0, 0, 0, 0, 9, 0};

    static Verifying.Verification verification;
    static Program program;

    @BeforeAll
    static void load() throws Exception {
        program = Assembler.assemble(PROGRAM);
        try (KernelRuntime kernel = new KernelRuntime()) {
            assumeTrue(kernel.unavailableReason().isEmpty(), () -> "kernel unavailable: " + kernel.unavailableReason().orElse(""));
            verification = kernel.verify(program, MEMORY);
        }
        assertTrue(verification.accepted(), verification.log());
    }

    static List<Violation> check(UnaryOperator<String> perturb) throws VerifierStates.Unreadable {
        String log = perturb.apply(verification.log());
        return VerifierOracle.check(Reference.trace(new ProgramInput(program, MEMORY), Limits.DEFAULT), VerifierStates.parse(log),
                verification.userStart());
    }

    /** The log with the lines of kernel instruction {@code pc} changed by {@code change}. */
    static String lines(String log, int pc, UnaryOperator<String> change) {
        return log.lines().map(l -> l.matches("(from \\d+ to )?" + pc + ":.*") ? change.apply(l) : l).collect(Collectors.joining("\n"));
    }

    @Test
    void theLogAsTheKernelWroteItBreaksNoClaim() throws Exception {
        assertEquals(List.of(), check(log -> log));
    }

    @Test
    void aBoundNarrowedBelowTheConcreteValueIsAValueViolation() throws Exception {
        int and = 1 + verification.userStart();
        List<Violation> found = check(log -> lines(log, and, l -> l.replace("umax32=7", "umax32=3").replace("umax=7", "umax=3")));
        assertEquals(1, found.size(), found.toString());
        Violation v = found.get(0);
        assertEquals(Check.VALUE, v.check());
        assertEquals(1, v.pc());
        assertEquals(3, v.register());
        assertEquals(7, v.value());
        assertTrue(v.claim().startsWith("smax=3") || v.claim().startsWith("umax=3"), v.claim());
    }

    @Test
    void aBranchsStatesRemovedAreAReachabilityViolation() throws Exception {
        int big = 6 + verification.userStart();
        List<Violation> found = check(log -> log.lines().filter(l -> !l.matches("(from \\d+ to )?(" + big + "|" + (big + 1) + "):.*"))
                .collect(Collectors.joining("\n")));
        assertEquals(List.of(Check.REACHABILITY), found.stream().map(Violation::check).toList(), found.toString());
        assertEquals(6, found.get(0).pc());
    }

    @Test
    void aMapValueShortenedBelowAnAccessIsAMemoryViolation() throws Exception {
        int load = 2 + verification.userStart();
        List<Violation> found = check(log -> lines(log, load, l -> l.replace("vs=8", "vs=4")));
        assertEquals(List.of(Check.MEMORY), found.stream().map(Violation::check).toList(), found.toString());
        assertEquals(2, found.get(0).pc());
        assertTrue(found.get(0).describe().contains("1 bytes at offset 6 of a map_value of 4 bytes"), found.get(0).describe());
    }
}
