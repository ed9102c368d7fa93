package dev.keeper.server.quorum;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.Proposal;
import dev.keeper.server.session.SessionOwners;
import dev.keeper.server.tree.DataTree;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
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
 * log after it. Beside it, {@code owners.<term>_<index>} holds which member each session is attached to
 * ({@link SessionOwners}: replicated state ZooKeeper's format has no room for); the two are one Raft snapshot.
 *
 * <p>Queries carry what members ask of the leader: the sessions their clients kept alive ({@link SessionTouches}),
 * and where a sync must catch up to ({@link SyncPoint}). A member waits for the latter with {@link #handedUpTo}.
 */
final class KeeperStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(KeeperStateMachine.class);
    private static final Message APPLIED = Message.valueOf("");
    private static final Runnable NOTHING = () -> { };

    private static final String OWNERS_PREFIX = "owners.";

    /** The longest a snapshot may take before Ratis is told it failed. */
    private static final long SNAPSHOT_TIMEOUT_MINUTES = 10;

    private final ProposalCodec codec;
    private final Consumer<Event> processor;
    private final RaftNode node;
    private final DataDir dataDir;
    private final boolean extendedTypes;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** The latest snapshot as Ratis sends it: the tree's file and, when there is one, the owners' file. */
    private volatile SnapshotInfo latest;
    /**
     * The highest log index whose entries are all in the processor's queue (or applied), and who waits for it to
     * reach an index ({@link #handedUpTo}); guarded by {@code waiting}.
     */
    private long handed = RaftLog.INVALID_LOG_INDEX;
    private final java.util.TreeMap<Long, List<CompletableFuture<Void>>> waiting = new java.util.TreeMap<>();

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

    /**
     * After Ratis installed a snapshot the leader sent: it becomes the member's state. The processor lets its
     * tree go first (Event.Release), so the old tree and the new are not in the heap at once.
     */
    @Override
    public void reinitialize() throws IOException {
        CompletableFuture<Void> released = new CompletableFuture<>();
        processor.accept(new Event.Release(released));
        try {
            released.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the processor let its tree go");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
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
        SingleFileSnapshotInfo tree = storage.getLatestSnapshot();
        SnapshotInfo known = latest;
        if (tree == null) {
            return null;
        }
        if (known != null && known.getTermIndex().equals(tree.getTermIndex())) {
            return known;
        }
        File owners = ownersFile(tree.getTermIndex());
        SnapshotInfo info = tree;
        if (owners.exists()) {
            info = new FileListSnapshotInfo(List.of(tree.getFile(), new FileInfo(owners.toPath(), md5(owners))),
                    tree.getTermIndex());
        }
        latest = info;
        return info;
    }

    /** The file's stored md5, or its md5 computed and stored if there is none or it cannot be read. */
    private static MD5Hash md5(File file) {
        try {
            MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file);
            if (stored != null) {
                return stored;
            }
        } catch (IOException unreadable) {
            LOG.warn("Recomputing the md5 of {}: {}", file, unreadable.toString());
        }
        return MD5FileUtil.computeAndSaveMd5ForFile(file);
    }

    /** The owners' file that goes with the snapshot at {@code at}. */
    private File ownersFile(TermIndex at) {
        File tree = storage.getSnapshotFile(at.getTerm(), at.getIndex());
        return new File(tree.getParentFile(), OWNERS_PREFIX + at.getTerm() + "_" + at.getIndex());
    }

    /**
     * Hands the state the snapshot holds to the processor, as the state after the snapshot's index. A snapshot
     * without an owners' file (one made from a ZooKeeper server's data directory) leaves every session unowned.
     */
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
        File ownersFile = ownersFile(snapshot.getTermIndex());
        SessionOwners owners = ownersFile.exists() ? SessionOwners.fromBytes(Files.readAllBytes(ownersFile.toPath()))
                : new SessionOwners();
        LOG.info("Loaded snapshot {} (zxid 0x{}, Raft {}, {} session owners)", file.getFileName(),
                Long.toHexString(zxid), snapshot.getTermIndex(), owners.size());
        processor.accept(new Event.Install(tree, owners, snapshot.getTerm()));
        setLastAppliedTermIndex(snapshot.getTermIndex());
        handed(snapshot.getIndex());
    }

    /**
     * Completes once every entry up to {@code index} is in the processor's queue: an event the processor takes after
     * that completion comes after those entries are applied. (Ratis's applied index will not do: it moves before the
     * entry's proposals are handed on.)
     */
    CompletableFuture<Void> handedUpTo(long index) {
        synchronized (waiting) {
            if (handed >= index) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.computeIfAbsent(index, k -> new java.util.ArrayList<>(1)).add(f);
            return f;
        }
    }

    /** Ratis's updater thread (or a snapshot's load): the entries up to {@code index} are handed on. */
    private void handed(long index) {
        List<CompletableFuture<Void>> ready;
        synchronized (waiting) {
            handed = Math.max(handed, index);
            if (waiting.isEmpty()) {
                return; // every entry passes here: no sync waits, nothing to look up or allocate
            }
            ready = new java.util.ArrayList<>(1);
            var upTo = waiting.headMap(handed, true);
            upTo.values().forEach(ready::addAll);
            upTo.clear();
        }
        ready.forEach(f -> f.complete(null));
    }

    /** An entry that is not a transaction (a configuration, a new leader's first entry): nothing to hand on. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        handed(index);
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
        CompletableFuture<Event.Snapshot.Taken> done = new CompletableFuture<>();
        processor.accept(new Event.Snapshot(done));
        Event.Snapshot.Taken taken;
        try {
            taken = done.get(SNAPSHOT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while taking a snapshot");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("snapshot at " + last + " failed: " + e, e);
        }
        if (taken == null) {
            LOG.info("No snapshot at {}: an import is under way", last);
            return latest != null ? latest.getIndex() : RaftLog.INVALID_LOG_INDEX;
        }
        Path zk = taken.file();
        // The owners' file first: the snapshot exists for Ratis once its tree file has its name and md5.
        File owners = ownersFile(last);
        writeDurably(owners.toPath(), taken.owners().toBytes());
        MD5FileUtil.computeAndSaveMd5ForFile(owners);
        File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        link(zk, target.toPath());
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
        removeStrayOwners(owners.getParentFile());
        LOG.info("Snapshot {} is the Raft snapshot at {}", zk.getFileName(), last);
        return last.getIndex();
    }

    private static void writeDurably(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Ratis deletes the tree files of snapshots it no longer keeps; their owners' files (and any left by a
     * snapshot that failed half-way) go here.
     */
    private static void removeStrayOwners(File dir) throws IOException {
        File[] files = dir.listFiles();
        if (files == null) {
            return;
        }
        for (File f : files) {
            String name = f.getName();
            if (!name.startsWith(OWNERS_PREFIX)) {
                continue;
            }
            String at = name.substring(OWNERS_PREFIX.length()).replace(MD5FileUtil.MD5_SUFFIX, "")
                    .replace(".tmp", "");
            if (!new File(dir, "snapshot." + at).exists()) {
                Files.deleteIfExists(f.toPath());
            }
        }
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
        List<Proposal> proposals;
        java.nio.ByteBuffer data = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        try {
            proposals = codec.decodeAll(data.duplicate());
        } catch (IOException e) {
            // Every member reads the same bytes: none can apply it, and none may skip it.
            throw new IllegalStateException("undecodable proposal at index " + entry.getIndex(), e);
        }
        if (node.leads()) {
            node.proposalsCommitted(ProposalCodec.sizes(data)); // mntr's proposal sizes, proposal_count, commit_count
        }
        CompletableFuture<Message> done = new CompletableFuture<>();
        // Ratis moves the applied index itself for the entries it keeps (configuration, a new leader's first
        // entry), in log order on this thread; ours moves with it, as the entry is handed to the processor,
        // whose queue keeps the order.
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        int last = proposals.size() - 1;
        for (int i = 0; i < last; i++) {
            processor.accept(new Event.Apply(proposals.get(i), entry.getTerm(), NOTHING));
        }
        processor.accept(new Event.Apply(proposals.get(last), entry.getTerm(), () -> done.complete(APPLIED)));
        handed(entry.getIndex());
        return done;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteBuffer b = request.getContent().asReadOnlyByteBuffer();
        if (SyncPoint.isQuestion(b)) {
            // Ratis calls this on the leader only (a read-only request it found this member leading and ready for)
            return node.confirmLeadership().thenApply(index -> Message.valueOf(
                    org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(SyncPoint.answer(index))));
        }
        try {
            SessionTouches.Report report = SessionTouches.decode(b);
            node.touchedElsewhere(report);
            return CompletableFuture.completedFuture(APPLIED);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring a query that is neither a session report nor a sync: {}", e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A configuration entry, applied in log order on this thread: a stable one (not the joint configuration
     * Ratis passes through) names the members from here on. It goes to the processor between the entries around
     * it, so every member makes the same of it.
     */
    @Override
    public void notifyConfigurationChanged(long term, long index,
            org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
        if (conf.getOldPeersCount() > 0 || conf.getOldListenersCount() > 0) {
            return;
        }
        List<dev.keeper.server.config.Peer> members = node.members(conf);
        node.membersChanged(members);
        processor.accept(new Event.Configured(members, term));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        node.leaderChanged(newLeaderId);
    }
}
