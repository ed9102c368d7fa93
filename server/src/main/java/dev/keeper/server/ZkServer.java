package dev.keeper.server;

import dev.keeper.server.admin.AdminServer;
import dev.keeper.server.admin.Jmx;
import dev.keeper.server.admin.PrometheusEndpoint;
import dev.keeper.server.admin.ServerView;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.net.Connection;
import dev.keeper.server.net.NettyServer;
import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.DataDirSizes;
import dev.keeper.server.persist.Disk;
import dev.keeper.server.persist.FileTxnLog;
import dev.keeper.server.persist.Purge;
import dev.keeper.server.persist.Recovery;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.persist.SnapshotJob;
import dev.keeper.server.persist.Snapshotter;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.processor.DataDirImport;
import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.RequestProcessor;
import dev.keeper.server.quorum.RaftNode;
import dev.keeper.server.session.SessionTracker;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.watch.WatchManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the composition root. Builds the tree, the processor thread and the client port from a
 * {@link ServerConfig} and a {@link ServerClock}, both passed in; {@link #close()} stops all of it.
 */
public final class ZkServer implements AutoCloseable, ServerView {
    private static final Logger LOG = LoggerFactory.getLogger(ZkServer.class);

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final RequestProcessor processor;
    private final NettyServer net;
    private final TxnLog log;
    private final Snapshotter snapshots;
    private final DataDir dataDir;
    private final DataDirSizes sizes;
    /** This member's part of an ensemble, or null standalone. */
    private final RaftNode node;
    private final ScheduledExecutorService timer;
    /** The AdminServer, or null (admin.enableServer=false, or it could not start on an ensemble member). */
    private volatile AdminServer admin;
    /** ZooKeeper's MBeans; null in an ensemble (its MBean names are not built yet) or when they could not be registered. */
    private volatile Jmx jmx;
    /** The Prometheus endpoint, or null without ZooKeeper's Prometheus provider in zoo.cfg. */
    private volatile PrometheusEndpoint prometheus;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean failed;
    private InetSocketAddress address;

    /**
     * In memory: no data directory, nothing survives a restart; transactions go to {@code log}. For tests of the
     * protocol alone.
     */
    private ZkServer(ServerConfig config, ServerClock clock, TxnLog log) throws IOException {
        this.config = config;
        this.metrics = new ServerMetrics(config.metrics().prometheus());
        this.dataDir = null;
        this.sizes = null;
        this.node = null;
        this.log = log;
        this.snapshots = null;
        this.processor = new RequestProcessor(config, clock, new DataTree(config.extendedTypesEnabled()), log,
                null, metrics, this::fatal);
        this.net = new NettyServer(config, processor, metrics);
        this.timer = newTimer();
    }

    /**
     * On disk: recovers the tree from {@code dataDir}, writes a snapshot of it before serving (as ZooKeeper does
     * at every start, so a fresh directory gets snapshot.0), and logs every transaction from then on.
     */
    private ZkServer(ServerConfig config, ServerClock clock, DataDir dataDir, FileTxnLog.Syncer syncer)
            throws IOException {
        this.config = config;
        this.metrics = new ServerMetrics(config.metrics().prometheus());
        this.dataDir = dataDir;
        this.node = null;
        long loading = System.nanoTime();
        DataTree tree = Recovery.recover(dataDir, config.extendedTypesEnabled(), config.snapshotTrustEmpty());
        metrics.summary("dbinittime").add((System.nanoTime() - loading) / 1_000_000);
        FileTxnLog fileLog = new FileTxnLog(dataDir, config.forceSync(), config.preAllocSize(),
                config.fsyncWarningThresholdMs(), syncer, this::fatal);
        fileLog.observeSyncs(metrics.summary("fsynctime")::add);
        this.log = fileLog;
        this.snapshots = new Snapshotter(tree, dataDir, fileLog, config.snapCount(), this::fatal);
        snapshots.observeSnapshots(metrics.summary("snapshottime")::add);
        try {
            SnapshotJob.takeNow(tree, dataDir, snapshots.writer());
        } catch (IOException e) {
            fileLog.close();
            snapshots.close();
            throw new IOException("Unable to write a snapshot to " + dataDir.snapDir() + ": " + e.getMessage(), e);
        }
        this.processor = new RequestProcessor(config, clock, tree, log, snapshots, metrics, this::fatal);
        try {
            this.net = new NettyServer(config, processor, metrics);
        } catch (IOException e) {
            fileLog.close();
            snapshots.close();
            throw e;
        }
        this.timer = newTimer();
        this.sizes = new DataDirSizes(config.dataDir(), config.logDir());
    }

    /**
     * A member of an ensemble. The Raft log in {@code dataDir/ratis} is its write-ahead log; its tree comes from
     * its latest snapshot and the log after it (the Raft server hands both to the processor as it starts), and its
     * snapshots are ZooKeeper's, in {@code version-2}.
     */
    private ZkServer(ServerConfig config, ServerClock clock, RaftNode node, DataDir dataDir)
            throws IOException {
        this.config = config;
        this.metrics = new ServerMetrics(config.metrics().prometheus());
        this.dataDir = dataDir;
        this.node = node;
        // ZooKeeper's leader proposes every write and commits each: here the leader counts each one it applies
        node.observeCommits(n -> {
            metrics.counter("proposal_count").add(n);
            metrics.counter("commit_count").add(n);
        });
        // ZooKeeper's leader times each follower's ack of a proposal, and samples the packets queued to it
        node.observeLearners((sid, ms, queued) -> {
            metrics.observe("ack_latency", Long.toString(sid), ms);
            metrics.observe("learner_handler_qp_size", Long.toString(sid), queued);
        });
        this.log = TxnLog.NONE;
        DataTree tree = new DataTree(config.extendedTypesEnabled());
        this.snapshots = new Snapshotter(tree, dataDir, this::fatal);
        snapshots.observeSnapshots(metrics.summary("snapshottime")::add);
        Path importSource = DataDirImport.prepare(dataDir, config.dataDir().resolve("ratis"),
                config.extendedTypesEnabled(), config.snapshotTrustEmpty(), snapshots.writer());
        this.processor = new RequestProcessor(config, clock, tree, log, snapshots, metrics, this::fatal, node,
                importSource);
        try {
            this.net = new NettyServer(config, processor, metrics);
        } catch (IOException e) {
            snapshots.close();
            throw e;
        }
        this.timer = newTimer();
        this.sizes = new DataDirSizes(config.dataDir(), config.logDir());
    }

    private static ScheduledExecutorService newTimer() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keeper-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public static ZkServer start(ServerConfig config) throws IOException {
        return start(config, ServerClock.SYSTEM);
    }

    public static ZkServer start(ServerConfig config, ServerClock clock) throws IOException {
        return start(config, clock, FileTxnLog.Syncer.FSYNC);
    }

    /**
     * A server without a data directory whose transactions are handed to {@code log}: tests give it a log that
     * records them, or fails.
     */
    public static ZkServer startInMemory(ServerConfig config, ServerClock clock, TxnLog log) throws IOException {
        if (config.dataDir() != null) {
            throw new IllegalArgumentException("an in-memory server has no dataDir");
        }
        ZkServer s = new ZkServer(config, clock, log);
        s.startServing();
        return s;
    }

    /** Starts a server whose log makes its writes durable through {@code syncer} (tests hold it back). */
    public static ZkServer start(ServerConfig config, ServerClock clock, FileTxnLog.Syncer syncer)
            throws IOException {
        return start(config, clock, syncer, Disk.REAL);
    }

    /** ... and whose data directory is written through {@code disk} (tests journal it, to cut the power). */
    public static ZkServer start(ServerConfig config, ServerClock clock, FileTxnLog.Syncer syncer, Disk disk)
            throws IOException {
        ZkServer s;
        if (config.replicated()) {
            DataDir dir = DataDir.open(config.dataDir(), config.dataLogDir());
            s = new ZkServer(config, clock, new RaftNode(config), dir);
        } else if (config.dataDir() == null) {
            s = new ZkServer(config, clock, TxnLog.NONE);
        } else {
            DataDir dir = DataDir.open(config.dataDir(), config.dataLogDir(), disk);
            try {
                s = new ZkServer(config, clock, dir, syncer);
            } catch (IOException | RuntimeException e) {
                dir.close();
                throw e;
            }
        }
        s.startServing();
        return s;
    }

    private void startServing() throws IOException {
        processor.start();
        if (node != null) {
            try {
                node.start(processor::submit, config.dataDir().resolve("ratis"), dataDir);
            } catch (IOException | RuntimeException e) {
                close();
                throw new IOException("cannot start ensemble member " + config.quorum().myId() + ": " + e.getMessage(),
                        e);
            }
        }
        startPrometheus();
        startAdmin();
        try {
            address = net.start(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot bind client port " + config.clientPort() + ": " + e.getMessage(), e);
        }
        long tick = Math.max(10, config.tickTime() / 2);
        try {
            timer.scheduleAtFixedRate(() -> processor.submit(new Event.Tick()), tick, tick, TimeUnit.MILLISECONDS);
            long reap = Math.max(10, config.containerCheckIntervalMs());
            timer.scheduleAtFixedRate(() -> processor.submit(new Event.ReapContainers()), reap, reap,
                    TimeUnit.MILLISECONDS);
            if (dataDir != null && config.purgeIntervalHours() > 0) {
                long every = TimeUnit.HOURS.toMillis(config.purgeIntervalHours());
                timer.scheduleAtFixedRate(this::purge, every, every, TimeUnit.MILLISECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException stoppedMeanwhile) {
            throw new IOException("the server stopped while it was starting (see the log for why)");
        }
        startJmx();
        LOG.info("Serving on {} (tickTime {} ms, sessions {}..{} ms)", address, config.tickTime(),
                config.minSessionTimeout(), config.maxSessionTimeout());
    }

    /**
     * The AdminServer, before the client port as ZooKeeper starts it. A port that cannot be bound stops a
     * standalone server from starting ({@code ZooKeeperServerMain}: "Unable to start AdminServer, exiting
     * abnormally", exit code 4); an ensemble member logs it and serves on without ({@code QuorumPeer.start}).
     */
    private void startAdmin() throws IOException {
        if (!config.admin().enabled()) {
            return;
        }
        try {
            admin = AdminServer.start(config.admin(), this, r -> processor.submit(new Event.Task(r)));
        } catch (IOException e) {
            if (node != null) {
                LOG.warn("{}; serving without it", e.getMessage());
                return;
            }
            close();
            throw new AdminServerException(e.getMessage(), e);
        }
    }

    /**
     * ZooKeeper's Prometheus provider, started first as ZooKeeper starts its metrics provider: a port that cannot be
     * bound stops the start ("Cannot boot MetricsProvider").
     */
    private void startPrometheus() throws IOException {
        if (!config.metrics().prometheus()) {
            return;
        }
        try {
            prometheus = PrometheusEndpoint.start(config.metrics(), this, this::onProcessor);
        } catch (IOException | RuntimeException e) {
            close();
            throw new IOException("Cannot boot MetricsProvider " + dev.keeper.server.config.MetricsConfig.PROMETHEUS
                    + " on " + config.metrics().httpHost() + ":" + config.metrics().httpPort() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * ZooKeeper's MBeans in the platform MBean server, as ZooKeeper registers them whatever its script's JMX flags
     * (those only decide whether remote JMX listens). Connection beans follow the connections every second.
     */
    private void startJmx() {
        try {
            jmx = node != null ? new Jmx(this, this::onProcessor) : new Jmx(this, this::onProcessor, address.getPort());
            timer.scheduleAtFixedRate(() -> {
                try {
                    jmx.refresh();
                } catch (RuntimeException e) {
                    LOG.debug("JMX refresh: {}", e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);
        } catch (javax.management.JMException | RuntimeException e) {
            LOG.warn("Failed to register with JMX: {}", e.toString());
        }
    }

    /** The AdminServer could not start: {@link Main} exits with ZooKeeper's code for it, 4. */
    public static final class AdminServerException extends IOException {
        AdminServerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public InetSocketAddress clientAddress() {
        return config.clientPort() >= 0 ? address : null;
    }

    @Override
    public void resetProposalStatistics() {
        if (node != null) {
            node.resetProposalSizes();
        }
    }

    @Override
    public void tap(dev.keeper.server.processor.WatchTap tap) {
        processor.tap(tap);
    }

    /** The AdminServer's address, or null when it is not running. */
    public InetSocketAddress adminAddress() {
        AdminServer a = admin;
        return a == null ? null : a.address();
    }

    public int port() {
        return address.getPort();
    }

    /**
     * Client addresses with a connection open: the entries of the per-address count {@code maxClientCnxns} is
     * checked against (tests check it empties).
     */
    public int clientAddressesTracked() {
        return net.addressesTracked();
    }

    /** Completes when the server has stopped, by {@link #close()} or because its log failed. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** Runs {@code work} on the processor thread and waits for its result (tools and tests). */
    public <T> T onProcessor(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        processor.submit(new Event.Task(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        }));
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void purge() {
        try {
            Purge.purge(dataDir, config.snapRetainCount());
        } catch (IOException | RuntimeException e) {
            LOG.warn("autopurge failed: {}", e.toString());
        }
    }

    private void fatal() {
        failed = true;
        Thread t = new Thread(this::close, "keeper-stop");
        t.start();
    }

    /** True if the server stopped because its storage failed, not because it was asked to. */
    public boolean failed() {
        return failed;
    }

    /**
     * Stops the server. A clean stop answers what it took in: no new connections or requests are read, the
     * processor finishes what is queued, the log writes and syncs it and releases the replies, the connections
     * write those and close, and only then do the I/O threads stop. After a failure the same steps skip what
     * has failed (a failed processor hands nothing more to the log; a failed log releases nothing).
     */
    @Override
    public synchronized void close() {
        if (stopped.isDone()) {
            return;
        }
        timer.shutdownNow();
        if (jmx != null) {
            jmx.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        net.stopAccepting();
        if (node != null) {
            // Before the processor stops: the Raft server's last snapshot, at its stop, is walked by the processor.
            node.close();
        }
        processor.drainAndStop(30_000);
        log.close();
        net.close();
        if (snapshots != null) {
            snapshots.close();
        }
        if (sizes != null) {
            sizes.close();
        }
        if (dataDir != null) {
            dataDir.close();
        }
        stopped.complete(null);
        LOG.info("Stopped");
    }

    // ServerView: read on the processor thread only.

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public DataTree tree() {
        return processor.tree();
    }

    @Override
    public SessionTracker sessions() {
        return processor.sessions();
    }

    @Override
    public WatchManager watches() {
        return processor.watches();
    }

    @Override
    public Collection<Connection> connections() {
        return net.connections();
    }

    @Override
    public int outstanding() {
        return net.outstandingRequests();
    }

    @Override
    public RaftNode.Figures quorum() {
        return node == null ? null : node.figures();
    }

    @Override
    public String mode() {
        if (node == null) {
            return "standalone";
        }
        return processor.readOnly() ? "read-only" : node.mode();
    }

    /**
     * Reads the snapshot on a thread of its own (it may be large), then hands the tree to the processor, which
     * installs it and writes it down ({@link RequestProcessor#restore}).
     */
    @Override
    public CompletableFuture<Long> restore(Path file) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                DataTree t = new DataTree(config.extendedTypesEnabled());
                long zxid = SnapshotFile.read(file, t);
                if (zxid < 0) {
                    // ZooKeeper's restore needs the zxid in the file (serializeLastProcessedZxid.enabled)
                    throw new IOException("the snapshot does not record the zxid it was taken at");
                }
                t.setLastZxid(zxid);
                long started = System.nanoTime();
                done.thenRun(() -> metrics.summary("restore_time").add((System.nanoTime() - started) / 1_000_000));
                processor.submit(new Event.Task(() -> processor.restore(t, done)));
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        }, "keeper-restore");
        reader.setDaemon(true);
        reader.start();
        return done;
    }

    @Override
    public void terminateSession(long id) {
        processor.terminateSession(id);
    }

    @Override
    public long lastFsyncMs() {
        return log instanceof FileTxnLog f ? f.lastSyncMs() : 0;
    }

    @Override
    public void resetFsyncThresholdExceedCount() {
        if (log instanceof FileTxnLog f) {
            f.resetSlowSyncs();
        }
    }

    @Override
    public long fsyncThresholdExceedCount() {
        return log instanceof FileTxnLog f ? f.slowSyncs() : 0;
    }

    @Override
    public void takeSnapshot(CompletableFuture<Path> done) {
        processor.takeSnapshot(done);
    }

    @Override
    public long dataDirSize() {
        return sizes == null ? 0 : sizes.dataDirBytes();
    }

    @Override
    public long logDirSize() {
        return sizes == null ? 0 : sizes.logDirBytes();
    }
}
