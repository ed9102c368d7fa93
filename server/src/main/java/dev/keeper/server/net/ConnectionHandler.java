package dev.keeper.server.net;

import dev.keeper.server.admin.FourLetterWords;
import dev.keeper.server.admin.ServerView;
import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.RequestProcessor;
import dev.keeper.wire.FourLetterWord;
import dev.keeper.wire.FrameDecoder;
import dev.keeper.wire.Handshake;
import dev.keeper.wire.Request;
import dev.keeper.wire.RequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's inbound side, on its I/O thread: the first frame is a four-letter word (answered, then the
 * connection closes) or the session handshake; every later frame is decoded into a {@link Request} here and
 * queued for the processor. Anything broken on the wire costs this connection and one log line.
 */
final class ConnectionHandler extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** ZooKeeper closes a connection that has not sent its handshake in this long (sessionlessCnxnTimeout). */
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private final NettyServer server;
    private final RequestProcessor processor;
    private final ServerView view;
    private final RequestDecoder decoder;
    private final int maxBuffer;
    private Connection connection;
    private boolean handshaken;
    /**
     * Why this connection closes is logged already, or will be by whoever closed it (the processor closing an
     * expired session, say): bad input gets one line, not two.
     */
    private boolean closeExplained;
    private ScheduledFuture<?> handshakeTimer;

    ConnectionHandler(NettyServer server, RequestProcessor processor, ServerView view, int maxBuffer) {
        this.server = server;
        this.processor = processor;
        this.view = view;
        this.maxBuffer = maxBuffer;
        this.decoder = new RequestDecoder(maxBuffer);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = server.register(ctx.channel());
        if (connection == null) {
            return;
        }
        handshakeTimer = ctx.executor().schedule(() -> {
            if (!handshaken) {
                closeExplained = true;
                LOG.info("Closing connection from {}: no handshake within {} ms", connection.remote(),
                        HANDSHAKE_TIMEOUT_MS);
                ctx.close();
            }
        }, HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connection == null || server.stopping()) {
            // A stopping server answers what it took in before it stopped reading; this came after.
            release(msg);
            return;
        }
        if (msg instanceof FrameDecoder.Unfinished rest) {
            // Comes once the channel has closed. ZooKeeper logs every client close ("Unable to read additional data
            // from client"); a close in the middle of a frame is the one that is bad input, so that is the one we
            // report.
            if (!closeExplained) {
                LOG.info("Connection from {} closed by the client mid-frame: {} arrived and are discarded",
                        connection.remote(), rest);
            }
            return;
        }
        if (!ctx.channel().isOpen()) {
            // Closed here already (a refused certificate), with frames still decoded from its last read.
            release(msg);
            return;
        }
        // ZooKeeper counts a four-letter word as a packet of 4 bytes, a frame as its length prefix and payload
        connection.packetReceived(msg instanceof ByteBuf b ? 4 + b.readableBytes() : 4);
        if (msg instanceof FourLetterWord word) {
            handshaken = true;
            LOG.info("Processing {} command from {}", word.word(), connection.remote());
            processor.submit(new Event.Task(() -> {
                String text = FourLetterWords.answer(word, view);
                connection.fourLetterWordAnswered();
                ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
                        .addListener(ChannelFutureListener.CLOSE);
            }));
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!handshaken) {
                Handshake.Connect connect = Handshake.decode(frame, maxBuffer);
                handshaken = true;
                processor.submit(new Event.Connected(connection, connect));
            } else {
                Request r = decoder.decode(frame);
                connection.requestQueued();
                processor.submit(new Event.Received(connection, r, System.nanoTime()));
            }
        } catch (IOException e) {
            closeExplained = true;
            LOG.warn("Closing connection from {}: {}", connection.remote(), e.getMessage());
            ctx.close();
        } finally {
            frame.release();
        }
    }

    private static void release(Object msg) {
        if (msg instanceof ByteBuf b) {
            b.release();
        }
    }

    /**
     * A close from the server's side (a session expired, a reply that ends the connection) passes here; a close
     * by the client does not (the transport closes itself on end of stream), so a frame left unfinished at a
     * close we made is no news of the client's.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        closeExplained = true;
        ctx.close(promise);
    }

    /**
     * The TLS handshake ended. A failure closes the connection (the {@code SslHandler} does) and is this
     * connection's one log line. On success, a client that was asked for a certificate and sent one is
     * authenticated by it under the x509 scheme before its first frame is read; a chain the trust store refuses
     * closes the connection, as {@code NettyServerCnxnFactory.CertificateVerifier} does. A client that was only
     * asked ({@code ssl.clientAuth=want}) and sent none goes on unauthenticated.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent done)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        Object who = connection != null ? connection.remote() : ctx.channel().remoteAddress();
        if (!done.isSuccess()) {
            server.handshakeFailed();
            if (!closeExplained) {
                closeExplained = true;
                LOG.info("TLS handshake with {} failed: {}", who, rootMessage(done.cause()));
            }
            ctx.close();
            return;
        }
        SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
        if (connection == null || !(engine.getNeedClientAuth() || engine.getWantClientAuth())) {
            return;
        }
        X509Certificate[] chain;
        try {
            // element by element: the OpenSSL engine's array is a Certificate[], whatever its elements are
            Certificate[] peer = engine.getSession().getPeerCertificates();
            chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                chain[i] = peer[i] instanceof X509Certificate x ? x : null;
            }
            if (Arrays.asList(chain).contains(null)) {
                chain = null;
            }
        } catch (SSLPeerUnverifiedException none) {
            return; // "want" and no certificate: a need engine would not have finished the handshake
        }
        try {
            for (Id id : server.identify(chain)) {
                connection.addAuth(id);
            }
        } catch (CertificateException e) {
            closeExplained = true;
            LOG.warn("Closing connection from {}: x509 authentication failed: {}", who, e.getMessage());
            ctx.close();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = describe(t);
        return root == t ? why : why + " (" + describe(root) + ")";
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (connection != null) {
            server.unregister(connection);
            processor.submit(new Event.Disconnected(connection));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel().isActive() && !closeExplained) {
            closeExplained = true;
            Object who = connection != null ? connection.remote() : ctx.channel().remoteAddress();
            if (cause instanceof IOException) {
                LOG.info("Connection from {} closed: {}", who, cause.getMessage());
            } else {
                LOG.warn("Closing connection from {}: {}", who, cause.getMessage());
            }
            ctx.close();
        }
    }
}
