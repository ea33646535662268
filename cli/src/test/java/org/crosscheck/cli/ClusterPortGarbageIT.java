package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator said nothing when HTTP or random bytes came to its cluster port, and a frame
 * header announcing 2 GB made it log tens of thousands of WARN lines a second. Now such a connection
 * is closed with one WARN line naming the peer (one per peer a minute, not one per connection or
 * frame), and the coordinator goes on serving a real worker.
 */
class ClusterPortGarbageIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Jvms jvms = new Jvms();

    /** Sends bytes on a connection of its own; returns the connection's local port (the peer the coordinator sees). */
    static int send(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            Thread.sleep(300);
            return s.getLocalPort();
        }
    }

    @Test
    void garbageOnTheClusterPortIsOneWarningAndTheCampaignGoesOn() throws Exception {
        int port = ClusterIT.freePort();
        Process coordinator = jvms.coordinator("coordinator", port, tmp.resolve("work"), "--programs", "3000");
        jvms.await("coordinator", coordinator, "coordinator: start workers");

        int first = send(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        send(port, random);
        send(port, new byte[] {'A', 'K', 'K', 'A', 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}); // a frame of 2 GB
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!jvms.log("coordinator").contains("127.0.0.1:" + first)) {
            assertTrue(System.nanoTime() < deadline, "no warning naming the peer: " + jvms.log("coordinator"));
            Thread.sleep(50);
        }

        Process worker = jvms.worker("worker", port);
        assertTrue(coordinator.waitFor(90, TimeUnit.SECONDS), "the campaign did not finish: " + jvms.log("coordinator"));
        assertEquals(0, coordinator.exitValue(), jvms.log("coordinator"));
        assertTrue(worker.waitFor(30, TimeUnit.SECONDS) && worker.exitValue() == 0, jvms.log("worker"));
        String log = jvms.log("coordinator");
        assertTrue(log.contains("coordinator: 3,000 programs"), log);
        List<String> warnings = log.lines().filter(l -> l.contains(" WARN ") && l.contains("cluster port 127.0.0.1:" + port)).toList();
        assertEquals(1, warnings.size(), "one warning for the three connections: " + log);
        assertTrue(log.lines().filter(l -> l.contains(" WARN ")).count() <= 3, "no flood of warnings: " + log.length() + " characters logged");
        assertTrue(warnings.get(0).contains("connection from 127.0.0.1:" + first + " closed: not Artery's magic bytes at the start ('GET / HTTP/1.1\\r\\n')"),
                warnings.get(0));
    }
}
