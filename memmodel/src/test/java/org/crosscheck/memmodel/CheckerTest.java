package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.crosscheck.memmodel.Result.Verdict;
import org.junit.jupiter.api.Test;

/** Hand-written tests for what the catalogue does not exercise: loops, ~exists, forall, widths, offsets. */
class CheckerTest {
    static Result check(String text) {
        return Checker.check(LitmusParser.parse("t.litmus", text));
    }

    static final String MP_LOOP = """
            BPF MP+loop
            { 0:r1=x; 0:r2=y; 1:r1=x; 1:r2=y; }
             P0                                 | P1                                  ;
             *(u32 *)(r1 + 0) = 1               | L:                                  ;
             %s                                 | r3 = %s                             ;
                                                | if r3 == 0 goto L                   ;
                                                | r4 = *(u32 *)(r1 + 0)               ;
            %s
            """;

    @Test
    void spinLoopWithReleaseAcquireForbidsStaleData() {
        Result r = check(MP_LOOP.formatted("store_release((u32 *)(r2 + 0), 1)", "load_acquire((u32 *)(r2 + 0))", "exists (1:r4=0)"));
        assertEquals(Verdict.FORBIDDEN, r.verdict());
        assertEquals(Map.of("1:r4=1;", 3L), r.states(), "up to two retries of the loop, each seeing x=1");
    }

    @Test
    void spinLoopWithPlainAccessesAllowsStaleData() {
        Result r = check(MP_LOOP.formatted("*(u32 *)(r2 + 0) = 1", "*(u32 *)(r2 + 0)", "exists (1:r4=0)"));
        assertEquals(Verdict.ALLOWED, r.verdict());
    }

    @Test
    void loopsAreCutAtTheUnrollBound() {
        String text = MP_LOOP.formatted("store_release((u32 *)(r2 + 0), 1)", "load_acquire((u32 *)(r2 + 0))", "exists (1:r4=1)");
        Litmus t = LitmusParser.parse("t.litmus", text);
        assertEquals(1, Checker.check(t, 0).positive());
        assertEquals(4, Checker.check(t, 3).positive());
    }

    @Test
    void forallIsRequiredOnlyWhenEveryExecutionSatisfiesIt() {
        String loop = MP_LOOP.formatted("store_release((u32 *)(r2 + 0), 1)", "load_acquire((u32 *)(r2 + 0))", "forall (1:r3=1 /\\ y=1)");
        assertEquals(Verdict.REQUIRED, check(loop).verdict());
        String plain = MP_LOOP.formatted("*(u32 *)(r2 + 0) = 1", "*(u32 *)(r2 + 0)", "forall (1:r4=1)");
        Result r = check(plain);
        assertEquals(Verdict.ALLOWED, r.verdict());
        assertTrue(r.positive() > 0 && r.negative() > 0);
    }

    static final String SB = """
            BPF SB
            { 0:r1=x; 0:r2=y; 1:r1=x; 1:r2=y; 0:r5=t; 1:r5=t; }
             P0                                         | P1                                         ;
             *(u32 *)(r1 + 0) = 1                       | *(u32 *)(r2 + 0) = 1                       ;
             %s                                         | %s                                         ;
             r3 = *(u32 *)(r2 + 0)                      | r3 = *(u32 *)(r1 + 0)                      ;
            %s (0:r3=0 /\\ 1:r3=0)
            """;

    @Test
    void notExistsTakesTheVerdictOfItsProposition() {
        String fence = "r6 = atomic_fetch_add((u64 *)(r5 + 0), r6)";
        Result ordered = check(SB.formatted(fence, fence, "~exists"));
        assertEquals(Verdict.FORBIDDEN, ordered.verdict());
        assertTrue(ordered.validated());
        Result plain = check(SB.formatted("r7 = 0", "r7 = 0", "~exists"));
        assertEquals(Verdict.ALLOWED, plain.verdict());
        assertTrue(!plain.validated());
        assertTrue(plain.format("~exists (...)").contains("\nNo\n"));
    }

    @Test
    void relaxedAtomicsWithoutFetchDoNotOrder() {
        String lock = "lock *(u64 *)(r5 + 0) += r6";
        assertEquals(Verdict.ALLOWED, check(SB.formatted(lock, lock, "exists")).verdict());
        String xchg = "r6 = xchg_64(r5 + 0, r6)";
        assertEquals(Verdict.FORBIDDEN, check(SB.formatted(xchg, xchg, "exists")).verdict());
    }

    @Test
    void narrowStoresTruncateAndOffsetsAreLocationsOfTheirOwn() {
        Result r = check("""
                BPF Widths
                { 0:r1=x; 0:r2=0x1ff; }
                 P0                       ;
                 *(u8 *)(r1 + 0) = r2     ;
                 r3 = *(u32 *)(r1 + 0)    ;
                 *(u32 *)(r1 + 8) = 7     ;
                 r4 = *(u16 *)(r1 + 8)    ;
                 r5 = *(u64 *)(r1 + 16)   ;
                 r0 = 5                   ;
                 r6 = cmpxchg32_32(r1 + 0, r0, r2) ;
                exists (0:r3=255 /\\ 0:r4=7 /\\ 0:r5=0 /\\ 0:r0=255 /\\ x=255)
                """);
        assertEquals(Verdict.ALLOWED, r.verdict());
        assertEquals(0, r.negative());
    }

    @Test
    void successfulCmpxchgWritesAndFailedOneOnlyReads() {
        Result r = check("""
                BPF Cas
                { 0:r1=x; 0:r2=7; 1:r1=x; 1:r2=9; }
                 P0                                | P1                                ;
                 r0 = cmpxchg_64(r1 + 0, r0, r2)   | r0 = cmpxchg_64(r1 + 0, r0, r2)   ;
                locations [0:r0; 1:r0]
                exists (x=7 \\/ x=9)
                """);
        // exactly one of the two succeeds (both compare with 0): the other sees its value
        assertEquals(Map.of("0:r0=0; 1:r0=7; x=7;", 1L, "0:r0=9; 1:r0=0; x=9;", 1L), r.states());
        assertEquals(Verdict.ALLOWED, r.verdict());
    }
}
