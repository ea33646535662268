package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases, duplicates, heterogeneous workers and persistence of the coordinator's batch queue. */
class BatchQueueTest {
    @TempDir
    Path work;

    static final List<String> RTS = List.of("interp", "kernel", "dpdk");
    static final Set<String> ALL = Set.copyOf(RTS);

    BatchQueue queue(CampaignState st, long limit) {
        return new BatchQueue(st, RTS, 10, limit, 1_000);
    }

    @Test
    void boundedCampaignCountsEveryProgramOnceDespiteDuplicates() throws Exception {
        CampaignState st = CampaignState.open(work, 3L);
        BatchQueue q = queue(st, 25);
        BatchQueue.Lease a = q.next("w1", ALL, 0), b = q.next("w1", ALL, 0), c = q.next("w2", ALL, 0);
        assertEquals(List.of(0L, 10L, 20L), List.of(a.start(), b.start(), c.start()));
        assertEquals(25, c.end(), "the last batch stops at the limit");
        assertNull(q.next("w2", ALL, 0), "nothing past the limit");
        assertEquals(BatchQueue.Result.COUNTED, q.complete(b.start(), b.end(), b.runtimes(), 10, 1));
        assertEquals(BatchQueue.Result.DUPLICATE, q.complete(b.start(), b.end(), b.runtimes(), 10, 1), "a result twice");
        assertEquals(BatchQueue.Result.DUPLICATE, q.complete(a.start(), 999, a.runtimes(), 10, 1), "another range");
        q.complete(a.start(), a.end(), a.runtimes(), 10, 0);
        q.complete(c.start(), c.end(), c.runtimes(), 5, 2);
        assertTrue(q.finished());
        assertEquals(25, st.programs());
        assertEquals(3, st.divergences());
        assertEquals(25, st.watermark());
    }

    @Test
    void expiredLeaseReturnsToTheQueueAndTheLateResultCountsOnce() throws Exception {
        CampaignState st = CampaignState.open(work, 3L);
        BatchQueue q = queue(st, 10);
        BatchQueue.Lease a = q.next("slow", ALL, 0);
        assertNull(q.next("fast", ALL, 500), "leased, nothing else to do");
        assertEquals(1, q.expire(2_000));
        BatchQueue.Lease again = q.next("fast", ALL, 2_000);
        assertEquals(a.start(), again.start());
        assertEquals(BatchQueue.Result.COUNTED, q.complete(a.start(), a.end(), a.runtimes(), 10, 0)); // the slow one after all
        assertEquals(BatchQueue.Result.DUPLICATE, q.complete(again.start(), again.end(), again.runtimes(), 10, 0));
        assertEquals(10, st.programs());
        assertTrue(q.finished());
    }

    @Test
    void releasedWorkerGivesItsPartsBack() throws Exception {
        BatchQueue q = queue(CampaignState.open(work, 3L), 10);
        q.next("gone", ALL, 0);
        assertEquals(1, q.inFlight());
        assertEquals(1, q.release("gone"));
        assertEquals(0, q.inFlight());
        assertNotNull(q.next("other", ALL, 0));
    }

    @Test
    void heterogeneousWorkersSplitABatchAndGetOnlyWhatTheyCanRun() throws Exception {
        CampaignState st = CampaignState.open(work, 3L);
        BatchQueue q = queue(st, 10);
        assertNull(q.next("no-reference", Set.of("kernel", "dpdk"), 0));
        assertNull(q.next("only-reference", Set.of("interp"), 0));
        BatchQueue.Lease k = q.next("kernel-box", Set.of("interp", "kernel"), 0);
        assertEquals(List.of("interp", "kernel"), k.runtimes());
        BatchQueue.Lease d = q.next("dpdk-box", Set.of("interp", "kernel", "dpdk"), 0);
        assertEquals(k.start(), d.start(), "the rest of the same batch");
        assertEquals(List.of("interp", "dpdk"), d.runtimes());
        assertEquals(BatchQueue.Result.COUNTED, q.complete(k.start(), k.end(), k.runtimes(), 10, 1));
        assertEquals(0, st.programs(), "not done before every runtime ran it");
        assertEquals(BatchQueue.Result.PART, q.complete(d.start(), d.end(), d.runtimes(), 10, 2));
        assertEquals(10, st.programs(), "programs count once per batch");
        assertEquals(3, st.divergences());
    }

    @Test
    void resumedStateSkipsBatchesDoneAboveTheWatermark() throws Exception {
        CampaignState st = CampaignState.open(work, 3L);
        BatchQueue q = queue(st, 40);
        BatchQueue.Lease a = q.next("w", ALL, 0), b = q.next("w", ALL, 0);
        q.complete(b.start(), b.end(), b.runtimes(), 10, 4);
        st.save();
        CampaignState again = CampaignState.open(work, null);
        assertEquals(0, again.watermark());
        assertEquals(10, again.programs());
        BatchQueue q2 = queue(again, 40);
        List<Long> starts = new java.util.ArrayList<>();
        for (BatchQueue.Lease l; (l = q2.next("w", ALL, 0)) != null;) {
            starts.add(l.start());
            q2.complete(l.start(), l.end(), l.runtimes(), l.end() - l.start(), 0);
        }
        assertEquals(List.of(a.start(), 20L, 30L), starts, "batch 10 was done before the restart");
        assertEquals(40, again.programs());
        assertEquals(4, again.divergences());
        assertTrue(q2.finished());
    }

    /** Executions count once per batch, as programs, survive a restart, and a state written before them reads as one per program. */
    @Test
    void executionsAreDurableAndOldStatesRead() throws Exception {
        CampaignState st = CampaignState.open(work, 3L);
        BatchQueue q = queue(st, 20);
        BatchQueue.Lease a = q.next("w", ALL, 0), b = q.next("w", ALL, 0);
        q.complete(a.start(), a.end(), a.runtimes(), 10, 73, 0);
        q.complete(b.start(), b.end(), b.runtimes(), 10, 41, 1);
        st.save();
        assertEquals(114, CampaignState.open(work, 3L).executions());
        assertTrue(java.nio.file.Files.readString(work.resolve("campaign.properties")).contains("executions=114"));
        java.nio.file.Files.writeString(work.resolve("campaign.properties"),
                "seed=3\nkind=programs\nwatermark=10\nprograms=10\ndivergences=0\ndone_above=20:30:10:2\n");
        CampaignState old = CampaignState.open(work, 3L);
        assertEquals(20, old.programs());
        assertEquals(20, old.executions());
    }
}
