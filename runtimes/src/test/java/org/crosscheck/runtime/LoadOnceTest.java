package org.crosscheck.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A program loaded once and run on several inputs gives, for each, what a run of its own gives. */
class LoadOnceTest {
    static final List<byte[]> INPUTS = List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[] {9, 0, 0, 0, 0, 0, 0, (byte) 0xff},
            new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1});

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit", "kernel", "kernel-instrumented", "dpdk-interp"})
    void eachInputRunsAsARunOfItsOwn(String name) throws Exception {
        // a branch and a store on the input: outcomes differ per input
        Program p = Assembler.assemble("""
                ldxb %r2, [%r1+0]
                mov %r0, 7
                jgt %r2, 8, big
                mov %r0, 3
                big:
                stxb [%r1+1], %r2
                add %r0, %r2
                exit""");
        try (Runtime r = Runtimes.create(name)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> name + " unavailable: " + r.unavailableReason().orElse(""));
            try (Runtime.Loaded loaded = r.load(p, 8)) {
                for (byte[] in : INPUTS) {
                    Outcome once = r.run(p, in, Limits.DEFAULT);
                    assertInstanceOf(Outcome.Returned.class, once, once.describe());
                    assertEquals(once.describe(), loaded.run(in, Limits.DEFAULT).describe());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "kernel"})
    void aRejectedProgramIsRejectedOnEveryRun(String name) throws Exception {
        Program p = Assembler.assemble("mov %r0, %r5\nexit"); // r5 unwritten: the kernel's verifier refuses it
        try (Runtime r = Runtimes.create(name)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> name + " unavailable");
            try (Runtime.Loaded loaded = r.load(p, 8)) {
                for (byte[] in : INPUTS) assertEquals(r.run(p, in, Limits.DEFAULT).describe(), loaded.run(in, Limits.DEFAULT).describe());
            }
        }
    }
}
