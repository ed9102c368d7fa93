package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;

/**
 * {@link Jute#fromBytes}: a record already in memory decodes whatever its size, with no {@code jute.maxbuffer}
 * system property set (the server's limit is its configured one, enforced when the frame arrived). And
 * {@link Jute#toBytes} writes what jute's own {@code BinaryOutputArchive} writes, byte for byte.
 */
class JuteTest {
    @Test
    void fromBytes_decodesAFieldLargerThanTheSystemPropertysDefaultLimit() throws IOException {
        assertNull(System.getProperty("jute.maxbuffer"), "this test is about the property being unset");
        byte[] data = new byte[2_500_000];
        Arrays.fill(data, (byte) 'x');
        data[data.length - 1] = 'y';
        SetDataTxn back = Jute.fromBytes(Jute.toBytes(new SetDataTxn("/big", data, 7)), new SetDataTxn());
        assertEquals("/big", back.getPath());
        assertArrayEquals(data, back.getData());
        assertEquals(7, back.getVersion());
    }

    @Test
    void fromBytes_stillRefusesALengthBeyondTheBytesHoldingIt() {
        byte[] bytes = Jute.toBytes(new SetDataTxn("/a", new byte[] {1, 2, 3}, 1));
        bytes[6] = 0x7f; // the data length's high byte, after the path's length (4 bytes) and "/a"
        IOException e = assertThrows(IOException.class, () -> Jute.fromBytes(bytes, new SetDataTxn()));
        assertEquals("Unreasonable length = " + (0x7f000003), e.getMessage());
    }

    @Test
    void toBytes_isWhatJutesOwnArchiveWrites() throws IOException {
        List<Record> records = new ArrayList<>();
        records.add(new SetDataTxn("/a", new byte[] {1, 2, 3}, 1));
        records.add(new SetDataTxn("/null-data", null, -1));
        records.add(new SetDataTxn(null, new byte[0], 0));
        // ASCII, two- and three-byte UTF-8, a NUL, a surrogate pair (each half written alone, as jute does) and a
        // lone surrogate
        records.add(new CreateTxn("/\u00e9t\u00e9/\u4e2d\u0000/\ud83d\ude00/\udc00", new byte[300],
                List.of(new ACL(31, new Id("world", "anyone")), new ACL(1, new Id("digest", "u:h\u00e9"))), true, 7));
        records.add(new CreateTxn("/no-acl", null, null, false, 0));
        records.add(new ErrorTxn(-101));
        records.add(new TxnHeader(0x1234_5678_9abcL, 42, 0x1_0000_0003L, 1_700_000_000_123L, 14));
        records.add(new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        records.add(new MultiTxn(List.of(new Txn(5, Jute.toBytes(new SetDataTxn("/m", new byte[] {9}, 2))),
                new Txn(-1, Jute.toBytes(new ErrorTxn(0))))));
        records.add(new MultiTxn(null));
        for (Record r : records) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            r.serialize(new BinaryOutputArchive(new DataOutputStream(expected)), "");
            assertArrayEquals(expected.toByteArray(), Jute.toBytes(r), r.getClass().getSimpleName() + " " + r);
        }
    }
}
