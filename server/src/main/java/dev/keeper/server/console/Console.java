package dev.keeper.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.server.admin.AdminAuth;
import dev.keeper.server.admin.ServerView;
import dev.keeper.server.net.HttpListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.data.Id;

/**
 * The web console on the AdminServer's port, under {@code /console}: a static page, and the JSON API it reads —
 * the tree, sessions, watches by path and by session with the heap they cost, figures over time — plus a live feed
 * of watch events ({@link EventFeed}) and, for a caller with ADMIN rights, node writes ({@link NodeWrites}). What
 * ZooKeeper answers only with text dumps (wchc, wchp, dump), one page.
 *
 * <p>Reads run on the processor thread, as the AdminServer's commands do; writes on a thread of the console's; the
 * feed and the static files on the HTTP thread.
 */
public final class Console implements AutoCloseable {
    public static final String BASE = "/console";
    /** A write's body: ZooKeeper's default {@code jute.maxbuffer}, the most a node's data can be. */
    public static final int MAX_BODY = 0xfffff;

    private final ServerView view;
    private final Executor onProcessor;
    private final ObjectMapper json = new ObjectMapper();
    private final StaticFiles files = new StaticFiles();
    private final ConsoleApi api;
    private final EventFeed feed;
    private final Figures figures = new Figures();
    private final NodeWrites writes;
    private final ScheduledExecutorService timer;
    private final ExecutorService writer;

