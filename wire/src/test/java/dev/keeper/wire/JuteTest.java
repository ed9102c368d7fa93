package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import org.apache.zookeeper.txn.SetDataTxn;
import org.junit.jupiter.api.Test;

/**
 * {@link Jute#fromBytes}: a record already in memory decodes whatever its size, with no {@code jute.maxbuffer}
 * system property set (the server's limit is its configured one, enforced when the frame arrived).
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
}
