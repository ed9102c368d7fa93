package dev.keeper.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.server.config.AdminConfig;
import dev.keeper.server.console.Console;
import dev.keeper.server.net.HttpListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.stream.ChunkedFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.X509TrustManager;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AdminServer connection, on the HTTP thread: ZooKeeper's {@code CommandServlet} and {@code Commands.runCommand}.
 * A request names a command after the command URL; the answer is JSON ({@link CommandResponse#toMap}) with the
 * status the command chose, or a snapshot file. One request is handled at a time: reading pauses until its answer
 * is written.
 *
 * <p>What ZooKeeper answers, and so this: the command URL alone lists the commands as links; an unknown command is
 * 200 with an "error"; a command that needs a serving server, asked of one that is not, is 200 with "This ZooKeeper
 * instance is not currently serving requests"; snapshot and restore without an {@code Authorization} header are 401
 * "Auth info is missing for the command", 401 "Not authenticated" with a credential no scheme accepts, and 403 "Not
 * authorized" when the ids lack ALL on "/"; TRACE is 403. Where ZooKeeper's servlet fails on a null response (a GET
 * command POSTed, restore fetched with GET) and Jetty sends a 500 page, this answers 500 with the reason in JSON.
 */
final class AdminHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    private final AdminConfig config;
    private final Commands commands;
    private final ServerView view;
    private final Executor onProcessor;
    private final ObjectMapper json;
    private final Supplier<X509TrustManager> trust;
    /** The web console, served beside the commands; null when it is off. */
    private final Console console;
    /** A console request's body, gathered until its last part; null for every other request. */
    private ByteBuf consoleBody;

    /** The request being answered; null between requests. */
    private HttpRequest request;
    private boolean keepAlive;
    /** Restore's body, being written to disk as it arrives; null for every other request. */
    private FileChannel upload;
    private Path uploadPath;
    /** Restore's whole body has arrived. */
    private boolean bodyDone;
    /** Restore's caller holds ALL on "/", and the server serves: it may run once its body is in. */
    private boolean checked;
    private Command command;
    private Map<String, String> args;

    AdminHandler(AdminConfig config, Commands commands, ServerView view, Executor onProcessor, ObjectMapper json,
            Supplier<X509TrustManager> trust, Console console) {
        super(true);
        this.console = console;
        this.config = config;
        this.commands = commands;
        this.view = view;
        this.onProcessor = onProcessor;
        this.json = json;
        this.trust = trust;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
        if (msg instanceof HttpRequest r) {
            if (request != null) {
                // a second request sent before the first was answered (HTTP pipelining): not taken
                LOG.info("AdminServer: closing connection from {}: a request came before the last was answered",
                        ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            begin(ctx, r);
        }
        if (msg instanceof HttpContent content && consoleBody != null) {
            gatherConsoleBody(ctx, content);
            return;
        }
        // the body of a request answered already (refused early) is read by the codec and dropped here
        if (msg instanceof HttpContent content && upload != null) {
            ByteBuf b = content.content();
            b.readBytes(upload, b.readableBytes());
            if (content instanceof LastHttpContent) {
                bodyDone = true;
                if (checked) {
                    finishBody(ctx);
                }
            }
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest r) throws IOException {
        request = r;
        bodyDone = false;
        checked = false;
        keepAlive = HttpUtil.isKeepAlive(r);
        if (r.decoderResult().isFailure()) {
            // Netty's codec refused the request line or headers: Jetty's statuses (414 for a request line too long,
            // 431 for headers, 400 for what is not HTTP), and this connection ends, as Jetty's does
            keepAlive = false;
            Throwable why = r.decoderResult().cause();
            LOG.info("AdminServer: bad request from {}: {}", ctx.channel().remoteAddress(), why.getMessage());
            HttpResponseStatus status = why instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : why instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            reply(ctx, text(status, status.reasonPhrase() + "\n"));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        QueryStringDecoder q = new QueryStringDecoder(r.uri());
        String path = q.path();
        String base = config.commandUrl();
        if (r.method().equals(HttpMethod.TRACE)) {
            reply(ctx, text(HttpResponseStatus.FORBIDDEN, ""));
            return;
        }
        if (console != null && Console.owns(path)) {
            // the console's request is taken whole (a write carries a node's data), then answered
            consoleBody = ctx.alloc().buffer(0);
            ctx.channel().config().setAutoRead(true);
            return;
        }
        if (!path.equals(base) && !path.startsWith(base + "/")) {
            reply(ctx, text(HttpResponseStatus.NOT_FOUND, "Not found: " + path + "\n"));
            return;
        }
        boolean get = r.method().equals(HttpMethod.GET) || r.method().equals(HttpMethod.HEAD);
        boolean post = r.method().equals(HttpMethod.POST);
        if (!get && !post) {
            reply(ctx, text(HttpResponseStatus.METHOD_NOT_ALLOWED, "HTTP method " + r.method()
                    + " is not supported by this URL\n"));
            return;
        }
        String name = path.substring(base.length());
        if (name.isEmpty() || name.equals("/")) {
            reply(ctx, links());
            return;
        }
        name = name.substring(1);
        args = new LinkedHashMap<>();
        q.parameters().forEach((k, values) -> args.put(k, values.isEmpty() ? "" : values.get(0)));
        command = commands.find(name);
        if (command == null) {
            LOG.warn("AdminServer: unknown command {}", name);
            json(ctx, CommandResponse.error(name, "Unknown command: " + name, 200));
            return;
        }
        List<Id> ids = null;
        if (command.auth()) {
            String header = r.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (header == null) {
                AdminAuth.logRefusal(name, "Auth info is missing");
                json(ctx, CommandResponse.error(name, "Auth info is missing for the command", 401));
                return;
            }
            try {
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                ids = AdminAuth.authenticate(header, remote.getAddress().getHostAddress(),
                        HttpListener.peerChain(ctx.channel()), trust.get(), view.config());
            } catch (AdminAuth.NotAuthenticated e) {
                AdminAuth.logRefusal(name, e.getMessage());
                json(ctx, CommandResponse.error(name, "Not authenticated", 401));
                return;
            }
        }
        if (post != command.post()) {
            json(ctx, CommandResponse.error(name, command.primary() + " takes " + (command.post() ? "POST" : "GET")
                    + ", not " + r.method(), 500));
            return;
        }
        if (command.post()) {
            uploadPath = Files.createTempFile(uploadDir(), "restore-", ".tmp");
            upload = FileChannel.open(uploadPath, StandardOpenOption.WRITE);
        }
        check(ctx, ids);
    }

    private void gatherConsoleBody(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf part = content.content();
        if (consoleBody.readableBytes() + part.readableBytes() > Console.MAX_BODY) {
            LOG.info("AdminServer: closing connection from {}: a console request's body is over {} bytes",
                    ctx.channel().remoteAddress(), Console.MAX_BODY);
            releaseConsoleBody();
            keepAlive = false;
            reply(ctx, text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Request body over " + Console.MAX_BODY
                    + " bytes\n"));
            return;
        }
        consoleBody.writeBytes(part);
        if (!(content instanceof LastHttpContent)) {
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ByteBuf body = consoleBody;
        consoleBody = null;
        CompletableFuture<FullHttpResponse> answer;
        try {
            answer = console.handle(ctx, request, body, trust);
        } finally {
            body.release();
        }
        if (answer == null) {
            // the live feed: this connection is the feed's until the page goes; anything it sends ends it
            ctx.channel().config().setAutoRead(true);
            return;
        }
        answer.whenComplete((resp, failure) -> ctx.executor().execute(() -> reply(ctx, resp != null ? resp
                : text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "console: " + failure + "\n"))));
    }

    private void releaseConsoleBody() {
        if (consoleBody != null) {
            consoleBody.release();
            consoleBody = null;
        }
    }

    /** On the processor thread: is the server serving, and do the ids hold ALL on "/"? Then the command runs. */
    private void check(ChannelHandlerContext ctx, List<Id> ids) {
        Command c = command;
        String name = c.primary();
        onProcessor.execute(() -> {
            CommandResponse refusal = null;
            if (c.serverRequired() && view.mode() == null) {
                refusal = CommandResponse.error(name, NOT_SERVING, 200);
            } else if (ids != null && !AdminAuth.authorized(view.tree(), "/", dev.keeper.server.tree.AclCache.Perms.ALL,
                    ids)) {
                AdminAuth.logRefusal(name, "the ids " + ids + " lack ALL on /");
                refusal = CommandResponse.error(name, "Not authorized", 403);
            }
            CommandResponse r = refusal;
            if (r == null && c.onProcessor() && !c.post()) {
                r = run(c, null);
            }
            CommandResponse answer = r;
            ctx.executor().execute(() -> {
                if (answer != null) {
                    dropUpload();
                    send(ctx, answer);
                } else if (!c.post()) {
                    send(ctx, run(c, null)); // a command of the HTTP thread
                } else {
                    // restore: the body may flow now, and the command runs once it is all in (finishBody)
                    checked = true;
                    if (bodyDone) {
                        finishBody(ctx);
                    } else {
                        ctx.channel().config().setAutoRead(true);
                    }
                }
            });
        });
    }

    /** The whole body is in, and the caller may restore: restore runs. */
    private void finishBody(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        try {
            upload.close();
        } catch (IOException e) {
            dropUpload();
            send(ctx, CommandResponse.error(command.primary(), "cannot save the posted snapshot: " + e, 500));
            return;
        }
        upload = null;
        Path body = uploadPath;
        CommandResponse r = run(command, body);
        CompletableFuture<CommandResponse> finished = r.later() != null ? r.later()
                : CompletableFuture.completedFuture(r);
        finished.whenComplete((x, e) -> deleteQuietly(body));
        send(ctx, r);
    }

    private CommandResponse run(Command c, Path body) {
        CommandResponse out = new CommandResponse(c.primary());
        try {
            c.body().run(new Command.Call(view, args, body), out);
        } catch (Exception | Error e) {
            LOG.warn("AdminServer: {} failed", c.primary(), e);
            return CommandResponse.error(c.primary(), "Error running " + c.primary() + ": " + e, 500);
        }
        return out;
    }

    /** Writes the answer, now or once a command that finishes later has finished. */
    private void send(ChannelHandlerContext ctx, CommandResponse r) {
        if (r.later() == null) {
            json(ctx, r);
            return;
        }
        r.later().whenComplete((done, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                json(ctx, CommandResponse.error(r.command(), String.valueOf(failure.getMessage()), 500));
            } else if (done.bodyFile() != null) {
                stream(ctx, done);
            } else {
                json(ctx, done);
            }
        }));
    }

    private void json(ChannelHandlerContext ctx, CommandResponse r) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(r.toMap());
        } catch (JsonProcessingException e) {
            LOG.warn("Exception writing command response to JSON:", e);
            body = "{\"error\": \"Exception writing command response to JSON\"}".getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().forEach(resp.headers()::set);
        reply(ctx, resp);
    }

    /** The snapshot file as the body ({@code StreamOutputter}). */
    private void stream(ChannelHandlerContext ctx, CommandResponse r) {
        RandomAccessFile file;
        long length;
        try {
            file = new RandomAccessFile(r.bodyFile().toFile(), "r");
            length = file.length();
        } catch (IOException e) {
            json(ctx, CommandResponse.error(r.command(), "cannot read " + r.bodyFile() + ": " + e.getMessage(), 500));
            return;
        }
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
        r.headers().forEach(resp.headers()::set);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        HttpUtil.setContentLength(resp, length);
        keepAliveHeader(resp);
        ctx.write(resp);
        try {
            ChannelFuture f = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedFile(file, 0, length, 64 * 1024)));
            done(ctx, f);
        } catch (IOException e) {
            ctx.close();
        }
    }

    /** GET on the command URL: a link to each command ({@code JettyAdminServer.commandLinks}). */
    private FullHttpResponse links() {
        StringBuilder b = new StringBuilder();
        for (String name : commands.primaries()) {
            b.append(String.format("<a href=\"%s\">%s</a>%n<br/>%n", config.commandUrl() + "/" + name, name));
        }
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(b, StandardCharsets.UTF_8));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (!body.isEmpty()) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        return r;
    }

    private void reply(ChannelHandlerContext ctx, FullHttpResponse resp) {
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        if (request != null && request.method().equals(HttpMethod.HEAD)) {
            resp.content().clear();
        }
        keepAliveHeader(resp);
        done(ctx, ctx.writeAndFlush(resp));
    }

    private void keepAliveHeader(HttpResponse resp) {
        if (!keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
    }

    /** After the answer is written: the next request, or the end of the connection. */
    private void done(ChannelHandlerContext ctx, ChannelFuture written) {
        dropUpload();
        request = null;
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            written.addListener(f -> ctx.channel().config().setAutoRead(true));
        }
    }

    private void dropUpload() {
        if (upload != null) {
            try {
                upload.close();
            } catch (IOException ignored) {
                // closing a file we only wrote to; it is deleted next
            }
            upload = null;
            deleteQuietly(uploadPath);
        }
    }

    private Path uploadDir() throws IOException {
        Path dataDir = view.config().dataDir();
        return dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", p, e.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropUpload();
        releaseConsoleBody();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("AdminServer: closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
