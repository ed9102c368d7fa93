package dev.keeper.compat.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** The stock ZooKeeper Java client, connected: what most compatibility tests start with. */
public final class JavaClient {
    private JavaClient() {
    }

    /** A client with a 30 s session, once it is connected (at most 10 s). */
    public static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected to " + connectString);
        return zk;
    }
}
