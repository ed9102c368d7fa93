package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file operation the data directory's durability rests on: creating a file to write (a log file, a
 * snapshot being written) — whose writes, preallocation and {@code force} then go through the channel it
 * returns —, renaming a finished snapshot into place, deleting (partial snapshots, autopurge), creating the
 * {@code version-2} directories, and forcing a directory so that a file's creation, rename or removal survives
 * a power cut.
 *
 * <p>Reads do not come through here, nor does the lock file: neither changes what a power cut leaves behind.
 *
 * <p>The server runs on {@link #REAL}. The seam exists so that tests can put a disk under a whole server that
 * journals each operation in order, then rebuild what a power cut at any point of that journal could have left
 * on the platter, which a kill -9 cannot show: the page cache outlives the process. It is passed in through
 * {@link DataDir}, never a global.
 */
public interface Disk {
    /** Opens {@code file} for writing, creating it or truncating it to nothing. */
    FileChannel create(Path file) throws IOException;

    /** Renames a file atomically, replacing whatever {@code to} named. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes a file if it exists; true if it did. */
    boolean delete(Path file) throws IOException;

    /** Creates a directory and any missing parents (no-op if it exists). */
    void createDirectories(Path dir) throws IOException;

    /** Makes the creation, rename or removal of files in {@code dir} durable. */
    void fsyncDirectory(Path dir) throws IOException;

    /** The file system itself. */
    Disk REAL = new Disk() {
        @Override
        public FileChannel create(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public boolean delete(Path file) throws IOException {
            return Files.deleteIfExists(file);
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            Files.createDirectories(dir);
        }

        @Override
        public void fsyncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    };
}
