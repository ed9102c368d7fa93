package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chain of nodes as deep as {@code jute.maxbuffer} lets a path be — any client can make one — and everything
 * that walks a subtree or a path: getAllChildrenNumber, quota counts, a recursive watch above it, four-letter
 * words, a snapshot of it, recovery from the log and from the snapshot. A walk that recursed once per level
 * would overflow the processor thread's stack (a 30,000-deep chain did, and the server then answered nothing at
 * all); each must answer, and the server must go on serving.
 *
 * <p>The limit is set to 16 KiB so the chain (8,000-odd levels, paths up to 16 KB) takes seconds to build: its
 * creates carry the sum of all path lengths, 67 MB; at the default 1 MiB the chain would be 500,000 deep and its
 * creates would carry 250 GB. A thread's stack holds a few thousand frames of a recursive walk.
 */
class DeepChainTest {
    private static final int MAX_BUFFER = 16 * 1024;
    /**
     * A create's frame beyond its path: header 8, the path's length 4, empty data 4, the open ACL 27 (count 4,
     * perms 4, "world" 9, "anyone" 10), flags 4.
     */
    private static final int CREATE_OVERHEAD = 47;

    @TempDir
    Path dataDir;

    @Test
    void aChainAsDeepAsPathsAllow_isCountedWatchedQuotaedSnapshottedAndRecovered() throws Exception {
        ServerConfig config = Servers.oursConfig(Servers.Settings.defaults())
                .juteMaxBuffer(MAX_BUFFER).dataDir(dataDir).clientPort(0).build();
        ZkServer server = ZkServer.start(config);
        int depth;
        String deepest;
        try {
            ZooKeeper zk = JavaClient.connect("127.0.0.1:" + server.port());
            try {
                zk.create("/deep", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                depth = (MAX_BUFFER - CREATE_OVERHEAD - "/deep".length()) / 2;
                deepest = buildChain(zk, depth);
                assertTrue(deepest.length() + CREATE_OVERHEAD <= MAX_BUFFER
                        && deepest.length() + 2 + CREATE_OVERHEAD > MAX_BUFFER, "no level more would fit a frame");

                assertEquals(depth, zk.getAllChildrenNumber("/deep"));
                assertNotNull(zk.exists(deepest, false));

                BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
                zk.addWatch("/deep", events::add, AddWatchMode.PERSISTENT_RECURSIVE);
                zk.setData(deepest, "bottom".getBytes(StandardCharsets.UTF_8), -1);
                WatchedEvent e = events.poll(30, TimeUnit.SECONDS);
                assertNotNull(e, "the recursive watch at the top fires for the bottom");
                assertEquals(Watcher.Event.EventType.NodeDataChanged, e.getType());
                assertEquals(deepest, e.getPath());

                // setquota: the stats node is filled in from a walk of the whole chain
                zk.create("/zookeeper/quota/deep", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/zookeeper/quota/deep/zookeeper_limits", "count=-1,bytes=-1".getBytes(),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/zookeeper/quota/deep/zookeeper_stats", "count=0,bytes=0".getBytes(),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertEquals("count=" + (depth + 1) + ",bytes=6", stats(zk));

                // one level deeper than a frame can carry: the server refuses the frame, as ZooKeeper does, by
                // closing the connection, and serves on
                String tooDeep = deepest + "/a";
                assertThrows(KeeperException.ConnectionLossException.class, () -> zk.create(tooDeep, new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                assertTrue(FourLetterWord.ask(server.port(), "srvr").contains("Mode: standalone"));
                assertTrue(FourLetterWord.ask(server.port(), "mntr").contains("zk_znode_count"));
                assertEquals(depth, retrying(() -> zk.getAllChildrenNumber("/deep")));
            } finally {
                zk.close();
            }
        } finally {
            server.close();
        }

        // First restart: the log is replayed, and the start-up snapshot holds the whole chain. Second restart:
        // the chain comes back from that snapshot.
        for (int restart = 1; restart <= 2; restart++) {
            ZkServer again = ZkServer.start(config);
            try {
                ZooKeeper zk = JavaClient.connect("127.0.0.1:" + again.port());
                try {
                    assertEquals(depth, zk.getAllChildrenNumber("/deep"), "restart " + restart);
                    assertArrayEquals("bottom".getBytes(StandardCharsets.UTF_8), zk.getData(deepest, false, null));
                    assertEquals("count=" + (depth + 1) + ",bytes=6", stats(zk), "restart " + restart);
                } finally {
                    zk.close();
                }
            } finally {
                again.close();
            }
        }
    }

    /** Creates /deep/a/a/... {@code depth} levels down, pipelined; returns the deepest path. */
    private static String buildChain(ZooKeeper zk, int depth) throws Exception {
        StringBuilder path = new StringBuilder("/deep");
        Semaphore window = new Semaphore(500);
        AtomicInteger failures = new AtomicInteger();
        CompletableFuture<Void> last = new CompletableFuture<>();
        for (int i = 0; i < depth; i++) {
            path.append("/a");
            window.acquire();
            boolean isLast = i == depth - 1;
            zk.create(path.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, p, ctx, name) -> {
                        if (rc != 0) {
                            failures.incrementAndGet();
                        }
                        window.release();
                        if (isLast) {
                            last.complete(null);
                        }
                    }, null);
        }
        last.get(4, TimeUnit.MINUTES);
        assertEquals(0, failures.get(), "every create of the chain succeeded");
        return path.toString();
    }

    private static String stats(ZooKeeper zk) throws Exception {
        return new String(zk.getData("/zookeeper/quota/deep/zookeeper_stats", false, null), StandardCharsets.UTF_8);
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    /** After the refused frame the client reconnects; a call in that moment may see ConnectionLoss. */
    private static <T> T retrying(Call<T> call) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.call();
            } catch (KeeperException.ConnectionLossException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
