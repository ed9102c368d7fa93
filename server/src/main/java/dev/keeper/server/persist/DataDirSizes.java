package dev.keeper.server.persist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bytes in the data and log directories, as {@code mntr} ({@code zk_data_dir_size}, {@code zk_log_dir_size})
 * and {@code dirs} report them. Measuring means walking the directories, which is disk I/O: it runs on a thread of
 * its own, once a second, and the reports read the last figures. Walked on the processor thread, every monitoring
 * scrape would stall every write behind a directory listing; ZooKeeper walks them on the thread that answers the
 * command, on every command.
 */
public final class DataDirSizes implements AutoCloseable {
    static final long PERIOD_MS = 1000;

    private final Path dataDir;
    private final Path logDir;
    private final ScheduledExecutorService walker;
    private volatile long dataDirBytes;
    private volatile long logDirBytes;

    /** Measures both directories now, then every second. */
    public DataDirSizes(Path dataDir, Path logDir) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        refresh();
        this.walker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keeper-dir-sizes");
            t.setDaemon(true);
            return t;
        });
        walker.scheduleWithFixedDelay(this::refresh, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Bytes in the data directory, as of the last walk. */
    public long dataDirBytes() {
        return dataDirBytes;
    }

    /** Bytes in the log directory, as of the last walk. */
    public long logDirBytes() {
        return logDirBytes;
    }

    void refresh() {
        dataDirBytes = sizeOf(dataDir);
        logDirBytes = sizeOf(logDir);
    }

    private static long sizeOf(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed since it was listed (purge)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        walker.shutdownNow();
    }
}
