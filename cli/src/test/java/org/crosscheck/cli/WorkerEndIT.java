package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers joined again forever once their coordinator had finished, or when there was none. Now the
 * coordinator of a finished campaign stays until every worker of its cluster has been told (bounded),
 * and a worker exits 0 saying so; a worker that hears nothing from a coordinator for --give-up-after
 * exits 1 with one line naming it.
 */
class WorkerEndIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Jvms jvms = new Jvms();

    @Test
    void aWorkerExitsWhenTheCampaignIsOver() throws Exception {
        int port = ClusterIT.freePort();
        Process coordinator = jvms.coordinator("coordinator", port, tmp.resolve("work"), "--duration", "10s");
        jvms.await("coordinator", coordinator, "coordinator: start workers");
        Process worker = jvms.worker("worker", port);
        assertTrue(coordinator.waitFor(60, TimeUnit.SECONDS), "the coordinator did not end: " + jvms.log("coordinator"));
        assertEquals(0, coordinator.exitValue(), jvms.log("coordinator"));
        assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker goes on after the campaign: " + jvms.log("worker"));
        assertEquals(0, worker.exitValue(), jvms.log("worker"));
        assertTrue(jvms.log("worker").contains("worker: the campaign is over\n"), jvms.log("worker"));
    }

    @Test
    void aWorkerGivesUpOnACoordinatorThatIsNotThere() throws Exception {
        int port = ClusterIT.freePort();
        Process worker = jvms.worker("worker", port, "--give-up-after", "5s");
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker did not give up: " + jvms.log("worker"));
        assertEquals(1, worker.exitValue(), jvms.log("worker"));
        assertEquals(1, jvms.log("worker").lines().filter(l -> l.equals("crosscheck: coordinator 127.0.0.1:" + port + " unreachable for 5s")).count(),
                jvms.log("worker"));
    }
}
