package dev.keeper.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keeper.server.config.AdminConfig;
import dev.keeper.server.console.Console;
import dev.keeper.server.net.HttpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's AdminServer ({@code JettyAdminServer}): its commands over HTTP at {@code admin.commandURL}, answered
 * in JSON as ZooKeeper answers them, on Netty's HTTP codec rather than Jetty. Commands that read the tree, sessions
 * or watches run on the processor thread, as four-letter words do, so each answer is one consistent view; the
 * HTTP thread only parses, authenticates and writes.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final HttpListener listener;
    private final Console console;

    private AdminServer(HttpListener listener, Console console) {
        this.listener = listener;
        this.console = console;
    }

    /**
     * Binds the admin port. {@code onProcessor} runs a task on the processor thread. Fails with ZooKeeper's
     * "Problem starting AdminServer" and the reason when the port cannot be bound.
     */
    public static AdminServer start(AdminConfig config, ServerView view, Executor onProcessor) throws IOException {
        Commands commands = new Commands(new SnapshotCommand(config, System::currentTimeMillis),
                new RestoreCommand(config, System::currentTimeMillis));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        InetSocketAddress bind = new InetSocketAddress(config.address(), config.port());
        HttpListener[] self = new HttpListener[1];
        HttpListener listener;
        Console console = Console.start(view, onProcessor, config.idleTimeoutMs(), System::currentTimeMillis);
        try {
            listener = HttpListener.bind(bind, config.tls(), config.portUnification(), config.idleTimeoutMs(),
                    () -> new AdminHandler(config, commands, view, onProcessor, json,
                            () -> self[0] == null ? null : self[0].trustManager(), console));
        } catch (IOException e) {
            console.close();
            throw new IOException(String.format("Problem starting AdminServer on address %s, port %d and command URL"
                    + " %s: %s", config.address(), config.port(), config.commandUrl(), e.getMessage()), e);
        }
        self[0] = listener;
        LOG.info("Started AdminServer on address {}, port {} and command URL {}{}",
                listener.address().getAddress().getHostAddress(), listener.address().getPort(), config.commandUrl(),
                config.forceHttps() ? " (HTTPS)" : config.portUnification() ? " (HTTP and HTTPS)" : "");
        LOG.info("Web console at http{}://{}:{}{}/", config.forceHttps() ? "s" : "",
                listener.address().getAddress().getHostAddress(), listener.address().getPort(), Console.BASE);
        return new AdminServer(listener, console);
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
        console.close();
    }
}
