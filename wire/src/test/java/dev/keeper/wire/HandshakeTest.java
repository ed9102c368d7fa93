package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Arrays;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.junit.jupiter.api.Test;

/**
 * The session handshake: the optional readOnly byte, in the request and echoed in the response only when sent
 * ({@code ProtocolManager}). Expected bytes come from {@link Bytes}, never from the code under test.
 */
class HandshakeTest {
    private static final byte[] PASSWD = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    @Test
    void connectRequest_withTheReadOnlyByte_decodesAndRemembersItWasSent() throws IOException {
        ConnectRequest sent = new ConnectRequest(0, 0x1234L, 30_000, 0x99L, PASSWD, true);
        Handshake.Connect c = Handshake.decode(Unpooled.wrappedBuffer(Bytes.jute(sent)), Jute.DEFAULT_MAX_BUFFER);
        assertEquals(sent, c.request());
        assertTrue(c.readOnlySent());
    }

    @Test
    void connectRequest_withoutTheReadOnlyByte_decodesAsAPre34ClientSendsIt() throws IOException {
        byte[] old = Bytes.fields(d -> {
            d.writeInt(0);
            d.writeLong(0x1234L);
            d.writeInt(30_000);
            d.writeLong(0x99L);
            d.writeInt(PASSWD.length);
            d.write(PASSWD);
        });
        Handshake.Connect c = Handshake.decode(Unpooled.wrappedBuffer(old), Jute.DEFAULT_MAX_BUFFER);
        assertFalse(c.readOnlySent());
        assertEquals(new ConnectRequest(0, 0x1234L, 30_000, 0x99L, PASSWD, false), c.request());
    }

    @Test
    void response_carriesTheReadOnlyByte_onlyWhenTheClientSentOne() {
        byte[] withByte = encode(new Handshake.Response(30_000, 0x99L, PASSWD, true));
        assertArrayEquals(Bytes.framed(Bytes.jute(new ConnectResponse(0, 30_000, 0x99L, PASSWD, false))), withByte);

        byte[] without = encode(new Handshake.Response(30_000, 0x99L, PASSWD, false));
        assertArrayEquals(Bytes.framed(Bytes.fields(d -> {
            d.writeInt(0);
            d.writeInt(30_000);
            d.writeLong(0x99L);
            d.writeInt(PASSWD.length);
            d.write(PASSWD);
        })), without);
        assertEquals(withByte.length - 1, without.length);
    }

    @Test
    void invalidSessionResponse_isTimeoutZeroSessionZeroAndAZeroPassword() {
        byte[] got = encode(Handshake.Response.invalid(true));
        assertArrayEquals(Bytes.framed(Bytes.jute(new ConnectResponse(0, 0, 0, new byte[16], false))), got);
    }

    @Test
    void framesThatAreNoConnectRequest_failNamingTheRecord() {
        byte[] whole = Bytes.jute(new ConnectRequest(0, 0, 30_000, 0, PASSWD, false));
        byte[] unreasonable = whole.clone();
        // The password's length field (after 4 + 8 + 4 + 8 bytes) claims far more than the frame holds.
        unreasonable[24] = 0x7f;
        for (byte[] bad : new byte[][] {new byte[0], Arrays.copyOf(whole, 10), Arrays.copyOf(whole, 27),
                unreasonable}) {
            IOException e = assertThrows(IOException.class,
                    () -> Handshake.decode(Unpooled.wrappedBuffer(bad), Jute.DEFAULT_MAX_BUFFER));
            assertTrue(e.getMessage().startsWith("malformed ConnectRequest (" + bad.length + " bytes)"),
                    e.getMessage());
        }
    }

    private static byte[] encode(Handshake.Response r) {
        ByteBuf out = Unpooled.buffer();
        ReplyEncoder.encode(r, out);
        return ByteBufUtil.getBytes(out);
    }
}
