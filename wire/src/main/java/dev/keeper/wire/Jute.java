package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;

/**
 * Jute archives over Netty buffers and byte arrays, with {@code jute.maxbuffer} passed in rather than read from
 * a system property, so one process can hold servers with different limits.
 */
public final class Jute {
    private Jute() {
    }

    /** ZooKeeper's default {@code jute.maxbuffer}: 0xfffff bytes. */
    public static final int DEFAULT_MAX_BUFFER = 0xfffff;

    public static BinaryInputArchive input(ByteBuf buf, int maxBuffer) {
        // ZooKeeper allows a record's own strings and buffers an extra margin of maxBuffer (at least 1024)
        // beyond the frame limit; the frame limit is already enforced by FrameDecoder.
        return new BinaryInputArchive(new ByteBufInputStream(buf), maxBuffer, Math.max(1024, maxBuffer));
    }

    public static <T extends Record> T read(ByteBuf buf, int maxBuffer, T record) throws IOException {
        try {
            record.deserialize(input(buf, maxBuffer), "");
            return record;
        } catch (RuntimeException e) {
            throw new IOException("malformed " + record.getClass().getSimpleName() + ": " + e, e);
        }
    }

    public static void write(Record record, ByteBuf out) {
        try {
            record.serialize(new ByteBufOutputArchive(out), "");
        } catch (IOException e) {
            throw new IllegalStateException("writing to a ByteBuf cannot fail", e);
        }
    }

    /**
     * A record's bytes, as stored inside a {@code Txn} of a {@code MultiTxn} or on disk. Written by
     * {@link ByteBufOutputArchive} into a heap buffer: jute's {@code BinaryOutputArchive} allocates a 1 KB scratch
     * buffer per archive and writes an int as four synchronized one-byte writes through a
     * {@code ByteArrayOutputStream} on Java 17; this runs for every transaction on every member (a multi's each op,
     * its proposal, its log record), and was a sixth of an ensemble follower's processor thread under multi load.
     * The same bytes ({@code JuteTest}).
     */
    public static byte[] toBytes(Record record) {
        ByteBuf buf = io.netty.buffer.Unpooled.buffer(128);
        try {
            write(record, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    public static <T extends Record> T fromBytes(byte[] bytes, T record) throws IOException {
        // Over a Netty buffer: DataInputStream over a ByteArrayInputStream reads an int as four synchronized
        // one-byte reads on Java 17. The same limits as input() below.
        ByteBufInputStream in = new ByteBufInputStream(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
        record.deserialize(new BinaryInputArchive(in, bytes.length, 0), "");
        return record;
    }

    /**
     * An archive over a record already in memory ({@code length} bytes of it): no string or buffer in it can be
     * longer than the bytes that hold it, so that is its limit. Not {@code BinaryInputArchive.getArchive}, whose
     * limit is the {@code jute.maxbuffer} system property: a record the server accepted under a larger
     * configured {@code jute.maxbuffer} (a setData of 2.5 MB with 4 MiB configured) must decode again when it is
     * read back from the log or unpacked from a multi.
     */
    public static BinaryInputArchive input(ByteArrayInputStream in, int length) {
        return new BinaryInputArchive(new DataInputStream(in), length, 0);
    }
}
