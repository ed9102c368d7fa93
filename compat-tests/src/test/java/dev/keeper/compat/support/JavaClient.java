package dev.keeper.compat.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
}
