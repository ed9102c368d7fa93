package dev.keeper.bench;

import dev.keeper.wire.FrameDecoder;
import dev.keeper.wire.Jute;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many {@link LightSession}s to one server over two event-loop threads: what lets one process hold 10,000
 * sessions, where the stock client would need 20,000 threads.
 */
final class FanOutClient implements FanOutRound.Source, AutoCloseable {
    /** Handshakes in flight at once: ZooKeeper listens with Java's default backlog of 50. */
    private static final int MAX_CONNECTING = 40;
    private static final long STEP_TIMEOUT_MS = 120_000;

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final List<LightSession> sessions = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile FanOutRound round;

    @Override
    public FanOutRound current() {
        return round;
    }

    @Override
    public void failed(Throwable cause) {
        failure.compareAndSet(null, cause);
    }

    /** Opens {@code n} sessions, a bounded number of handshakes at a time. */
    void connect(InetSocketAddress server, int n, int sessionTimeoutMs) throws IOException, InterruptedException {
        Semaphore connecting = new Semaphore(MAX_CONNECTING);
        List<CompletableFuture<LightSession>> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        for (int i = 0; i < n; i++) {
            long left = deadline - System.nanoTime();
            if (!connecting.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                throw new IOException("only " + i + " of " + n + " sessions connected within "
                        + STEP_TIMEOUT_MS + " ms");
            }
            checkFailure("connecting session " + i);
            LightSession session = new LightSession(i, sessionTimeoutMs, this);
            sessions.add(session);
            all.add(session.connected());
            session.connected().whenComplete((s, e) -> connecting.release());
            ChannelFuture f = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new FrameDecoder(Jute.DEFAULT_MAX_BUFFER), session);
                        }
                    })
                    .connect(server);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    session.connected().completeExceptionally(done.cause());
                }
            });
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IOException("a session failed to connect: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("sessions did not all connect within " + STEP_TIMEOUT_MS + " ms", e);
        }
    }

    /**
     * What one round measured.
     *
     * @param armNanos from sending every session's getData to the last reply
     * @param delays   each session's notification arrival, in nanoseconds after the trigger was sent
     */
    record Timing(long armNanos, long[] delays) {
    }

    /**
     * One round: arm every session's watch on {@code path}, then run {@code trigger} (which changes the znode)
     * and wait for every notification.
     */
    Timing round(String path, Runnable trigger) throws IOException, InterruptedException {
        FanOutRound r = new FanOutRound(sessions.size());
        round = r;
        long armFrom = System.nanoTime();
        for (LightSession s : sessions) {
            s.arm(path);
        }
        await(r.armedLatch().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS), "arming watches", r.armedLatch()
                .getCount());
        long sentAt = System.nanoTime();
        long armNanos = sentAt - armFrom;
        trigger.run();
        await(r.notifiedLatch().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS), "waiting for notifications",
                r.notifiedLatch().getCount());
        long[] arrivals = r.arrivals();
        long[] delays = new long[arrivals.length];
        for (int i = 0; i < arrivals.length; i++) {
            delays[i] = arrivals[i] - sentAt;
        }
        return new Timing(armNanos, delays);
    }

    private void await(boolean done, String step, long missing) throws IOException {
        checkFailure(step);
        if (!done) {
            throw new IOException(step + ": " + missing + " of " + sessions.size() + " sessions still waiting after "
                    + STEP_TIMEOUT_MS + " ms");
        }
    }

    private void checkFailure(String step) throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw new IOException(step + ": " + t, t);
        }
    }

    @Override
    public void close() {
        for (LightSession s : sessions) {
            s.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
    }
}
