package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.server.ZkServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes survive a restart of our server on the same data directory. The same run on the real ZooKeeper shows
 * the expectations (every Stat field unchanged, the sequence counter carried on) are ZooKeeper's.
 */
class RestartTest {
    private static final int SNAP_COUNT = 100;

    @TempDir
    Path dir;

    static ZooKeeper connect(ZkServer s) throws Exception {
        return connect("127.0.0.1:" + s.port());
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertTrue(up.await(10, TimeUnit.SECONDS));
        return zk;
    }

    /**
     * A server of the kind {@code which} on {@link #dir}, kept when closed, taking a snapshot about every 100
     * txns. ZooKeeper reads its snapCount from a static of SyncRequestProcessor, set here for the test's length.
     */
    private Servers.Handle start(String which) {
        return which.equals("ours")
                ? Servers.ours(Servers.oursConfig(Servers.Settings.defaults()).dataDir(dir).snapCount(SNAP_COUNT))
                : Servers.zookeeper(Servers.Settings.defaults(), dir.toFile(), false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "zookeeper"})
    void nodesAndStatsSurviveRestart_acrossSnapshotsAndLogRolls(String which) throws Exception {
        int zookeepersSnapCount = SyncRequestProcessor.getSnapCount();
        SyncRequestProcessor.setSnapCount(SNAP_COUNT);
        try {
            restartKeepsEverything(which);
        } finally {
            SyncRequestProcessor.setSnapCount(zookeepersSnapCount);
        }
    }

    private void restartKeepsEverything(String which) throws Exception {
        Stat before;
        try (Servers.Handle s = start(which)) {
            ZooKeeper zk = connect(s.connectString());
            zk.create("/app", "root".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < 500; i++) {
                zk.create("/app/n-", new byte[] {(byte) i}, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL);
            }
            zk.setData("/app", "changed".getBytes(), -1);
            before = zk.exists("/app", false);
            zk.close();
        }
        assertTrue(Files.list(dir.resolve("version-2")).filter(p -> p.getFileName().toString().startsWith("snapshot.")).count() >= 2);
        try (Servers.Handle s = start(which)) {
            ZooKeeper zk = connect(s.connectString());
            Stat after = new Stat();
            assertArrayEquals("changed".getBytes(), zk.getData("/app", false, after));
            assertEquals(before, after);
            assertEquals(500, zk.getChildren("/app", false).size());
            assertEquals("/app/n-0000000500", zk.create("/app/n-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT_SEQUENTIAL));
            zk.close();
        }
    }
}
