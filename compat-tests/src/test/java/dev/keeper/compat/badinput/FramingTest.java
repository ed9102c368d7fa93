package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.RawClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken framing: what a connection's length prefixes promise. ZooKeeper ({@code NIOServerCnxn.readLength},
 * {@code readConnectRequest}, {@code readRequest}) closes the connection on any of these, sending nothing,
 * and logs one WARN ("Len error ..." or the IOException that broke the record). Four-letter words are the one
 * exception to the length check, and only as a connection's first four bytes; they are tested elsewhere.
 */
class FramingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static ServerPair servers;

    @BeforeAll
    static void start() {
        servers = ServerPair.start(Servers.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void httpRequestAsFirstFrame_closesWithoutReply() throws Exception {
        // "GET " read as a length is 0x47455420, far over jute.maxbuffer: ZooKeeper's "Len error".
        byte[] http = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.writeRaw(http);
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "Len error");
    }

    @Test
    void randomBytesAsConnectRequest_closesWithoutReply() throws Exception {
        // A plausible length, then bytes that are no ConnectRequest: here its password length comes out as
        // 1106555877, which ZooKeeper refuses ("Unreasonable length") and closes.
        byte[] garbage = new byte[44];
        new Random(7).nextBytes(garbage);
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.sendFrame(garbage);
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "ConnectRequest");
    }

    @Test
    void emptyFrameAsConnectRequest_closesWithoutReply() throws Exception {
        // Length 0 is a valid frame, but an empty ConnectRequest ends before its first field (EOFException).
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.writeInt(0);
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "ConnectRequest");
    }

    @Test
    void lengthOverJuteMaxBuffer_asFirstFrame_closesWithoutReply() throws Exception {
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.writeInt(0xfffff + 1);
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "Len error");
    }

    @Test
    void lengthOverJuteMaxBuffer_afterHandshake_closes_andALaterRequestGetsNothing() throws Exception {
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.handshake(30_000);
            c.baseline();
            c.writeInt(0xfffff + 1);
            c.trySend(2, ZooDefs.OpCode.getData, new GetDataRequest("/", false));
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "Len error");
    }

    @Test
    void negativeLength_asFirstFrame_closesWithoutReply() throws Exception {
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.writeInt(-1);
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "Len error");
    }

    @Test
    void negativeLength_afterHandshake_closes_andALaterRequestGetsNothing() throws Exception {
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.handshake(30_000);
            c.baseline();
            c.writeInt(Integer.MIN_VALUE);
            c.trySend(2, ZooDefs.OpCode.getData, new GetDataRequest("/", false));
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "Len error");
    }

    @Test
    void frameTooShortForARequestHeader_afterHandshake_closes() throws Exception {
        // A RequestHeader is 8 bytes; ZooKeeper's readRequest hits EOFException on 4 and closes.
        ServerPair.Run ours = servers.expect(List.of("closed"), (c, b) -> {
            c.handshake(30_000);
            c.sendFrame(new byte[] {0, 0, 0, 1});
            return List.of(c.see(WAIT));
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "RequestHeader");
    }

    @Test
    void truncatedFirstFrame_thenClientCloses_costsOnlyThatConnection() throws Exception {
        // ZooKeeper logs "Unable to read additional data from client, it probably closed the socket" (INFO).
        ServerPair.Run ours = servers.expect(List.of(), (c, b) -> {
            c.writeInt(100);
            c.writeRaw(new byte[10]);
            c.close();
            return List.of();
        });
        servers.log.assertOneLine(ours.clientPort(), 0, "mid-frame");
    }

    @Test
    void truncatedRequest_thenClientCloses_leavesTheSessionToExpire() throws Exception {
        // The client vanishes in the middle of a request frame: nothing of the partial request is applied, and
        // the session (with its ephemeral node) lives on until its timeout, as after any dropped connection.
        String ephemeral = "/truncated-then-closed";
        List<String> expected = List.of(
                "reply xid=1 zxid=+1 err=0 body=" + RawClient.hex(new CreateResponse(ephemeral)), "ephemeral kept");
        ServerPair.Run ours = servers.expect(expected, (c, b) -> {
            List<String> seen = new ArrayList<>();
            c.handshake(30_000);
            c.baseline();
            c.send(1, ZooDefs.OpCode.create, new CreateRequest(ephemeral, new byte[0],
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, 1));
            seen.add(c.see(WAIT));
            c.writeInt(100);
            c.writeRaw(new byte[10]);
            c.close();
            assertNotNull(b.client().exists(ephemeral, false), "the session outlives its connection");
            seen.add("ephemeral kept");
            b.client().delete(ephemeral, -1);
            return seen;
        });
        servers.log.assertOneLine(ours.clientPort(), ours.sessionId(), "mid-frame");
    }
}
