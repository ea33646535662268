package org.crosscheck.coordinator.cluster;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's cluster port, in front of Artery TCP (which listens on a loopback port of its own):
 * passes on connections that speak Artery's framing (a magic of {@code tcp-magic}, a stream id, frames
 * of at most the maximum frame size) and closes any other, with one WARN line naming the peer, at most
 * one per peer host a minute (with the count of those not logged). Artery itself drops garbage and HTTP
 * without a word (at DEBUG) and takes a frame header announcing 2 GB as a frame to wait for, then
 * logs a WARN for each of the empty messages it decodes from it, tens of thousands a second. (Pekko has
 * no setting for either: {@code log-frame-size-exceeding} is about messages this node sends.) For the
 * plain TCP transport, the one {@link Node} configures.
 */
public final class ClusterPortGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPortGuard.class);
    static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final ServerSocket server;
    private final List<byte[]> magics = new ArrayList<>();
    private final long maxFrame;
    private final Map<InetAddress, long[]> warned = new ConcurrentHashMap<>(); // host -> {last warning, suppressed since}
    private volatile InetSocketAddress target;

    private ClusterPortGuard(ServerSocket server, Config pekko) {
        this.server = server;
        for (String m : pekko.getStringList("pekko.remote.artery.advanced.tcp-magic")) {
            magics.add(Arrays.copyOf(m.getBytes(StandardCharsets.UTF_8), 4));
        }
        this.maxFrame = Math.max(pekko.getBytes("pekko.remote.artery.advanced.maximum-frame-size"),
                pekko.getBytes("pekko.remote.artery.advanced.maximum-large-frame-size"));
    }

    /** Listens on {@code bind} now (so that a port taken is an error at once); passes nothing on before {@link #forwardTo}. */
    static ClusterPortGuard listen(InetSocketAddress bind, Config pekko) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(bind, 512);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new ClusterPortGuard(s, pekko);
    }

    /** The port it listens on. */
    int port() {
        return server.getLocalPort();
    }

    private String where() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Starts passing connections on to Artery's own listener. */
    void forwardTo(InetSocketAddress artery) {
        this.target = artery;
        Thread.ofVirtual().name("cluster-port-guard").start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket peer = server.accept();
                Thread.ofVirtual().name("cluster-port-guard-conn").start(() -> serve(peer));
            } catch (IOException e) {
                if (!server.isClosed()) LOG.warn("cluster port {}: accept failed: {}", where(), e.toString());
            }
        }
    }

    private void serve(Socket peer) {
        try (peer; Socket artery = new Socket()) {
            peer.setTcpNoDelay(true);
            artery.setTcpNoDelay(true);
            artery.connect(target);
            Thread back = Thread.ofVirtual().start(() -> pump(artery, peer));
            String problem = check(peer.getInputStream(), artery.getOutputStream());
            if (problem != null) warn((InetSocketAddress) peer.getRemoteSocketAddress(), problem);
            peer.close();
            artery.close();
            back.join();
        } catch (IOException | InterruptedException e) {
            // the peer or Artery went away: nothing to say
        }
    }

    /** Artery sends nothing back on an inbound connection; passed on all the same. */
    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException closed) {
            // either side closed
        }
    }

    /**
     * Passes the peer's bytes on while they are Artery's framing; returns what is wrong with them
     * (the bytes of that read are not passed on), or null when the peer closed cleanly.
     */
    String check(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        byte[] header = new byte[5]; // magic and stream id, then a frame's 4 length bytes
        int have = 0;
        boolean started = false;
        long skip = 0; // bytes of the current frame still to come
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n;) {
                if (skip > 0) {
                    int k = (int) Math.min(skip, n - i);
                    skip -= k;
                    i += k;
                    continue;
                }
                header[have++] = buf[i++];
                if (!started && have == 5) {
                    byte[] magic = Arrays.copyOf(header, 4);
                    if (magics.stream().noneMatch(m -> Arrays.equals(m, magic))) {
                        return "not Artery's magic bytes at the start (" + quote(buf, n) + ")";
                    }
                    if (header[4] < 1 || header[4] > 3) return "unknown Artery stream id " + header[4];
                    started = true;
                    have = 0;
                } else if (started && have == 4) {
                    long len = (header[0] & 0xffL) | (header[1] & 0xffL) << 8 | (header[2] & 0xffL) << 16 | (header[3] & 0xffL) << 24;
                    if (len == 0 || len > maxFrame) return "a frame of " + len + " bytes (at most " + maxFrame + ")";
                    skip = len;
                    have = 0;
                }
            }
            out.write(buf, 0, n);
            out.flush();
        }
        return !started && have > 0 ? "closed after " + have + " bytes (" + quote(buf, have) + ")" : null;
    }

    /** The first bytes as text when they are printable (an HTTP request), else in hex. */
    private static String quote(byte[] b, int n) {
        int k = Math.min(n, 16);
        String s = new String(b, 0, k, StandardCharsets.ISO_8859_1);
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\r' || c == '\n')
                ? "'" + s.replace("\r", "\\r").replace("\n", "\\n") + "'"
                : HexFormat.ofDelimiter(" ").formatHex(b, 0, k);
    }

    /** One WARN line per peer host a minute; the next says how many were not logged. */
    private void warn(InetSocketAddress peer, String problem) {
        long now = System.nanoTime();
        long[] w = warned.computeIfAbsent(peer.getAddress(), a -> new long[] {now - WARN_EVERY_NANOS, 0});
        long suppressed;
        synchronized (w) {
            if (now - w[0] < WARN_EVERY_NANOS) {
                w[1]++;
                return;
            }
            w[0] = now;
            suppressed = w[1];
            w[1] = 0;
        }
        LOG.warn("cluster port {}: connection from {} closed: {}{}", where(), peer.getHostString() + ":" + peer.getPort(), problem,
                suppressed > 0 ? " (" + suppressed + " more from " + peer.getHostString() + " not logged in the last minute)" : "");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
