package dev.keeper.compat.diff;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP relay in front of a server, so a scenario decides exactly when a client is disconnected and
 * when it may come back: {@link #cut} drops every relayed connection and turns new ones away (accepted, then
 * closed at once, so no ConnectRequest reaches the server); after {@link #restore} the client's next attempt
 * goes through. Whatever the client's random back-off, the server sees it return only after the restore.
 */
final class Proxy implements AutoCloseable {
    private final int target;
    private final ServerSocket listener;
    private final List<Socket> open = new ArrayList<>();
    private final Thread acceptor;
    private boolean refusing;

    Proxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "diff-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                synchronized (this) {
                    if (refusing) {
                        closeQuietly(client);
                        continue;
                    }
                }
                relay(client);
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private void relay(Socket client) throws IOException {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        synchronized (this) {
            open.add(client);
            open.add(upstream);
        }
        pump(client, upstream);
        pump(upstream, client);
    }

    private static void pump(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side went, or cut() closed us
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "diff-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Drops every relayed connection; new ones are turned away until {@link #restore}. */
    synchronized void cut() {
        refusing = true;
        open.forEach(Proxy::closeQuietly);
        open.clear();
    }

    /** Relays new connections to the server again. */
    synchronized void restore() {
        refusing = false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (this) {
            open.forEach(Proxy::closeQuietly);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
