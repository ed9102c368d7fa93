package dev.keeper.server.net;

import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.op.Caller;
import dev.keeper.wire.Handshake;
import dev.keeper.wire.Notification;
import dev.keeper.wire.Outbound;
import dev.keeper.wire.Reply;
import dev.keeper.wire.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.sasl.SaslServer;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: what the processor knows of it (its session, credentials, statistics) and the way
 * out to its socket.
 *
 * <p>Session fields, credentials and statistics belong to the processor thread. {@link #send} may be called
 * from any thread; it hands the batch to the channel's event loop, which encodes and flushes it once (in 1 MiB
 * chunks when it is bigger). A client that leaves more than {@code maxOutboundBytes} unread is disconnected, so it
 * costs only its own connection, and at most that bound plus one chunk and one message of memory. ZooKeeper has no
 * such bound: NIOServerCnxn queues a non-reading client's output until memory runs out or its session expires.
 */
public final class Connection implements Caller {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Encoded bytes handed to the socket at a time within one batch. */
    private static final int CHUNK = 1 << 20;

    private final Channel channel;
    private final InetSocketAddress remote;
    private final ServerMetrics metrics;
    private final OutstandingLimit limit;
    private final long maxOutboundBytes;
    private final long established = System.currentTimeMillis();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    /** Requests queued and not yet answered; event-loop thread only. */
    private int outstanding;

    // Processor thread.
    private long sessionId;
    private int sessionTimeout;
    private boolean readOnlySent;
    private boolean gone;
    private final List<Id> auth = new ArrayList<>(2);
    /** This connection's SASL exchange, from its first SASL packet on; null before (and without SASL). */
    private SaslServer sasl;
    private String lastOp = "NA";
    private long lastCxid = -1;
    private long lastZxid = -1;
    private long lastResponseTime;
    private long lastLatency;
    private long minLatency = Long.MAX_VALUE;
    private long maxLatency;
    private long totalLatency;
    private long count;
    private long malformed;

    /** Accepted on the secureClientPort (the cons command lists these apart, as ZooKeeper's second factory's). */
    private final boolean secure;

    Connection(Channel channel, ServerMetrics metrics, OutstandingLimit limit, long maxOutboundBytes,
            boolean secure) {
        this.secure = secure;
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.remoteAddress();
        this.metrics = metrics;
        this.limit = limit;
        this.maxOutboundBytes = maxOutboundBytes;
        auth.add(new Id("ip", remote.getAddress().getHostAddress()));
    }

    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public long sessionId() {
        return sessionId;
    }

    public int sessionTimeout() {
        return sessionTimeout;
    }

    public boolean readOnlySent() {
        return readOnlySent;
    }

    /** Processor thread: this connection now speaks for {@code session}. */
    public void bind(long session, int timeout, boolean readOnlyByte) {
        this.sessionId = session;
        this.sessionTimeout = timeout;
        this.readOnlySent = readOnlyByte;
    }

    public void unbind() {
        this.sessionId = 0;
    }

    @Override
    public List<Id> auth() {
        return auth;
    }

    public void addAuth(Id id) {
        if (!auth.contains(id)) {
            auth.add(id);
        }
    }

    /** Processor thread: the connection's SASL server, or null before its first SASL packet. */
    public SaslServer sasl() {
        return sasl;
    }

    public void sasl(SaslServer server) {
        this.sasl = server;
    }

    /** Processor thread: the connection has closed, nothing more is queued for it. */
    public void markGone() {
        gone = true;
    }

    public boolean gone() {
        return gone;
    }

    /** Processor thread: one more malformed request; true for the first, the one that is logged. */
    public boolean malformedRequest() {
        return malformed++ == 0;
    }

    /** Processor thread: malformed requests this connection sent. */
    public long malformedRequests() {
        return malformed;
    }

    /**
     * A four-letter word's answer went out: ZooKeeper counts it as a packet sent, as it counted the word as one
     * received ({@code NIOServerCnxn.checkFourLetterWord}, {@code sendBufferSync}).
     */
    void fourLetterWordAnswered() {
        sent.incrementAndGet();
        metrics.packetsSent(1);
    }

