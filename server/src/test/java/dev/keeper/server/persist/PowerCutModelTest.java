package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.testing.PowerCut;
import dev.keeper.server.testing.PowerCut.Data;
import dev.keeper.server.testing.PowerCut.Names;
import dev.keeper.server.testing.RecordingDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-cut model the durability tests rest on ({@link PowerCut} over a {@link RecordingDisk}'s journal):
 * forced data always survives, unforced data may or may not, sector by sector, and a file's name exists only
 * once its directory was fsynced after it was created, renamed or deleted.
 */
class PowerCutModelTest {
    @TempDir
    Path tmp;
    private final RecordingDisk disk = new RecordingDisk();

    private Path image(long cut, Data data, Names names, Random rng) throws IOException {
        Path img = Files.createTempDirectory(tmp, "img");
        PowerCut.image(disk.journal(), cut, tmp.resolve("live"), img, data, names, rng);
        return img;
    }

    private static byte[] filled(int n, int b) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) b);
        return out;
    }

    @Test
    void forcedBytesSurvive_unforcedOnesOnlyIfTheyReachedTheDisk() throws IOException {
        Path dir = tmp.resolve("live");
        disk.createDirectories(dir);
        Path f = dir.resolve("f");
        long beforeForce;
        try (FileChannel ch = disk.create(f)) {
            disk.fsyncDirectory(dir);
            ch.write(ByteBuffer.wrap(filled(100, 1)), 0);
            beforeForce = disk.next();
            ch.force(false);
            ch.write(ByteBuffer.wrap(filled(100, 2)), 100);
        }
        long end = disk.next();

        assertArrayEquals(new byte[0], read(beforeForce, Data.SYNCED));
        assertArrayEquals(filled(100, 1), read(beforeForce, Data.ALL));
        assertArrayEquals(filled(100, 1), read(end, Data.SYNCED));
        byte[] all = read(end, Data.ALL);
        assertArrayEquals(filled(100, 1), Arrays.copyOfRange(all, 0, 100));
        assertArrayEquals(filled(100, 2), Arrays.copyOfRange(all, 100, 200));
        for (int i = 0; i < 20; i++) {
            byte[] some = Files.readAllBytes(image(end, Data.SOME, Names.SOME, new Random(i)).resolve("f"));
            assertArrayEquals(filled(100, 1), Arrays.copyOf(some, 100), "forced bytes are always there");
        }
    }

    private byte[] read(long cut, Data data) throws IOException {
        return Files.readAllBytes(image(cut, data, Names.STRICT, new Random()).resolve("f"));
    }

    @Test
    void aNewFile_existsOnlyOnceItsDirectoryIsFsynced() throws IOException {
        Path dir = tmp.resolve("live");
        disk.createDirectories(dir);
        try (FileChannel ch = disk.create(dir.resolve("f"))) {
            ch.write(ByteBuffer.wrap(filled(10, 1)));
            ch.force(true);
        }
        long forced = disk.next();
        disk.fsyncDirectory(dir);
        assertEquals(Set.of(), names(image(forced, Data.ALL, Names.STRICT, new Random())));
        assertEquals(Set.of("f"), names(image(disk.next(), Data.SYNCED, Names.STRICT, new Random())));
    }

    @Test
    void aRename_isTheOldNameUntilTheDirectoryIsFsynced_thenTheNewOne() throws IOException {
        Path dir = tmp.resolve("live");
        disk.createDirectories(dir);
        Path temp = dir.resolve(".s.partial");
        try (FileChannel ch = disk.create(temp)) {
            ch.write(ByteBuffer.wrap(filled(10, 7)));
            ch.force(true);
        }
        disk.fsyncDirectory(dir);
        disk.rename(temp, dir.resolve("s"));
        long renamed = disk.next();
        disk.fsyncDirectory(dir);
        long end = disk.next();

        Path before = image(renamed, Data.SYNCED, Names.STRICT, new Random());
        assertEquals(Set.of(".s.partial"), names(before));
        Path after = image(end, Data.SYNCED, Names.STRICT, new Random());
        assertEquals(Set.of("s"), names(after));
        assertArrayEquals(filled(10, 7), Files.readAllBytes(after.resolve("s")));
        Set<Set<String>> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            seen.add(names(image(renamed, Data.SYNCED, Names.SOME, new Random(i))));
        }
        assertEquals(Set.of(Set.of(".s.partial"), Set.of("s")), seen, "a rename happens whole or not at all");
    }

    /**
     * Unforced writes land sector by sector: each 512-byte sector holds the file as of one moment — here, before
     * the second write, after it, or after the third — and over many cuts every combination shows up, including
     * a later sector on disk while an earlier one is not.
     */
    @Test
    void unforcedWrites_landSectorBySector_eachSectorAsOfOneMoment() throws IOException {
        Path dir = tmp.resolve("live");
        disk.createDirectories(dir);
        disk.fsyncDirectory(dir.getParent());
        Path f = dir.resolve("log");
        try (FileChannel ch = disk.create(f)) {
            ch.write(ByteBuffer.wrap(filled(PowerCut.PAGE * 2, 0)), 0);
            ch.force(false);
            ch.write(ByteBuffer.wrap(filled(PowerCut.PAGE * 2, 'a')), 0);
            ch.write(ByteBuffer.wrap(filled(PowerCut.PAGE * 2, 'b')), 0);
        }
        disk.fsyncDirectory(dir);
        long end = disk.next();
        boolean laterSectorWithoutEarlier = false;
        Set<Integer> pageStates = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] b = Files.readAllBytes(image(end, Data.SOME, Names.STRICT, new Random(i)).resolve("log"));
            assertEquals(PowerCut.PAGE * 2, b.length);
            int[] sectors = new int[b.length / PowerCut.SECTOR];
            for (int s = 0; s < sectors.length; s++) {
                byte first = b[s * PowerCut.SECTOR];
                assertTrue(first == 0 || first == 'a' || first == 'b');
                for (int k = 0; k < PowerCut.SECTOR; k++) {
                    assertEquals(first, b[s * PowerCut.SECTOR + k], "sector " + s + " mixes two moments");
                }
                sectors[s] = first;
            }
            laterSectorWithoutEarlier |= sectors[0] == 0 && sectors[sectors.length - 1] != 0;
            pageStates.add(sectors[0]);
        }
        assertTrue(laterSectorWithoutEarlier, "pages reach the disk in any order");
        assertEquals(Set.of(0, (int) 'a', (int) 'b'), pageStates);
    }

    @Test
    void aDiskOverAnExistingDirectory_keepsAllOfItThroughAnyLaterCut() throws IOException {
        Path live = Files.createDirectories(tmp.resolve("live/data/version-2"));
        Files.write(live.resolve("log.1"), filled(3000, 5));
        RecordingDisk over = RecordingDisk.over(tmp.resolve("live"));
        long start = over.next();
        try (FileChannel ch = over.create(live.resolve("log.2"))) {
            ch.write(ByteBuffer.wrap(filled(10, 6)));
        }
        over.delete(live.resolve("log.1"));
        for (long cut = start; cut <= over.next(); cut++) {
            Path img = Files.createTempDirectory(tmp, "img");
            PowerCut.image(over.journal(), cut, tmp.resolve("live"), img, Data.SOME, Names.STRICT, new Random(cut));
            assertArrayEquals(filled(3000, 5), Files.readAllBytes(img.resolve("data/version-2/log.1")));
            assertEquals(Set.of("log.1"), names(img.resolve("data/version-2")));
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return new HashSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aDirectoryCreatedWithoutItsParentFsynced_isGoneWithEverythingInIt() throws IOException {
        Path dir = tmp.resolve("live/a/b");
        disk.createDirectories(dir);
        try (FileChannel ch = disk.create(dir.resolve("f"))) {
            ch.write(ByteBuffer.wrap(filled(10, 1)));
            ch.force(true);
        }
        disk.fsyncDirectory(dir);
        long end = disk.next();
        assertEquals(List.of(), List.copyOf(names(image(end, Data.ALL, Names.STRICT, new Random()))));
        disk.fsyncDirectory(tmp.resolve("live"));
        disk.fsyncDirectory(tmp.resolve("live/a"));
        Path img = image(disk.next(), Data.SYNCED, Names.STRICT, new Random());
        assertArrayEquals(filled(10, 1), Files.readAllBytes(img.resolve("a/b/f")));
    }
}
