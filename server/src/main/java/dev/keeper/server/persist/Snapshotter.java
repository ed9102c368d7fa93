package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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

    private DataTree tree;
    private final DataDir dir;
    /** The server's transaction log; null in an ensemble, whose log is the Raft log. */
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
    /** When the snapshot in progress started (System.nanoTime), and who is told how long each one took, ms. */
    private long jobStarted;
    private java.util.function.LongConsumer snapshotTimes = ms -> { };
    /** Who waits for the snapshot in progress, if it was asked for ({@link #takeNow}). */
    private CompletableFuture<Path> requested;

    public Snapshotter(DataTree tree, DataDir dir, FileTxnLog log, int snapCount, Runnable onFatal) {
        this.tree = tree;
        this.dir = dir;
        this.log = log;
        this.snapCount = Math.max(2, snapCount);
        this.onFatal = onFatal;
        resetRoll();
    }

    /**
     * An ensemble member's: it snapshots only when the Raft server asks ({@link #takeNow}), and no transaction is
     * applied while it waits, so the snapshot shows the tree at one index of the Raft log exactly.
     */
    public Snapshotter(DataTree tree, DataDir dir, Runnable onFatal) {
        this.tree = tree;
        this.dir = dir;
        this.log = null;
        this.snapCount = Integer.MAX_VALUE;
        this.onFatal = onFatal;
    }

    /** {@code times} is told how long each snapshot took, walk and write, ms (ZooKeeper's snapshottime). */
    public void observeSnapshots(java.util.function.LongConsumer times) {
        snapshotTimes = times;
    }

    /** Processor thread: the tree a snapshot is taken of from now on (an ensemble member installed another). */
    public void tree(DataTree t) {
        this.tree = t;
    }

    /**
     * Processor thread: starts a snapshot of the tree as it is now, completing {@code done} with its file once it
     * is on disk (or failed). The processor keeps answering reads while it steps the walk between batches. Asked
     * by the Raft server on an ensemble member, and by the AdminServer's snapshot command on a standalone one.
     */
    public void takeNow(CompletableFuture<Path> done) {
        if (job != null || requested != null) {
            done.completeExceptionally(new IllegalStateException("a snapshot is being taken already"));
            return;
        }
        requested = done;
        // Standalone, the tree runs ahead of the log's last fsync: the file waits for its zxid to be durable, as
        // the snapshots snapCount starts do. An ensemble member's applied entries are committed already.
        job = new SnapshotJob(tree, dir, writer, log != null ? log::awaitDurable : SnapshotJob.Durability.ALREADY);
        jobStarted = System.nanoTime();
        LOG.info("Creating snapshot {}", dir.snapshotPath(job.zxid()).getFileName());
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
        if (log != null && txnsSinceSnapshot > snapCount / 2 + randRoll) {
            txnsSinceSnapshot = 0;
            resetRoll();
            log.roll();
            if (job != null) {
                LOG.warn("Too busy to snap, skipping");
            } else {
                job = new SnapshotJob(tree, dir, writer, log::awaitDurable);
                jobStarted = System.nanoTime();
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
                if (job.failure() == null) {
                    snapshotTimes.accept((System.nanoTime() - jobStarted) / 1_000_000);
                }
                if (requested != null) {
                    if (job.failure() != null) {
                        requested.completeExceptionally(job.failure());
                    } else {
                        requested.complete(job.file());
                    }
                    requested = null;
                }
                if (job.failure() != null) {
                    failed = true;
                    if (log == null || !log.hasFailed()) { // else the log has reported it and is stopping already
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
