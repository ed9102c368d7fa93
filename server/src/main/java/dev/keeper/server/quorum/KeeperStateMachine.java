package dev.keeper.server.quorum;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.Proposal;
import dev.keeper.server.tree.DataTree;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of a member: hands every committed proposal, in log order, to the member's one
 * processor thread, which applies it as it applies a standalone server's writes. Ratis calls
 * {@link #applyTransaction} in commit order on its own thread; the processor's queue keeps that order, and the
 * future Ratis gets completes once the processor has applied the entry.
 *
 * <p>Snapshots are ZooKeeper's own snapshot files. When Ratis asks for one ({@link #takeSnapshot}), every entry
 * up to its applied index has been applied and no other will be until the call returns, so the processor walks a
 * tree that stands still — between batches, still answering reads — and the file shows the tree at that index
 * exactly. It is written to {@code version-2} as {@code snapshot.<zxid>} (where ZooKeeper's tools and servers find
 * it) and linked into the Ratis storage as {@code snapshot.<term>_<index>}, from where Ratis sends it to a member
 * whose log the leader has purged, and from where a member starts: it loads the snapshot, then Ratis replays the
 * log after it.
 *
 * <p>Queries carry what followers tell the leader: the sessions their clients kept alive ({@link SessionTouches}).
 */
final class KeeperStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(KeeperStateMachine.class);
    private static final Message APPLIED = Message.valueOf("");

    /** The longest a snapshot may take before Ratis is told it failed. */
    private static final long SNAPSHOT_TIMEOUT_MINUTES = 10;

    private final ProposalCodec codec;
    private final Consumer<Event> processor;
    private final RaftNode node;
    private final DataDir dataDir;
    private final boolean extendedTypes;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    KeeperStateMachine(ProposalCodec codec, Consumer<Event> processor, RaftNode node, DataDir dataDir,
            boolean extendedTypes) {
        this.codec = codec;
        this.processor = processor;
        this.node = node;
        this.dataDir = dataDir;
        this.extendedTypes = extendedTypes;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.loadLatestSnapshot());
        });
    }

    /**
     * Before Ratis installs a snapshot the leader sent: nothing is applied until {@link #reinitialize}. Ratis
     * calls this for every request of the transfer (ServerState.installSnapshot), and a snapshot of more than
     * one chunk, or of more than one file, takes several: only the first pauses.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            return;
        }
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After Ratis installed a snapshot the leader sent: it becomes the member's state. */
    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    /** Hands the tree the snapshot holds to the processor, as the state after the snapshot's index. */
    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        DataTree tree = new DataTree(extendedTypes);
        long zxid = SnapshotFile.read(file, tree);
        tree.setLastZxid(zxid);
        Path zk = dataDir.snapshotPath(zxid);
        if (!Files.exists(zk)) {
            link(file, zk);
        }
        LOG.info("Loaded snapshot {} (zxid 0x{}, Raft {})", file.getFileName(), Long.toHexString(zxid),
                snapshot.getTermIndex());
        processor.accept(new Event.Install(tree, snapshot.getTerm()));
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        if (latest != null && latest.getIndex() >= last.getIndex()) {
            return latest.getIndex();
        }
        CompletableFuture<Path> done = new CompletableFuture<>();
        processor.accept(new Event.Snapshot(done));
        Path zk;
        try {
            zk = done.get(SNAPSHOT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while taking a snapshot");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("snapshot at " + last + " failed: " + e, e);
        }
        File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        link(zk, target.toPath());
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
        LOG.info("Snapshot {} is the Raft snapshot at {}", zk.getFileName(), last);
        return last.getIndex();
    }

    /** A second name for a snapshot file: a hard link where the file system allows one, else a copy. */
    private static void link(Path from, Path to) throws IOException {
        Files.deleteIfExists(to);
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Proposal p;
        try {
            p = codec.decode(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        } catch (IOException e) {
            // Every member reads the same bytes: none can apply it, and none may skip it.
            throw new IllegalStateException("undecodable proposal at index " + entry.getIndex(), e);
        }
        CompletableFuture<Message> done = new CompletableFuture<>();
        // Ratis moves the applied index itself for the entries it keeps (configuration, a new leader's first
        // entry), in log order on this thread; ours moves with it, as the entry is handed to the processor,
        // whose queue keeps the order.
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        processor.accept(new Event.Apply(p, entry.getTerm(), () -> done.complete(APPLIED)));
        return done;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteBuffer b = request.getContent().asReadOnlyByteBuffer();
        try {
            SessionTouches.Report report = SessionTouches.decode(b);
            node.touchedElsewhere(report);
            return CompletableFuture.completedFuture(APPLIED);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring a query that is not a session report: {}", e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        node.leaderChanged(newLeaderId);
    }
}
