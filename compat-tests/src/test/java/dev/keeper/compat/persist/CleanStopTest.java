package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -TERM} — what {@code zkServer.sh stop} sends — under write load is a clean stop: the server stops
 * reading, answers what it took in once it is on disk, closes, and exits 0, with nothing logged as a failure;
 * and every write it acknowledged is there when it starts again.
 */
class CleanStopTest {
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    @Test
    void sigterm_underLoad_exitsZero_logsNoFailure_andKeepsEveryAcknowledgedWrite() throws Exception {
        Path data = dir.resolve("data");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        ServerProcess server = ServerProcess.start(dir, data, Map.of("snapCount", "2000"), "server");
        try {
            server.awaitServing();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            List<ZooKeeper> clients = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                ZooKeeper zk = JavaClient.connect(server.connectString());
                clients.add(zk);
                zk.create("/w" + w, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                int writer = w;
                Thread t = new Thread(() -> write(zk, writer, acked, stop), "writer-" + w);
                writers.add(t);
                t.start();
            }
            // under load: wait for a good number of acknowledged writes, then stop the server mid-stream
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acked.size() < 3000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(acked.size() >= 3000, "the load got going: " + acked.size());
            int exit = server.terminate();
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            for (ZooKeeper zk : clients) {
                zk.close(100);
            }
            String log = server.log();
            assertEquals(0, exit, "a clean stop exits 0:\n" + log);
            assertTrue(log.contains("Stopped"), "the server says it stopped:\n" + log);
            assertTrue(!log.contains(" ERROR ") && !log.toLowerCase().contains("failed"),
                    "nothing is logged as a failure:\n" + log);
        } finally {
            server.close();
        }

        ServerProcess again = ServerProcess.start(dir, data, Map.of(), "again");
        try {
            again.awaitServing();
            ZooKeeper zk = JavaClient.connect(again.connectString());
            try {
                for (String path : acked) {
                    assertNotNull(zk.exists(path, false), "acknowledged before the stop, present after it: " + path);
                }
            } finally {
                zk.close();
            }
        } finally {
            again.close();
        }
    }

    /** Pipelines creates (up to 200 in flight) until stopped or the connection is gone; records the acknowledged. */
    private static void write(ZooKeeper zk, int writer, Set<String> acked, AtomicBoolean stop) {
        Semaphore window = new Semaphore(200);
        for (int i = 0; !stop.get(); i++) {
            try {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            String path = "/w" + writer + "/n" + i;
            zk.create(path, new byte[16], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
                if (rc == 0) {
                    acked.add(p);
                }
                window.release();
            }, null);
        }
    }
}
