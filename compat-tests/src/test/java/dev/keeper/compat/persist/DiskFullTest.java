package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.testing.LogCapture;
import dev.keeper.server.testing.Tmpfs;
import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's disk fills up under a client's writes (a real one: a 2 MB tmpfs). The server stops
 * with one error line that says why, acknowledges nothing it could not write, leaves no partial snapshot, and
 * refuses to restart on the full disk with a message that says why; given room, it restarts with every
 * acknowledged write.
 */
class DiskFullTest {
    private static final String ENOSPC = "No space left on device";

    @TempDir
    Path tmp;

    @Test
    void fullDisk_stopsWithOneClearLine_andLosesNothingAcknowledged() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), 2 << 20)) {
            Path data = disk.path().resolve("data");
            ServerConfig cfg = ServerConfig.builder().dataDir(data).clientPortAddress("127.0.0.1").clientPort(0)
                    .preAllocSize(64 * 1024).build();
            List<String> acked = new ArrayList<>();
            byte[] payload = new byte[20_000];
            try (LogCapture logs = new LogCapture()) {
                ZkServer server = ZkServer.start(cfg);
                try {
                    ZooKeeper zk = RestartTest.connect(server);
                    try {
                        for (int i = 0; i < 500; i++) {
                            String path = "/n" + i;
                            payload[0] = (byte) i;
                            try {
                                zk.create(path, payload, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                            } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                                    stopped) {
                                break;
                            }
                            acked.add(path);
                        }
                    } finally {
                        zk.close(1000);
                    }
                    server.stopped().get(30, TimeUnit.SECONDS);
                } finally {
                    server.close();
                }
                assertTrue(acked.size() > 20 && acked.size() < 500, "acknowledged " + acked.size());
                List<String> errors = logs.errors();
                assertTrue(errors.get(0).contains(ENOSPC) && errors.get(0).contains("stopping"), errors.toString());
                assertEquals(1, errors.stream().filter(e -> e.contains(ENOSPC)).count(), errors.toString());
            }
            assertNoPartialSnapshot(data);

            IOException refused = assertThrows(IOException.class, () -> ZkServer.start(cfg).close());
            assertTrue(refused.getMessage().startsWith("Unable to write a snapshot to " + data.resolve("version-2")),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains(ENOSPC), refused.getMessage());
            assertNoPartialSnapshot(data);

            disk.resize(32 << 20);
            try (ZkServer server = ZkServer.start(cfg)) {
                ZooKeeper zk = RestartTest.connect(server);
                try {
                    for (String path : acked) {
                        byte[] got = zk.getData(path, false, null);
                        assertEquals(payload.length, got.length, path);
                        assertEquals((byte) Integer.parseInt(path.substring(2)), got[0], path);
                        got[0] = 0;
                        assertArrayEquals(new byte[payload.length], got, path);
                    }
                } finally {
                    zk.close(1000);
                }
            }
        }
    }

    /** No hidden temp file, and every file named snapshot.* reads completely. */
    private static void assertNoPartialSnapshot(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve(DataDir.VERSION_DIR))) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                assertTrue(!name.startsWith("."), "partial file left: " + p);
                if (name.startsWith("snapshot.")) {
                    SnapshotFile.read(p, new DataTree(false));
                }
            }
        }
    }
}