    private Console(ServerView view, Executor onProcessor, long keepAliveMs, LongSupplier wallClock) {
        this.view = view;
        this.onProcessor = onProcessor;
        this.api = new ConsoleApi(view);
        this.feed = new EventFeed(json, keepAliveMs);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("keeper-console-figures"));
        this.writer = Executors.newSingleThreadExecutor(daemon("keeper-console-writes"));
        this.writes = new NodeWrites(view, onProcessor, writer);
        timer.scheduleAtFixedRate(() -> onProcessor.execute(() -> figures.sample(view, wallClock.getAsLong(),
                System.nanoTime())), 0, 1, TimeUnit.SECONDS);
        view.tap(feed);
    }

    /**
     * Starts the console's timer and feed. {@code idleTimeoutMs} is the admin port's: the feed's keep-alive comes
     * well within it.
     */
    public static Console start(ServerView view, Executor onProcessor, long idleTimeoutMs, LongSupplier wallClock) {
        long keepAlive = Math.max(100, Math.min(10_000, idleTimeoutMs / 3));
        return new Console(view, onProcessor, keepAlive, wallClock);
    }

    public static boolean owns(String path) {
        return path.equals(BASE) || path.startsWith(BASE + "/");
    }

    /**
     * HTTP thread, once the request and its body are in: the answer, or null when the connection has become the
     * live feed (its events are written from then on, and it ends when the page goes). {@code trust} is what an
     * HTTPS caller's certificate is checked against for the x509 scheme.
     */
    public CompletableFuture<FullHttpResponse> handle(ChannelHandlerContext ctx, HttpRequest r, ByteBuf body,
            Supplier<X509TrustManager> trust) {
        QueryStringDecoder q = new QueryStringDecoder(r.uri());
        String path = q.path();
        HttpMethod method = r.method();
        boolean get = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (path.equals(BASE)) {
            FullHttpResponse moved = empty(HttpResponseStatus.MOVED_PERMANENTLY);
            moved.headers().set(HttpHeaderNames.LOCATION, BASE + "/");
            return done(moved);
        }
        String rest = path.substring(BASE.length() + 1);
        if (!rest.startsWith("api/")) {
            StaticFiles.File f = files.get(rest.isEmpty() ? "index.html" : rest);
            if (f == null) {
                return done(jsonResponse(ApiResponse.error(404, "Not found: " + path)));
            }
            if (!get) {
                return done(jsonResponse(ApiResponse.error(405, "HTTP method " + method + " is not supported")));
            }
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(f.bytes()));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
            secure(resp);
            return done(resp);
        }
        String call = rest.substring("api/".length());
        String remoteIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        String authorization = r.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (call.equals("node") && !get) {
            NodeWrites.Kind kind = method.equals(HttpMethod.POST) ? NodeWrites.Kind.CREATE
                    : method.equals(HttpMethod.PUT) ? NodeWrites.Kind.SET
                    : method.equals(HttpMethod.DELETE) ? NodeWrites.Kind.DELETE : null;
            if (kind == null) {
                return done(jsonResponse(ApiResponse.error(405, "HTTP method " + method + " is not supported")));
            }
            byte[] data = ByteBufUtil.getBytes(body);
            return writes.write(kind, param(q, "path", "/"), intParam(q, "version", -1), data, authorization,
                    remoteIp).thenApply(this::jsonResponse);
        }
        if (!get) {
            return done(jsonResponse(ApiResponse.error(405, "HTTP method " + method + " is not supported")));
        }
        if (call.equals("events")) {
            return feed.subscribe(ctx) ? null
                    : done(jsonResponse(ApiResponse.error(503, "Too many pages hold the live feed open (at most "
                            + EventFeed.MAX_SUBSCRIBERS + ")")));
        }
        if (call.equals("figures")) {
            return done(jsonResponse(ApiResponse.ok(figures.toMap())));
        }
        List<Id> ids;
        try {
            ids = authorization == null ? List.of(new Id("ip", remoteIp))
                    : AdminAuth.authenticate(authorization.trim(), remoteIp, HttpListener.peerChain(ctx.channel()),
                            trust.get(), view.config());
        } catch (AdminAuth.NotAuthenticated e) {
            return done(jsonResponse(ApiResponse.error(401, "Not authenticated")));
        }
        Function<ConsoleApi, ApiResponse> read = switch (call) {
            case "overview" -> a -> ApiResponse.ok(a.overview(feed.subscribers(), feed.dropped()));
            case "node" -> a -> a.node(param(q, "path", "/"), Math.max(0, intParam(q, "offset", 0)),
                    Math.min(ConsoleApi.MAX_PAGE, Math.max(1, intParam(q, "limit", 100))), ids);
            case "sessions" -> a -> ApiResponse.ok(a.sessions(Math.min(10_000, Math.max(1,
                    intParam(q, "limit", 1000)))));
            case "watches" -> a -> ApiResponse.ok(a.watches(Math.min(1000, Math.max(0, intParam(q, "limit", 20)))));
            case "watches/path" -> a -> ApiResponse.ok(a.watchesOfPath(param(q, "path", "/")));
            case "watches/session" -> a -> {
                try {
                    return ApiResponse.ok(a.watchesOfSession(Long.parseUnsignedLong(
                            param(q, "id", "0").replaceFirst("^0x", ""), 16),
                            Math.min(10_000, Math.max(1, intParam(q, "limit", 1000)))));
                } catch (NumberFormatException e) {
                    return ApiResponse.error(400, "Bad session id: " + param(q, "id", ""));
                }
            };
            default -> null;
        };
        if (read == null) {
            return done(jsonResponse(ApiResponse.error(404, "Not found: " + path)));
        }
        CompletableFuture<FullHttpResponse> answer = new CompletableFuture<>();
        onProcessor.execute(() -> {
            try {
                answer.complete(jsonResponse(read.apply(api)));
            } catch (RuntimeException e) {
                answer.complete(jsonResponse(ApiResponse.error(500, "Error: " + e)));
            }
        });
        return answer;
    }

    private FullHttpResponse jsonResponse(ApiResponse r) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(r.body());
        } catch (JsonProcessingException e) {
            body = ("{\"error\": \"cannot write the answer: " + e.getOriginalMessage().replace('"', '\'') + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        secure(resp);
        return resp;
    }

    /** The page runs only its own script, and nothing served here is sniffed into another type. */
    private static void secure(FullHttpResponse resp) {
        resp.headers().set("X-Content-Type-Options", "nosniff");
        resp.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        resp.headers().set("X-Frame-Options", "DENY");
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }

    private static String param(QueryStringDecoder q, String name, String otherwise) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? otherwise : v.get(0);
    }

    private static int intParam(QueryStringDecoder q, String name, int otherwise) {
        try {
            return Integer.parseInt(param(q, name, Integer.toString(otherwise)));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        view.tap(null);
        timer.shutdownNow();
        writer.shutdownNow();
    }
}
