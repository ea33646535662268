package org.crosscheck.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.crosscheck.coordinator.findings.AtomicFiles;
import org.crosscheck.coordinator.metrics.MetricsServer;
import picocli.CommandLine.Option;

/** Options of a cluster node: where it listens, how others reach it, the cluster secret. */
final class ClusterOptions {
    static final String SECRET_ENV = "CROSSCHECK_SECRET";

    @Option(names = "--advertise", paramLabel = "HOST", description = "The host name or address other nodes use to reach this one (default: the --bind host); needed when binding 0.0.0.0.")
    String advertise;

    @Option(names = "--secret", paramLabel = "TOKEN", description = "The cluster secret (default: $" + SECRET_ENV + "; a coordinator without one uses WORKDIR/secret, made on first start).")
    String secret;

    static InetSocketAddress address(String option, String hostPort) {
        try {
            InetSocketAddress a = MetricsServer.parse(hostPort);
            if (a.isUnresolved()) throw new IllegalArgumentException("unknown host '" + a.getHostString() + "'");
            if (a.getPort() < 0 || a.getPort() > 65535) throw new IllegalArgumentException("port out of range");
            return a;
        } catch (IllegalArgumentException e) {
            throw new UserError(option + " " + hostPort + ": " + e.getMessage());
        }
    }

    /** The secret given (option, then environment), or null. */
    String given() {
        if (secret != null && !secret.isBlank()) return secret.strip();
        String env = System.getenv(SECRET_ENV);
        return env != null && !env.isBlank() ? env.strip() : null;
    }

    /** The coordinator's secret: given, or the workdir's (made once, readable by its owner only). */
    String coordinatorSecret(Path workdir) {
        String s = given();
        if (s != null) return s;
        Path f = workdir.resolve("secret");
        try {
            if (Files.isRegularFile(f)) return Files.readString(f).strip();
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            String made = HexFormat.of().formatHex(b);
            AtomicFiles.write(f, made + "\n");
            try {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort
            }
            return made;
        } catch (IOException e) {
            throw new UserError(f + ": cannot read or write the cluster secret: " + e.getMessage());
        }
    }
}
