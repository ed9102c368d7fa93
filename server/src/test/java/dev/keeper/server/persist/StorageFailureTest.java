package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.testing.LogCapture;
import dev.keeper.server.testing.Tmpfs;
import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.OpCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the disk refuses a write or an fsync, nothing that was not made durable is ever acknowledged, the
 * server is told to stop exactly once, the operator gets one error line that says why, and no half-written
 * snapshot is left under a snapshot's name.
 */
class StorageFailureTest {
    private static final String ENOSPC = "No space left on device";

    @TempDir
    Path tmp;

    @Test
    void failedFsync_releasesNothingMore_stopsOnce_andSaysWhy() throws Exception {
        List<LogEntry> history = History.of(6);
        AtomicInteger syncs = new AtomicInteger();
        FileTxnLog.Syncer failSecond = ch -> {
            if (syncs.incrementAndGet() > 1) {
                throw new IOException(ENOSPC);
            }
            ch.force(false);
        };
        AtomicInteger fatal = new AtomicInteger();
        CountDownLatch stopped = new CountDownLatch(1);
        List<String> released = Collections.synchronizedList(new ArrayList<>());
        try (DataDir dir = DataDir.open(tmp, null); LogCapture logs = new LogCapture()) {
            FileTxnLog log = new FileTxnLog(dir, true, 4096, 60_000, failSecond, () -> {
                fatal.incrementAndGet();
                stopped.countDown();
            });
            CountDownLatch firstReleased = new CountDownLatch(1);
            append(log, history.subList(0, 3));
            log.commit(() -> {
                released.add("first");
                firstReleased.countDown();
            });
            // wait, or group commit would sync both batches at once, with the one fsync that succeeds
            assertTrue(firstReleased.await(30, TimeUnit.SECONDS));
            append(log, history.subList(3, 6));
            log.commit(() -> released.add("second"));
            assertTrue(stopped.await(30, TimeUnit.SECONDS));
            IOException after = assertThrows(IOException.class, () -> log.commit(() -> released.add("third")));
            assertEquals("the transaction log has failed", after.getMessage());
            log.close();

            assertEquals(List.of("first"), released);
            assertEquals(1, fatal.get());
            List<String> errors = logs.errors();
            assertEquals(1, errors.size(), errors.toString());
            assertEquals("Writing the transaction log " + dir.logPath(1) + " failed: java.io.IOException: " + ENOSPC
                    + "; stopping, as the tree is now ahead of the disk", errors.get(0));
        }
    }

    /**
     * A real full disk (a 1 MB tmpfs): the log fills it, the write fails part-way through an entry, and still
     * every transaction whose release ran is read back; a snapshot that no longer fits fails cleanly, leaving
     * the previous snapshot intact and no partial file behind.
     */
    @Test
    void fullDisk_everythingReleasedIsReadBack_andAFailedSnapshotLeavesNothingBehind() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), 1 << 20); DataDir dir = DataDir.open(disk.path(), null);
                LogCapture logs = new LogCapture()) {
            Path before = History.snapshot(dir, new DataTree(false));
            byte[] previous = Files.readAllBytes(before);
            CountDownLatch stopped = new CountDownLatch(1);
            List<Long> released = Collections.synchronizedList(new ArrayList<>());
            FileTxnLog log = new FileTxnLog(dir, true, 64 * 1024, 60_000, FileTxnLog.Syncer.FSYNC,
                    stopped::countDown);
            DataTree tree = new DataTree(false);
            long zxid = 0;
            while (stopped.getCount() > 0 && zxid < 1000) {
                long z = ++zxid;
                TxnHeader hdr = new TxnHeader(History.SESSION, (int) z, z, z, OpCode.CREATE);
                CreateTxn txn = new CreateTxn("/big" + z, new byte[30_000], History.OPEN, false, (int) z);
                tree.apply(hdr, txn);
                log.append(hdr, txn);
                try {
                    log.commit(() -> released.add(z));
                } catch (IOException failed) {
                    break;
                }
                Thread.sleep(1); // let batches stay small, so the disk fills between fsyncs too
            }
            assertTrue(stopped.await(30, TimeUnit.SECONDS), "the log never failed; zxid " + zxid);
            log.close();
            assertTrue(released.size() > 10, "released " + released.size());
            assertTrue(logs.errors().get(0).contains(ENOSPC), logs.errors().toString());

            List<Long> readBack = new ArrayList<>();
            TxnLogReader.replay(dir.logs(), 0, (e, f, o) -> readBack.add(e.header().getZxid()));
            assertTrue(readBack.containsAll(released), "released " + released + ", read back " + readBack);

            IOException e = assertThrows(IOException.class, () -> History.snapshot(dir, tree));
            assertTrue(String.valueOf(e.getMessage()).contains(ENOSPC), String.valueOf(e));
            assertEquals(List.of(before), dir.snapshots());
            assertEquals(List.of(), hiddenFiles(dir.snapDir()));
            assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(before)), "the previous snapshot");
        }
    }

    /** A snapshot taken in the background that fails stops the server, as ZooKeeper exits when one fails. */
    @Test
    void failedBackgroundSnapshot_stopsTheServerOnce_leavingNoPartialFile() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), 256 * 1024);
                DataDir dir = DataDir.open(disk.path(), null); LogCapture logs = new LogCapture()) {
            DataTree tree = History.apply(History.of(30));
            for (int i = 0; i < 20; i++) {
                long z = 31 + i;
                tree.apply(new TxnHeader(History.SESSION, 0, z, z, OpCode.CREATE),
                        new CreateTxn("/big" + i, new byte[30_000], History.OPEN, false, 100 + i));
            }
            AtomicInteger fatal = new AtomicInteger();
            FileTxnLog log = new FileTxnLog(dir, true, 4096, 60_000, FileTxnLog.Syncer.FSYNC, () -> { });
            Snapshotter snapshots = new Snapshotter(tree, dir, log, 10, fatal::incrementAndGet);
            snapshots.afterBatch(11, true);
            for (int i = 0; i < 10_000 && snapshots.inProgress(); i++) {
                snapshots.afterBatch(0, true);
                Thread.sleep(1);
            }
            assertTrue(!snapshots.inProgress(), "the snapshot never finished");
            snapshots.close();
            log.close();

            assertEquals(1, fatal.get());
            assertEquals(List.of(), dir.snapshots());
            assertEquals(List.of(), hiddenFiles(dir.snapDir()));
            List<String> errors = logs.errors();
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).startsWith("Writing snapshot.32 failed"), errors.get(0));
            assertTrue(errors.get(0).contains(ENOSPC), errors.get(0));
        }
    }

    private static void append(FileTxnLog log, List<LogEntry> entries) {
        for (LogEntry e : entries) {
            log.append(e.header(), e.txn());
        }
    }

    private static List<Path> hiddenFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