    void packetReceived(long bytes) {
        received.incrementAndGet();
        metrics.packetReceived();
        metrics.bytesReceived(bytes);
    }

    /** Processor thread: a reply went out for {@code cxid} after {@code latency} ms. */
    public void replied(String op, long cxid, long zxid, long latency) {
        lastOp = op;
        if (cxid >= 0) {
            lastCxid = cxid;
        }
        lastZxid = zxid;
        // ZooKeeper's lresp / last_response_time is on its elapsed-time clock (Time.currentElapsedTime), not the wall's
        lastResponseTime = System.nanoTime() / 1_000_000;
        lastLatency = latency;
        minLatency = Math.min(minLatency, latency);
        maxLatency = Math.max(maxLatency, latency);
        totalLatency += latency;
        count++;
    }

    /** crst. */
    public void resetStats() {
        received.set(0);
        sent.set(0);
        lastOp = "NA";
        lastCxid = -1;
        lastZxid = -1;
        lastResponseTime = 0;
        lastLatency = 0;
        minLatency = Long.MAX_VALUE;
        maxLatency = 0;
        totalLatency = 0;
        count = 0;
    }

    /** Sends a batch and flushes once; closes afterwards if asked. Any thread. */
    public void send(List<Outbound> batch, boolean closeAfter) {
        try {
            channel.eventLoop().execute(() -> write(batch, closeAfter));
        } catch (RejectedExecutionException stopped) {
            // The event loops have stopped, and this connection with them: nobody is left to read it.
            LOG.debug("Connection from {} has stopped; {} messages not sent", remote, batch.size());
        }
    }

