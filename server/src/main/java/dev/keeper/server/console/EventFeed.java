package dev.keeper.server.console;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live feed: every watch event the server sends, as server-sent events ({@code text/event-stream})
 * to each page that holds {@code /console/api/events} open. Each batch's events are encoded once, on the admin
 * port's event loop (its one thread, which every page's channel is on), and written to every subscriber. An event
 * names at most {@link #MAX_SESSIONS_LISTED} of the sessions it went to, and how many there were.
 *
 * <p>A subscriber that does not read costs at most its write buffer (2 MiB): while its channel is not writable, its
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

    /** The admin port's event loop: every page's channel is on it, and the feed encodes and writes there. */
    private volatile java.util.concurrent.Executor loop = Runnable::run;

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
        loop = ch.eventLoop();
        // a page that reads may fall behind a burst by this much before it misses events: at most this (and a
        // batch) per page that does not read, times MAX_SUBSCRIBERS, is what the feed can hold
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1 << 19, 2 << 20));
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

    /**
     * Any thread (the one that released the batch, after its fsync): hands the batch to the feed's event loop, where
     * it is encoded once and written to every page. Nothing of it runs on the thread that released the batch, whose
     * next fsync waits for it; at most {@link #MAX_QUEUED} events wait for the event loop, and a batch beyond that is
     * dropped and counted, as for a page that does not read.
     */
    @Override
    public void published(List<Fired> events) {
        if (subscribers.isEmpty()) {
            return;
        }
        if (queued.addAndGet(events.size()) > MAX_QUEUED) {
            queued.addAndGet(-events.size());
            dropped.addAndGet((long) events.size() * subscribers.size());
            return;
        }
        loop.execute(() -> {
            queued.addAndGet(-events.size());
            byte[] bytes = encode(events);
            for (Subscriber s : subscribers) {
                s.send(bytes, events.size());
            }
        });
    }

    /** Events on their way to the event loop. */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    static final int MAX_QUEUED = 100_000;
    /** The sessions an event lists by id; the count says how many it went to. */
    static final int MAX_SESSIONS_LISTED = 16;

    /** The batch as server-sent events, each {@code event: watch} and one line of JSON. */
    private byte[] encode(List<Fired> events) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(events.size() * 160);
        try {
            for (Fired f : events) {
                out.write(EVENT_HEAD);
                try (com.fasterxml.jackson.core.JsonGenerator g = json.getFactory().createGenerator(out)) {
                    g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    g.writeStartObject();
                    g.writeNumberField("time", f.time());
                    g.writeStringField("zxid", "0x" + Long.toHexString(f.zxid()));
                    g.writeStringField("type", EventType.name(f.type()));
                    g.writeStringField("path", f.path());
                    g.writeNumberField("watchers", f.sessions().length);
                    g.writeArrayFieldStart("sessions");
                    for (int i = 0; i < Math.min(MAX_SESSIONS_LISTED, f.sessions().length); i++) {
                        g.writeString("0x" + Long.toHexString(f.sessions()[i]));
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                out.write(EVENT_TAIL);
            }
        } catch (java.io.IOException e) {
            LOG.warn("Console feed: cannot encode events: {}", e.getMessage());
        }
        return out.toByteArray();
    }

    private static final byte[] EVENT_HEAD = "event: watch\ndata: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT_TAIL = "\n\n".getBytes(StandardCharsets.UTF_8);

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

        /** The feed's event loop, which is this channel's. */
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
