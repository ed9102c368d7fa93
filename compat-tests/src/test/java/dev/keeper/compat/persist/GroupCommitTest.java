package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ServerClock;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.persist.FileTxnLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No client learns of a write before it is on disk: its reply, and the watch events it fires — to the writer
 * and to anyone else — leave only after the fsync of the batch that holds it. The fsync is held back by a
 * {@link FileTxnLog.Syncer} the test controls, so the assertions are on states: the sync thread is known to be
 * blocked inside {@code sync()} and the write already applied in memory, yet nothing has arrived.
 */
class GroupCommitTest {
    /** How long a held reply gets to (wrongly) arrive before we conclude it is held; never a speed claim. */
    private static final long GRACE_MS = 300;

    @TempDir
    Path dir;
    private final HeldSyncer syncer = new HeldSyncer();
    private final List<ZooKeeper> clients = new ArrayList<>();
    private ZkServer server;

    @AfterEach
    void stop() throws InterruptedException {
        syncer.release();
        for (ZooKeeper zk : clients) {
            zk.close(2000);
        }
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = ZkServer.start(ServerConfig.builder().dataDir(dir).clientPortAddress("127.0.0.1").clientPort(0)
                .build(), ServerClock.SYSTEM, syncer);
    }

    private ZooKeeper connect(BlockingQueue<String> seen) throws Exception {
        ZooKeeper zk = RestartTest.connect(server);
        clients.add(zk);
        if (seen != null) {
            zk.register(e -> record(seen, e));
        }
        return zk;
    }

    private static void record(BlockingQueue<String> seen, WatchedEvent e) {
        if (e.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
            seen.add("event " + e.getType() + " " + e.getPath());
        }
    }

    private boolean appliedInMemory(String path) {
        return server.onProcessor(() -> server.tree().find(path) != null);
    }

