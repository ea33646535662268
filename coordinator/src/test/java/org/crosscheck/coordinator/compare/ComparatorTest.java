package org.crosscheck.coordinator.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;

class ComparatorTest {
    private static Outcome returned(long r0, int... memory) {
        byte[] m = new byte[memory.length];
        for (int k = 0; k < m.length; k++) m[k] = (byte) memory[k];
        return new Outcome.Returned(r0, m);
    }

    /**
     * Runtimes that agree with each other share a divergence (likely one cause); runtimes that differ
     * from the reference and from each other get one each, so each is minimized and titled alone: a
     * DPDK campaign titled programs with DPDK's interpreter wrong on le16 and its JIT wrong on a shift
     * `[base64 lsh,xor,le16]` under both runtimes.
     */
    @Test
    void runtimesThatDisagreeWithEachOtherDivergeSeparately() {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("interp", returned(1, 0));
        outcomes.put("dpdk-interp", returned(2, 0));
        outcomes.put("dpdk-jit", returned(3, 0));
        outcomes.put("kernel", returned(2, 0));
        outcomes.put("jit", returned(1, 0));
        outcomes.put("plugin:x", returned(1, 7));
        outcomes.put("plugin:y", returned(1, 8));
        List<String> signatures = Comparator.compare("interp", outcomes).stream().map(Divergence::signature).toList();
        assertEquals(List.of("r0 mismatch: dpdk-interp,kernel vs interp", "r0 mismatch: dpdk-jit vs interp",
                "memory mismatch: plugin:x vs interp", "memory mismatch: plugin:y vs interp"), signatures);
    }

    /** Kinds and details still part them, and runtimes that fail alike still share one. */
    @Test
    void failuresGroupByKindAndDetail() {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        outcomes.put("interp", returned(1));
        outcomes.put("a", new Outcome.Crashed("SIGSEGV"));
        outcomes.put("b", new Outcome.Crashed("SIGFPE"));
        outcomes.put("c", returned(1));
        List<String> signatures = Comparator.compare("interp", outcomes).stream().map(Divergence::signature).toList();
        assertEquals(List.of("crash: a,b vs interp"), signatures);
    }
}
