package dev.keeper.compat.ensemble;

import dev.keeper.compat.support.LoopbackProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;

/**
 * The stock ZooKeeper Java client with every member in its server list, that connects first to a member the test
 * chooses and, when that member goes, tries the others in myid order — instead of the shuffled order of the
 * client's own {@code StaticHostProvider}, through the client's public {@link HostProvider} hook — so a test knows
 * where a session starts and that it moves. Records every connection-state event it sees.
 */
final class PinnedClient extends ZooKeeper {
    private final EnsembleUnderTest ensemble;
    private final BlockingQueue<Watcher.Event.KeeperState> states;

    /** Member i's client port, or the port that leads to it: index i - 1. */
    private final int[] ports;

    private PinnedClient(EnsembleUnderTest ensemble, int[] ports, int first, int timeoutMs,
            BlockingQueue<Watcher.Event.KeeperState> states) throws IOException {
        super(ensemble.connectString(), timeoutMs, e -> {
            if (e.getType() == Watcher.Event.EventType.None) {
                states.add(e.getState());
            }
        }, false, new RotatingHosts(fromFirst(ports, first)));
        this.ensemble = ensemble;
        this.ports = ports;
        this.states = states;
    }

    /** A client whose session (of {@code timeoutMs}) starts on member {@code first}, once connected (30 s). */
    static PinnedClient connect(EnsembleUnderTest ensemble, int first, int timeoutMs)
            throws IOException, InterruptedException {
        int[] ports = new int[ensemble.size()];
        for (int id = 1; id <= ports.length; id++) {
            ports[id - 1] = ensemble.clientPort(id);
        }
        return connect(ensemble, ports, first, timeoutMs);
    }

    /**
     * As {@link #connect(EnsembleUnderTest, int, int)}, reaching member i through {@code proxies[i - 1]}, so the
     * test can cut the client off from a member that stays up.
     */
    static PinnedClient connectThrough(EnsembleUnderTest ensemble, LoopbackProxy[] proxies, int first,
            int timeoutMs) throws IOException, InterruptedException {
        int[] ports = new int[proxies.length];
        for (int i = 0; i < proxies.length; i++) {
            String cs = proxies[i].connectString();
            ports[i] = Integer.parseInt(cs.substring(cs.lastIndexOf(':') + 1));
        }
        return connect(ensemble, ports, first, timeoutMs);
    }

    private static PinnedClient connect(EnsembleUnderTest ensemble, int[] ports, int first, int timeoutMs)
            throws IOException, InterruptedException {
        PinnedClient c = new PinnedClient(ensemble, ports, first, timeoutMs, new LinkedBlockingQueue<>());
        try {
            c.awaitState(Watcher.Event.KeeperState.SyncConnected, 30);
        } catch (AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Waits for a connection-state event {@code state}, skipping others (Disconnected on the way to SyncConnected);
     * fails after the bound, or at once when the session expires unless that is what the test waits for.
     */
    void awaitState(Watcher.Event.KeeperState state, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Watcher.Event.KeeperState> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Watcher.Event.KeeperState s = states.poll(50, TimeUnit.MILLISECONDS);
            if (s == state) {
                return;
            }
            if (s == Watcher.Event.KeeperState.Expired) {
                throw new AssertionError("the session expired (waiting for " + state + ", saw " + seen + ") on "
                        + ensemble);
            }
            if (s != null) {
                seen.add(s);
            }
        }
        throw new AssertionError("no " + state + " within " + seconds + " s (saw " + seen + ") on " + ensemble);
    }

    /**
     * Waits until the client is connected to a member other than {@code gone}, skipping Disconnected and
     * SyncConnected on the way, and returns the states it saw; fails at once when the session expires, and after
     * the bound. For a client whose member survived a leader's crash, which may or may not drop it: ZooKeeper's
     * followers always drop their clients when they lose their leader; ours, when another member is elected before
     * the follower counts the old leader gone (two ticks without a heartbeat), may keep them.
     */
    List<Watcher.Event.KeeperState> awaitConnectedAwayFrom(int gone, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Watcher.Event.KeeperState> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            states.drainTo(seen);
            if (seen.contains(Watcher.Event.KeeperState.Expired)) {
                throw new AssertionError("the session expired (saw " + seen + ") on " + ensemble);
            }
            int now = member();
            if (getState().isConnected() && now != -1 && now != gone) {
                return seen;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not connected to a member other than " + gone + " within " + seconds + " s (saw "
                + seen + ") on " + ensemble);
    }

    /** The connection-state events seen since the last call (or since connecting). */
    List<Watcher.Event.KeeperState> drainStates() {
        List<Watcher.Event.KeeperState> out = new ArrayList<>();
        states.drainTo(out);
        return out;
    }

    /** The myid of the member this client is connected to now, or -1 while it is not connected. */
    int member() {
        SocketAddress remote = testableRemoteSocketAddress();
        if (remote instanceof InetSocketAddress a) {
            for (int i = 0; i < ports.length; i++) {
                if (ports[i] == a.getPort()) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** Member {@code first}, then the others in myid order. */
    private static List<Integer> fromFirst(int[] ports, int first) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            order.add(ports[(first - 1 + i) % ports.length]);
        }
        return order;
    }
}
