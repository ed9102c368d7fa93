package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member catching up by its leader's snapshot needs heap for one tree, not two, and its leader heap for its tree
 * and little more. Members of 288 MB here (serial GC, so some 190 MB of old generation), each tree 100,000 znodes
 * of 1 KB (about 120 MB in our heap).
 *
 * <p>Before this test: the member read the leader's snapshot into a new tree while the processor still held its
 * old one, where a ZooKeeper learner clears its database before it reads a SNAP; the leader sent the snapshot in
 * Ratis 3.1.3's default chunks, 16 MB with eight unanswered; and it kept up to six 32 MB log segments of entries
 * in its heap. Run against that code this test failed: the leader ran out of heap sending the snapshot (its heap
 * dump at 256 MB held four 16 MB chunks beside the tree), at 256 and at 288 MB. By hand, three members of 512 MB
 * holding 1.47 million znodes ran out of heap one after the other: each leader while it sent the snapshot, the
 * member while it read it. The members here exit on running out of heap ({@code -XX:+ExitOnOutOfMemoryError}),
 * so that shows as a member that is gone.
 */
class EnsembleSnapshotHeapTest {
    private static final int ZNODES = 100_000;
    private static final int DATA_BYTES = 1024;

    @TempDir
    Path dir;

    @Test
    void aMemberWithHeapForOneTree_catchesUpFromTheLeadersSnapshotOfAnother() throws Exception {
        List<String> cfg = List.of("snapCount=5000");
        List<String> jvm = List.of("-Xmx288m", "-XX:+ExitOnOutOfMemoryError");
        try (EnsembleUnderTest e = EnsembleUnderTest.launch(EnsembleUnderTest.Server.OURS, dir, 3, cfg, jvm)) {
            int leader = e.awaitLeader();
            int away = leader % 3 + 1;
            int other = 6 - leader - away;
            try (ZooKeeper zk = JavaClient.connect(e.connectString(leader) + "," + e.connectString(other))) {
                zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                create(zk, "/a", (byte) 'a');
                e.awaitLeader();
                e.kill(away);
                // A tree the member has never seen, as large as the one it holds: the log it missed is purged
                // (snapshots every 5,000 transactions), so the leader sends it the snapshot.
                delete(zk, "/a");
                zk.delete("/a", -1);
                zk.create("/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                create(zk, "/b", (byte) 'b');
            }
            e.start(away);
            String zxid = e.zxid(leader);
            assertNotNull(zxid, "the leader serves: " + e.logs());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!zxid.equals(e.zxid(away)) && System.nanoTime() < deadline) {
                assertTrue(e.isRunning(away) && e.isRunning(leader), "a member ran out of heap: " + e.logs());
                Thread.sleep(100);
            }
            assertEquals(zxid, e.zxid(away), "the member caught up with its leader\n" + e.logs());
            assertTrue(e.isRunning(leader) && e.isRunning(other), "every member still runs: " + e.logs());
            assertTrue(java.nio.file.Files.readString(e.logFile(away)).contains("Let the tree go"),
                    "the member took the leader's snapshot, not the log");
            try (ZooKeeper onAway = JavaClient.connect(e.connectString(away))) {
                assertNull(onAway.exists("/a", false));
                assertEquals(ZNODES, onAway.exists("/b", false).getNumChildren());
                byte[] last = onAway.getData("/b/n" + (ZNODES - 1), false, null);
                assertEquals(DATA_BYTES, last.length);
                assertEquals('b', last[DATA_BYTES - 1]);
            }
        }
    }

    /** {@code ZNODES} children of {@code parent}, 1 KB each, 200 at a time in flight. */
    private static void create(ZooKeeper zk, String parent, byte fill) throws Exception {
        byte[] data = new byte[DATA_BYTES];
        java.util.Arrays.fill(data, fill);
        Semaphore window = new Semaphore(200);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < ZNODES; i++) {
            window.acquire();
            zk.create(parent + "/n" + i, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, path, ctx, name) -> {
                        if (rc != 0) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    }, null);
        }
        assertTrue(window.tryAcquire(200, 60, TimeUnit.SECONDS), "every create answered");
        assertEquals(0, failed.get(), "creates that failed");
    }

    /** Deletes the {@code ZNODES} children of {@code parent}, 200 at a time in flight. */
    private static void delete(ZooKeeper zk, String parent) throws Exception {
        Semaphore window = new Semaphore(200);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < ZNODES; i++) {
            window.acquire();
            zk.delete(parent + "/n" + i, -1, (rc, path, ctx) -> {
                if (rc != 0) {
                    failed.incrementAndGet();
                }
                window.release();
            }, null);
        }
        assertTrue(window.tryAcquire(200, 60, TimeUnit.SECONDS), "every delete answered");
        assertEquals(0, failed.get(), "deletes that failed");
    }
}
