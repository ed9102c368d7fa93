package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * ZooKeeper's data directory layout: snapshots in {@code dataDir/version-2/snapshot.<zxid>} and the transaction
 * log in {@code dataLogDir/version-2/log.<zxid>} (dataDir when no dataLogDir), the zxid in hex being the first
 * transaction of a log file and the last one a snapshot includes.
 *
 * <p>A lock file keeps a second server of ours off the same directory (ZooKeeper has none; we add the guard).
 *
 * <p>Every file operation that decides what survives a power cut goes through the directory's {@link Disk}.
 */
public final class DataDir implements AutoCloseable {
    public static final String VERSION_DIR = "version-2";
    public static final String LOG_PREFIX = "log";
    public static final String SNAP_PREFIX = "snapshot";
    private static final String LOCK_FILE = ".keeper.lock";
    private static final String PARTIAL_SUFFIX = ".partial";

    private final Path snapDir;
    private final Path logDir;
    private final Disk disk;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path snapDir, Path logDir, Disk disk, FileChannel lockChannel, FileLock lock) {
        this.snapDir = snapDir;
        this.logDir = logDir;
        this.disk = disk;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the version-2 directories if needed, checks they are writable, and takes the lock. */
    public static DataDir open(Path dataDir, Path dataLogDir) throws IOException {
        return open(dataDir, dataLogDir, Disk.REAL);
    }

    /** As {@link #open(Path, Path)}, writing through {@code disk}. */
    public static DataDir open(Path dataDir, Path dataLogDir, Disk disk) throws IOException {
        Path snap = dataDir.toAbsolutePath().resolve(VERSION_DIR);
        Path log = (dataLogDir == null ? dataDir : dataLogDir).toAbsolutePath().resolve(VERSION_DIR);
        for (Path d : new Path[] {snap, log}) {
            try {
                createDurably(disk, d);
            } catch (IOException e) {
                // The JDK's message is often the bare path; say what failed, where, and why.
                throw new IOException("Unable to create data directory " + d + ": " + reason(e), e);
            }
            if (!Files.isWritable(d)) {
                throw new IOException("Cannot write to data directory " + d);
            }
        }
        Path lockPath = dataDir.toAbsolutePath().resolve(LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("Unable to create the lock file " + lockPath + ": " + reason(e), e);
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IOException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another running server (" + lockPath + " is locked)");
        }
        return new DataDir(snap, log, disk, ch, l);
    }

    /**
     * Creates {@code dir} and its missing parents, and fsyncs the parent of each one created. A directory's entry
     * in its parent survives a power cut only once the parent is fsynced (POSIX promises no more, and a file's
     * fsync says nothing of the directories above it): without this, the first power cut after a fresh start
     * could take version-2 — every log and snapshot in it — although each file in it was forced with its
     * directory. ZooKeeper's {@code FileTxnSnapLog} only mkdirs it.
     */
    private static void createDurably(Disk disk, Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.add(0, d);
        }
        disk.createDirectories(dir);
        for (Path d : missing) {
            disk.fsyncDirectory(d.getParent());
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException) {
            return "it exists and is not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /** Where the files of this directory are written, renamed, deleted and forced. */
    public Disk disk() {
        return disk;
    }

    public Path snapDir() {
        return snapDir;
    }

    public Path logDir() {
        return logDir;
    }

    /** Where a snapshot is written before it is complete: hidden, and never taken for a snapshot. */
    public Path partialSnapshotPath(long zxid) {
        return snapDir.resolve("." + SNAP_PREFIX + "." + Long.toHexString(zxid) + PARTIAL_SUFFIX);
    }

    /**
     * Start-up, before any snapshot is being written: deletes the partial snapshots a crash left. ZooKeeper
     * writes snapshots under their final name, and its autopurge removes the invalid ones it leaves; ours are
     * hidden names that nothing else would ever remove, each as large as a snapshot.
     */
    public List<Path> removePartialSnapshots() throws IOException {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(snapDir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("." + SNAP_PREFIX + ".") && name.endsWith(PARTIAL_SUFFIX)) {
                    disk.delete(p);
                    removed.add(p);
                }
            }
        }
        return removed;
    }

    public Path logPath(long zxid) {
        return logDir.resolve(LOG_PREFIX + "." + Long.toHexString(zxid));
    }

    public Path snapshotPath(long zxid) {
        return snapDir.resolve(SNAP_PREFIX + "." + Long.toHexString(zxid));
    }

    /** The zxid in a log or snapshot file name, or -1 if the name is not one ({@code Util.getZxidFromName}). */
    public static long zxidOf(Path file, String prefix) {
        String[] parts = file.getFileName().toString().split("\\.");
        if (parts.length >= 2 && parts[0].equals(prefix)) {
            try {
                return Long.parseLong(parts[1], 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Log files, oldest first. */
    public List<Path> logs() throws IOException {
        return list(logDir, LOG_PREFIX, false);
    }

    /** Snapshot files, newest first. */
    public List<Path> snapshots() throws IOException {
        return list(snapDir, SNAP_PREFIX, true);
    }

    /** The snapshot files in {@code snapDir} (a data directory's version-2), newest first; for readers from outside. */
    public static List<Path> snapshotsIn(Path snapDir) throws IOException {
        return list(snapDir, SNAP_PREFIX, true);
    }

    static List<Path> list(Path dir, String prefix, boolean newestFirst) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> zxidOf(p, prefix) >= 0 && Files.isRegularFile(p)).forEach(out::add);
        }
        Comparator<Path> byZxid = Comparator.comparingLong(p -> zxidOf(p, prefix));
        out.sort(newestFirst ? byZxid.reversed() : byZxid);
        return out;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
