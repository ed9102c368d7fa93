package dev.keeper.server.admin;

import dev.keeper.server.config.AdminConfig;
import dev.keeper.server.persist.DataDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot command ({@code SnapshotCommand}): takes a snapshot now and streams the file back, with headers
 * {@code last_zxid} (0x and the hex zxid) and {@code snapshot_size}; {@code ?streaming=false} answers with the
 * headers and the usual JSON only. Needs ALL on "/" ({@link AdminAuth}), and is rate limited. Also
 * last_snapshot, which reads the newest snapshot file's name and time.
 */
final class SnapshotCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCommand.class);

    private final AdminConfig config;
    private final RateLimit limit;

    /**
     * ZooKeeper builds this limiter with the interval in microseconds ({@code new RateLimiter(1,
     * rateLimiterInterval, TimeUnit.MICROSECONDS)}), so its default of 300,000 allows a snapshot every 300 ms, not
     * every five minutes as restore's does; we keep its effective figure.
     */
    SnapshotCommand(AdminConfig config, java.util.function.LongSupplier clockMillis) {
        this.config = config;
        this.limit = new RateLimit(config.rateLimitMs() / 1000, clockMillis);
    }

    /** Processor thread: starts the snapshot, or answers why not. */
    void run(Command.Call c, CommandResponse out) {
        if (!config.snapshotEnabled()) {
            LOG.warn("Snapshot command is disabled");
            out.status(503);
            return;
        }
        if (!limit.allow()) {
            LOG.warn("Snapshot request was rate limited");
            c.view().metrics().counter("snapshot_rate_limited_count").increment();
            out.status(429);
            return;
        }
        // Boolean.parseBoolean, as ZooKeeper reads it: anything but "true" turns streaming off
        String s = c.args().get("streaming");
        boolean streaming = s == null || Boolean.parseBoolean(s);
        CompletableFuture<Path> file = new CompletableFuture<>();
        c.view().takeSnapshot(file);
        out.later(file.handle((path, failure) -> {
            CommandResponse r = finish(out, path, failure, streaming);
            if (r.status() == 500) {
                c.view().metrics().counter("snapshot_error_count").increment();
            }
            return r;
        }));
    }

    /** Once the snapshot is on disk (or failed): the headers, status and body ZooKeeper sends. */
    private static CommandResponse finish(CommandResponse out, Path file, Throwable failure, boolean streaming) {
        if (failure != null) {
            LOG.warn("Taking a snapshot for the snapshot command failed: {}", failure.getMessage());
            return out.status(500);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        out.header("last_zxid", "0x" + Long.toHexString(DataDir.zxidOf(file, DataDir.SNAP_PREFIX)));
        out.header("snapshot_size", Long.toString(size));
        if (size == 0) {
            LOG.warn("Snapshot file {} is empty", file);
            return out.status(500);
        }
        return streaming ? out.body(file) : out;
    }

    /** last_snapshot ({@code LastSnapshotCommand}): the newest snapshot's zxid (hex, no 0x) and time (seconds). */
    static void last(Command.Call c, CommandResponse out) throws IOException {
        Path dataDir = c.view().config().dataDir();
        List<Path> snaps = dataDir == null ? List.of() : DataDir.snapshotsIn(dataDir.resolve("version-2"));
        if (snaps.isEmpty()) {
            out.put("zxid", Long.toHexString(-1L));
            out.put("timestamp", -1L);
            return;
        }
        Path newest = snaps.get(0);
        out.put("zxid", Long.toHexString(DataDir.zxidOf(newest, DataDir.SNAP_PREFIX)));
        out.put("timestamp", Files.getLastModifiedTime(newest).toMillis() / 1000);
    }
}
