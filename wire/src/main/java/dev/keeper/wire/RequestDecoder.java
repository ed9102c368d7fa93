package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;

/**
 * Decodes a request frame (after the handshake) into a {@link Request}: a {@link RequestHeader}, then the
 * opcode's record. A frame too short for its header is a broken connection ({@link IOException}); a body that
 * does not decode is a {@link Request#malformed() malformed} request, answered with MarshallingError.
 */
public final class RequestDecoder {
    private final int maxBuffer;

    public RequestDecoder(int maxBuffer) {
        this.maxBuffer = maxBuffer;
    }

    public Request decode(ByteBuf frame) throws IOException {
        if (frame.readableBytes() < 8) {
            throw new IOException("frame of " + frame.readableBytes() + " bytes is too short for a RequestHeader");
        }
        int xid = frame.readInt();
        int type = frame.readInt();
        Supplier<? extends Record> factory = recordFor(type);
        try {
            if (type == OpCode.MULTI || type == OpCode.MULTI_READ) {
                return new Request(xid, type, MultiRecords.decode(frame, maxBuffer), false);
            }
            if (factory == null) {
                return new Request(xid, type, null, false);
            }
            // Bounded by the body's own size, as in Handshake.decode: a length field cannot cost more memory
            // than the bytes that carry it.
            int limit = Math.min(maxBuffer, frame.readableBytes());
            return new Request(xid, type, Jute.read(frame, limit, factory.get()), false);
        } catch (IOException e) {
            return new Request(xid, type, null, true);
        }
    }

    /** The request record each opcode carries; null for opcodes with no body and for unknown opcodes. */
    static Supplier<? extends Record> recordFor(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest::new;
            case OpCode.CREATE_TTL -> CreateTTLRequest::new;
            case OpCode.DELETE -> DeleteRequest::new;
            case OpCode.DELETE_CONTAINER -> DeleteContainerRecord::new;
            case OpCode.EXISTS -> ExistsRequest::new;
            case OpCode.GET_DATA -> GetDataRequest::new;
            case OpCode.SET_DATA -> SetDataRequest::new;
            case OpCode.GET_ACL -> GetACLRequest::new;
            case OpCode.SET_ACL -> SetACLRequest::new;
            case OpCode.GET_CHILDREN -> GetChildrenRequest::new;
            case OpCode.GET_CHILDREN2 -> GetChildren2Request::new;
            case OpCode.SYNC -> SyncRequest::new;
            case OpCode.CHECK -> CheckVersionRequest::new;
            case OpCode.RECONFIG -> ReconfigRequest::new;
            case OpCode.CHECK_WATCHES -> CheckWatchesRequest::new;
            case OpCode.REMOVE_WATCHES -> RemoveWatchesRequest::new;
            case OpCode.AUTH -> AuthPacket::new;
            case OpCode.SET_WATCHES -> SetWatches::new;
            case OpCode.SASL -> GetSASLRequest::new;
            case OpCode.GET_EPHEMERALS -> GetEphemeralsRequest::new;
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberRequest::new;
            case OpCode.SET_WATCHES2 -> SetWatches2::new;
            case OpCode.ADD_WATCH -> AddWatchRequest::new;
            default -> null;
        };
    }
}
