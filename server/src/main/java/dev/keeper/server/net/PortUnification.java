package dev.keeper.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * {@code client.portUnification}: the plain client port takes TLS clients too. A connection whose first byte is
 * not a TLS handshake record is plaintext at once — a four-letter word is only four bytes long, and would
 * otherwise wait for a fifth, as ZooKeeper's {@code DualModeSslHandler} also reasons; one that starts like TLS is
 * decided on its first record header, then this handler steps aside for an {@link SslHandler} or for nothing.
 */
final class PortUnification extends ByteToMessageDecoder {
    /** TLS record content type 22: handshake, which every TLS connection opens with. */
    private static final byte HANDSHAKE = 22;
    private static final int RECORD_HEADER = 5;

    private final TlsContext tls;

    PortUnification(TlsContext tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) != HANDSHAKE) {
            ctx.pipeline().remove(this);
            return;
        }
        if (in.readableBytes() < RECORD_HEADER) {
            return;
        }
        if (SslHandler.isEncrypted(in)) {
            ctx.pipeline().replace(this, "tls", tls.newHandler(ctx.alloc()));
        } else {
            ctx.pipeline().remove(this);
        }
    }
}
