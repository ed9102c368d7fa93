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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client port: accepts connections, enforces {@code maxClientCnxns} per client address (ZooKeeper closes
 * the extra connection at once, with nothing sent), and gives each one a frame decoder and a
 * {@link ConnectionHandler}. Uses epoll where the platform has it.
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
    private Channel listener;

    public NettyServer(ServerConfig config, RequestProcessor processor, ServerMetrics metrics) {
        this.config = config;
        this.processor = processor;
        this.metrics = metrics;
        this.outstanding = new OutstandingLimit(config.globalOutstandingLimit());
        boolean epoll = Epoll.isAvailable();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    /** Binds the client port; returns the address actually bound. */
    public InetSocketAddress start(ServerView view) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new FrameDecoder(config.juteMaxBuffer()));
                        ch.pipeline().addLast("connection",
                                new ConnectionHandler(NettyServer.this, processor, view, config.juteMaxBuffer()));
                    }
                });
        InetSocketAddress bind = config.clientPortAddress() == null
                ? new InetSocketAddress(config.clientPort())
                : new InetSocketAddress(config.clientPortAddress(), config.clientPort());
        listener = b.bind(bind).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        LOG.info("binding to port {}", bound);
        return bound;
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
        Connection c = new Connection(ch, metrics, outstanding, config.maxClientOutboundBytes());
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
        if (listener != null) {
            listener.close().awaitUninterruptibly();
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
