package dev.keeper.compat.ensemble;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.data.Stat;

/**
 * The stock ZooKeeper client, which also tells which server it is attached to (the client's own test hook,
 * {@code testableRemoteSocketAddress}) and records the connection states it went through, so a test can see that
 * a member dropped its clients and where they went.
 */
final class AttachedClient extends ZooKeeper {
    private final States states;

    private AttachedClient(String connectString, int sessionTimeoutMs, States states) throws IOException {
        super(connectString, sessionTimeoutMs, states);
        this.states = states;
    }

    private AttachedClient(String connectString, int sessionTimeoutMs, States states, HostProvider hosts)
            throws IOException {
        super(connectString, sessionTimeoutMs, states, false, hosts);
        this.states = states;
    }

    /** A client of {@code connectString}, once connected (at most 30 s). */
    static AttachedClient connect(String connectString, int sessionTimeoutMs) throws Exception {
        return connect(connectString, sessionTimeoutMs, Duration.ofSeconds(30));
    }

    /** A client of {@code connectString}, once connected (at most {@code limit}; closed and failing if not). */
    static AttachedClient connect(String connectString, int sessionTimeoutMs, Duration limit) throws Exception {
        States states = new States();
        return connected(new AttachedClient(connectString, sessionTimeoutMs, states), connectString, limit);
    }

    /**
     * A client of every server in {@code ports} (on 127.0.0.1) that tries them in the order given, starting with the
     * first, rather than shuffled as the client's own host provider does: a test picks the member it starts on.
     */
    static AttachedClient connectInOrder(List<Integer> ports, int sessionTimeoutMs) throws Exception {
        States states = new States();
        String connectString = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
        return connected(new AttachedClient(connectString, sessionTimeoutMs, states, new RotatingHosts(ports)),
                connectString, Duration.ofSeconds(30));
    }

    private static AttachedClient connected(AttachedClient zk, String connectString, Duration limit)
            throws Exception {
        States states = zk.states;
        try {
            states.await(0, KeeperState.SyncConnected, limit);
        } catch (AssertionError e) {
            zk.close();
            throw new AssertionError("no connection to " + connectString, e);
        }
        return zk;
    }

    /** The client port of the server this client is attached to, or -1 while it is not connected. */
    int serverPort() {
        SocketAddress a = testableRemoteSocketAddress();
        return a instanceof InetSocketAddress i && getState().isConnected() ? i.getPort() : -1;
    }

    States states() {
        return states;
    }

    /** {@code sync} and then {@code getData}, pipelined; the data, or the first failure's exception. */
    byte[] syncAndGet(String path, Stat stat) throws KeeperException, InterruptedException {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        sync(path, (rc, p, ctx) -> synced.complete(rc), null);
        byte[] data = getData(path, false, stat);
        int rc;
        try {
            rc = synced.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("sync was never answered, yet the read after it was", e);
        }
        if (rc != 0) {
            // the client answers in order: a read answered after a failed sync is not a read after a sync
            throw KeeperException.create(KeeperException.Code.get(rc), path);
        }
        return data;
    }

    static final class States implements Watcher {
        private final List<KeeperState> states = new ArrayList<>();

        @Override
        public synchronized void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.None) {
                states.add(event.getState());
                notifyAll();
            }
        }

        synchronized int mark() {
            return states.size();
        }

        synchronized List<KeeperState> since(int mark) {
            return new ArrayList<>(states.subList(mark, states.size()));
        }

        /** Waits for {@code state} at or after {@code mark}; fails with the states seen if it does not come. */
        synchronized void await(int mark, KeeperState state, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!states.subList(mark, states.size()).contains(state)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + state + " within " + limit + "; states: " + states);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
