package dev.keeper.compat.diff;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.apache.zookeeper.proto.SyncResponse;
import org.apache.zookeeper.proto.WatcherEvent;
import org.apache.zookeeper.proto.WhoAmIResponse;

/**
 * Reply bodies a {@link RawChannel} receives, decoded as the record the request's opcode answers with, so the
 * zxids, times and session ids inside them are normalised like a stock client's. The bytes are still compared:
 * a body that is not exactly its record (bytes left over, or one that does not decode) is shown in hex.
 */
final class RawReplies {
    static final int NOTIFICATION = Integer.MIN_VALUE;

    private RawReplies() {
    }

    static Object[] render(int type, byte[] body) {
        if (body.length == 0) {
            return new Object[] {"none"};
        }
        Supplier<Record> factory = factory(type);
        if (factory == null) {
            return new Object[] {"0x", Render.hex(body)};
        }
        Record r = factory.get();
        try {
            BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(body));
            r.deserialize(in, "response");
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            r.serialize(BinaryOutputArchive.getArchive(again), "response");
            if (!java.util.Arrays.equals(again.toByteArray(), body)) {
                return new Object[] {"not-exactly-a-record 0x", Render.hex(body)};
            }
        } catch (IOException | RuntimeException e) {
            return new Object[] {"undecodable 0x", Render.hex(body)};
        }
        return describe(r);
    }

    private static Supplier<Record> factory(int type) {
        return switch (type) {
            case NOTIFICATION -> WatcherEvent::new;
            case OpCode.create -> CreateResponse::new;
            case OpCode.create2, OpCode.createContainer, OpCode.createTTL -> Create2Response::new;
            case OpCode.exists -> ExistsResponse::new;
            case OpCode.getData -> GetDataResponse::new;
            case OpCode.setData -> SetDataResponse::new;
            case OpCode.getACL -> GetACLResponse::new;
            case OpCode.setACL -> SetACLResponse::new;
            case OpCode.getChildren -> GetChildrenResponse::new;
            case OpCode.getChildren2 -> GetChildren2Response::new;
            case OpCode.sync -> SyncResponse::new;
            case OpCode.getEphemerals -> GetEphemeralsResponse::new;
            case OpCode.getAllChildrenNumber -> GetAllChildrenNumberResponse::new;
            case OpCode.addWatch -> ErrorResponse::new;
            case OpCode.whoAmI -> WhoAmIResponse::new;
            case OpCode.sasl -> SetSASLResponse::new;
            default -> null;
        };
    }

    private static Object[] describe(Record r) {
        if (r instanceof WatcherEvent e) {
            return new Object[] {"event(type=", e.getType(), " state=", e.getState(), " path=", e.getPath(), ")"};
        }
        if (r instanceof CreateResponse c) {
            return new Object[] {"create(", c.getPath(), ")"};
        }
        if (r instanceof Create2Response c) {
            return new Object[] {"create2(", c.getPath(), " ", Render.stat(c.getStat()), ")"};
        }
        if (r instanceof ExistsResponse e) {
            return new Object[] {"exists(", Render.stat(e.getStat()), ")"};
        }
        if (r instanceof GetDataResponse g) {
            return new Object[] {"getData(", Render.data(g.getData()), " ", Render.stat(g.getStat()), ")"};
        }
        if (r instanceof SetDataResponse s) {
            return new Object[] {"setData(", Render.stat(s.getStat()), ")"};
        }
        if (r instanceof GetACLResponse g) {
            return new Object[] {"getACL(", Render.acl(g.getAcl()), " ", Render.stat(g.getStat()), ")"};
        }
        if (r instanceof SetACLResponse s) {
            return new Object[] {"setACL(", Render.stat(s.getStat()), ")"};
        }
        if (r instanceof GetChildrenResponse g) {
            return new Object[] {"getChildren(", Render.sorted(g.getChildren()), ")"};
        }
        if (r instanceof GetChildren2Response g) {
            return new Object[] {"getChildren2(", Render.sorted(g.getChildren()), " ", Render.stat(g.getStat()), ")"};
        }
        if (r instanceof SyncResponse s) {
            return new Object[] {"sync(", s.getPath(), ")"};
        }
        if (r instanceof GetEphemeralsResponse g) {
            return new Object[] {"getEphemerals(", Render.sorted(g.getEphemerals()), ")"};
        }
        if (r instanceof GetAllChildrenNumberResponse g) {
            return new Object[] {"getAllChildrenNumber(", g.getTotalNumber(), ")"};
        }
        if (r instanceof ErrorResponse e) {
            return new Object[] {"errorResponse(", e.getErr(), ")"};
        }
        if (r instanceof SetSASLResponse s) {
            return new Object[] {"sasl(token=", s.getToken() == null ? "null" : Render.hex(s.getToken()), ")"};
        }
        if (r instanceof WhoAmIResponse w) {
            List<String> ids = new ArrayList<>();
            for (ClientInfo i : w.getClientInfo()) {
                ids.add(i.getAuthScheme() + ":" + i.getUser());
            }
            return new Object[] {"whoAmI(", ids.toString(), ")"};
        }
        return new Object[] {r.getClass().getSimpleName()};
    }
}
