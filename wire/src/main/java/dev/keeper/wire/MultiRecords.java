package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * The bodies of {@code multi} and {@code multiRead}: a run of {@link MultiHeader}-prefixed records closed by a
 * header with {@code done = true}. ZooKeeper keeps these framings in hand-written classes of the zookeeper jar
 * ({@code MultiOperationRecord}, {@code MultiResponse}); the records inside them all come from zookeeper-jute.
 */
public final class MultiRecords {
    private MultiRecords() {
    }

    /** One operation of a multi: its opcode and its request record. */
    public record Op(int type, Record request) {
    }

    /** The decoded operations of a multi request, in order. */
    public record Ops(List<Op> ops) {
    }

    /**
     * One result of a multi: its type ({@link OpCode#ERROR} for a failed or rolled-back op), the error code for
     * an error result, and the response record (null for delete and check).
     */
    public record Result(int type, int err, Record response) {
        public static Result error(int err) {
            return new Result(OpCode.ERROR, err, new ErrorResponse(err));
        }
    }

    /**
     * Decodes a multi body. Like {@code MultiOperationRecord.deserialize}, an unknown op type, an invalid create
     * flag or a mix of read and write ops is a malformed request.
     */
    public static Ops decode(ByteBuf body, int maxBuffer) throws IOException {
        try {
            InputArchive in = Jute.input(body, maxBuffer);
            List<Op> ops = new ArrayList<>();
            Boolean reads = null;
            MultiHeader h = new MultiHeader();
            h.deserialize(in, "");
            while (!h.getDone()) {
                Record r = switch (h.getType()) {
                    case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                        CreateRequest cr = new CreateRequest();
                        cr.deserialize(in, "");
                        if (cr.getFlags() < 0 || cr.getFlags() > 6) {
                            throw new IOException("invalid flag " + cr.getFlags() + " for create mode");
                        }
                        yield cr;
                    }
                    case OpCode.CREATE_TTL -> read(in, new CreateTTLRequest());
                    case OpCode.DELETE -> read(in, new DeleteRequest());
                    case OpCode.SET_DATA -> read(in, new SetDataRequest());
                    case OpCode.CHECK -> read(in, new CheckVersionRequest());
                    case OpCode.GET_CHILDREN -> read(in, new GetChildrenRequest());
                    case OpCode.GET_DATA -> read(in, new GetDataRequest());
                    default -> throw new IOException("Invalid type of op " + h.getType());
                };
                boolean isRead = h.getType() == OpCode.GET_CHILDREN || h.getType() == OpCode.GET_DATA;
                if (reads != null && reads != isRead) {
                    throw new IOException("Mixing different kind of ops");
                }
                reads = isRead;
                ops.add(new Op(h.getType(), r));
                h.deserialize(in, "");
            }
            return new Ops(List.copyOf(ops));
        } catch (RuntimeException e) {
            throw new IOException("malformed multi: " + e, e);
        }
    }

    private static <T extends Record> T read(InputArchive in, T r) throws IOException {
        r.deserialize(in, "");
        return r;
    }

    /** Encodes a list of results for the client, as {@code MultiResponse.serialize} does. */
    public static Record response(List<Result> results) {
        return new ResponseRecord(results);
    }

    /** Encodes a multi request; used by tests and tools that speak the protocol directly. */
    public static Record request(List<Op> ops) {
        return new RequestRecord(ops);
    }

    private record ResponseRecord(List<Result> results) implements Record {
        @Override
        public void serialize(OutputArchive out, String tag) throws IOException {
            for (Result r : results) {
                new MultiHeader(r.type(), false, r.type() == OpCode.ERROR ? r.err() : 0).serialize(out, tag);
                if (r.response() != null) {
                    r.response().serialize(out, tag);
                }
            }
            new MultiHeader(-1, true, -1).serialize(out, tag);
        }

        @Override
        public void deserialize(InputArchive in, String tag) {
            throw new UnsupportedOperationException("a server never reads a multi response");
        }
    }

    private record RequestRecord(List<Op> ops) implements Record {
        @Override
        public void serialize(OutputArchive out, String tag) throws IOException {
            for (Op op : ops) {
                new MultiHeader(op.type(), false, -1).serialize(out, tag);
                op.request().serialize(out, tag);
            }
            new MultiHeader(-1, true, -1).serialize(out, tag);
        }

        @Override
        public void deserialize(InputArchive in, String tag) {
            throw new UnsupportedOperationException("use MultiRecords.decode");
        }
    }
}
