package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;
import org.junit.jupiter.api.Test;

/**
 * What the server writes: each frame compared with bytes built independently, field by field for the headers
 * and by the zookeeper-jute records' own {@code serialize} for bodies. (The zookeeper jar's own
 * {@code MultiResponse} would be the better oracle, but wire must not depend on it.)
 */
class ReplyEncoderTest {
    private static final Stat STAT = new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    @Test
    void replyWithABody_isItsHeaderThenItsRecord() {
        GetDataResponse body = new GetDataResponse("hello".getBytes(StandardCharsets.UTF_8), STAT);
        byte[] expected = Bytes.framed(Bytes.concat(header(12, 0x1_0000_0005L, 0), Bytes.jute(body)));
        assertArrayEquals(expected, encode(new Reply(12, 0x1_0000_0005L, 0, body)));
    }

    @Test
    void replyWithoutABody_isItsHeaderAlone() {
        // Every error, and delete, setWatches, closeSession and ping replies: 16 bytes behind the length.
        assertArrayEquals(Bytes.framed(header(7, -1, ErrorCode.UNIMPLEMENTED)),
                encode(new Reply(7, -1, ErrorCode.UNIMPLEMENTED, null)));
        assertArrayEquals(Bytes.framed(header(-2, 0x33, 0)), encode(new Reply(-2, 0x33, 0, null)));
    }

    @Test
    void replyHeader_matchesTheJuteRecord() {
        assertArrayEquals(Bytes.jute(new ReplyHeader(12, 0x1_0000_0005L, -101)), header(12, 0x1_0000_0005L, -101));
    }

    @Test
    void notification_isXidMinusOne_theChangesZxid_errorZero_thenAWatcherEvent() {
        Notification n = new Notification(EventType.NODE_DATA_CHANGED, "/a/b", 0x2_0000_0001L);
        byte[] event = Bytes.fields(d -> {
            d.writeInt(EventType.NODE_DATA_CHANGED);
            d.writeInt(3); // SyncConnected
            byte[] path = "/a/b".getBytes(StandardCharsets.UTF_8);
            d.writeInt(path.length);
            d.write(path);
        });
        byte[] expected = Bytes.framed(Bytes.concat(header(-1, 0x2_0000_0001L, 0), event));
        assertArrayEquals(Bytes.jute(new WatcherEvent(EventType.NODE_DATA_CHANGED, 3, "/a/b")), event);
        assertArrayEquals(expected, encode(n));
        assertArrayEquals(expected, encode(n), "the cached frame is the same the second time");
    }

    @Test
    void severalMessages_areAppendedFrameAfterFrame() {
        ByteBuf out = Unpooled.buffer();
        ReplyEncoder.encode(new Reply(1, 5, 0, new CreateResponse("/x")), out);
        ReplyEncoder.encode(new Notification(EventType.NODE_CREATED, "/x", 5), out);
        byte[] expected = Bytes.concat(
                Bytes.framed(Bytes.concat(header(1, 5, 0), Bytes.jute(new CreateResponse("/x")))),
                Bytes.framed(Bytes.concat(header(-1, 5, 0),
                        Bytes.jute(new WatcherEvent(EventType.NODE_CREATED, 3, "/x")))));
        assertArrayEquals(expected, ByteBufUtil.getBytes(out));
    }

    @Test
    void multiResponse_isAHeaderPerResult_thenTheClosingHeader() {
        // MultiResponse.serialize: each result behind MultiHeader(type, false, err), err set only for an error
        // result; delete and check results are the header alone, an error result adds an ErrorResponse.
        List<MultiRecords.Result> results = List.of(
                new MultiRecords.Result(OpCode.CREATE, 0, new CreateResponse("/a")),
                new MultiRecords.Result(OpCode.CREATE2, 0, new Create2Response("/b", STAT)),
                new MultiRecords.Result(OpCode.DELETE, 0, null),
                MultiRecords.Result.error(ErrorCode.NO_NODE));
        byte[] expected = Bytes.concat(
                Bytes.jute(new MultiHeader(OpCode.CREATE, false, 0), new CreateResponse("/a")),
                Bytes.jute(new MultiHeader(OpCode.CREATE2, false, 0), new Create2Response("/b", STAT)),
                Bytes.jute(new MultiHeader(OpCode.DELETE, false, 0)),
                Bytes.jute(new MultiHeader(-1, false, ErrorCode.NO_NODE), new ErrorResponse(ErrorCode.NO_NODE)),
                Bytes.fields(d -> {
                    d.writeInt(-1);
                    d.writeByte(1);
                    d.writeInt(-1);
                }));
        assertArrayEquals(Bytes.framed(Bytes.concat(header(3, 9, 0), expected)),
                encode(new Reply(3, 9, 0, MultiRecords.response(results))));
    }

    @Test
    void emptyMultiResponse_isTheClosingHeaderAlone() {
        assertArrayEquals(Bytes.framed(Bytes.concat(header(3, 9, 0), Bytes.jute(new MultiHeader(-1, true, -1)))),
                encode(new Reply(3, 9, 0, MultiRecords.response(List.of()))));
    }

    private static byte[] header(int xid, long zxid, int err) {
        return Bytes.fields(d -> {
            d.writeInt(xid);
            d.writeLong(zxid);
            d.writeInt(err);
        });
    }

    private static byte[] encode(Outbound m) {
        ByteBuf out = Unpooled.buffer();
        ReplyEncoder.encode(m, out);
        return ByteBufUtil.getBytes(out);
    }
}
