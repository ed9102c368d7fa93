package dev.keeper.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FrameDecoder} through Netty's {@link EmbeddedChannel}: the bytes a socket would deliver, in any pieces. */
class FrameDecoderTest {
    private static final int MAX = Jute.DEFAULT_MAX_BUFFER;

    /** Payloads of assorted sizes, an empty one among them (a valid frame, if not a valid request). */
    private static final List<byte[]> PAYLOADS = List.of(random(45, 1), random(0, 2), random(300, 3), random(1, 4),
            random(17, 5));

    @Test
    void validInput_splitAtEveryByteBoundary_givesTheSameFrames() {
        byte[] wire = Bytes.frames(PAYLOADS);
        for (int split = 0; split <= wire.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, 0, split)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, split, wire.length)));
            assertFrames(PAYLOADS, ch, "split at " + split);
            assertFalse(ch.finish(), "nothing left over");
        }
    }

    @Test
    void validInput_oneByteAtATime_givesTheSameFrames() {
        byte[] wire = Bytes.frames(PAYLOADS);
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        for (byte b : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertFrames(PAYLOADS, ch, "byte at a time");
        assertFalse(ch.finish());
    }

    @Test
    void validInput_allAtOnce_givesTheSameFrames() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(PAYLOADS)));
        assertFrames(PAYLOADS, ch, "one piece");
        assertFalse(ch.finish());
    }

    @Test
    void frameOfExactlyJuteMaxBuffer_isAccepted() {
        byte[] big = random(MAX, 6);
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(List.of(big))));
        assertFrames(List.of(big), ch, "maxbuffer");
    }

    @Test
    void everyFourLetterWord_asTheFirstFourBytes_isAnsweredAndNothingAfterIsRead() {
        for (FourLetterWord word : FourLetterWord.values()) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
            byte[] text = word.word().getBytes(StandardCharsets.US_ASCII);
            // Split inside the word, and followed by what would be a frame: nc sends "ruok\n" and more.
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(text, 0, 2)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(text, 2, 4)));
            ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(PAYLOADS)));
            assertEquals(word, ch.readInbound());
            assertNull(ch.readInbound(), "nothing is read after a four-letter word");
            assertFalse(ch.finish(), "and nothing is reported at the close");
        }
    }

    @Test
    void fourLetterWord_afterTheFirstFrame_isALengthOverTheLimit() {
        // ZooKeeper checks for a word only while the connection is not initialised; later, "ruok" is a length.
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(List.of(random(45, 7)))));
        releaseAll(ch);
        CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
                () -> ch.writeInbound(Unpooled.copiedBuffer("ruok", StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("Len error"), e.getMessage());
    }

    @Test
    void unknownWord_asTheFirstFourBytes_isALengthOverTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        assertThrows(CorruptedFrameException.class,
                () -> ch.writeInbound(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII)));
    }

    @Test
    void lengthOverJuteMaxBuffer_failsTheConnection_asTheFirstFrameAndLater() {
        EmbeddedChannel first = new EmbeddedChannel(new FrameDecoder(MAX));
        assertLenError(first, MAX + 1);

        EmbeddedChannel later = new EmbeddedChannel(new FrameDecoder(MAX));
        later.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(List.of(random(45, 8)))));
        releaseAll(later);
        assertLenError(later, MAX + 1);
    }

    @Test
    void negativeLength_failsTheConnection() {
        for (int len : new int[] {-1, -5, Integer.MIN_VALUE}) {
            assertLenError(new EmbeddedChannel(new FrameDecoder(MAX)), len);
        }
    }

    @Test
    void afterALengthError_nothingMoreIsDecoded() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        assertLenError(ch, -1);
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(PAYLOADS)));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void clientClosingMidFrame_reportsWhatArrived() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(List.of(random(5, 9)))));
        releaseAll(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        assertNull(ch.readInbound(), "a partial frame is held");
        assertTrue(ch.finish());
        assertEquals(new FrameDecoder.Unfinished(14, 100), ch.readInbound());
    }

    @Test
    void clientClosingInsideALengthPrefix_reportsThePiece() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        assertTrue(ch.finish());
        assertEquals(new FrameDecoder.Unfinished(2, -1), ch.readInbound());
    }

    @Test
    void clientClosingBetweenFrames_reportsNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.frames(PAYLOADS)));
        releaseAll(ch);
        assertFalse(ch.finish());
    }

    private static void assertLenError(EmbeddedChannel ch, int len) {
        ByteBuf prefix = Unpooled.buffer(4).writeInt(len);
        CorruptedFrameException e = assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(prefix));
        assertTrue(e.getMessage().contains("Len error") && e.getMessage().contains(Integer.toString(len)),
                e.getMessage());
    }

    private static void assertFrames(List<byte[]> expected, EmbeddedChannel ch, String how) {
        List<byte[]> got = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            got.add(ByteBufUtil.getBytes(b));
            b.release();
        }
        assertEquals(expected.size(), got.size(), how);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), how + ", frame " + i);
        }
    }

    private static void releaseAll(EmbeddedChannel ch) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            ((ByteBuf) m).release();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