    private void write(List<Outbound> batch, boolean closeAfter) {
        if (!channel.isActive()) {
            return;
        }
        int replies = 0;
        ByteBuf buf = null;
        int last = -1;
        int min = Integer.MAX_VALUE;
        int max = -1;
        long replyBytes = 0;
        long eventBytes = 0;
        for (Outbound m : batch) {
            if (buf == null) {
                buf = channel.alloc().ioBuffer(Math.min(CHUNK, 64 * batch.size()));
            }
            int before = buf.writerIndex();
            ReplyEncoder.encode(m, buf);
            if (!(m instanceof Handshake.Response)) {
                last = buf.writerIndex() - before - 4; // ServerCnxn.sendResponse counts what follows the length
                min = Math.min(min, last);
                max = Math.max(max, last);
                if (m instanceof Notification) {
                    eventBytes += last;
                } else {
                    replyBytes += last;
                }
            }
            if (m instanceof Reply) {
                replies++;
            }
            sent.incrementAndGet();
            metrics.packetsSent(1);
            if (m instanceof Notification) {
                metrics.watchEventSent();
            }
            if (buf.readableBytes() >= CHUNK) {
                // A batch can hold a thousand replies of a megabyte each: hand it over in chunks, so the bound
                // is checked as the backlog grows rather than after all of it is in memory.
                channel.writeAndFlush(buf, channel.voidPromise());
                buf = null;
                if (dropIfBacklogged()) {
                    return; // closing: channelInactive counts what is left as answered
                }
            }
        }
        answered(replies);
        if (last >= 0) {
            metrics.responsesSent(last, min, max);
            metrics.bytesSent(replyBytes, eventBytes);
        }
        if (closeAfter) {
            if (batch.isEmpty()) {
                // Nothing to say first (an expired session): close now, whatever the client left unread.
                channel.close();
            } else {
                channel.writeAndFlush(buf != null ? buf : Unpooled.EMPTY_BUFFER)
                        .addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (buf != null) {
            channel.writeAndFlush(buf, channel.voidPromise());
        }
        dropIfBacklogged();
    }

    /**
     * Event-loop thread: one more request is on its way to the processor. Past the server's
     * {@code globalOutstandingLimit} this connection stops being read until replies catch up
     * ({@link OutstandingLimit}), so no number of clients can fill the server's memory with requests.
     */
    void requestQueued() {
        outstanding++;
        limit.queued(this);
    }

    private void answered(int replies) {
        int n = Math.min(replies, outstanding);
        outstanding -= n;
        limit.answered(n);
    }

    /** Event-loop thread: the connection closed; its requests still unanswered never will be. */
    void closed() {
        limit.forget(this);
        answered(outstanding);
    }

    /** Any thread (Netty hands the change to the channel's event loop). */
    void pauseReading() {
        channel.config().setAutoRead(false);
    }

    /** Any thread. */
    void resumeReading() {
        try {
            channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
        } catch (RejectedExecutionException stopped) {
            // closing anyway
        }
    }

    /**
     * Any thread: closes the connection once everything handed to it so far has been written (a clean stop
     * lets the last replies out first); a client that reads nothing is cut off when the event loops stop.
     */
    public void closeAfterWrites() {
        try {
            channel.eventLoop().execute(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(ChannelFutureListener.CLOSE));
        } catch (RejectedExecutionException stopped) {
            channel.close();
        }
    }

    /** Closes the connection if more than the allowed bytes wait unread; says whether it did. */
    private boolean dropIfBacklogged() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        if (out == null || out.totalPendingWriteBytes() <= maxOutboundBytes) {
            return false;
        }
        LOG.warn("Closing connection from {} (session 0x{}): {} bytes of replies and events left unread,"
                + " more than the {} allowed", remote, Long.toHexString(sessionId), out.totalPendingWriteBytes(),
                maxOutboundBytes);
        metrics.connectionDroppedForBacklog();
        channel.close();
        return true;
    }

    /** Closes the socket. Any thread. */
    public void close() {
        channel.close();
    }

    /** True if this connection came in on the secureClientPort. */
    public boolean secure() {
        return secure;
    }

    /**
     * Processor thread: this connection as the AdminServer's connections and stats commands show it
     * ({@code ServerCnxn.getConnectionInfo}): the brief form has the first five entries.
     */
    public Map<String, Object> info(boolean brief) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remote_socket_address", remote.getAddress().getHostAddress() + ":" + remote.getPort());
        m.put("interest_ops", channel.config().isAutoRead() ? 1 : 0); // OP_READ, as NIO's selection key says
        m.put("outstanding_requests", (long) outstanding);
        m.put("packets_received", received.get());
        m.put("packets_sent", sent.get());
        if (!brief) {
            m.put("session_id", sessionId);
            m.put("last_operation", lastOp);
            m.put("established", established);
            m.put("session_timeout", sessionTimeout);
            m.put("last_cxid", lastCxid);
            m.put("last_zxid", lastZxid);
            m.put("last_response_time", lastResponseTime);
            m.put("last_latency", lastLatency);
            m.put("min_latency", count == 0 ? 0 : minLatency);
            m.put("avg_latency", count == 0 ? 0 : totalLatency / count);
            m.put("max_latency", maxLatency);
        }
        return m;
    }

    /** The cons/stat line for this connection ({@code ServerCnxn.dumpConnectionInfo}). */
    public void dump(PrintWriter pw, boolean brief) {
        pw.print(" ");
        pw.print(remote);
        pw.print("[1](queued=0,recved=");
        pw.print(received.get());
        pw.print(",sent=");
        pw.print(sent.get());
        if (!brief && sessionId != 0) {
            pw.print(",sid=0x");
            pw.print(Long.toHexString(sessionId));
            pw.print(",lop=");
            pw.print(lastOp);
            pw.print(",est=");
            pw.print(established);
            pw.print(",to=");
            pw.print(sessionTimeout);
            if (lastCxid >= 0) {
                pw.print(",lcxid=0x");
                pw.print(Long.toHexString(lastCxid));
            }
            pw.print(",lzxid=0x");
            pw.print(Long.toHexString(lastZxid));
            pw.print(",lresp=");
            pw.print(lastResponseTime);
            pw.print(",llat=");
            pw.print(lastLatency);
            pw.print(",minlat=");
            pw.print(count == 0 ? 0 : minLatency);
            pw.print(",avglat=");
            pw.print(count == 0 ? 0 : totalLatency / count);
            pw.print(",maxlat=");
            pw.print(maxLatency);
        }
        pw.print(")");
    }

    @Override
    public String toString() {
        return "ip: " + remote + " sessionId: 0x" + Long.toHexString(sessionId);
    }
}
