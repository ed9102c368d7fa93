package dev.keeper.compat.ensemble;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between two members in one direction: every TCP connection member {@code from} opens to member
 * {@code to}. Member {@code from}'s hosts file sends the name of {@code to} to this link's address, where it listens
 * on {@code to}'s ports and forwards to {@code to}'s own address. A connection carries bytes both ways, so a link
 * cut stops the replies on its connections too; a partition between two members cuts both directed links.
 *
 * <p>A link is open, reset or held:
 * <ul>
 *   <li><b>reset</b>: its connections are closed with a TCP reset, and every new one is reset as soon as it is
 *   accepted — a crashed switch port, or a firewall that rejects: the member learns at once;</li>
 *   <li><b>held</b> (a black hole): nothing moves and nothing is closed. The forwarders stop reading, so the
 *   sender's socket buffers fill and its writes block, as when TCP retransmits into a dead network; new connections
 *   are accepted (the kernel completes the handshake) and left waiting. The member learns only from its own
 *   timeouts, which is the harder fault. When the link opens again what was held is delivered, late and in order,
 *   as TCP would deliver it after a short outage.</li>
 * </ul>
 * Each connection costs two copying threads; an ensemble's links carry a few dozen connections.
 */
final class DirectedLink implements AutoCloseable {
    /** How a link is cut. */
    enum Cut {
        RESET, BLACK_HOLE
    }

    private enum State {
        OPEN, RESET, HELD, CLOSED
    }

    private final String name;
    private final InetAddress target;
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private State state = State.OPEN; // guarded by this

    /**
     * Listens on {@code address} at each of {@code ports} and forwards to the same port on {@code target}.
     *
     * @param name for thread names and messages, e.g. "1->2"
     */
    DirectedLink(String name, InetAddress address, InetAddress target, int... ports) throws IOException {
        this.name = name;
        this.target = target;
        try {
            for (int port : ports) {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(address, port), 50);
                listeners.add(listener);
                Thread t = new Thread(() -> acceptLoop(listener, port), "link-" + name + "-accept-" + port);
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Cuts the link: existing and new connections are reset, or held silently. */
    void cut(Cut how) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = how == Cut.RESET ? State.RESET : State.HELD;
            notifyAll();
        }
        if (how == Cut.RESET) {
            resetAll();
        }
    }

    /** Opens the link again; what a black hole held is delivered now. */
    synchronized void heal() {
        if (state != State.CLOSED) {
            state = State.OPEN;
            notifyAll();
        }
    }

    synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * Blocks while the link holds its traffic; true when bytes may move, false when the connection must go (the
     * link was reset or closed).
     */
    private synchronized boolean awaitPassage() throws InterruptedException {
        while (state == State.HELD) {
            wait();
        }
        return state == State.OPEN;
    }

    private void acceptLoop(ServerSocket listener, int port) {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(client);
            Thread t = new Thread(() -> connect(client, port), "link-" + name + "-connect-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Waits for passage, then opens the connection to the target and forwards both ways. */
    private void connect(Socket client, int port) {
        Socket server = new Socket();
        try {
            if (!awaitPassage()) {
                reset(client);
                return;
            }
            sockets.add(server);
            server.connect(new InetSocketAddress(target, port), 5_000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException | InterruptedException e) {
            reset(client);
            reset(server);
            return;
        }
        pump(client, server, "out");
        pump(server, client, "back");
    }

    /** Copies one direction, each chunk only when the link lets it pass; any end failing ends both. */
    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!awaitPassage()) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // an end went away, or the link was reset: both ends go below
            }
            reset(from);
            reset(to);
        }, "link-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void resetAll() {
        for (Socket s : sockets) {
            reset(s);
        }
    }

    /** Closes with a TCP reset (linger 0), as a network that rejects the connection would end it. */
    private void reset(Socket s) {
        sockets.remove(s);
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // not connected yet, or already gone: close below all the same
        }
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            state = State.CLOSED;
            notifyAll();
        }
        for (ServerSocket l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        resetAll();
    }

    @Override
    public String toString() {
        return name;
    }
}
