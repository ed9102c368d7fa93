package dev.keeper.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/** Sessions of the stock ZooKeeper Java client (two threads each) to one server, all connected. */
final class StockSessions implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 30_000;
    private static final long CONNECT_TIMEOUT_MS = 30_000;

    private final List<ZooKeeper> sessions;

    private StockSessions(List<ZooKeeper> sessions) {
        this.sessions = sessions;
    }

    static StockSessions open(String connectString, int count) throws IOException, InterruptedException {
        return open(i -> connectString, count);
    }

    /** Sessions where session {@code i} connects with {@code connectStrings.apply(i)} (spread over members). */
    static StockSessions open(java.util.function.IntFunction<String> connectStrings, int count)
            throws IOException, InterruptedException {
        return open(connectStrings, count, null);
    }

    /**
     * Sessions where session {@code i} connects with {@code connectStrings.apply(i)}, each with its own client
     * configuration from {@code configs} (TLS, the Netty socket), or the default one when {@code configs} is null.
     */
    static StockSessions open(java.util.function.IntFunction<String> connectStrings, int count,
                              java.util.function.Supplier<ZKClientConfig> configs)
            throws IOException, InterruptedException {
        List<ZooKeeper> list = new ArrayList<>();
        StockSessions opened = new StockSessions(list);
        try {
            CountDownLatch connected = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                Watcher watcher = event -> {
                    if (event.getType() == Watcher.Event.EventType.None
                            && event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                };
                list.add(configs == null ? new ZooKeeper(connectStrings.apply(i), SESSION_TIMEOUT_MS, watcher)
                        : new ZooKeeper(connectStrings.apply(i), SESSION_TIMEOUT_MS, watcher, configs.get()));
            }
            if (!connected.await(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException(connected.getCount() + " of " + count + " sessions (the first to "
                        + connectStrings.apply(0) + ") did not connect within " + CONNECT_TIMEOUT_MS + " ms");
            }
            return opened;
        } catch (IOException | InterruptedException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    int size() {
        return sessions.size();
    }

    ZooKeeper get(int i) {
        return sessions.get(i);
    }

    List<ZooKeeper> first(int n) {
        return sessions.subList(0, n);
    }

    @Override
    public void close() {
        for (ZooKeeper zk : sessions) {
            try {
                zk.close(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
