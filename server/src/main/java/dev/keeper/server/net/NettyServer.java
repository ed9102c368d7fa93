package dev.keeper.server.net;

import dev.keeper.server.admin.ServerView;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.processor.RequestProcessor;
import dev.keeper.wire.FrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import dev.keeper.server.auth.X509Auth;
import dev.keeper.server.config.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port: accepts connections, enforces {@code maxClientCnxns} per client address (ZooKeeper closes
 * the extra connection at once, with nothing sent), and gives each one a frame decoder and a
 * {@link ConnectionHandler}. Uses epoll where the platform has it. With TLS configured ({@link TlsContext}) a
 * {@code secureClientPort} listener puts an {@code SslHandler} first, and {@code client.portUnification} lets the
 * plain port tell TLS clients from plaintext ones by their first bytes ({@link PortUnification}).
 *
 * <p>A connection is read from for as long as it is open, however much output it has left unread, as
 * ZooKeeper's NIOServerCnxn does: a slow reader's pings must keep its session alive. What bounds its
 * backlog is {@code maxClientOutboundBytes} ({@link Connection}); what bounds the requests of all connections
 * together is {@code globalOutstandingLimit} ({@link OutstandingLimit}).
 *
 * <p>Stopping comes in two steps, so that a clean stop answers what it took in: {@link #stopAccepting} closes
 * the listener and stops reading, then, once the processor and the log have drained, {@link #close} lets each
 * connection write what it was handed and closes it.
 */
public final class NettyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);

    private final ServerConfig config;
    private final RequestProcessor processor;
    private final ServerMetrics metrics;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /** Open connections per client address; an address with none has no entry. */
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<Connection, Boolean> connections = new ConcurrentHashMap<>();
    private final OutstandingLimit outstanding;
    private volatile boolean stopping;
    private final TlsContext tls;
    private final List<Channel> listeners = new ArrayList<>(2);
    private InetSocketAddress secureAddress;

    /** Reads the key and trust stores when TLS is configured; a store that cannot be read is an IOException. */
    public NettyServer(ServerConfig config, RequestProcessor processor, ServerMetrics metrics) throws IOException {
        this.config = config;
        this.processor = processor;
        this.metrics = metrics;
        TlsConfig t = config.security().tls();
        try {
            this.tls = t == null ? null : new TlsContext(t);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot set up TLS on the client port: " + e, e);
        }
        this.outstanding = new OutstandingLimit(config.globalOutstandingLimit());
        boolean epoll = Epoll.isAvailable();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    /**
     * Binds the client port, and the secure one when {@code secureClientPort} is set; returns the plain port's
     * address, or the secure one's when there is no plain port.
     */
    public InetSocketAddress start(ServerView view) throws InterruptedException {
        InetSocketAddress plain = null;
        if (config.clientPort() >= 0) {
            InetSocketAddress bind = config.clientPortAddress() == null
                    ? new InetSocketAddress(config.clientPort())
                    : new InetSocketAddress(config.clientPortAddress(), config.clientPort());
            boolean unified = tls != null && config.security().tls().portUnification();
            plain = bind(view, bind, unified ? Port.UNIFIED : Port.PLAIN);
            LOG.info("binding to port {}{}", plain, unified ? " (plaintext and TLS: client.portUnification)" : "");
        }
        TlsConfig t = config.security().tls();
        if (t != null && t.securePort() >= 0) {
            InetSocketAddress bind = t.secureAddress() == null ? new InetSocketAddress(t.securePort())
                    : new InetSocketAddress(t.secureAddress(), t.securePort());
            secureAddress = bind(view, bind, Port.SECURE);
            LOG.info("binding to secure port {}", secureAddress);
        }
        return plain != null ? plain : secureAddress;
    }

    /** What a listening port speaks. */
    private enum Port { PLAIN, SECURE, UNIFIED }

    private InetSocketAddress bind(ServerView view, InetSocketAddress address, Port port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (port == Port.SECURE) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        } else if (port == Port.UNIFIED) {
                            ch.pipeline().addLast("detect", new PortUnification(tls));
                        }
                        ch.pipeline().addLast("frames", new FrameDecoder(config.juteMaxBuffer()));
                        ch.pipeline().addLast("connection", new ConnectionHandler(NettyServer.this, processor, view,
                                config.juteMaxBuffer()));
                    }
                });
        Channel listener = b.bind(address).sync().channel();
        synchronized (listeners) {
            listeners.add(listener);
        }
        return (InetSocketAddress) listener.localAddress();
    }

    /** The secure client port's address, or null without one. */
    public InetSocketAddress secureAddress() {
        return secureAddress;
    }

    /**
     * I/O thread: the TLS handshake of {@code c} succeeded; the ids its certificate proves under the x509 scheme,
     * or an exception saying why it proves none ({@code NettyServerCnxnFactory.CertificateVerifier}).
     */
    List<Id> identify(X509Certificate[] chain) throws CertificateException {
        try {
            return X509Auth.identify(chain, tls.trustManager(), config.security().x509SuperUser(),
                    config.security().x509Id());
        } catch (CertificateException e) {
            metrics.authFailed();
            throw e;
        }
    }

    /**
     * I/O thread: a new connection, or null (and closed) if its address already has maxClientCnxns, or the
     * server is stopping.
     */
    Connection register(Channel ch) {
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        InetAddress addr = remote.getAddress();
        int max = config.maxClientCnxns();
        boolean[] refused = {false};
        perAddress.compute(addr, (k, n) -> {
            int open = n == null ? 0 : n;
            if (max > 0 && open >= max) {
                refused[0] = true;
                return n;
            }
            return open + 1;
        });
        if (refused[0]) {
            // ZooKeeper's line names the address only; with the port it names the connection it refused.
            LOG.warn("Too many connections from {} - max is {}; closing {}", addr, max, remote);
            metrics.connectionRejected();
            ch.close();
            return null;
        }
        boolean secure = secureAddress != null
                && ((InetSocketAddress) ch.localAddress()).getPort() == secureAddress.getPort();
        Connection c = new Connection(ch, metrics, outstanding, config.maxClientOutboundBytes(), secure);
        connections.put(c, Boolean.TRUE);
        if (stopping) {
            // accepted just as the listener closed: it would only wait for close() to end it
            ch.close();
        }
        return c;
    }

    /** I/O thread: a registered connection closed; its address's count goes, and the entry with the last one. */
    void unregister(Connection c) {
        c.closed();
        if (connections.remove(c) != null) {
            perAddress.computeIfPresent(c.remote().getAddress(), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** I/O thread: a TLS handshake on the client port failed ({@code unsuccessful_handshake}). */
    void handshakeFailed() {
        metrics.counter("unsuccessful_handshake").increment();
    }

    /** True once the server has begun to stop: nothing read from now on is processed. */
    boolean stopping() {
        return stopping;
    }

    /** Client addresses with at least one open connection. */
    public int addressesTracked() {
        return perAddress.size();
    }

    /** Requests queued by all connections and not yet answered ({@code globalOutstandingLimit}'s count). */
    public int outstandingRequests() {
        return outstanding.outstanding();
    }

    public Collection<Connection> connections() {
        return Collections.unmodifiableSet(connections.keySet());
    }

    /**
     * The first step of a clean stop: no new connections, and no more requests read from open ones (what is
     * already queued for the processor still gets its reply).
     */
    public void stopAccepting() {
        stopping = true;
        synchronized (listeners) {
            for (Channel listener : listeners) {
                listener.close().awaitUninterruptibly();
            }
        }
        for (Connection c : connections.keySet()) {
            c.pauseReading();
        }
    }

    /** Writes what each connection was handed, closes it, and stops the I/O threads. */
    @Override
    public void close() {
        stopAccepting();
        for (Connection c : connections.keySet()) {
            c.closeAfterWrites();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
