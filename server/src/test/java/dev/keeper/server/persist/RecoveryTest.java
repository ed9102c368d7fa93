package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up from what a data directory holds: nothing, a snapshot, logs, damaged snapshots, a fuzzy snapshot. */
class RecoveryTest {
    @TempDir
    Path tmp;
    private DataDir dir;
    private final List<LogEntry> history = History.of(40);

    @BeforeEach
    void open() throws IOException {
        dir = DataDir.open(tmp, null);
    }

    @AfterEach
    void close() {
        dir.close();
    }

    @Test
    void emptyDataDir_recoversTheEmptyTreeAtZxidZero() throws IOException {
        DataTree t = Recovery.recover(dir, false, false);
        assertEquals(History.dump(new DataTree(false)), History.dump(t));
        assertEquals(0, t.lastZxid());
    }

    /** ZooKeeper refuses a directory with logs but no snapshot, so a fresh one gets snapshot.0 before any log. */
    @Test
    void freshServer_writesSnapshotZeroBeforeServing_andRestartsFromIt() throws IOException {
        dir.close();
        Path data = tmp.resolve("fresh");
        ServerConfig cfg = ServerConfig.builder().dataDir(data).clientPortAddress("127.0.0.1").clientPort(0).build();
        try (ZkServer server = ZkServer.start(cfg)) {
            assertTrue(server.port() > 0);
            assertEquals(List.of("snapshot.0"), names(data.resolve(DataDir.VERSION_DIR)));
        }
        try (ZkServer server = ZkServer.start(cfg)) {
            assertEquals(0, (long) server.onProcessor(() -> server.tree().lastZxid()));
        }
        dir = DataDir.open(tmp, null);
    }

