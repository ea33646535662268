package org.crosscheck.coordinator.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sightings of findings: counted once per case, and a week of them fits in memory. */
class FindingStoreTest {
    private static final String TITLE = "r0 mismatch: kernel vs interp [atomic32 cmpxchg32]";

    private static FindingStore.Report sighting(String caseId) throws Exception {
        Program p = Assembler.assemble("mov %r0, 1\nexit");
        return new FindingStore.Report(TITLE, "r0", List.of("kernel"), "interp", "atomic32", p, new byte[0], p, new byte[0],
                Map.of("interp", new Outcome.Returned(1, new byte[0])), caseId, 1, 0, 1, true);
    }

    @Test
    void aCaseCountsOnceAndOnlyTheLatestCasesAreKept(@TempDir Path workdir) throws Exception {
        FindingStore store = new FindingStore(workdir);
        assertFalse(store.has(TITLE));
        assertTrue(store.record(sighting("1:0")), "the first sighting is a new finding");
        assertTrue(store.has(TITLE));
        int n = 12_000;
        for (int i = 1; i < n; i++) assertFalse(store.record(sighting("1:" + i)));
        store.record(sighting("1:" + (n - 1))); // a recent case seen again (its batch ran twice): not counted
        store.flush();
        FindingStore.Summary s = store.list().getFirst();
        assertEquals(n, s.count());
        List<String> cases = Files.readAllLines(store.root().resolve(s.id()).resolve("cases"));
        assertEquals(10_000, cases.size(), "cases kept");
        assertEquals("1:" + (n - 1), cases.getLast());
        // the memory holds what the file holds: a case older than the latest 10,000 counts again
        store.record(sighting("1:0"));
        store.flush();
        assertEquals(n + 1, store.list().getFirst().count());
    }
}
