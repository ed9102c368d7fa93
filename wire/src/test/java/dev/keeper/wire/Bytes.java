package dev.keeper.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;

/**
 * Expected bytes, built without the code under test: field by field through a {@link DataOutputStream} (which is
 * all Jute's binary archive is: big-endian ints and longs, length-prefixed buffers and strings), or by the
 * zookeeper-jute records' own {@code serialize}.
 */
final class Bytes {
    private Bytes() {
    }

    interface Fields {
        void write(DataOutputStream d) throws IOException;
    }

    static byte[] fields(Fields f) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            f.write(new DataOutputStream(b));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** The records' bytes, one after the other. */
    static byte[] jute(Record... records) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            for (Record r : records) {
                r.serialize(BinaryOutputArchive.getArchive(b), "");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** The payload behind its 4-byte length. */
    static byte[] framed(byte[] payload) {
        return frames(List.of(payload));
    }

    /** Payloads, each behind its length, as a client writes them. */
    static byte[] frames(List<byte[]> payloads) {
        return fields(d -> {
            for (byte[] p : payloads) {
                d.writeInt(p.length);
                d.write(p);
            }
        });
    }

    static byte[] concat(byte[]... parts) {
        return fields(d -> {
            for (byte[] p : parts) {
                d.write(p);
            }
        });
    }
}
