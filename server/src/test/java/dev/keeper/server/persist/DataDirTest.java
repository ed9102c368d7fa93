package dev.keeper.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.testing.PowerCut;
import dev.keeper.server.testing.RecordingDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory the server cannot use is refused at start-up with a message that says which directory and
 * why. The tests run as root, for whom permission bits mean nothing, so unwritable directories are made the
 * ways that stop root too: a file where a directory should be, and the immutable attribute.
 */
class DataDirTest {
    @TempDir
    Path tmp;

    @Test
    void secondOpenWhileTheFirstHoldsIt_isRefusedNamingTheDirectory() throws IOException {
        Path data = tmp.resolve("data");
        try (DataDir first = DataDir.open(data, null)) {
            IOException e = assertThrows(IOException.class, () -> DataDir.open(data, null));
            assertEquals("Data directory " + data + " is in use by another running server (" + data
                    + "/.keeper.lock is locked)", e.getMessage());
        }
        DataDir.open(data, null).close();
    }

    /**
     * The directories open creates are themselves durable: a file created in version-2 and fsynced with its
     * directory, as the log's first file is, survives a power cut in the strict POSIX model (a directory's own
     * entry in its parent lasts only once the parent is fsynced) even when nothing else was made durable.
     */
    @Test
    void freshDirectories_surviveAPowerCut_withTheFirstFileMadeDurableInThem() throws IOException {
        RecordingDisk disk = new RecordingDisk();
        Path data = tmp.resolve("live/a/data");
        try (DataDir dir = DataDir.open(data, tmp.resolve("live/b/logs"), disk)) {
            for (Path file : new Path[] {dir.logPath(1), dir.snapshotPath(0)}) {
                try (FileChannel ch = disk.create(file)) {
                    ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    ch.force(true);
                }
                disk.fsyncDirectory(file.getParent());
            }
        }
        Path image = Files.createDirectory(tmp.resolve("image"));
        PowerCut.image(disk.journal(), disk.next(), tmp.resolve("live"), image, PowerCut.Data.SYNCED,
                PowerCut.Names.STRICT, new Random());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(image.resolve("a/data/version-2/snapshot.0")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(image.resolve("b/logs/version-2/log.1")));
    }

    @Test
    void aFileWhereTheDataDirShouldBe_isRefused() throws IOException {
        Path data = Files.createFile(tmp.resolve("data"));
        IOException e = assertThrows(IOException.class, () -> DataDir.open(data, null));
        assertEquals("Unable to create data directory " + data + "/version-2: Not a directory", e.getMessage());
    }

    @Test
    void aFileWhereVersion2ShouldBe_isRefused() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.createFile(data.resolve("version-2"));
        IOException e = assertThrows(IOException.class, () -> DataDir.open(data, null));
        assertEquals("Unable to create data directory " + data + "/version-2: it exists and is not a directory",
                e.getMessage());
    }

    @Test
    void aFileWhereTheLogDirShouldBe_isRefused() throws IOException {
        Path data = tmp.resolve("data");
        Path logs = Files.createFile(tmp.resolve("logs"));
        IOException e = assertThrows(IOException.class, () -> DataDir.open(data, logs));
        assertEquals("Unable to create data directory " + logs + "/version-2: Not a directory", e.getMessage());
    }

    @Test
    void immutableDataDir_isRefusedEvenForRoot() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        chattr("+i", data);
        try {
            IOException e = assertThrows(IOException.class, () -> DataDir.open(data, null));
            assertEquals("Unable to create data directory " + data + "/version-2: Operation not permitted",
                    e.getMessage());
        } finally {
            chattr("-i", data);
        }
    }

    @Test
    void immutableVersion2Dir_isRefusedEvenForRoot() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path v2 = Files.createDirectory(data.resolve("version-2"));
        chattr("+i", v2);
        try {
            IOException e = assertThrows(IOException.class, () -> DataDir.open(data, null));
            assertEquals("Cannot write to data directory " + v2, e.getMessage());
        } finally {
            chattr("-i", v2);
        }
    }

    /** Sets or clears the immutable attribute (e2fsprogs' chattr; the test needs it and an ext4-like /tmp). */
    private static void chattr(String flag, Path p) throws Exception {
        Process proc = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
        assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
        String out = new String(proc.getInputStream().readAllBytes());
        assertEquals(0, proc.exitValue(), "chattr " + flag + " " + p + ": " + out);
    }
}
