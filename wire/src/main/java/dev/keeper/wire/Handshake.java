package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;

/**
 * The session handshake: a connection's first frame when it is not a four-letter word.
 *
 * <p>The trailing {@code readOnly} byte of {@link ConnectRequest} is optional: clients older than 3.4 do not
 * send it, and ZooKeeper then leaves it out of the {@link ConnectResponse} too ({@code compat.ProtocolManager}).
 */
public final class Handshake {
    private Handshake() {
    }

    /** A decoded connect request and whether its sender knows the readOnly byte. */
    public record Connect(ConnectRequest request, boolean readOnlySent) {
    }

    /**
     * Decodes a connect request. A frame that is no ConnectRequest (cut short, or a field length out of range)
     * fails with an IOException whose message says so: ZooKeeper closes such a connection
     * ({@code NIOServerCnxn.readConnectRequest}), and the log line should name the cause.
     */
    public static Connect decode(ByteBuf frame, int maxBuffer) throws IOException {
        int size = frame.readableBytes();
        try {
            // Bounded by the frame's own size: Jute allocates what a length field asks for before reading into it,
            // so a frame of a few bytes claiming a 2 MB password (jute.maxbuffer plus its margin) would cost 2 MB
            // before the missing bytes failed the read.
            BinaryInputArchive in = Jute.input(frame, Math.min(maxBuffer, size));
            ConnectRequest req = new ConnectRequest();
            req.setProtocolVersion(in.readInt("protocolVersion"));
            req.setLastZxidSeen(in.readLong("lastZxidSeen"));
            req.setTimeOut(in.readInt("timeOut"));
            req.setSessionId(in.readLong("sessionId"));
            req.setPasswd(in.readBuffer("passwd"));
            boolean readOnlySent = frame.isReadable();
            if (readOnlySent) {
                req.setReadOnly(in.readBool("readOnly"));
            }
            return new Connect(req, readOnlySent);
        } catch (IOException | RuntimeException e) {
            throw new IOException("malformed ConnectRequest (" + size + " bytes): " + e, e);
        }
    }

    /**
     * The server's answer to a connect request. An invalid session (expired, or a wrong password) is answered
     * with timeout 0, session 0 and a zero password, then the connection closes ({@code finishSessionInit}).
     */
    public record Response(int timeout, long sessionId, byte[] passwd, boolean withReadOnly, boolean readOnly)
            implements Outbound {
        /** From a server that is not read-only. */
        public Response(int timeout, long sessionId, byte[] passwd, boolean withReadOnly) {
            this(timeout, sessionId, passwd, withReadOnly, false);
        }

        public static Response invalid(boolean withReadOnly) {
            return new Response(0, 0, new byte[16], withReadOnly);
        }

        void encodeTo(ByteBuf out) {
            encode(new ConnectResponse(0, timeout, sessionId, passwd, readOnly), withReadOnly, out);
        }
    }

    /** Appends a length-prefixed ConnectResponse to {@code out}. */
    public static void encode(ConnectResponse rsp, boolean withReadOnly, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            BinaryOutputArchive oa = new BinaryOutputArchive(stream);
            oa.writeInt(rsp.getProtocolVersion(), "protocolVersion");
            oa.writeInt(rsp.getTimeOut(), "timeOut");
            oa.writeLong(rsp.getSessionId(), "sessionId");
            oa.writeBuffer(rsp.getPasswd(), "passwd");
            if (withReadOnly) {
                oa.writeBool(rsp.getReadOnly(), "readOnly");
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to a ByteBuf cannot fail", e);
        }
        out.setInt(start, out.writerIndex() - start - 4);
    }
}
