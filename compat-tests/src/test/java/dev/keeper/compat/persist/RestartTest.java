package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes survive a restart of our server on the same data directory. */
class RestartTest {
    @TempDir
    Path dir;

    static ZooKeeper connect(ZkServer s) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + s.port(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertTrue(up.await(10, TimeUnit.SECONDS));
        return zk;
    }

    @Test
    void nodesAndStatsSurviveRestart_acrossSnapshotsAndLogRolls() throws Exception {
        ServerConfig cfg = ServerConfig.builder().dataDir(dir).snapCount(100).build();
        Stat before;
        try (ZkServer s = ZkServer.start(cfg)) {
            ZooKeeper zk = connect(s);
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
        try (ZkServer s = ZkServer.start(cfg)) {
            ZooKeeper zk = connect(s);
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
