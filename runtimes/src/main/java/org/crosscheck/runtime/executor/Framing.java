package org.crosscheck.runtime.executor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;

/**
 * The executor protocol between the parent ({@link ExecutorRuntime}) and its child
 * ({@link ExecutorMain}) over the child's stdin/stdout: the one place that knows the bytes, so that
 * protobuf messages can replace it later by changing only this class.
 *
 * <p>A frame is a 4-byte big-endian payload length (at most {@link #MAX_FRAME}) and the payload.
 * The payload's first byte is its type; integers are big-endian, {@code bytes} and {@code string}
 * (UTF-8) are a 4-byte length and the bytes, enums are their names as strings:
 * <ul>
 *   <li>{@code 'H' string unavailable} child to parent, once at start ("" when the runtime can run);</li>
 *   <li>{@code 'R' bytes program, bytes memory, long budget, long wallClockMillis} parent to child;</li>
 *   <li>{@code 'O' outcome} child to parent, one per 'R': a tag byte then the record's fields:
 *       {@code 'r' long r0, bytes memory} | {@code 't' string kind, int pc, string detail} |
 *       {@code 'j' string stage, string kind, string reason, string log} | {@code 'c' string detail} |
 *       {@code 'o' long millis} | {@code 'u' string what}.</li>
 * </ul>
 */
public final class Framing {
    private Framing() {}

    public static final int MAX_FRAME = 64 << 20;

    /** A run request as the child receives it. */
    public record Run(byte[] program, byte[] memory, Limits limits) {}

    /** Broken framing: garbage, a truncated frame, an unknown type. */
    public static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    public static void writeHello(OutputStream out, String unavailable) throws IOException {
        frame(out, d -> {
            d.writeByte('H');
            string(d, unavailable);
        });
    }

    /** The child's availability: "" when it can run programs, else why not. */
    public static String readHello(InputStream in) throws IOException {
        DataInputStream d = payload(in, 'H');
        return string(d);
    }

    public static void writeRun(OutputStream out, byte[] program, byte[] memory, Limits limits) throws IOException {
        frame(out, d -> {
            d.writeByte('R');
            bytes(d, program);
            bytes(d, memory);
            d.writeLong(limits.instructionBudget());
            d.writeLong(limits.wallClockMillis());
        });
    }

    /** The next request, or null at end of input (the parent closed the pipe). */
    public static Run readRun(InputStream in) throws IOException {
        DataInputStream d = payloadOrEnd(in, 'R');
        if (d == null) return null;
        byte[] program = bytes(d), memory = bytes(d);
        long budget = d.readLong(), wall = d.readLong();
        try {
            return new Run(program, memory, new Limits(budget, wall));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage());
        }
    }

    public static void writeOutcome(OutputStream out, Outcome o) throws IOException {
        frame(out, d -> {
            d.writeByte('O');
            switch (o) {
                case Outcome.Returned r -> {
                    d.writeByte('r');
                    d.writeLong(r.r0());
                    bytes(d, r.memory());
                }
                case Outcome.Trapped t -> {
                    d.writeByte('t');
                    string(d, t.kind().name());
                    d.writeInt(t.pc());
                    string(d, t.detail());
                }
                case Outcome.Rejected j -> {
                    d.writeByte('j');
                    string(d, j.stage().name());
                    string(d, j.kind().name());
                    string(d, j.reason());
                    string(d, j.log());
                }
                case Outcome.Crashed c -> {
                    d.writeByte('c');
                    string(d, c.detail());
                }
                case Outcome.TimedOut t -> {
                    d.writeByte('o');
                    d.writeLong(t.millis());
                }
                case Outcome.Unsupported u -> {
                    d.writeByte('u');
                    string(d, u.what());
                }
            }
        });
    }

    public static Outcome readOutcome(InputStream in) throws IOException {
        DataInputStream d = payload(in, 'O');
        int tag = d.readByte();
        try {
            return switch (tag) {
                case 'r' -> new Outcome.Returned(d.readLong(), bytes(d));
                case 't' -> new Outcome.Trapped(Outcome.TrapKind.valueOf(string(d)), d.readInt(), string(d));
                case 'j' -> new Outcome.Rejected(Outcome.Stage.valueOf(string(d)), Outcome.RejectKind.valueOf(string(d)), string(d), string(d));
                case 'c' -> new Outcome.Crashed(string(d));
                case 'o' -> new Outcome.TimedOut(d.readLong());
                case 'u' -> new Outcome.Unsupported(string(d));
                default -> throw new ProtocolException("unknown outcome tag " + tag);
            };
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad outcome: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------ frames and fields

    private interface Body {
        void write(DataOutputStream d) throws IOException;
    }

    private static void frame(OutputStream out, Body body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        DataOutputStream d = new DataOutputStream(buf);
        d.writeInt(0); // length, patched below
        body.write(d);
        byte[] b = buf.toByteArray();
        int n = b.length - 4;
        b[0] = (byte) (n >>> 24);
        b[1] = (byte) (n >>> 16);
        b[2] = (byte) (n >>> 8);
        b[3] = (byte) n;
        out.write(b);
        out.flush();
    }

    private static DataInputStream payload(InputStream in, char type) throws IOException {
        DataInputStream d = payloadOrEnd(in, type);
        if (d == null) throw new EOFException("executor closed its output");
        return d;
    }

    private static DataInputStream payloadOrEnd(InputStream in, char type) throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length == 0) return null;
        if (len.length < 4) throw new ProtocolException("truncated frame length");
        int n = (len[0] & 0xff) << 24 | (len[1] & 0xff) << 16 | (len[2] & 0xff) << 8 | (len[3] & 0xff);
        if (n < 1 || n > MAX_FRAME) throw new ProtocolException("bad frame length " + Integer.toUnsignedString(n));
        byte[] body = in.readNBytes(n);
        if (body.length < n) throw new ProtocolException("truncated frame (" + body.length + " of " + n + " bytes)");
        if (body[0] != type) throw new ProtocolException("expected a '" + type + "' frame, got type " + (body[0] & 0xff));
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(body, 1, n - 1));
        return d;
    }

    private static void bytes(DataOutputStream d, byte[] b) throws IOException {
        d.writeInt(b.length);
        d.write(b);
    }

    private static byte[] bytes(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > d.available()) throw new ProtocolException("bad field length " + n);
        return d.readNBytes(n);
    }

    private static void string(DataOutputStream d, String s) throws IOException {
        bytes(d, (s == null ? "" : s).getBytes(StandardCharsets.UTF_8));
    }

    private static String string(DataInputStream d) throws IOException {
        return new String(bytes(d), StandardCharsets.UTF_8);
    }
}
