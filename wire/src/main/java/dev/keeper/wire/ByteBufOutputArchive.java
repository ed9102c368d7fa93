package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.TreeMap;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;

/**
 * Jute's binary encoding written straight into a Netty buffer. The jute library's own
 * {@code BinaryOutputArchive} allocates a 1 KB scratch buffer per instance and writes through a stream; every
 * reply would pay that twice. Byte for byte the same output, including the way ZooKeeper encodes each UTF-16
 * unit of a string on its own (a surrogate pair becomes two 3-byte sequences, as its
 * {@code stringToByteBuffer} does, not one 4-byte one).
 */
public final class ByteBufOutputArchive implements OutputArchive {
    private ByteBuf out;
    private long size;

    public ByteBufOutputArchive(ByteBuf out) {
        this.out = out;
    }

    /** Points this archive at another buffer, so one instance can serve a thread. */
    public ByteBufOutputArchive reset(ByteBuf buf) {
        this.out = buf;
        this.size = 0;
        return this;
    }

    @Override
    public void writeByte(byte b, String tag) {
        out.writeByte(b);
        size += 1;
    }

    @Override
    public void writeBool(boolean b, String tag) {
        out.writeBoolean(b);
        size += 1;
    }

    @Override
    public void writeInt(int i, String tag) {
        out.writeInt(i);
        size += 4;
    }

    @Override
    public void writeLong(long l, String tag) {
        out.writeLong(l);
        size += 8;
    }

    @Override
    public void writeFloat(float f, String tag) {
        out.writeFloat(f);
        size += 4;
    }

    @Override
    public void writeDouble(double d, String tag) {
        out.writeDouble(d);
        size += 8;
    }

    @Override
    public void writeString(String s, String tag) {
        if (s == null) {
            writeInt(-1, tag);
            return;
        }
        int lenAt = out.writerIndex();
        out.writeInt(0);
        int n = s.length();
        out.ensureWritable(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xc0 | (c >> 6));
                out.writeByte(0x80 | (c & 0x3f));
            } else {
                out.writeByte(0xe0 | (c >> 12));
                out.writeByte(0x80 | ((c >> 6) & 0x3f));
                out.writeByte(0x80 | (c & 0x3f));
            }
        }
        int len = out.writerIndex() - lenAt - 4;
        out.setInt(lenAt, len);
        size += 4 + len;
    }

    @Override
    public void writeBuffer(byte[] buf, String tag) {
        if (buf == null) {
            writeInt(-1, tag);
            return;
        }
        out.writeInt(buf.length);
        out.writeBytes(buf);
        size += 4 + buf.length;
    }

    @Override
    public void writeRecord(Record r, String tag) throws java.io.IOException {
        r.serialize(this, tag);
    }

    @Override
    public void startRecord(Record r, String tag) {
    }

    @Override
    public void endRecord(Record r, String tag) {
    }

    @Override
    public void startVector(List<?> v, String tag) {
        writeInt(v == null ? -1 : v.size(), tag);
    }

    @Override
    public void endVector(List<?> v, String tag) {
    }

    @Override
    public void startMap(TreeMap<?, ?> v, String tag) {
        writeInt(v.size(), tag);
    }

    @Override
    public void endMap(TreeMap<?, ?> v, String tag) {
    }

    @Override
    public long getDataSize() {
        return size;
    }
}
