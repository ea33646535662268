package org.crosscheck.runtime;

import com.google.protobuf.ByteString;

/** {@link Outcome} to and from its protobuf message (executor protocol, cluster messages): the one conversion. */
public final class OutcomeMessages {
    private OutcomeMessages() {}

    public static org.crosscheck.proto.Outcome toMessage(Outcome o) {
        var b = org.crosscheck.proto.Outcome.newBuilder();
        switch (o) {
            case Outcome.Returned r -> b.setReturned(org.crosscheck.proto.Outcome.Returned.newBuilder().setR0(r.r0())
                    .setMemory(ByteString.copyFrom(r.memory())).setR0Bits(r.r0Bits() == 64 ? 0 : r.r0Bits()));
            case Outcome.Trapped t -> b.setTrapped(org.crosscheck.proto.Outcome.Trapped.newBuilder().setKind(t.kind().name()).setPc(t.pc())
                    .setDetail(nonNull(t.detail())));
            case Outcome.Rejected r -> b.setRejected(org.crosscheck.proto.Outcome.Rejected.newBuilder().setStage(r.stage().name())
                    .setKind(r.kind().name()).setReason(nonNull(r.reason())).setLog(nonNull(r.log())));
            case Outcome.Crashed c -> b.setCrashed(nonNull(c.detail()));
            case Outcome.TimedOut t -> b.setTimedOut(t.millis());
            case Outcome.Unsupported u -> b.setUnsupported(nonNull(u.what()));
        }
        return b.build();
    }

    /** The outcome of a message; IllegalArgumentException when it names no kind or an unknown enum value. */
    public static Outcome fromMessage(org.crosscheck.proto.Outcome o) {
        return switch (o.getKindCase()) {
            case RETURNED -> new Outcome.Returned(o.getReturned().getR0(), o.getReturned().getMemory().toByteArray(),
                    o.getReturned().getR0Bits() == 0 ? 64 : o.getReturned().getR0Bits());
            case TRAPPED -> new Outcome.Trapped(Outcome.TrapKind.valueOf(o.getTrapped().getKind()), o.getTrapped().getPc(), o.getTrapped().getDetail());
            case REJECTED -> new Outcome.Rejected(Outcome.Stage.valueOf(o.getRejected().getStage()),
                    Outcome.RejectKind.valueOf(o.getRejected().getKind()), o.getRejected().getReason(), o.getRejected().getLog());
            case CRASHED -> new Outcome.Crashed(o.getCrashed());
            case TIMED_OUT -> new Outcome.TimedOut(o.getTimedOut());
            case UNSUPPORTED -> new Outcome.Unsupported(o.getUnsupported());
            case KIND_NOT_SET -> throw new IllegalArgumentException("an outcome without a kind in a message");
        };
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
