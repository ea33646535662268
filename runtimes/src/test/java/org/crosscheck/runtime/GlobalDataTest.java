package org.crosscheck.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.GlobalData;
import org.crosscheck.isa.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A program's global data ({@code lddw map_idx_value 0, OFF}): a region of the layout in interp and jit,
 * a map value in the kernel; each run starts from the initial bytes; pointer words hold the region's address.
 */
class GlobalDataTest {
    /** Region: word 0 = 40, word 4 = 2, then 8 zero bytes (a .bss). The program counts word 0 up and returns word 0 + word 4 + the .bss word. */
    static final String COUNTER = """
            lddw %r1, map_idx_value 0, 0
            ldxw %r0, [%r1+0]
            add32 %r0, 1
            stxw [%r1+0], %r0
            lddw %r2, map_idx_value 0, 4
            ldxw %r3, [%r2+0]
            add %r0, %r3
            ldxdw %r3, [%r2+4]
            add %r0, %r3
            stdw [%r2+4], 100
            exit""";

    static Program counter() throws Exception {
        return Assembler.assemble(COUNTER).withGlobalData(GlobalData.of(new byte[] {40, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit", "kernel", "kernel-instrumented"})
    void everyRunStartsFromTheSectionsBytes(String name) throws Exception {
        Program p = counter();
        try (Runtime r = Runtimes.create(name)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> name + " unavailable: " + r.unavailableReason().orElse(""));
            try (Runtime.Loaded loaded = r.load(p, 0)) {
                for (int k = 0; k < 3; k++) {
                    Outcome o = k == 0 ? r.run(p, new byte[0], Limits.DEFAULT) : loaded.run(new byte[0], Limits.DEFAULT);
                    Outcome.Returned ret = assertInstanceOf(Outcome.Returned.class, o, o.describe());
                    assertEquals(43, ret.r0(), o.describe());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void aPointerWordHoldsTheRegionsAddress(String name) throws Exception {
        // word at 8 points at offset 4 (the 7); the program loads through it
        byte[] bytes = {0, 0, 0, 0, 7, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
        Program p = Assembler.assemble("""
                lddw %r1, map_idx_value 0, 8
                ldxdw %r2, [%r1+0]
                ldxw %r0, [%r2+0]
                exit""").withGlobalData(GlobalData.of(bytes, new int[] {8}));
        try (Runtime r = Runtimes.create(name)) {
            Outcome o = r.run(p, new byte[0], Limits.DEFAULT);
            assertEquals(7, assertInstanceOf(Outcome.Returned.class, o, o.describe()).r0());
        }
    }

    @Test
    void theKernelSaysItCannotHoldPointersInAMapValue() throws Exception {
        Program p = Assembler.assemble("lddw %r1, map_idx_value 0, 0\nldxdw %r0, [%r1+0]\nexit")
                .withGlobalData(GlobalData.of(new byte[8], new int[] {0}));
        try (Runtime r = Runtimes.create("kernel")) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> "kernel unavailable: " + r.unavailableReason().orElse(""));
            Outcome o = r.run(p, new byte[0], Limits.DEFAULT);
            assertTrue(assertInstanceOf(Outcome.Unsupported.class, o).what().contains("pointers"), o.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void anAccessPastTheRegionTraps(String name) throws Exception {
        Program p = Assembler.assemble("lddw %r1, map_idx_value 0, 8\nldxw %r0, [%r1+0]\nexit").withGlobalData(GlobalData.of(new byte[10]));
        try (Runtime r = Runtimes.create(name)) {
            Outcome o = r.run(p, new byte[0], Limits.DEFAULT);
            assertEquals(Outcome.TrapKind.OUT_OF_BOUNDS, assertInstanceOf(Outcome.Trapped.class, o, o.describe()).kind());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit", "kernel"})
    void withoutARegionTheLddwIsUnsupported(String name) throws Exception {
        Program p = Assembler.assemble("lddw %r1, map_idx_value 0, 0\nldxw %r0, [%r1+0]\nexit");
        try (Runtime r = Runtimes.create(name)) {
            assumeTrue(r.unavailableReason().isEmpty(), () -> name + " unavailable: " + r.unavailableReason().orElse(""));
            Outcome o = r.run(p, new byte[0], Limits.DEFAULT);
            assertTrue(assertInstanceOf(Outcome.Unsupported.class, o, o.describe()).what().contains("global-data region"), o.describe());
        }
    }

    @Test
    void theProgramChecksMapIndexAndOffset() throws Exception {
        Program far = Assembler.assemble("lddw %r1, map_idx_value 0, 17\nmov %r0, 0\nexit");
        DecodeException e = assertThrows(DecodeException.class, () -> far.withGlobalData(GlobalData.of(new byte[16])));
        assertTrue(e.getMessage().contains("offset 17 outside the global-data region (16 bytes)"), e.getMessage());
        Program other = Assembler.assemble("lddw %r1, map_idx_value 1, 0\nmov %r0, 0\nexit");
        e = assertThrows(DecodeException.class, () -> other.withGlobalData(GlobalData.of(new byte[16])));
        assertTrue(e.getMessage().contains("map index 1"), e.getMessage());
        e = assertThrows(DecodeException.class, () -> GlobalData.of(new byte[16], new int[] {12}));
        assertTrue(e.getMessage().contains("pointer word at offset 12 outside the region"), e.getMessage());
    }

    @Test
    void aDataFileKeepsTheGlobalData() throws Exception {
        Program p = counter().withGlobalData(GlobalData.of(new byte[] {40, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}, new int[] {8}));
        String text = DataFile.write(p, new byte[0], 43L, "global data");
        assertTrue(text.contains("-- global data\n28 00 00 00 02 00 00 00 04 00 00 00 00 00 00 00\n-- global pointers\n8\n"), text);
        Program back = DataFile.parse(text, "t.data", null).program().program();
        assertEquals(p, back);
        assertEquals(p.globalData(), back.globalData());
    }
}
