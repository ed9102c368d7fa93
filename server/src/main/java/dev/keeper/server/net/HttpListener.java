package dev.keeper.server.net;

import dev.keeper.server.config.TlsConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP port (the AdminServer's), on an I/O thread of its own so that no client of the ZooKeeper port waits
 * behind it: Netty's HTTP codec (no parsing of ours), HTTPS when configured — alone, or beside HTTP told apart
 * by the first byte as on the client port ({@link PortUnification}) — and an idle timeout, as Jetty's connector
 * has ({@code admin.idleTimeout}). What each request means is the handler's business.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    /**
     * Jetty's request header buffer is 8 KiB, line and headers together: over it, a request line gets 414 and
     * headers 431 (see the handler). Each limit here is the whole of it.
     */
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADERS = 8192;

    private final EventLoopGroup group;
    private final Channel listener;
    private final TlsContext tls;

    private HttpListener(EventLoopGroup group, Channel listener, TlsContext tls) {
        this.group = group;
        this.listener = listener;
        this.tls = tls;
    }

    /**
     * Binds {@code address}; {@code tls} is null for plain HTTP. {@code handler} gives each connection its
     * request handler, after the codec. Fails with the reason when the port cannot be bound or the stores read.
     */
    public static HttpListener bind(InetSocketAddress address, TlsConfig tls, boolean unified, int idleTimeoutMs,
            Supplier<ChannelHandler> handler) throws IOException {
        TlsContext context;
        try {
            context = tls == null ? null : new TlsContext(tls, "the AdminServer");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot set up HTTPS: " + e.getMessage(), e);
        }
        EventLoopGroup group = new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "keeper-admin-http");
            t.setDaemon(true);
            return t;
        });
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (context != null && unified) {
                            ch.pipeline().addLast("detect", new PortUnification(context));
                        } else if (context != null) {
                            ch.pipeline().addLast("tls", context.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeoutMs,
                                TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("closeIdle", new CloseIdle());
                        ch.pipeline().addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192));
                        ch.pipeline().addLast("chunks", new ChunkedWriteHandler());
                        ch.pipeline().addLast("handler", handler.get());
                    }
                });
        try {
            Channel ch = b.bind(address).sync().channel();
            return new HttpListener(group, ch, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted while binding " + address, e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException(e.getMessage() != null ? e.getMessage() : e.toString(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** What an HTTPS client's certificate is checked against for the x509 scheme, or null without one. */
    public X509TrustManager trustManager() {
        return tls == null ? null : tls.trustManager();
    }

    /** The certificate chain an HTTPS client presented, or null (plain HTTP, or no certificate). */
    public static X509Certificate[] peerChain(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[peer.length];
            for (int i = 0; i < peer.length; i++) {
                if (!(peer[i] instanceof X509Certificate x)) {
                    return null;
                }
                chain[i] = x;
            }
            return chain;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Closes a connection idle for {@code admin.idleTimeout}, and one whose TLS handshake failed (one line). */
    private static final class CloseIdle extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                if (done.cause().getMessage() != null) { // null: closed before a byte came (a port probe)
                    LOG.info("AdminServer: TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                            done.cause().getMessage());
                }
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
