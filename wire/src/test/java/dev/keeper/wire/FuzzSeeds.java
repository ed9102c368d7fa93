package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches2;
import org.junit.jupiter.api.Test;

/**
 * Writes the wire fuzz targets' seed corpora: real inputs, every request record encoded by zookeeper-jute's own
 * {@code serialize} as the stock Java client encodes it. Not run with the tests (its name matches no test
 * pattern); run it after changing what it writes, and commit the files:
 * {@code mvn -B -o -q -pl wire test -Dtest=FuzzSeeds -Dsurefire.failIfNoSpecifiedTests=false}.
 * Each seed is checked to be accepted by its parser, so the corpus starts on the paths that succeed.
 */
class FuzzSeeds {
    private static final Path RESOURCES = Path.of("src/test/resources/dev/keeper/wire");
    private static final List<ACL> OPEN = List.of(new ACL(31, new Id("world", "anyone")));
    private static final List<ACL> DIGEST = List.of(new ACL(31, new Id("digest", "alice:XDkd2dsEuhc9ImU3q8pa8UOdtpI=")),
            new ACL(1, new Id("world", "anyone")));
    private static final byte[] DATA = "some data".getBytes(StandardCharsets.UTF_8);

    @Test
    void write() throws IOException {
        write("HandshakeFuzzTest", "firstBytes", handshakes());
        write("RequestFuzzTest", "frames", requestFrames());
        write("MultiRecordsFuzzTest", "body", multiBodies());
    }

    private static Map<String, byte[]> handshakes() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        byte[] fresh = Bytes.jute(new ConnectRequest(0, 0, 30_000, 0, new byte[16], false));
        byte[] passwd = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] reconnect = Bytes.jute(new ConnectRequest(0, 0x1f3, 40_000, 0x10000a1b2c3d0001L, passwd, true));
        // Clients before 3.4 send no readOnly byte.
        byte[] old = Bytes.fields(d -> {
            d.writeInt(0);
            d.writeLong(0x1f3);
            d.writeInt(10_000);
            d.writeLong(0x10000a1b2c3d0001L);
            d.writeInt(passwd.length);
            d.write(passwd);
        });
        out.put("connect-new-session", Bytes.framed(fresh));
        out.put("connect-reconnect-readonly", Bytes.framed(reconnect));
        out.put("connect-pre-3.4", Bytes.framed(old));
        out.put("connect-then-ping", Bytes.frames(List.of(fresh, Bytes.jute(new RequestHeader(-2, OpCode.PING)))));
        for (String word : List.of("ruok", "stat", "mntr", "srvr\n", "conf", "wchp")) {
            out.put("word-" + word.trim(), word.getBytes(StandardCharsets.US_ASCII));
        }
        for (byte[] seed : out.values()) {
            List<Object> first = new FrameFeed(Jute.DEFAULT_MAX_BUFFER).write(seed, false).close();
            if (first.get(0) instanceof java.nio.ByteBuffer frame) {
                Handshake.decode(Unpooled.wrappedBuffer(frame), Jute.DEFAULT_MAX_BUFFER);
            }
        }
        return out;
    }

    private static Map<String, byte[]> requestFrames() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        int xid = 1;
        for (Map.Entry<Integer, Record> e : RequestDecoderTest.RECORDS.entrySet()) {
            out.put("op-" + OpCode.name(e.getKey()), request(xid++, e.getKey(), e.getValue()));
        }
        out.put("op-ping", request(-2, OpCode.PING, null));
        out.put("op-whoAmI", request(xid++, OpCode.WHO_AM_I, null));
        out.put("op-closeSession", request(xid++, OpCode.CLOSE_SESSION, null));
        out.put("op-multi", request(xid++, OpCode.MULTI, MultiRecords.request(writeOps())));
        out.put("op-multiRead", request(xid++, OpCode.MULTI_READ, MultiRecords.request(readOps())));
        // A session as a client writes it: auth and watches re-set on connect, then work, then goodbye.
        out.put("session", concat(List.of(
                request(-4, OpCode.AUTH, new AuthPacket(0, "digest", "alice:secret".getBytes(StandardCharsets.UTF_8))),
                request(-8, OpCode.SET_WATCHES2, new SetWatches2(0x2a, List.of("/app/config"), List.of("/app/lock"),
                        List.of("/app"), List.of("/app/events"), List.of("/app/tree"))),
                request(1, OpCode.CREATE, new CreateRequest("/app/jobs/job-", DATA, DIGEST, 2)),
                request(2, OpCode.GET_DATA, new GetDataRequest("/app/config", true)),
                request(3, OpCode.MULTI, MultiRecords.request(writeOps())),
                request(-2, OpCode.PING, null),
                request(4, OpCode.CLOSE_SESSION, null))));
        RequestDecoder decoder = new RequestDecoder(Jute.DEFAULT_MAX_BUFFER);
        for (byte[] seed : out.values()) {
            for (Object o : new FrameFeed(Jute.DEFAULT_MAX_BUFFER).write(seed, false).close()) {
                assertFalse(decoder.decode(Unpooled.wrappedBuffer((java.nio.ByteBuffer) o)).malformed());
            }
        }
        return out;
    }

    private static Map<String, byte[]> multiBodies() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("writes", Jute.toBytes(MultiRecords.request(writeOps())));
        out.put("reads", Jute.toBytes(MultiRecords.request(readOps())));
        out.put("empty", Bytes.jute(new MultiHeader(-1, true, -1)));
        for (byte[] seed : out.values()) {
            assertNotNull(MultiRecords.decode(Unpooled.wrappedBuffer(seed), Jute.DEFAULT_MAX_BUFFER));
        }
        return out;
    }

    /** One op of every kind a multi may write with, create flags of every mode among them. */
    private static List<MultiRecords.Op> writeOps() {
        return List.of(
                new MultiRecords.Op(OpCode.CREATE, new CreateRequest("/app/a", DATA, OPEN, 0)),
                new MultiRecords.Op(OpCode.CREATE2, new CreateRequest("/app/e-", DATA, DIGEST, 3)),
                new MultiRecords.Op(OpCode.CREATE_CONTAINER, new CreateRequest("/app/c", new byte[0], OPEN, 4)),
                new MultiRecords.Op(OpCode.CREATE_TTL, new CreateTTLRequest("/app/t", DATA, OPEN, 5, 60_000)),
                new MultiRecords.Op(OpCode.CHECK, new CheckVersionRequest("/app", 3)),
                new MultiRecords.Op(OpCode.SET_DATA, new SetDataRequest("/app/a", DATA, -1)),
                new MultiRecords.Op(OpCode.DELETE, new DeleteRequest("/app/old", 2)));
    }

    private static List<MultiRecords.Op> readOps() {
        return List.of(
                new MultiRecords.Op(OpCode.GET_CHILDREN, new GetChildrenRequest("/app", false)),
                new MultiRecords.Op(OpCode.GET_DATA, new GetDataRequest("/app/a", false)));
    }

    private static byte[] request(int xid, int type, Record body) {
        RequestHeader header = new RequestHeader(xid, type);
        return Bytes.framed(body == null ? Bytes.jute(header) : Bytes.jute(header, body));
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        return all.toByteArray();
    }

    /** Replaces the seeds (seed-*) of one target; crash files found by fuzzing stay. */
    private static void write(String testClass, String method, Map<String, byte[]> seeds) throws IOException {
        Path dir = RESOURCES.resolve(testClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        try (var old = Files.newDirectoryStream(dir, "seed-*")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve("seed-" + e.getKey()), e.getValue());
        }
    }
}
