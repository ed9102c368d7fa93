package dev.keeper.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keeper.wire.testing.ParserRun;
import dev.keeper.wire.testing.ParserRun.Outcome;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.zookeeper.proto.ConnectRequest;

/**
 * Fuzzes a connection's first bytes: the {@link FrameDecoder} telling a four-letter word from a length prefix,
 * then {@link Handshake#decode} on the first frame. Seeds ({@code HandshakeFuzzTestInputs/firstBytes}, written
 * by {@link FuzzSeeds}): ConnectRequests as the stock clients send them, with and without the readOnly byte,
 * and the four-letter words as {@code nc} sends them.
 *
 * <p>Checked for every input, besides {@link ParserRun}'s rules (no undocumented exception, allocation within
 * 32 bytes per input byte + 64 KB — room for Netty's cumulation copies and the decoded records, far below
 * the 1 MB a bogus length could ask for):
 * <ul>
 *   <li>the decoder emits what {@link FrameOracle} works out from the bytes: a known word in the first four
 *   bytes, and nothing after it; or the frames, a length out of range failing the connection, and an
 *   incomplete frame reported at the close for what it is;</li>
 *   <li>the bytes give the same result in one piece and in many;</li>
 *   <li>an accepted ConnectRequest is the frame's bytes: its fields, written back, are the frame (the readOnly
 *   byte being there or not as the frame has it, and read as any non-zero byte meaning true).</li>
 * </ul>
 */
class HandshakeFuzzTest {
    private static final int MAX = Jute.DEFAULT_MAX_BUFFER;
    private static final ParserRun FRAMES = ParserRun.of(CorruptedFrameException.class, 32, 64 << 10);
    private static final ParserRun HANDSHAKE = ParserRun.of(IOException.class, 32, 64 << 10);

    @FuzzTest
    void firstBytes(byte[] input) {
        Outcome<List<Object>> whole = FRAMES.run(input, () -> new FrameFeed(MAX).write(input, false).close());
        Outcome<List<Object>> pieces = FRAMES.run(input, () -> new FrameFeed(MAX).write(input, true).close());
        if (whole.accepted() != pieces.accepted() || whole.accepted() && !whole.value().equals(pieces.value())) {
            throw ParserRun.finding(input, "one piece gave " + describe(whole) + ", many gave " + describe(pieces),
                    null);
        }
        List<Object> expected = FrameOracle.expected(input, MAX, true);
        if (expected == null ? whole.accepted() : !whole.accepted() || !whole.value().equals(expected)) {
            throw ParserRun.finding(input, "expected " + (expected == null ? "a Len error" : expected)
                    + ", got " + describe(whole), null);
        }
        if (whole.accepted() && !whole.value().isEmpty() && whole.value().get(0) instanceof ByteBuffer frame) {
            handshake(input, frame.array());
        }
    }

    /** The first frame of the {@code input}; a finding reports the whole input. */
    private static void handshake(byte[] input, byte[] frame) {
        Outcome<Handshake.Connect> c = HANDSHAKE.run(input, frame.length,
                () -> Handshake.decode(Unpooled.wrappedBuffer(frame), MAX));
        if (!c.accepted()) {
            return;
        }
        ConnectRequest r = c.value().request();
        byte[] fields = Bytes.fields(d -> {
            d.writeInt(r.getProtocolVersion());
            d.writeLong(r.getLastZxidSeen());
            d.writeInt(r.getTimeOut());
            d.writeLong(r.getSessionId());
            byte[] passwd = r.getPasswd();
            d.writeInt(passwd == null ? -1 : passwd.length);
            d.write(passwd == null ? new byte[0] : passwd);
        });
        boolean readOnlySent = frame.length > fields.length;
        if (frame.length < fields.length || !Arrays.equals(fields, 0, fields.length, frame, 0, fields.length)
                || readOnlySent != c.value().readOnlySent()
                || readOnlySent && r.getReadOnly() != (frame[fields.length] != 0)) {
            throw ParserRun.finding(input, "the ConnectRequest decoded is not the frame's bytes: " + r, null);
        }
    }

    private static String describe(Outcome<List<Object>> o) {
        return o.accepted() ? o.value().toString() : o.failure().toString();
    }
}
