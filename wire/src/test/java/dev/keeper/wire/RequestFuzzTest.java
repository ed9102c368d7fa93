package dev.keeper.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keeper.wire.testing.JuteStrings;
import dev.keeper.wire.testing.ParserRun;
import dev.keeper.wire.testing.ParserRun.Outcome;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * Fuzzes what a client sends after its handshake: the bytes go through a {@link FrameDecoder} that has already
 * passed a ConnectRequest, and each frame through {@link RequestDecoder}. Seeds ({@code
 * RequestFuzzTestInputs/frames}, written by {@link FuzzSeeds}): a frame per opcode, each request record encoded by
 * zookeeper-jute as the stock client encodes it, and whole sessions of them.
 *
 * <p>Checked for every input, besides {@link ParserRun}'s rules (no undocumented exception; allocation within
 * 32 bytes per input byte + 64 KB for the framing, and the same per frame for its request):
 * <ul>
 *   <li>the decoder emits what {@link FrameOracle} works out from the bytes (the frames, a Len error, the rest
 *   at the close), whether the bytes come in one piece or in many;</li>
 *   <li>a frame of at least 8 bytes always decodes, to the xid and opcode its first 8 bytes hold, and to the
 *   opcode's record unless it is marked malformed (a null path, a Jute string of length −1, decodes as ZooKeeper
 *   decodes it: what it gets is each operation's answer, measured against ZooKeeper in the server's
 *   differential tests);</li>
 *   <li>a decoded request, encoded again, decodes to a request that encodes to the same bytes (unless a string
 *   is one jute cannot give back, {@link JuteStrings}).</li>
 * </ul>
 */
class RequestFuzzTest {
    private static final int MAX = Jute.DEFAULT_MAX_BUFFER;
    private static final ParserRun FRAMES = ParserRun.of(CorruptedFrameException.class, 32, 64 << 10);
    private static final ParserRun REQUESTS = ParserRun.of(IOException.class, 32, 64 << 10);
    private static final RequestDecoder DECODER = new RequestDecoder(MAX);
    private static final byte[] CONNECT = Bytes.framed(Bytes.jute(
            new ConnectRequest(0, 0, 30_000, 0, new byte[16], false)));

    @FuzzTest
    void frames(byte[] input) {
        Outcome<List<Object>> whole = FRAMES.run(input, () -> afterHandshake(input, false));
        Outcome<List<Object>> pieces = FRAMES.run(input, () -> afterHandshake(input, true));
        if (whole.accepted() != pieces.accepted() || whole.accepted() && !whole.value().equals(pieces.value())) {
            throw ParserRun.finding(input, "one piece gave " + (whole.accepted() ? whole.value() : whole.failure())
                    + ", many gave " + (pieces.accepted() ? pieces.value() : pieces.failure()), null);
        }
        List<Object> expected = FrameOracle.expected(input, MAX, false);
        if (expected == null ? whole.accepted() : !whole.accepted() || !whole.value().equals(expected)) {
            throw ParserRun.finding(input, "expected " + (expected == null ? "a Len error" : expected) + ", got "
                    + (whole.accepted() ? whole.value() : whole.failure()), null);
        }
        if (!whole.accepted()) {
            return;
        }
        for (Object o : whole.value()) {
            if (o instanceof ByteBuffer frame) {
                request(input, frame.array());
            }
        }
    }

    private static List<Object> afterHandshake(byte[] input, boolean inPieces) {
        FrameFeed feed = new FrameFeed(MAX).write(CONNECT, false);
        feed.take();
        return feed.write(input, inPieces).close();
    }

    /** One frame of the {@code input}; a finding reports the whole input. */
    private static void request(byte[] input, byte[] frame) {
        Outcome<Request> decoded = REQUESTS.run(input, frame.length,
                () -> DECODER.decode(Unpooled.wrappedBuffer(frame)));
        if (!decoded.accepted()) {
            if (frame.length >= 8) {
                throw ParserRun.finding(input, "a frame with a whole RequestHeader failed: " + decoded.failure(),
                        null);
            }
            return;
        }
        Request r = decoded.value();
        ByteBuffer header = ByteBuffer.wrap(frame);
        if (r.xid() != header.getInt() || r.opCode() != header.getInt()) {
            throw ParserRun.finding(input, "the header decoded as xid " + r.xid() + ", opcode " + r.opCode(), null);
        }
        if (r.malformed()) {
            return;
        }
        if (!hasExpectedBody(r)) {
            throw ParserRun.finding(input, "opcode " + r.opCode() + " decoded to " + r.body(), null);
        }
        if (r.body() instanceof MultiRecords.Ops ops && !MultiRecordsFuzzTest.reencodable(ops)) {
            return;
        }
        byte[] again = encode(r);
        if (JuteStrings.lossy(again)) {
            return;
        }
        byte[] twice;
        try {
            Request back = DECODER.decode(Unpooled.wrappedBuffer(again));
            twice = back.malformed() ? null : encode(back);
        } catch (IOException e) {
            throw ParserRun.finding(input, "the request, encoded again, does not decode: " + e, e);
        }
        if (!Arrays.equals(again, twice)) {
            throw ParserRun.finding(input, "the request, encoded again, decodes to another request", null);
        }
    }

    private static boolean hasExpectedBody(Request r) {
        if (r.opCode() == OpCode.MULTI || r.opCode() == OpCode.MULTI_READ) {
            return r.body() instanceof MultiRecords.Ops;
        }
        Supplier<? extends Record> factory = RequestDecoder.recordFor(r.opCode());
        return factory == null ? r.body() == null
                : r.body() != null && r.body().getClass() == factory.get().getClass();
    }

    private static byte[] encode(Request r) {
        RequestHeader header = new RequestHeader(r.xid(), r.opCode());
        if (r.body() instanceof MultiRecords.Ops ops) {
            return Bytes.jute(header, MultiRecords.request(ops.ops()));
        }
        return r.body() == null ? Bytes.jute(header) : Bytes.jute(header, (Record) r.body());
    }
}
