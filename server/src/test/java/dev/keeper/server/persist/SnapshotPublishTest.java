package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree runs ahead of the log: a transaction is applied before its batch is synced. A snapshot walked from
 * it may show transactions the log does not hold yet, so it is published under its name only once the log holds
 * them all; otherwise a crash would leave a snapshot showing part of a transaction no log entry can complete
 * (the crash test found half a multi this way).
 */
class SnapshotPublishTest {
    @TempDir
    Path tmp;

    @Test
    void snapshotIsPublishedOnlyOnceTheLogHoldsEverythingItShows() throws Exception {
        Gate gate = new Gate();
        try (DataDir dir = DataDir.open(tmp, null)) {
            FileTxnLog log = new FileTxnLog(dir, true, 4096, 60_000, gate, () -> { });
            DataTree tree = new DataTree(false);
            List<LogEntry> history = History.of(120);
            logAndApply(log, tree, history.subList(0, 60));
            CountDownLatch durable = new CountDownLatch(1);
            log.commit(durable::countDown);
            assertTrue(durable.await(30, TimeUnit.SECONDS));

            gate.closed = true;
            logAndApply(log, tree, history.subList(60, 120));
            log.commit(() -> { });
            ExecutorService writer = Executors.newSingleThreadExecutor();
            SnapshotJob job = new SnapshotJob(tree, dir, writer, log::awaitDurable);
            while (!job.step(1000, Long.MAX_VALUE)) {
                Thread.onSpinWait();
            }
            Path partial = dir.snapDir().resolve(".snapshot.78.partial");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(partial) && SnapshotFile.looksComplete(partial))) {
                assertTrue(System.nanoTime() < deadline, "the snapshot was never written");
                Thread.sleep(5);
            }
            Thread.sleep(200);
            assertFalse(Files.exists(dir.snapshotPath(120)), "published while zxids 61..120 were not durable");
            assertFalse(job.finished());

            gate.open();
            writer.shutdown();
            assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(job.finished());
            assertEquals(null, job.failure());
            assertEquals(List.of(dir.snapshotPath(120)), dir.snapshots());
            assertFalse(Files.exists(partial));
            log.close();
        }
    }

    @Test
    void logFailingFirst_abandonsTheSnapshot() throws Exception {
        Gate gate = new Gate();
        try (DataDir dir = DataDir.open(tmp, null)) {
            FileTxnLog log = new FileTxnLog(dir, true, 4096, 60_000, gate, () -> { });
            DataTree tree = new DataTree(false);
            gate.failing = true;
            logAndApply(log, tree, History.of(30));
            log.commit(() -> { });
            ExecutorService writer = Executors.newSingleThreadExecutor();
            SnapshotJob job = new SnapshotJob(tree, dir, writer, log::awaitDurable);
            while (!job.step(1000, Long.MAX_VALUE)) {
                Thread.onSpinWait();
            }
            writer.shutdown();
            assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(job.finished());
            assertTrue(job.failure().getMessage().startsWith("the transaction log failed before zxid 0x1e"),
                    job.failure().getMessage());
            assertEquals(List.of(), dir.snapshots());
            try (var files = Files.list(dir.snapDir())) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
                        "the partial file is removed");
            }
            log.close();
        }
    }

    private static void logAndApply(FileTxnLog log, DataTree tree, List<LogEntry> entries) {
        for (LogEntry e : entries) {
            log.append(e.header(), e.txn());
            tree.apply(e.header(), e.txn());
        }
    }

    /** Holds every fsync while closed; or fails them. */
    private static final class Gate implements FileTxnLog.Syncer {
        volatile boolean closed;
        volatile boolean failing;

        @Override
        public synchronized void sync(java.nio.channels.FileChannel channel) throws IOException {
            if (failing) {
                throw new IOException("Input/output error");
            }
            while (closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            channel.force(false);
        }

        synchronized void open() {
            closed = false;
            notifyAll();
        }
    }
}
