package dev.keeper.bench;

import dev.keeper.wire.EventType;
import dev.keeper.wire.Jute;
import dev.keeper.wire.OpCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/**
 * One ZooKeeper session spoken directly on a Netty channel, a few hundred bytes of state instead of the stock
 * client's two threads: it connects, sets a data watch with getData, and records when the watch fires.
 * It pings every third of the negotiated timeout, as the stock client does when idle, so the session lives.
 *
 * <p>All its callbacks run on its channel's event loop.
 */
final class LightSession extends ChannelInboundHandlerAdapter {
    private final int index;
    private final int requestedTimeoutMs;
    private final FanOutRound.Source rounds;
    private final CompletableFuture<LightSession> connected = new CompletableFuture<>();
    private Channel channel;
    private boolean handshakeDone;
    private int nextXid = 1;
    private int armXid;
    private boolean closing;

    LightSession(int index, int requestedTimeoutMs, FanOutRound.Source rounds) {
        this.index = index;
        this.requestedTimeoutMs = requestedTimeoutMs;
        this.rounds = rounds;
    }

    CompletableFuture<LightSession> connected() {
        return connected;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // Protocol version 0, no last zxid, new session, 16 zero bytes of password, then the readOnly flag.
        ctx.writeAndFlush(frame(ctx.channel(), null,
                new ConnectRequest(0, 0, requestedTimeoutMs, 0, new byte[16], false)));
    }

    /** Sends getData(path, watch=true); the round counts the reply. Safe from any thread. */
    void arm(String path) {
        channel.eventLoop().execute(() -> {
            armXid = nextXid++;
            channel.writeAndFlush(frame(channel, new RequestHeader(armXid, OpCode.GET_DATA),
                    new GetDataRequest(path, true)));
        });
    }

    void close() {
        if (channel != null) {
            channel.eventLoop().execute(() -> {
                closing = true;
                channel.close();
            });
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ByteBuf frame)) {
                throw new IOException("unexpected message " + msg);
            }
            if (!handshakeDone) {
                onConnectResponse(frame);
            } else {
                onReply(frame);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onConnectResponse(ByteBuf frame) throws IOException {
        ConnectResponse rsp = new ConnectResponse();
        // The trailing readOnly byte is optional; read the fixed fields only.
        var in = Jute.input(frame, Jute.DEFAULT_MAX_BUFFER);
        rsp.setProtocolVersion(in.readInt("protocolVersion"));
        rsp.setTimeOut(in.readInt("timeOut"));
        rsp.setSessionId(in.readLong("sessionId"));
        if (rsp.getTimeOut() <= 0 || rsp.getSessionId() == 0) {
            throw new IOException("session refused: timeout " + rsp.getTimeOut());
        }
        handshakeDone = true;
        long pingEvery = Math.max(1, rsp.getTimeOut() / 3);
        channel.eventLoop().scheduleAtFixedRate(() -> {
            if (channel.isActive()) {
                channel.writeAndFlush(frame(channel, new RequestHeader(OpCode.XID_PING, OpCode.PING), null));
            }
        }, pingEvery, pingEvery, TimeUnit.MILLISECONDS);
        connected.complete(this);
    }

    private void onReply(ByteBuf frame) throws IOException {
        ReplyHeader header = Jute.read(frame, Jute.DEFAULT_MAX_BUFFER, new ReplyHeader());
        FanOutRound round = rounds.current();
        if (header.getXid() == OpCode.XID_NOTIFICATION) {
            WatcherEvent event = Jute.read(frame, Jute.DEFAULT_MAX_BUFFER, new WatcherEvent());
            long now = System.nanoTime();
            if (round == null || event.getType() != EventType.NODE_DATA_CHANGED) {
                throw new IOException("unexpected watch event " + event + " on session " + index);
            }
            round.notified(index, now);
        } else if (header.getXid() == OpCode.XID_PING) {
            return;
        } else if (header.getXid() == armXid && round != null) {
            if (header.getErr() != 0) {
                throw new IOException("getData with watch failed with error " + header.getErr());
            }
            round.armed();
        } else {
            throw new IOException("unexpected reply xid " + header.getXid() + " on session " + index);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closing) {
            fail(new IOException("connection of session " + index + " closed by the server"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        if (!connected.isDone()) {
            connected.completeExceptionally(cause);
        }
        rounds.failed(cause);
    }

    /** A length-prefixed frame of an optional header and a body. */
    private static ByteBuf frame(Channel ch, RequestHeader header, Record body) {
        ByteBuf out = ch.alloc().buffer(64);
        out.writeInt(0);
        if (header != null) {
            Jute.write(header, out);
        }
        if (body != null) {
            Jute.write(body, out);
        }
        out.setInt(0, out.writerIndex() - 4);
        return out;
    }
}
