package org.crosscheck.coordinator.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.NotSerializableException;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.crosscheck.proto.BatchResult;
import org.crosscheck.proto.Batch;
import org.crosscheck.proto.CampaignEvent;
import org.crosscheck.proto.NoWork;
import org.crosscheck.proto.Refused;
import org.crosscheck.proto.Register;
import org.crosscheck.proto.RequestWork;
import org.crosscheck.proto.ResultAck;
import org.crosscheck.proto.Welcome;

/**
 * The Pekko serializer of every crosscheck message between nodes (bound to protobuf messages in
 * {@link NodeConfig}; Java serialization is off). The manifest is the message's protobuf name, so a
 * message of another version or schema is refused by name instead of misread.
 */
public final class ProtoSerializer extends SerializerWithStringManifest {
    /** Pekko's identifier of this serializer (unique in the system; Pekko's own are below 100). */
    public static final int ID = 9669;

    private static final Map<String, Parser<? extends Message>> PARSERS = Map.of(
            Register.getDescriptor().getFullName(), Register.parser(),
            org.crosscheck.proto.Welcome.getDescriptor().getFullName(), Welcome.parser(),
            Refused.getDescriptor().getFullName(), Refused.parser(),
            RequestWork.getDescriptor().getFullName(), RequestWork.parser(),
            Batch.getDescriptor().getFullName(), Batch.parser(),
            NoWork.getDescriptor().getFullName(), NoWork.parser(),
            BatchResult.getDescriptor().getFullName(), BatchResult.parser(),
            ResultAck.getDescriptor().getFullName(), ResultAck.parser(),
            CampaignEvent.getDescriptor().getFullName(), CampaignEvent.parser());

    public ProtoSerializer(ExtendedActorSystem system) {}

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        return ((Message) o).getDescriptorForType().getFullName();
    }

    @Override
    public byte[] toBinary(Object o) {
        return ((Message) o).toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Parser<? extends Message> p = PARSERS.get(manifest);
        if (p == null) throw new NotSerializableException("unknown crosscheck message type '" + manifest + "' (a node of another version?)");
        try {
            return p.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new NotSerializableException("malformed " + manifest + ": " + e.getMessage());
        }
    }
}
