package dev.keeper.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.server.processor.WatchTap;
import dev.keeper.wire.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live feed: every watch event the server sends, as server-sent events ({@code text/event-stream})
 * to each page that holds {@code /console/api/events} open. Each batch's events are encoded once and written to
 * every subscriber on its own event loop.
 *
 * <p>A subscriber that does not read costs at most Netty's write buffer: while its channel is not writable, its
 * events are dropped and counted, and the next event it gets is preceded by a {@code dropped} event with the
 * count, so a page knows it missed some. A comment line every {@code keepAliveMs} keeps the connection from the
 * admin port's idle timeout and tells a page the server is there. At most {@link #MAX_SUBSCRIBERS} pages at once.
 * When nobody subscribes, the processor collects nothing ({@link #listening}).
 */
final class EventFeed implements WatchTap {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    static final int MAX_SUBSCRIBERS = 64;

    private final ObjectMapper json;
    private final long keepAliveMs;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean listening;
    /** Events not sent to a page because it was not reading, since the start. */
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    EventFeed(ObjectMapper json, long keepAliveMs) {
        this.json = json;
        this.keepAliveMs = keepAliveMs;
    }

    @Override
    public boolean listening() {
        return listening;
    }

    int subscribers() {
        return subscribers.size();
    }

    long dropped() {
        return dropped.get();
    }

    /**
     * HTTP thread: makes the connection a subscriber: the response head now, events from now on. False when there
     * are {@link #MAX_SUBSCRIBERS} already (the caller answers 503).
     */
    boolean subscribe(ChannelHandlerContext ctx) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return false;
        }
        Channel ch = ctx.channel();
        // a subscriber before its head is written, so that a page that has the head is sure to get what fires
        // next (the feed writes on this same event loop, after this)
        Subscriber s = new Subscriber(ch, dropped);
        subscribers.add(s);
        listening = true;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.write(head);
        // the codec frames each ByteBuf as a chunk
        ctx.writeAndFlush(text(": keeper console feed\nretry: 2000\n\n"));
        s.keepAlive = ch.eventLoop().scheduleAtFixedRate(() -> {
            if (ch.isWritable()) {
                ch.writeAndFlush(text(": keepalive\n\n"));
            }
        }, keepAliveMs, keepAliveMs, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> {
            s.keepAlive.cancel(false);
            subscribers.remove(s);
            listening = !subscribers.isEmpty();
        });
        return true;
    }

    @Override
    public void published(List<Fired> events) {
        if (subscribers.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(events.size() * 120);
        for (Fired f : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", f.time());
            m.put("zxid", "0x" + Long.toHexString(f.zxid()));
            m.put("type", EventType.name(f.type()));
            m.put("path", f.path());
            String[] sessions = new String[f.sessions().length];
            for (int i = 0; i < sessions.length; i++) {
                sessions[i] = "0x" + Long.toHexString(f.sessions()[i]);
            }
            m.put("sessions", sessions);
            try {
                b.append("event: watch\ndata: ").append(json.writeValueAsString(m)).append("\n\n");
            } catch (JsonProcessingException e) {
                LOG.warn("Console feed: cannot encode an event for {}: {}", f.path(), e.getMessage());
            }
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        for (Subscriber s : subscribers) {
            s.channel.eventLoop().execute(() -> s.send(bytes, events.size()));
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static final class Subscriber {
        final Channel channel;
        ScheduledFuture<?> keepAlive;
        private final java.util.concurrent.atomic.AtomicLong droppedInAll;
        /** Events not sent because the page was not reading, since it last was; its event loop only. */
        long dropped;

        Subscriber(Channel channel, java.util.concurrent.atomic.AtomicLong droppedInAll) {
            this.channel = channel;
            this.droppedInAll = droppedInAll;
        }

        void send(byte[] events, int count) {
            if (!channel.isActive()) {
                return;
            }
            if (!channel.isWritable()) {
                if (dropped == 0) {
                    LOG.info("Console feed: {} is not reading; dropping its events until it does",
                            channel.remoteAddress());
                }
                dropped += count;
                droppedInAll.addAndGet(count);
                return;
            }
            if (dropped > 0) {
                channel.write(text("event: dropped\ndata: " + dropped + "\n\n"));
                dropped = 0;
            }
            channel.writeAndFlush(Unpooled.wrappedBuffer(events));
        }
    }
}
