package dev.keeper.server.admin;

import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.net.Connection;
import dev.keeper.server.session.SessionTracker;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.watch.WatchManager;
import java.util.Collection;

/** What the reports read. Only valid on the processor thread, where every word runs. */
public interface ServerView {
    ServerConfig config();

    ServerMetrics metrics();

    DataTree tree();

    SessionTracker sessions();

    WatchManager watches();

    /** Every open client connection, with or without a session. */
    Collection<Connection> connections();

    /**
     * Requests taken in and not yet answered, across all connections: ZooKeeper's in-process count, which srvr
     * shows as Outstanding and mntr as zk_outstanding_requests.
     */
    int outstanding();

    /**
     * What srvr prints after "Mode:": standalone, leader, follower or observer; null while a member of an
     * ensemble has no leader and so is "not currently serving requests".
     */
    String mode();

    /** The ensemble's figures for mntr, or null for a standalone server. */
    dev.keeper.server.quorum.RaftNode.Figures quorum();

    /**
     * Starts a snapshot of the tree as it is now (the AdminServer's snapshot command); {@code done} gets its file
     * once it is on disk, or why there is none.
     */
    void takeSnapshot(java.util.concurrent.CompletableFuture<java.nio.file.Path> done);

    /**
     * Any thread: makes the snapshot in {@code file} the server's state (the AdminServer's restore command);
     * completes with the zxid the server stands at afterwards, or why it could not.
     */
    java.util.concurrent.CompletableFuture<Long> restore(java.nio.file.Path file);

    /** Processor thread: closes the session as if it had expired (JMX's terminateSession). */
    void terminateSession(long id);

    /** How long the transaction log's last fsync took, ms (0 without a log of our own). Any thread. */
    long lastFsyncMs();

    /** Any thread: JMX's resetFsyncThresholdExceedCount. */
    void resetFsyncThresholdExceedCount();

    /** fsyncs of the transaction log slower than {@code fsync.warningthresholdms}. */
    long fsyncThresholdExceedCount();

    long dataDirSize();

    long logDirSize();

    /** The plain client port's address (the console's writes go through it), or null without one. */
    java.net.InetSocketAddress clientAddress();

    /** Any thread: JMX's resetProposalStatistics on an ensemble's leader; nothing elsewhere. */
    default void resetProposalStatistics() {
    }

    /** Any thread: where the watch events the server sends are told (the console's live feed); null for nowhere. */
    void tap(dev.keeper.server.processor.WatchTap tap);
}
