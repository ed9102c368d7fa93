package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.JavaClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every top-level znode written or read is a key of ZooKeeper's {@code write_per_namespace} and
 * {@code read_per_namespace} metrics, kept for the server's life ({@code DataTree.updateWriteStat}). Until
 * 2026-12-07 each of ours kept a sample of 4,096 values (32 KB) for percentiles nothing but Prometheus shows, so
 * 20,000 top-level znodes, created and read once each, needed over 1.2 GB of heap (two keys each), and 20,000
 * created through Kazoo ran every member of an ensemble with 512 MB out of heap before they were all made. Here a
 * server with 256 MB of heap (the tests' usual) serves them all and goes on serving.
 */
class TopLevelNamespacesTest {
    private static final int NAMESPACES = 20_000;
    private static final int WINDOW = 500;

    @Test
    void twentyThousandTopLevelZnodes_writtenAndRead_leaveTheServerServing(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        try (ServerProcess server = ServerProcess.start(dir, data, Map.of("4lw.commands.whitelist", "*"),
                "namespaces")) {
            server.awaitServing();
            ZooKeeper zk = JavaClient.connect(server.connectString());
            try {
                Semaphore window = new Semaphore(WINDOW);
                AtomicInteger failed = new AtomicInteger();
                for (int i = 0; i < NAMESPACES; i++) {
                    window.acquire();
                    zk.create("/ns" + i, name(i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, created) -> {
                                if (rc != 0) {
                                    failed.incrementAndGet();
                                }
                                window.release();
                            }, null);
                }
                assertTrue(window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS), "every create answered");
                window.release(WINDOW);
                assertEquals(0, failed.get(), "creates that failed");
                for (int i = 0; i < NAMESPACES; i++) {
                    window.acquire();
                    int n = i;
                    zk.getData("/ns" + i, false, (rc, path, ctx, data1, stat) -> {
                        if (rc != 0 || !new String(data1, StandardCharsets.US_ASCII).equals("n" + n)) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    }, null);
                }
                assertTrue(window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS), "every read answered");
                assertEquals(0, failed.get(), "reads that failed or read other data");

                zk.setData("/ns0", "again".getBytes(StandardCharsets.US_ASCII), -1);
                assertArrayEquals("again".getBytes(StandardCharsets.US_ASCII), zk.getData("/ns0", false, null));
            } finally {
                zk.close();
            }
            assertTrue(server.isAlive(), "the server still runs:\n" + server.log());
            String mntr = server.fourLetterWord("mntr");
            assertTrue(mntr != null && mntr.contains("zk_cnt_ns19999_write_per_namespace\t1"),
                    "the last namespace's write counted:\n" + mntr);
            assertTrue(mntr.contains("zk_cnt_ns0_write_per_namespace\t2"), "the first's two writes counted");
            assertTrue(!server.log().contains("OutOfMemoryError"), server.log());
        }
    }

    private static byte[] name(int i) {
        return ("n" + i).getBytes(StandardCharsets.US_ASCII);
    }
}
