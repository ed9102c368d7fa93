package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * autopurge keeps the newest snapRetainCount valid snapshots and every log file that recovering from the
 * oldest of them needs ({@code PurgeTxnLog}): proven by damaging the newer snapshots afterwards and recovering
 * everything from the oldest one kept.
 */
class PurgeTest {
    @TempDir
    Path tmp;
    private DataDir dir;
    private final List<LogEntry> history = History.of(40);

    /** What a server leaves after snapshotting every 10 transactions: snapshot.Z, then log.Z+1. */
    @BeforeEach
    void writeDataDir() throws IOException {
        dir = DataDir.open(tmp, null);
        History.writeLog(dir, history, Set.of(11L, 21L, 31L));
        for (int z = 0; z <= 40; z += 10) {
            History.snapshot(dir, History.apply(history.subList(0, z)));
        }
        assertEquals(List.of("log.1", "log.b", "log.15", "log.1f"), names(dir.logs()));
        assertEquals(List.of("snapshot.28", "snapshot.1e", "snapshot.14", "snapshot.a", "snapshot.0"),
                names(dir.snapshots()));
    }

    @AfterEach
    void close() {
        dir.close();
    }

    @Test
    void keepsRetainCountSnapshots_andTheLogsTheOldestNeeds() throws IOException {
        List<Path> deleted = Purge.purge(dir, 3);
        assertEquals(List.of("log.1", "snapshot.a", "snapshot.0"), names(deleted));
        assertEquals(List.of("snapshot.28", "snapshot.1e", "snapshot.14"), names(dir.snapshots()));
        assertEquals(List.of("log.b", "log.15", "log.1f"), names(dir.logs()));

        // Lose the two newer snapshots: the oldest one kept, with the logs kept, still gives everything.
        Files.write(dir.snapshots().get(0), new byte[0]);
        Files.write(dir.snapshots().get(1), new byte[] {1});
        assertEquals(History.dump(History.apply(history)), History.dump(Recovery.recover(dir, false, false)));
    }

    @Test
    void incompleteSnapshotsDoNotCountTowardsTheRetained() throws IOException {
        Path newest = dir.snapshots().get(0);
        Files.write(newest, new byte[] {1, 2, 3});
        List<Path> deleted = Purge.purge(dir, 3);
        assertEquals(List.of("snapshot.0"), names(deleted));
        assertEquals(List.of("log.1", "log.b", "log.15", "log.1f"), names(dir.logs()));
        assertTrue(Files.exists(newest), "a newer file is never removed");
        assertEquals(History.dump(History.apply(history)), History.dump(Recovery.recover(dir, false, false)));
    }

    @Test
    void fewerValidSnapshotsThanRetainCount_removesNothing() throws IOException {
        for (Path s : dir.snapshots().subList(0, 3)) {
            Files.write(s, new byte[0]);
        }
        assertEquals(List.of(), Purge.purge(dir, 3));
        assertEquals(4, dir.logs().size());
        assertEquals(5, dir.snapshots().size());
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }
}