    /** Waits until {@code state}, read on the processor thread, holds: the writes are applied in memory. */
    private void awaitApplied(java.util.concurrent.Callable<Boolean> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.onProcessor(state)) {
            assertTrue(System.nanoTime() < deadline, "the writes never reached the processor");
            Thread.sleep(5);
        }
    }

    @Test
    void create_noReplyAndNoWatchEvent_untilItsFsync_thenEventBeforeReply() throws Exception {
        start();
        BlockingQueue<String> writerSeen = new LinkedBlockingQueue<>();
        BlockingQueue<String> watcherSeen = new LinkedBlockingQueue<>();
        ZooKeeper writer = connect(writerSeen);
        ZooKeeper watcher = connect(watcherSeen);
        assertEquals(null, writer.exists("/a", true));
        assertEquals(null, watcher.exists("/a", true));

        syncer.hold();
        writer.create("/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                (rc, path, ctx, name) -> writerSeen.add("reply " + KeeperException.Code.get(rc) + " " + name), null);
        syncer.awaitBlocked();
        assertTrue(appliedInMemory("/a"), "the create is applied; only its fsync is outstanding");

        assertEquals(null, writerSeen.poll(GRACE_MS, TimeUnit.MILLISECONDS), "writer heard before the fsync");
        assertEquals(null, watcherSeen.poll(0, TimeUnit.MILLISECONDS), "watcher heard before the fsync");
        assertTrue(syncer.stillBlocked());

        syncer.release();
        assertEquals("event NodeCreated /a", writerSeen.poll(30, TimeUnit.SECONDS));
        assertEquals("reply OK /a", writerSeen.poll(30, TimeUnit.SECONDS));
        assertEquals("event NodeCreated /a", watcherSeen.poll(30, TimeUnit.SECONDS));
    }

    @Test
    void setDataDeleteAndMulti_eachHeldUntilItsFsync() throws Exception {
        start();
        BlockingQueue<String> watcherSeen = new LinkedBlockingQueue<>();
        ZooKeeper writer = connect(null);
        ZooKeeper watcher = connect(watcherSeen);
        writer.create("/d", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        writer.create("/gone", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        watcher.getData("/d", true, null);
        watcher.exists("/gone", true);
        watcher.exists("/m1", true);

        syncer.hold();
        CompletableFuture<Integer> set = new CompletableFuture<>();
        writer.setData("/d", "new".getBytes(), -1, (rc, p, ctx, stat) -> set.complete(rc), null);
        CompletableFuture<Integer> delete = new CompletableFuture<>();
        writer.delete("/gone", -1, (rc, p, ctx) -> delete.complete(rc), null);
        CompletableFuture<List<OpResult>> multi = new CompletableFuture<>();
        writer.multi(List.of(Op.create("/m1", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/m2", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)),
                (rc, p, ctx, results) -> multi.complete(results), null);
        syncer.awaitBlocked();
        // the first fsync may hold only the setData; the other two reach the processor in their own time
        awaitApplied(() -> server.tree().find("/m2") != null && server.tree().find("/gone") == null);

        assertThrows(TimeoutException.class, () -> set.get(GRACE_MS, TimeUnit.MILLISECONDS));
        assertFalse(delete.isDone());
        assertFalse(multi.isDone());
        assertEquals(null, watcherSeen.poll(0, TimeUnit.MILLISECONDS));

        syncer.release();
        assertEquals(0, set.get(30, TimeUnit.SECONDS));
        assertEquals(0, delete.get(30, TimeUnit.SECONDS));
        assertEquals(2, multi.get(30, TimeUnit.SECONDS).size());
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(watcherSeen.poll(30, TimeUnit.SECONDS));
        }
        Collections.sort(events);
        assertEquals(List.of("event NodeCreated /m1", "event NodeDataChanged /d", "event NodeDeleted /gone"),
                events);
    }

    /** A reader on another session is not shown the write before it is durable — not even "it exists". */
    @Test
    void readerOnAnotherSession_isNotShownTheWriteBeforeItsFsync() throws Exception {
        start();
        ZooKeeper writer = connect(null);
        ZooKeeper reader = connect(null);
        syncer.hold();
        CompletableFuture<String> created = new CompletableFuture<>();
        writer.create("/r", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                (rc, p, ctx, name) -> created.complete(name), null);
        syncer.awaitBlocked();
        assertTrue(appliedInMemory("/r"));
        CompletableFuture<Boolean> exists = new CompletableFuture<>();
        reader.exists("/r", false, (rc, p, ctx, stat) -> exists.complete(stat != null), null);
        try {
            assertFalse(exists.get(GRACE_MS, TimeUnit.MILLISECONDS), "the reader saw /r before its fsync");
        } catch (TimeoutException heldBack) {
            // held until the fsync: equally correct
        }
        assertFalse(created.isDone());
        syncer.release();
        assertEquals("/r", created.get(30, TimeUnit.SECONDS));
        assertNotEquals(null, reader.exists("/r", false));
    }

    /** Writes of several sessions waiting on one fsync are all released by it, in one group. */
    @Test
    void severalSessionsWaitingOnOneFsync_areAllReleasedAfterIt() throws Exception {
        start();
        List<ZooKeeper> writers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writers.add(connect(null));
        }
        syncer.hold();
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            CompletableFuture<String> f = new CompletableFuture<>();
            writers.get(i).create("/w" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, p, ctx, name) -> f.complete(name), null);
            replies.add(f);
        }
        syncer.awaitBlocked();
        for (int i = 0; i < writers.size(); i++) {
            String path = "/w" + i;
            awaitApplied(() -> server.tree().find(path) != null);
        }
        Thread.sleep(GRACE_MS);
        for (CompletableFuture<String> f : replies) {
            assertFalse(f.isDone());
        }
        syncer.release();
        for (int i = 0; i < writers.size(); i++) {
            assertEquals("/w" + i, replies.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    /** An fsync that fails: the write is never acknowledged, no one is told of it, and the server stops. */
    @Test
    void failedFsync_neverAcknowledges_firesNoEvent_andStopsTheServer() throws Exception {
        start();
        BlockingQueue<String> watcherSeen = new LinkedBlockingQueue<>();
        ZooKeeper writer = connect(null);
        ZooKeeper watcher = connect(watcherSeen);
        watcher.exists("/f", true);
        syncer.failNext();
        CompletableFuture<KeeperException.Code> rc = new CompletableFuture<>();
        writer.create("/f", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                (code, p, ctx, name) -> rc.complete(KeeperException.Code.get(code)), null);
        server.stopped().get(30, TimeUnit.SECONDS);
        assertEquals(KeeperException.Code.CONNECTIONLOSS, rc.get(30, TimeUnit.SECONDS));
        assertEquals(null, watcherSeen.poll(GRACE_MS, TimeUnit.MILLISECONDS));
    }

    /** Blocks every fsync while held, and can make the next one fail. */
    static final class HeldSyncer implements FileTxnLog.Syncer {
        private final Semaphore entered = new Semaphore(0);
        private final Object lock = new Object();
        private boolean held;
        private boolean blocked;
        private volatile boolean failNext;

        @Override
        public void sync(FileChannel channel) throws IOException {
            if (failNext) {
                throw new IOException("No space left on device");
            }
            synchronized (lock) {
                if (held) {
                    blocked = true;
                    entered.release();
                    while (held) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted while held", e);
                        }
                    }
                    blocked = false;
                }
            }
            channel.force(false);
        }

        void hold() {
            synchronized (lock) {
                held = true;
            }
        }

        void failNext() {
            failNext = true;
        }

        /** Waits until the sync thread is inside {@link #sync} and held there. */
        void awaitBlocked() throws InterruptedException {
            assertTrue(entered.tryAcquire(30, TimeUnit.SECONDS), "no fsync was attempted");
        }

        boolean stillBlocked() {
            synchronized (lock) {
                return blocked;
            }
        }

        void release() {
            synchronized (lock) {
                held = false;
                lock.notifyAll();
            }
        }
    }
}
