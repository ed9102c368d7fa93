package dev.keeper.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits a connection's bytes into ZooKeeper frames: a 4-byte big-endian length, then that many bytes.
 *
 * <p>Emits a retained {@link ByteBuf} per frame, or a {@link FourLetterWord} when the connection's very first
 * length slot spells one (as {@code NIOServerCnxn.readLength} checks before the connection is initialised);
 * after a word nothing more is read. A length below zero or above {@code jute.maxbuffer} fails the connection
 * with a {@link CorruptedFrameException}, as ZooKeeper's "Len error" does. When the peer closes in the middle of
 * a frame, the bytes it left are reported as one {@link Unfinished} before the channel goes inactive, so the
 * close can be logged for what it is.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    /**
     * What was left of a frame when the peer closed: {@code received} bytes, and the length its prefix announced
     * ({@code -1} when not even the 4-byte prefix arrived whole).
     */
    public record Unfinished(int received, int announced) {
        @Override
        public String toString() {
            return announced < 0
                    ? received + " of the 4 bytes of a length prefix"
                    : (received - 4) + " of the " + announced + " bytes its length prefix announced";
        }
    }

    private final int maxBuffer;
    private boolean first = true;
    private boolean finished;

    public FrameDecoder(int maxBuffer) {
        this.maxBuffer = maxBuffer;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!finished && in.readableBytes() >= 4) {
            int len = in.getInt(in.readerIndex());
            if (first) {
                first = false;
                FourLetterWord word = FourLetterWord.of(len);
                if (word != null) {
                    in.skipBytes(in.readableBytes());
                    finished = true;
                    out.add(word);
                    return;
                }
            }
            if (len < 0 || len > maxBuffer) {
                in.skipBytes(in.readableBytes());
                finished = true;
                throw new CorruptedFrameException("Len error: advertised length of " + len
                        + " is either a malformed message or too large to process (length is greater than"
                        + " jute.maxbuffer=" + maxBuffer + ")");
            }
            if (in.readableBytes() < 4 + len) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(len));
        }
        if (finished) {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!finished && in.isReadable()) {
            int received = in.readableBytes();
            int announced = received >= 4 ? in.getInt(in.readerIndex()) : -1;
            in.skipBytes(received);
            out.add(new Unfinished(received, announced));
        }
    }
}