    private static List<String> names(Path d) throws IOException {
        try (var files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void snapshotOnly_recoversTheSnapshotsTree() throws IOException {
        DataTree live = History.apply(history);
        Path snap = History.snapshot(dir, live);
        assertEquals("snapshot.28", snap.getFileName().toString());
        DataTree t = Recovery.recover(dir, false, false);
        assertEquals(History.dump(live), History.dump(t));
        assertEquals(40, t.lastZxid());
    }

    @Test
    void logsWithoutSnapshot_areRefusedLikeZooKeeper_unlessSnapshotTrustEmpty() throws IOException {
        History.writeLog(dir, history, Set.of(20L));
        IOException e = assertThrows(IOException.class, () -> Recovery.recover(dir, false, false));
        assertTrue(e.getMessage().startsWith("No snapshot found, but there are log entries in " + dir.logDir()),
                e.getMessage());
        // zookeeper.snapshot.trust.empty=true: the log is taken to reach back to the empty tree
        assertEquals(History.dump(History.apply(history)), History.dump(Recovery.recover(dir, false, true)));
    }

    @Test
    void aLogFileWithNoEntriesButNoSnapshot_isRefusedToo() throws IOException {
        // ZooKeeper's getLastLoggedZxid takes the newest log's name as a zxid seen: the file implies a history.
        History.writeLog(dir, history.subList(0, 5), Set.of());
        Path log = dir.logs().get(0);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(FileTxnLog.HEADER_SIZE);
        }
        IOException e = assertThrows(IOException.class, () -> Recovery.recover(dir, false, false));
        assertTrue(e.getMessage().startsWith("No snapshot found"), e.getMessage());
    }

    @Test
    void incompleteOrDamagedNewestSnapshot_fallsBackToThePreviousOne() throws IOException {
        History.snapshot(dir, new DataTree(false));
        History.writeLog(dir, history, Set.of(21L));
        Path newest = History.snapshot(dir, History.apply(history.subList(0, 20)));
        assertEquals("snapshot.14", newest.getFileName().toString());
        byte[] whole = Files.readAllBytes(newest);
        Map<String, String> expected = History.dump(History.apply(history));
        for (int variant = 0; variant < 5; variant++) {
            byte[] bad = switch (variant) {
                case 0 -> new byte[0];
                case 1 -> Arrays.copyOf(whole, whole.length / 2);
                case 2 -> Arrays.copyOf(whole, whole.length - 1);
                case 3 -> flip(whole, whole.length / 2); // looks complete, but its checksum does not match
                default -> flip(whole, 30); // damage among the sessions and ACLs
            };
            Files.write(newest, bad);
            DataTree t = Recovery.recover(dir, false, false);
            assertEquals(expected, History.dump(t), "variant " + variant);
        }
    }

    @Test
    void partialSnapshotsLeftByCrashes_areIgnoredAndRemoved() throws IOException {
        History.snapshot(dir, new DataTree(false));
        History.writeLog(dir, history, Set.of());
        Path partial = dir.partialSnapshotPath(0x28);
        Files.write(partial, new byte[] {1, 2, 3});
        Files.write(dir.partialSnapshotPath(0x10), new byte[] {4});
        assertEquals(History.dump(History.apply(history)), History.dump(Recovery.recover(dir, false, false)));
        assertEquals(List.of(dir.snapshotPath(0)), dir.snapshots());
        try (var files = Files.list(dir.snapDir())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void noValidSnapshotAmongSeveral_isRefused() throws IOException {
        Path snap = History.snapshot(dir, new DataTree(false));
        History.writeLog(dir, history, Set.of());
        Files.write(snap, new byte[] {0x5a, 0x4b});
        IOException e = assertThrows(IOException.class, () -> Recovery.recover(dir, false, false));
        assertEquals("Not able to find valid snapshots in " + dir.snapDir(), e.getMessage());
    }

    /**
     * The snapshot is walked while transactions keep changing the tree (creates, deletes, setData and multi under
     * the nodes being walked). Replaying the log from the zxid the walk began at, over that fuzzy image, gives
     * back the live tree exactly, Stats and all.
     */
    @Test
    void fuzzySnapshot_takenWhileWriting_replaysToTheLiveTree() throws Exception {
        List<LogEntry> longer = History.of(400);
        for (int budget : new int[] {1, 3, 7}) {
            for (Path p : dir.logs()) {
                Files.delete(p);
            }
            for (Path p : dir.snapshots()) {
                Files.delete(p);
            }
            History.snapshot(dir, new DataTree(false));
            History.writeLog(dir, longer, Set.of(201L));
            DataTree live = History.apply(longer.subList(0, 200));
            ExecutorService writer = Executors.newSingleThreadExecutor();
            SnapshotJob job = new SnapshotJob(live, dir, writer, SnapshotJob.Durability.ALREADY);
            int next = 200;
            while (!job.step(budget, Long.MAX_VALUE)) {
                if (next < longer.size()) {
                    LogEntry e = longer.get(next++);
                    live.apply(e.header(), e.txn());
                }
            }
            assertTrue(next > 210, "transactions applied during the walk: " + (next - 200));
            while (next < longer.size()) {
                LogEntry e = longer.get(next++);
                live.apply(e.header(), e.txn());
            }
            writer.shutdown();
            assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
            assertTrue(job.finished());
            assertEquals(null, job.failure());
            assertEquals(200, DataDir.zxidOf(dir.snapshots().get(0), DataDir.SNAP_PREFIX));
            Map<String, String> image = withoutZxid(History.dump(snapshotAlone()));
            assertNotEquals(withoutZxid(History.dump(History.apply(longer.subList(0, 200)))), image,
                    "the walk saw changes made after it began");
            assertNotEquals(withoutZxid(History.dump(live)), image, "the snapshot alone is stale");
            assertEquals(History.dump(live), History.dump(Recovery.recover(dir, false, false)), "budget " + budget);
        }
    }

    /** The newest snapshot's tree without the log. */
    private DataTree snapshotAlone() throws IOException {
        DataTree t = new DataTree(false);
        SnapshotFile.read(dir.snapshots().get(0), t);
        return t;
    }

    private static Map<String, String> withoutZxid(Map<String, String> dump) {
        dump.remove("#lastZxid");
        return dump;
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] out = bytes.clone();
        out[at] ^= 0x10;
        return out;
    }
}
