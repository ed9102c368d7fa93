package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link FrameDecoder} in an {@link EmbeddedChannel}, fed the bytes a socket would deliver and closed, as the
 * fuzz targets drive it. What it emitted comes back comparable: frames as {@link ByteBuffer}s, {@link
 * FourLetterWord}s, and the {@link FrameDecoder.Unfinished} rest at the close.
 *
 * <p>The channel allocates from an unpooled heap allocator, so what the decoder allocates is what a test counts
 * (a pooled allocator would charge a whole 4 MB chunk to whichever call first needs one).
 */
final class FrameFeed {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Object> emitted = new ArrayList<>();

    FrameFeed(int maxBuffer) {
        channel.config().setAllocator(UnpooledByteBufAllocator.DEFAULT);
        channel.pipeline().addLast(new FrameDecoder(maxBuffer));
    }

    /**
     * Writes {@code bytes} in one piece, or in pieces of 1, 2, 3... bytes (so a split falls inside the first
     * length prefix and at many other offsets, at a cost of about the square root of the length in writes).
     * A {@code CorruptedFrameException} propagates, as the channel's exceptionCaught would see it.
     */
    FrameFeed write(byte[] bytes, boolean inPieces) {
        try {
            int at = 0;
            for (int piece = 1; at < bytes.length; piece++) {
                int end = inPieces ? Math.min(bytes.length, at + piece) : bytes.length;
                channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, at, end)));
                drain();
                at = end;
            }
            return this;
        } catch (RuntimeException e) {
            channel.finishAndReleaseAll();
            throw e;
        }
    }

    /** Closes the channel (the peer hung up) and returns everything emitted since the last call. */
    List<Object> close() {
        channel.finish();
        drain();
        return take();
    }

    /** Everything emitted since the last call. */
    List<Object> take() {
        List<Object> out = List.copyOf(emitted);
        emitted.clear();
        return out;
    }

    private void drain() {
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            if (o instanceof ByteBuf buf) {
                byte[] frame = new byte[buf.readableBytes()];
                buf.readBytes(frame);
                buf.release();
                emitted.add(ByteBuffer.wrap(frame));
            } else {
                emitted.add(o);
            }
        }
    }
}
