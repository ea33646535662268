package org.crosscheck.runtime.executor;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.crosscheck.proto.ExecutorMessage;
import org.crosscheck.proto.ExecutorRun;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.OutcomeMessages;

/**
 * The executor protocol between the parent ({@link ExecutorRuntime}) and its child
 * ({@link ExecutorMain}) over the child's stdin/stdout: length-delimited protobuf. A frame is a
 * 4-byte big-endian payload length (at most {@link #MAX_FRAME}) and an {@code ExecutorMessage}
 * (proto/…/executor.proto): the child's {@code hello} once at start ("" when it can run
 * programs), then one {@code run} from the parent and one {@code outcome} from the child per program.
 * A fixed-size length (not protobuf's varint) makes garbage on the pipe — a JVM crash report, say —
 * fail fast as a bad frame length.
 */
public final class Framing {
    private Framing() {}

    public static final int MAX_FRAME = 64 << 20;

    /** A run request as the child receives it. */
    public record Run(byte[] program, byte[] memory, Limits limits) {}

    /** Broken framing: garbage, a truncated frame, an unexpected message. */
    public static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    public static void writeHello(OutputStream out, String unavailable) throws IOException {
        write(out, ExecutorMessage.newBuilder().setHello(unavailable == null ? "" : unavailable).build());
    }

    /** The child's availability: "" when it can run programs, else why not. */
    public static String readHello(InputStream in) throws IOException {
        return expect(read(in), ExecutorMessage.KindCase.HELLO).getHello();
    }

    public static void writeRun(OutputStream out, byte[] program, byte[] memory, Limits limits) throws IOException {
        write(out, ExecutorMessage.newBuilder().setRun(ExecutorRun.newBuilder().setProgram(ByteString.copyFrom(program))
                .setMemory(ByteString.copyFrom(memory)).setBudget(limits.instructionBudget())
                .setWallClockMillis(limits.wallClockMillis())).build());
    }

    /** The next request, or null at end of input (the parent closed the pipe). */
    public static Run readRun(InputStream in) throws IOException {
        ExecutorMessage m = readOrEnd(in);
        if (m == null) return null;
        ExecutorRun r = expect(m, ExecutorMessage.KindCase.RUN).getRun();
        try {
            return new Run(r.getProgram().toByteArray(), r.getMemory().toByteArray(), new Limits(r.getBudget(), r.getWallClockMillis()));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage());
        }
    }

    public static void writeOutcome(OutputStream out, Outcome o) throws IOException {
        write(out, ExecutorMessage.newBuilder().setOutcome(OutcomeMessages.toMessage(o)).build());
    }

    public static Outcome readOutcome(InputStream in) throws IOException {
        ExecutorMessage m = expect(read(in), ExecutorMessage.KindCase.OUTCOME);
        try {
            return OutcomeMessages.fromMessage(m.getOutcome());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad outcome: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------ frames

    private static void write(OutputStream out, ExecutorMessage m) throws IOException {
        byte[] body = m.toByteArray();
        int n = body.length;
        byte[] frame = new byte[4 + n];
        frame[0] = (byte) (n >>> 24);
        frame[1] = (byte) (n >>> 16);
        frame[2] = (byte) (n >>> 8);
        frame[3] = (byte) n;
        System.arraycopy(body, 0, frame, 4, n);
        out.write(frame);
        out.flush();
    }

    private static ExecutorMessage read(InputStream in) throws IOException {
        ExecutorMessage m = readOrEnd(in);
        if (m == null) throw new EOFException("executor closed its output");
        return m;
    }

    private static ExecutorMessage readOrEnd(InputStream in) throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length == 0) return null;
        if (len.length < 4) throw new ProtocolException("truncated frame length");
        int n = (len[0] & 0xff) << 24 | (len[1] & 0xff) << 16 | (len[2] & 0xff) << 8 | (len[3] & 0xff);
        if (n < 0 || n > MAX_FRAME) throw new ProtocolException("bad frame length " + Integer.toUnsignedString(n));
        byte[] body = in.readNBytes(n);
        if (body.length < n) throw new ProtocolException("truncated frame (" + body.length + " of " + n + " bytes)");
        try {
            return ExecutorMessage.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException("not an executor message: " + e.getMessage());
        }
    }

    private static ExecutorMessage expect(ExecutorMessage m, ExecutorMessage.KindCase kind) throws ProtocolException {
        if (m.getKindCase() != kind) throw new ProtocolException("expected " + kind + ", got " + m.getKindCase());
        return m;
    }
}
