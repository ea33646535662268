package org.crosscheck.coordinator.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.IsaException;
import org.junit.jupiter.api.Test;

class TitleTest {
    private static final Divergence R0 = new Divergence(Divergence.Kind.R0, "", List.of("kernel"), "interp", Map.of());

    private static String title(String asm) throws IsaException {
        return Title.of(R0, Assembler.assemble(asm));
    }

    /** A campaign's reproducer of the kernel's cmpxchg32 bug was titled [base32 lsh32,bswap32,stdw]. */
    @Test
    void atomicsComeFirstAndStoresLast() throws IsaException {
        assertEquals("r0 mismatch: kernel vs interp [atomic32 cmpxchg32,lsh32,bswap32]", title("""
                mov %r5, -2047686275
                call local f
                exit
                f:
                lddw %r0, 0xffffffff00000000
                stdw [%r10-56], 0
                lsh32 %r2, %r5
                lock cmpxchg32 [%r10-56], %r3
                jle %r2, 1664986103, +1
                bswap32 %r0
                exit"""));
        assertEquals("r0 mismatch: kernel vs interp [base64 add,sdiv,jeq]", title("""
                stxdw [%r10-8], %r1
                jeq %r1, 0, +1
                add %r1, 1
                sdiv %r1, 3
                mov %r0, %r1
                exit"""));
    }

    /** A reproducer of nothing but moves is named by them. */
    @Test
    void setupAloneNamesTheSetup() throws IsaException {
        assertEquals("r0 mismatch: kernel vs interp [base64 mov]", title("mov %r0, 1\nexit"));
    }
}
