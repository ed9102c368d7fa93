package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when to snapshot and drives the snapshot in progress, on the processor thread.
 *
 * <p>As ZooKeeper's {@code SyncRequestProcessor}: after snapCount/2 plus a random share of snapCount/2
 * transactions (the randomness keeps servers of an ensemble from snapshotting together), the log rolls to a new
 * file and a snapshot starts; if the previous one is still being written, this one is skipped.
 *
 * <p>A snapshot that cannot be written stops the server ({@code onFatal}), as ZooKeeper's
 * {@code takeSnapshot} exits with "Severe unrecoverable error": a server that cannot snapshot keeps serving
 * with a log that grows without bound, and usually the disk is full and the log is next.
 */
public final class Snapshotter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
    /**
     * How much of the walk one step may take: little while requests wait, more when the processor is idle —
     * but never so long that a request arriving meanwhile waits noticeably (the step stops at its time budget).
     */
    private static final int BUSY_NODES = 1_000;
    private static final long BUSY_NANOS = 200_000;
    private static final int IDLE_NODES = 20_000;
    private static final long IDLE_NANOS = 1_000_000;

    private final DataTree tree;
    private final DataDir dir;
    private final FileTxnLog log;
    private final int snapCount;
    private final Runnable onFatal;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keeper-snapshot");
        t.setDaemon(true);
        return t;
    });
    private long txnsSinceSnapshot;
    private int randRoll;
    private SnapshotJob job;
    private boolean failed;

    public Snapshotter(DataTree tree, DataDir dir, FileTxnLog log, int snapCount, Runnable onFatal) {
        this.tree = tree;
        this.dir = dir;
        this.log = log;
        this.snapCount = Math.max(2, snapCount);
        this.onFatal = onFatal;
        resetRoll();
    }

    private void resetRoll() {
        randRoll = ThreadLocalRandom.current().nextInt(snapCount / 2);
    }

    /** Processor thread, after each batch: counts its transactions, maybe starts a snapshot, advances one. */
    public void afterBatch(int txns, boolean idle) {
        txnsSinceSnapshot += txns;
        if (failed) {
            return;
        }
        if (txnsSinceSnapshot > snapCount / 2 + randRoll) {
            txnsSinceSnapshot = 0;
            resetRoll();
            log.roll();
            if (job != null) {
                LOG.warn("Too busy to snap, skipping");
            } else {
                job = new SnapshotJob(tree, dir, writer, log::awaitDurable);
                LOG.info("Creating snapshot {}", dir.snapshotPath(job.zxid()).getFileName());
            }
        }
        if (job != null) {
            if (idle) {
                job.step(IDLE_NODES, IDLE_NANOS);
            } else {
                job.step(BUSY_NODES, BUSY_NANOS);
            }
            if (job.finished()) {
                if (job.failure() != null) {
                    failed = true;
                    if (!log.hasFailed()) { // else the log has reported it and is stopping the server already
                        LOG.error("Writing {} failed: {}; stopping, as a server that cannot snapshot must not serve"
                                + " on", job.file().getFileName(), job.failure().toString());
                        onFatal.run();
                    }
                }
                job = null;
            }
        }
    }

    /** True while a snapshot is being taken (walked, or still being written). */
    public boolean inProgress() {
        return job != null;
    }

    /** True if the walk could take a step right now: the processor should not sleep while it can. */
    public boolean canStep() {
        return job != null && job.canStep();
    }

    /** Waits for a snapshot being written (the walk must be complete) and stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public ExecutorService writer() {
        return writer;
    }
}
