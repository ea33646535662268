package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second campaign on the machine stopped with 'Address already in use' on the default metrics port.
 * Now the default takes the next free port (9464, 9465, ..., then any) and prints the URL it serves on;
 * an address given explicitly that is taken stays an error naming it.
 */
class MetricsPortIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final Jvms jvms = new Jvms();

    static final Pattern URL = Pattern.compile("live view (http://127\\.0\\.0\\.1:\\d+/)");

    @Test
    void twoCampaignsWithTheDefaultMetricsPortBothRun() throws Exception {
        Process a = jvms.start("a", campaign("a", "8s"));
        jvms.await("a", a, "live view"); // it serves metrics until it ends, 8 s later
        Process b = jvms.start("b", campaign("b", "2s"));
        assertTrue(a.waitFor(60, TimeUnit.SECONDS) && b.waitFor(60, TimeUnit.SECONDS), "the campaigns did not end");
        assertEquals(0, a.exitValue(), jvms.log("a"));
        assertEquals(0, b.exitValue(), jvms.log("b"));
        assertNotEquals(url("a"), url("b"));
    }

    List<String> campaign(String name, String duration) {
        return List.of("campaign", "--runtimes", "interp,interp-mutant:sdiv-overflow", "--duration", duration, "--threads", "1",
                "--workdir", tmp.resolve(name).toString());
    }

    String url(String name) throws Exception {
        Matcher m = URL.matcher(jvms.log(name));
        assertTrue(m.find(), "no URL printed: " + jvms.log(name));
        return m.group(1);
    }

    @Test
    void anExplicitAddressThatIsTakenIsAnError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String at = "127.0.0.1:" + taken.getLocalPort();
            Cli campaign = Cli.run("campaign", "--runtimes", "interp,interp-mutant:sdiv-overflow", "--duration", "1s",
                    "--workdir", tmp.resolve("c").toString(), "--metrics", at);
            assertEquals(2, campaign.exit(), campaign.out());
            assertEquals("crosscheck: --metrics " + at + ": Address already in use (pick another port, or 'off')\n", campaign.err());
            Cli coordinator = Cli.run("coordinator", "--runtimes", "interp,interp-mutant:sdiv-overflow", "--duration", "1s",
                    "--workdir", tmp.resolve("d").toString(), "--bind", "127.0.0.1:0", "--http", at);
            assertEquals(2, coordinator.exit(), coordinator.out());
            assertEquals("crosscheck: --http " + at + ": Address already in use (pick another port, or 'off')\n", coordinator.err());
        }
    }
}
