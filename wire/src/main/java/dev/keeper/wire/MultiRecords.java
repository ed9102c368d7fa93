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
     * flag or a mix of read and write ops is a malformed request, and a create op's flags may change its type
     * (see {@link #create} and {@link #createTtl}).
     */
    public static Ops decode(ByteBuf body, int maxBuffer) throws IOException {
        try {
            // Bounded by the body's own size, as in Handshake.decode: a length field cannot cost more memory
            // than the bytes that carry it.
            InputArchive in = Jute.input(body, Math.min(maxBuffer, body.readableBytes()));
            List<Op> ops = new ArrayList<>();
            Boolean reads = null;
            MultiHeader h = new MultiHeader();
            h.deserialize(in, "");
            while (!h.getDone()) {
                Op op = switch (h.getType()) {
                    case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> create(h.getType(),
                            read(in, new CreateRequest()));
                    case OpCode.CREATE_TTL -> createTtl(read(in, new CreateTTLRequest()));
                    case OpCode.DELETE -> new Op(OpCode.DELETE, read(in, new DeleteRequest()));
                    case OpCode.SET_DATA -> new Op(OpCode.SET_DATA, read(in, new SetDataRequest()));
                    case OpCode.CHECK -> new Op(OpCode.CHECK, read(in, new CheckVersionRequest()));
                    case OpCode.GET_CHILDREN -> new Op(OpCode.GET_CHILDREN, read(in, new GetChildrenRequest()));
                    case OpCode.GET_DATA -> new Op(OpCode.GET_DATA, read(in, new GetDataRequest()));
                    default -> throw new IOException("Invalid type of op " + h.getType());
                };
                boolean isRead = h.getType() == OpCode.GET_CHILDREN || h.getType() == OpCode.GET_DATA;
                if (reads != null && reads != isRead) {
                    throw new IOException("Mixing different kind of ops");
                }
                reads = isRead;
                ops.add(op);
                h.deserialize(in, "");
            }
            return new Ops(List.copyOf(ops));
        } catch (RuntimeException e) {
            throw new IOException("malformed multi: " + e, e);
        }
    }

    /** {@code CreateMode} flags: container, and the two TTL modes. */
    private static final int CONTAINER = 4;
    private static final int PERSISTENT_WITH_TTL = 5;
    private static final int PERSISTENT_SEQUENTIAL_WITH_TTL = 6;

    private static boolean ttlFlag(int flags) {
        return flags == PERSISTENT_WITH_TTL || flags == PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    /**
     * A create, create2 or createContainer op. As in {@code MultiOperationRecord} (by way of {@code CreateOptions}
     * and {@code Op.create}), its flags decide what it is: a flag no {@code CreateMode} has, or a TTL mode (whose
     * TTL a CreateRequest cannot carry, so it fails {@code EphemeralType.validateTTL}), makes the multi
     * malformed; the container flag makes it a createContainer whatever its header said.
     */
    private static Op create(int type, CreateRequest cr) throws IOException {
        int flags = cr.getFlags();
        if (flags < 0 || flags > PERSISTENT_SEQUENTIAL_WITH_TTL) {
            throw new IOException("invalid flag " + flags + " for create mode");
        }
        if (ttlFlag(flags)) {
            throw new IOException("create mode " + flags + " needs a TTL, which a CreateRequest does not carry");
        }
        return new Op(flags == CONTAINER ? OpCode.CREATE_CONTAINER : type, cr);
    }

    /**
     * A createTTL op. {@code Op.create(path, data, acl, flags, ttl)} keeps it a createTTL only when its flags are
     * a TTL mode; otherwise it becomes a plain create (a createContainer for the container flag) and its TTL is
     * dropped. A flag no mode has stays in the request, to fail as BadArguments when the op is prepared.
     */
    private static Op createTtl(CreateTTLRequest r) {
        if (ttlFlag(r.getFlags())) {
            return new Op(OpCode.CREATE_TTL, r);
        }
        CreateRequest plain = new CreateRequest(r.getPath(), r.getData(), r.getAcl(), r.getFlags());
        return new Op(r.getFlags() == CONTAINER ? OpCode.CREATE_CONTAINER : OpCode.CREATE, plain);
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
