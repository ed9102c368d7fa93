package dev.keeper.server.persist;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keeper.server.tree.DataTree;
import dev.keeper.wire.testing.ParserRun;
import dev.keeper.wire.testing.ParserRun.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fuzzes {@link SnapshotFile#read} with a snapshot file's bytes, read into a fresh {@link DataTree} as start-up
 * reads the newest snapshot. Seeds ({@code SnapshotFuzzTestInputs/file}, written by {@link FuzzSeeds}): snapshots
 * the server's own {@link SnapshotJob} wrote, of an empty tree and of a tree with sessions, ephemerals, ACLs and
 * data, and one cut after its first seal as ZooKeeper before 3.6 wrote them.
 *
 * <p>Checked for every input, besides {@link ParserRun}'s rules (only an IOException escapes; allocation within
 * 32 bytes per input byte + 512 KB: the 64 KB read buffer, the tree's tables; not the 1 GB a length field may
 * claim): a snapshot read twice gives the same tree; and an accepted snapshot, written again by the server and
 * read back, gives the same tree (nodes, data, stats, ACLs, sessions).
 */
class SnapshotFuzzTest {
    private static final ParserRun RUN = ParserRun.of(IOException.class, 32, 512 << 10);
    private static final Path DIR = tempDir();

    private record Loaded(DataTree tree, long lastZxid) {
    }

    @FuzzTest
    void file(byte[] input) throws IOException {
        Path snap = DIR.resolve("snapshot.1");
        Files.write(snap, input);
        Outcome<Loaded> first = RUN.run(input, () -> load(snap));
        if (!first.accepted()) {
            return;
        }
        Map<String, String> tree = dump(input, first.value().tree());
        if (!tree.equals(dump(input, reload(input, snap).tree()))) {
            throw ParserRun.finding(input, "read twice, the snapshot gave different trees", null);
        }
        if (!tree.equals(dump(input, writtenAgain(input, first.value()).tree()))) {
            throw ParserRun.finding(input, "written again and read back, the snapshot gave another tree", null);
        }
    }

    private static Loaded load(Path snap) throws IOException {
        DataTree tree = new DataTree(false);
        return new Loaded(tree, SnapshotFile.read(snap, tree));
    }

    private static Loaded reload(byte[] input, Path snap) {
        try {
            return load(snap);
        } catch (IOException e) {
            throw ParserRun.finding(input, "read twice, the snapshot was refused the second time: " + e, e);
        }
    }

    /** The tree as the server snapshots it, in a data directory of its own, then read back. */
    private static Loaded writtenAgain(byte[] input, Loaded loaded) throws IOException {
        Path home = Files.createTempDirectory(DIR, "again");
        try (DataDir dir = DataDir.open(home, null)) {
            loaded.tree().setLastZxid(Math.max(0, loaded.lastZxid()));
            return reload(input, History.snapshot(dir, loaded.tree()));
        } catch (RuntimeException e) {
            throw ParserRun.finding(input, e + " writing an accepted snapshot again", e);
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> dump(byte[] input, DataTree tree) {
        try {
            return History.dump(tree);
        } catch (RuntimeException e) {
            throw ParserRun.finding(input, e + " walking the tree of an accepted snapshot", e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("keeper-snapshot-fuzz");
            dir.toFile().deleteOnExit();
            dir.resolve("snapshot.1").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
