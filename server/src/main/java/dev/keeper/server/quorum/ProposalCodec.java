package dev.keeper.server.quorum;

import dev.keeper.server.processor.Proposal;
import dev.keeper.wire.Jute;
import dev.keeper.wire.MultiRecords;
import dev.keeper.wire.Request;
import dev.keeper.wire.RequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;

/**
 * {@link Proposal}s as a Raft log entry carries them. The request itself travels as the bytes a client sends
 * (its Jute record, a multi's framing), so every member decodes it with the same {@link RequestDecoder} the
 * client port uses; around it, the fields the proposing member decided. Version 1, one proposal:
 * {@code byte version, byte kind, long origin, long session, int cxid, int opCode, long time, int timeout,
 * byte malformed, int authCount, (utf scheme, utf id)*, int bodyLength, body}; an import's piece has its bytes
 * as the body, as they are. Version 2, several proposals of one member in the order it made them:
 * {@code byte version, int count, (int length, version 1 entry)*}.
 */
final class ProposalCodec {
    private static final byte VERSION = 1;
    private static final byte BATCH = 2;

    private final RequestDecoder decoder;

    ProposalCodec(int maxBuffer) {
        this.decoder = new RequestDecoder(maxBuffer);
    }

    byte[] encode(Proposal p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(VERSION);
            out.writeByte(p.kind());
            out.writeLong(p.origin());
            out.writeLong(p.session());
            out.writeInt(p.cxid());
            out.writeInt(p.opCode());
            out.writeLong(p.time());
            out.writeInt(p.timeout());
            out.writeByte(p.malformed() ? 1 : 0);
            out.writeInt(p.auth().size());
            for (Id id : p.auth()) {
                out.writeUTF(id.getScheme());
                out.writeUTF(id.getId());
            }
            byte[] body = body(p.body());
            out.writeInt(body == null ? -1 : body.length);
            if (body != null) {
                out.write(body);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** One entry for proposals encoded by {@link #encode(Proposal)}: the one itself, or a batch of them. */
    static byte[] entry(List<byte[]> encoded) {
        if (encoded.size() == 1) {
            return encoded.get(0);
        }
        int size = 5;
        for (byte[] e : encoded) {
            size += 4 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(BATCH).putInt(encoded.size());
        for (byte[] e : encoded) {
            b.putInt(e.length).put(e);
        }
        return b.array();
    }

    /** The proposals of an entry, in the order they were made. */
    /**
     * The size of each proposal in an entry (a batch's, or the entry's own), in the order {@link #decodeAll} gives
     * them: what the leader reports as its proposal sizes. Call on an entry {@link #decodeAll} has accepted.
     */
    static int[] sizes(ByteBuffer entry) {
        ByteBuffer e = entry.duplicate();
        if (!e.hasRemaining() || e.get(e.position()) != BATCH) {
            return new int[] {e.remaining()};
        }
        e.get();
        int[] sizes = new int[e.getInt()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = e.getInt();
            e.position(e.position() + sizes[i]);
        }
        return sizes;
    }

    List<Proposal> decodeAll(ByteBuffer entry) throws IOException {
        if (!entry.hasRemaining() || entry.get(entry.position()) != BATCH) {
            return List.of(decode(entry));
        }
        try {
            entry.get();
            int count = entry.getInt();
            if (count < 2 || count > entry.remaining() / 4) {
                throw new IOException("a batch of " + count + " proposals in " + entry.remaining() + " bytes");
            }
            List<Proposal> all = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = entry.getInt();
                if (length < 0 || length > entry.remaining()) {
                    throw new IOException("proposal " + i + " of " + count + ": " + length + " bytes, "
                            + entry.remaining() + " left");
                }
                ByteBuffer one = entry.slice().limit(length);
                entry.position(entry.position() + length);
                all.add(decode(one));
            }
            if (entry.hasRemaining()) {
                throw new IOException(entry.remaining() + " bytes after a batch of " + count + " proposals");
            }
            return all;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("a truncated batch of proposals", e);
        }
    }

    private static byte[] body(Object body) {
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] raw) {
            return raw;
        }
        if (body instanceof MultiRecords.Ops ops) {
            return Jute.toBytes(MultiRecords.request(ops.ops()));
        }
        return Jute.toBytes((Record) body);
    }

    Proposal decode(ByteBuffer entry) throws IOException {
        byte[] all = new byte[entry.remaining()];
        entry.get(all);
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all));
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown proposal version " + version);
        }
        int kind = in.readByte();
        long origin = in.readLong();
        long session = in.readLong();
        int cxid = in.readInt();
        int opCode = in.readInt();
        long time = in.readLong();
        int timeout = in.readInt();
        boolean malformed = in.readByte() != 0;
        int n = in.readInt();
        List<Id> auth = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            auth.add(new Id(in.readUTF(), in.readUTF()));
        }
        int length = in.readInt();
        Object body = null;
        if (length >= 0) {
            byte[] b = new byte[length];
            in.readFully(b);
            if (kind == Proposal.IMPORT) {
                return new Proposal(kind, origin, session, cxid, opCode, time, auth, b, false, timeout, 0);
            }
            ByteBuf frame = Unpooled.buffer(8 + length).writeInt(cxid).writeInt(opCode).writeBytes(b);
            try {
                Request r = decoder.decode(frame);
                body = r.body();
                malformed |= r.malformed();
            } finally {
                frame.release();
            }
        }
        return new Proposal(kind, origin, session, cxid, opCode, time, auth, body, malformed, timeout, 0);
    }
}
