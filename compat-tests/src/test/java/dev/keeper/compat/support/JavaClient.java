package dev.keeper.compat.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/** The stock ZooKeeper Java client, connected: what most compatibility tests start with. */
public final class JavaClient {
    private JavaClient() {
    }

    /** A client with a 30 s session, once it is connected (at most 10 s). */
    public static ZooKeeper connect(String connectString) throws Exception {
        return connect(connectString, new ZKClientConfig());
    }

    /** As {@link #connect(String)}, with the client configuration given (a larger jute.maxbuffer, say). */
    public static ZooKeeper connect(String connectString, ZKClientConfig config) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected to " + connectString);
        return zk;
    }

    /** A request to a client, as a lambda. */
    public interface Call<T> {
        T call() throws Exception;
    }

    /**
     * Runs {@code call}, again every 100 ms while it fails with ConnectionLoss (a member lost its leader and
     * dropped its clients, which reconnect), for at most {@code within}; then the ConnectionLoss is thrown.
     */
    public static <T> T retryingConnectionLoss(Duration within, Call<T> call) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (KeeperException.ConnectionLossException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
