package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;

/** Encodes what the server sends into length-prefixed frames, appended to a buffer. */
public final class ReplyEncoder {
    private ReplyEncoder() {
    }

    public static void encode(Outbound message, ByteBuf out) {
        if (message instanceof Reply r) {
            encodeFrame(new ReplyHeader(r.xid(), r.zxid(), r.err()), r.body(), out);
        } else if (message instanceof Notification n) {
            n.encodeTo(out);
        } else {
            ((Handshake.Response) message).encodeTo(out);
        }
    }

    static void encodeFrame(ReplyHeader header, Record body, ByteBuf out) {
        int start = out.writerIndex();
        out.writeInt(0);
        Jute.write(header, out);
        if (body != null) {
            Jute.write(body, out);
        }
        out.setInt(start, out.writerIndex() - start - 4);
    }
}
