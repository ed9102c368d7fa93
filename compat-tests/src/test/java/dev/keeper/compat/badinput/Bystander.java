package dev.keeper.compat.badinput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Another session, on a stock ZooKeeper Java client, connected while a test sends bad input on its own
 * connection. Before the bad input it makes a write the server acknowledges; afterwards that write must still
 * read back, a new write must succeed, and the session must never have seen a state other than SyncConnected:
 * bad input costs only its own connection.
 */
final class Bystander implements AutoCloseable {
    private final ZooKeeper zk;
    private final List<String> trouble = new CopyOnWriteArrayList<>();
    private final String path = "/acked-" + UUID.randomUUID();
    private final byte[] data = "acknowledged before the bad input".getBytes(StandardCharsets.UTF_8);
    private final String server;

    private Bystander(Servers.Handle h) throws Exception {
        this.server = h.name();
        CountDownLatch connected = new CountDownLatch(1);
        this.zk = new ZooKeeper(h.connectString(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            } else {
                trouble.add(e.getState() + " " + e.getType());
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS), server + ": the bystander connects");
        assertEquals(path, zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    }

    static Bystander join(Servers.Handle h) throws Exception {
        return new Bystander(h);
    }

    ZooKeeper client() {
        return zk;
    }

    /** The acknowledged write reads back, a new write succeeds, and the session never left SyncConnected. */
    void assertUnharmed() throws Exception {
        assertArrayEquals(data, zk.getData(path, false, null), server + ": the acknowledged write is readable");
        zk.setData(path, data, -1);
        assertEquals(List.of(), trouble, server + ": the bystander session saw no trouble");
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }
}
