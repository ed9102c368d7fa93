package dev.keeper.compat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1 between a stock client and a server, so a test decides when the client is
 * disconnected and for how long: the ZooKeeper client reconnects on its own within a second, which leaves no
 * window to change the tree "while it is away" unless its reconnections can be refused. While cut, every
 * connection is accepted and closed at once (the client sees the server as down). It can also be pointed at
 * another server, and it remembers, per forwarded connection, the first bytes the server sent back, so a test
 * can tell a refused handshake (nothing sent) from an answered one.
 */
public final class LoopbackProxy implements AutoCloseable {
    private static final int KEPT_BYTES = 64;

    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger admissions = new AtomicInteger(Integer.MAX_VALUE);
    private volatile int targetPort;
    /** Bumped by every cut, so a connection admitted just before a cut does not slip past it. */
    private int generation;

    /** One forwarded connection. */
    public static final class Link {
        public final int targetPort;
        private final Socket client;
        private final Socket server;
        private final byte[] fromServer = new byte[KEPT_BYTES];
        private int fromServerCount;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean serverClosed;

        Link(int targetPort, Socket client, Socket server) {
            this.targetPort = targetPort;
            this.client = client;
            this.server = server;
        }

        /** The first bytes the server sent on this connection (at most 64). */
        public synchronized byte[] firstBytesFromServer() {
            return Arrays.copyOf(fromServer, fromServerCount);
        }

        synchronized void keep(byte[] buf, int n) {
            int room = Math.min(n, KEPT_BYTES - fromServerCount);
            System.arraycopy(buf, 0, fromServer, fromServerCount, room);
            fromServerCount += room;
        }

        /** True once the server end closed (or reset) the connection. */
        public boolean closedByServer() {
            return serverClosed;
        }

        /** Closes both ends; the first closer decides whether the server is the one who hung up. */
        void close(boolean byServer) {
            if (closed.compareAndSet(false, true)) {
                serverClosed = byServer;
            }
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    public LoopbackProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "loopback-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Drops every forwarded connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        synchronized (links) {
            admissions.set(0);
            generation++;
            for (Link l : links) {
                l.close(false);
            }
        }
    }

    public void restore() {
        admissions.set(Integer.MAX_VALUE);
    }

    /** Forwards only the next {@code n} connections; later ones are refused. */
    public void admitOnly(int n) {
        admissions.set(n);
    }

    /** New connections go to this port; existing ones are left alone. */
    public void retarget(int port) {
        targetPort = port;
    }

    public List<Link> links() {
        return new ArrayList<>(links);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            int admittedIn;
            synchronized (links) {
                admittedIn = generation;
            }
            if (admissions.getAndUpdate(n -> n > 0 && n != Integer.MAX_VALUE ? n - 1 : n) <= 0) {
                closeQuietly(client);
                continue;
            }
            int port = targetPort;
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            Link link = new Link(port, client, server);
            synchronized (links) {
                if (admittedIn != generation) {
                    link.close(false);
                    continue;
                }
                links.add(link);
            }
            pump(link, client, server, false);
            pump(link, server, client, true);
        }
    }

    /**
     * Copies one direction until either end fails. Which end failed says who hung up: a failed read is the end
     * this pump reads from, a failed write the end it writes to.
     */
    private void pump(Link link, Socket from, Socket to, boolean fromServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            boolean readSideEnded = true;
            // Not try-with-resources: closing a socket's stream closes the socket, and the other pump would then
            // fail on it and could decide who hung up before this one does. link.close closes both sockets, after
            // it has recorded which end went away.
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (fromServer) {
                        link.keep(buf, n);
                    }
                    readSideEnded = false;
                    out.write(buf, 0, n);
                    out.flush();
                    readSideEnded = true;
                }
            } catch (IOException e) {
                // the end named by readSideEnded went away; the finally below closes the other
            } finally {
                link.close(readSideEnded == fromServer);
            }
        }, "loopback-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        for (Link l : links) {
            l.close(false);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing on teardown or on a cut: nothing left to do with the error
        }
    }
}
