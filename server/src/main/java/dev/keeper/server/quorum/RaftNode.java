package dev.keeper.server.quorum;

import dev.keeper.server.config.Peer;
import dev.keeper.server.config.Quorum;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.processor.Broadcast;
import dev.keeper.server.processor.Event;
import dev.keeper.server.processor.Proposal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's part of the ensemble: an Apache Ratis server in the group of every {@code server.N} (observers as
 * Ratis listeners, which follow and never vote), and a Ratis client through which the member's processor proposes.
 * The Raft log, kept in {@code dataDir/ratis}, orders and makes durable every write of every member; the state
 * machine ({@link KeeperStateMachine}) hands each committed proposal back to the processor.
 *
 * <p>Timing follows zoo.cfg as ZooKeeper's does: heartbeats every half tick, an election after one to two ticks
 * without a leader, and a proposal given up (its client then loses its connection, as with ZooKeeper when the
 * leader goes) after {@code syncLimit} ticks of retries.
 */
public final class RaftNode implements Broadcast, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** One group per ensemble; every member names it the same. */
    static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
            "keeper-ensemble".getBytes(StandardCharsets.UTF_8)));
    /** The most one log entry carries ({@link #propose}): a proposal larger than this goes alone. */
    private static final int BATCH_BYTES = 1 << 20;
    private static final int BATCH_COUNT = 1000;

    private final ServerConfig config;
    private final Quorum quorum;
    private final RaftPeerId me;
    /** The group as the last stable configuration names it: zoo.cfg's until a reconfig changes it. */
    private volatile RaftGroup group;
    /** The members as the last stable configuration names them ({@link #membersChanged}). */
    private volatile List<Peer> members;
    private final ProposalCodec codec;
    private volatile RaftPeerId leader;
    private Consumer<Event> processor;
    private volatile RaftServer.Division division;
    private RaftProperties props;
    private RaftServer server;
    /** Proposals made during the processor's current batch, not yet sent ({@link #flush}); processor thread. */
    private final List<Proposal> pending = new ArrayList<>();
    private final List<byte[]> pendingEncoded = new ArrayList<>();
    private int pendingBytes;
    /** Who asks this member's own Raft server for a snapshot ({@link #snapshotDue}). */
    private final ClientId snapshotClient = ClientId.randomId();
    /** Replaced when it fails: a Ratis client whose ordered requests ran out of retries stays closed. */
    private volatile RaftClient client;
    /** {@link #lastEntryOf}'s, made on its first use; the watcher thread's alone. */
    private RaftClient logEndsClient;
    /** Log entries to the leader: straight into the Raft server while this member leads, else through the client. */
    private final ProposalSender sender;
    /** The rounds that confirm, while this member leads, that it still does: for syncs ({@link #syncPoint}). */
    private LeadershipCheck leadershipCheck;
    /** The leadership rounds of this member while it leads, and its syncs' questions to the leader otherwise. */
    private final SharedQuestion<Long> leaderRound = new SharedQuestion<>(this::confirmRound);
    private final SharedQuestion<Long> leaderQuestion = new SharedQuestion<>(this::askLeader);
    private KeeperStateMachine stateMachine;
    /**
     * Looks at who leads every quarter tick: Ratis tells the state machine of a new leader, but not that there is
     * none (a candidate, or a leader that stepped down for want of a majority), which is what makes a member stop
     * serving.
     */
    /** Runs {@link #reconfigure}'s blocking request. */
    private final java.util.concurrent.ExecutorService reconfigurer =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "keeper-reconfig");
                t.setDaemon(true);
                return t;
            });
    /** When the leader watch first saw the election under way that it has not reported yet, or 0; its own. */
    private long electionSeenAt;
    private final java.util.concurrent.ScheduledExecutorService watcher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "keeper-leader-watch");
                t.setDaemon(true);
                return t;
            });

    public RaftNode(ServerConfig config) {
        this.config = config;
        this.quorum = config.quorum();
        this.me = peerId(quorum.myId());
        this.group = RaftGroup.valueOf(GROUP, quorum.peers().stream().map(RaftNode::peer).toList());
        this.members = quorum.peers();
        this.codec = new ProposalCodec(config.juteMaxBuffer());
        this.sender = new ProposalSender(me, GROUP, () -> division, this::sendThroughClient);
    }

    private static RaftPeerId peerId(long id) {
        return RaftPeerId.valueOf(Long.toString(id));
    }

    /**
     * A member as Ratis knows it. Its whole {@code server.N} value rides along in the data-stream address, which
     * Ratis keeps in every configuration entry and never uses here (the data-stream transport is off): so a
     * configuration a reconfig made names each member's election and client addresses too, and every member can
     * write the same {@code /zookeeper/config} from it ({@link #members(RaftConfigurationProto)}).
     */
    private static RaftPeer peer(Peer p) {
        return RaftPeer.newBuilder().setId(peerId(p.id())).setAddress(p.quorumAddress())
                .setDataStreamAddress(p.spec())
                .setStartupRole(p.observer() ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build();
    }

    /**
     * The members a stable configuration entry names: each from the {@code server.N} value it carries, or, for an
     * entry written before members carried one, from zoo.cfg's line with that id. Listeners are observers.
     */
    List<Peer> members(org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
        List<Peer> out = new java.util.ArrayList<>();
        for (var p : conf.getPeersList()) {
            out.add(member(p, false));
        }
        for (var p : conf.getListenersList()) {
            out.add(member(p, true));
        }
        out.sort(java.util.Comparator.comparingLong(Peer::id));
        return List.copyOf(out);
    }

    private Peer member(org.apache.ratis.proto.RaftProtos.RaftPeerProto proto, boolean listener) {
        long id = Long.parseLong(proto.getId().toStringUtf8());
        String spec = proto.getDataStreamAddress();
        Peer p = spec.isEmpty()
                ? quorum.peers().stream().filter(q -> q.id() == id).findFirst().orElseThrow(() ->
                        new IllegalStateException("member " + id + " of the Raft configuration has no server line"))
                : Peer.parse(id, spec);
        return p.observer() == listener ? p
                : new Peer(p.id(), p.host(), p.quorumPort(), p.electionPort(), listener, p.clientHost(),
                        p.clientPort());
    }

    /** The state machine's thread, at a stable configuration entry: who the members are from here on. */
    void membersChanged(List<Peer> now) {
        members = now;
        group = RaftGroup.valueOf(GROUP, now.stream().map(RaftNode::peer).toList());
    }

    private boolean member() {
        return members.stream().anyMatch(p -> p.id() == quorum.myId());
    }

    /**
     * Starts the Raft server — which hands its latest snapshot and then the log after it to {@code processor} —
     * and the client. Snapshots go to {@code dataDir}'s version-2 as well.
     */
    public void start(Consumer<Event> processor, Path storage, dev.keeper.server.persist.DataDir dataDir)
            throws IOException {
        this.processor = processor;
        this.props = properties(storage);
        RaftGroup startWith = group;
        if (!java.nio.file.Files.isDirectory(storage.resolve(GROUP.getUuid().toString())) && joining()) {
            // A new member, added by reconfig: it starts outside the configuration (Ratis's "initializing" state,
            // no elections) and waits for the leader to bring it up to date, as a ZooKeeper server that is not in
            // the leader's configuration syncs as a non-voting learner. Had it started with zoo.cfg's members and
            // stood for election, the leader would have told it to shut down.
            LOG.info("Member {} is not in the ensemble's configuration yet: waiting for a reconfig to add it",
                    quorum.myId());
            startWith = RaftGroup.valueOf(GROUP);
        }
        leadershipCheck = new LeadershipCheck((long) config.syncLimit() * config.tickTime());
        org.apache.ratis.conf.Parameters parameters = new org.apache.ratis.conf.Parameters();
        parameters.put(PromptCommitRpcType.LEADERSHIP_CHECK, leadershipCheck, LeadershipCheck.class);
        stateMachine = new KeeperStateMachine(codec, processor, this, dataDir, config.extendedTypesEnabled());
        server = RaftServer.newBuilder()
                .setServerId(me)
                .setGroup(startWith)
                .setProperties(props)
                .setParameters(parameters)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        if (org.apache.ratis.metrics.MetricRegistries.global() instanceof RaftMetricRegistries r) {
            r.onLogAppenderTimed(me + "@", this::appenderTimed);
        }
        server.start();
        client = newClient();
        RaftServer.Division division = server.getDivision(GROUP);
        this.division = division;
        long every = Math.max(10, config.tickTime() / 4);
        long electionGraceNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(500, config.tickTime() / 4));
        watcher.scheduleWithFixedDelay(() -> {
            RaftPeerId now = currentLeader(division);
            if (now == null && leader != null && !leader.equals(me) && division.getInfo().getLeaderId() == null) {
                // An election is under way, and this member followed the leader that went: it stands, or granted
                // its vote to a member that does (a new term, whose leader it does not know yet). When the leader's
                // process has died (LeaderProbe), the next leader is known some 30 ms later, and gives every
                // session a full timeout. Meanwhile the member keeps its clients, and their requests wait, for a
                // grace of half a second or a quarter tick if longer: reporting "no leader" at once would close
                // their connections, and the stock client reconnects only after a random pause of up to a second
                // (in a benchmark of three leader kills, one writer's first write came 0.6 and 1.6 s after the
                // other's). An election that has not ended within the grace is reported, and the clients go, as a
                // ZooKeeper follower's do. (A leader that steps down reports at once, as before.)
                long t = System.nanoTime();
                if (electionSeenAt == 0) {
                    electionSeenAt = t;
                }
                if (t - electionSeenAt < electionGraceNanos) {
                    return;
                }
            } else {
                electionSeenAt = 0;
            }
            if (!java.util.Objects.equals(now, leader)) {
                leaderChanged(now);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        LeaderProbe probe = new LeaderProbe(quorum.myId(), config.tickTime(), () -> members, this::lastEntryOf);
        watcher.scheduleWithFixedDelay(() -> {
            try {
                probe.check(server, division, group.getGroupId());
            } catch (RuntimeException e) {
                LOG.debug("Leader probe: {}", e.toString());
            }
        }, probe.periodMs(), probe.periodMs(), TimeUnit.MILLISECONDS);
        LOG.info("Member {} of ensemble {} started, Raft on {}", quorum.myId(), quorum.peers().stream()
                .map(Peer::id).toList(), quorum.me().quorumAddress());
    }

    /**
     * True if the running ensemble's configuration leaves this member out: it is new, or a reconfig removed it, and
     * it joins by reconfig. Asked at a first start only (no Raft storage yet) of each other member zoo.cfg lists: a
     * leader's configuration settles it; failing that, any member's that leaves this one out (one restarted while
     * its old peers elect a leader). No member answering means the ensemble is starting, this member with it. Each gets
     * two ticks and at least two seconds to answer: a fresh JVM's first gRPC call alone took half a second here,
     * and a member that is down refuses the connection at once.
     */
    private boolean joining() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        boolean leftOutByAFollower = false;
        for (Peer other : quorum.peers()) {
            if (other.id() == quorum.myId()) {
                continue;
            }
            try (RaftClient c = client(p, Math.max(2_000L, 2L * config.tickTime()), RetryPolicies.noRetry())) {
                var info = c.getGroupManagementApi(peerId(other.id())).info(GROUP);
                // The group, not getConf(): Ratis 3.1.3 leaves the configuration out of the reply on the wire
                // (ClientProtoUtils.toGroupInfoReplyProto sets no conf), so getConf() was always empty here and a
                // removed member always started with zoo.cfg's members. The group is the member's current
                // configuration — voters and listeners, of both sides while a change is under way — as
                // RaftServer.Division.getGroup() builds it.
                List<String> named = info.getGroup().getPeers().stream().map(peer -> peer.getId().toString())
                        .sorted().toList();
                boolean leftOut = !named.contains(me.toString());
                LOG.info("Member {} ({}) names the members {}", other.id(), info.getRoleInfoProto().getRole(), named);
                if (named.isEmpty()) {
                    continue; // a member waiting to be added itself knows no configuration
                }
                if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
                    return leftOut;
                }
                leftOutByAFollower |= leftOut;
            } catch (IOException | RuntimeException e) {
                LOG.info("Member {} did not say who the ensemble's members are: {}", other.id(), e.toString());
            }
        }
        if (leftOutByAFollower) {
            LOG.info("No leader answered, but the members' configuration leaves member {} out: it joins by reconfig",
                    quorum.myId());
            return true;
        }
        LOG.info("No leader of members {} answered: member {} starts with them as zoo.cfg names them",
                quorum.peers().stream().map(Peer::id).toList(), quorum.myId());
        return false;
    }

    /**
     * Where member {@code id}'s Raft log ends, as its group info says (Ratis's admin RPC, no retry), or null if it
     * does not answer within half a tick and at least a second (a fresh gRPC channel's first call took half a
     * second here). Asked by {@link LeaderProbe} only when the leader's process is gone.
     */
    private TermIndex lastEntryOf(long id) {
        try {
            RaftClient c = logEndsClient;
            if (c == null) {
                c = client(props, Math.max(1_000L, config.tickTime() / 2), RetryPolicies.noRetry());
                logEndsClient = c;
            }
            var info = c.getGroupManagementApi(peerId(id)).info(GROUP);
            if (!info.isSuccess() || !info.getLogInfoProto().hasLastEntry()) {
                return null;
            }
            return TermIndex.valueOf(info.getLogInfoProto().getLastEntry());
        } catch (IOException | RuntimeException e) {
            LOG.info("Member {} did not say where its log ends: {}", id, e.toString());
            return null;
        }
    }

    /**
     * A client whose proposals are retried (a new leader, a member restarting) for {@code syncLimit} ticks: a
     * proposal still not committed by then fails, and its client loses its connection, as a ZooKeeper client does
     * when its server loses the leader.
     *
     * <p>A twentieth of a tick between tries, not half a tick: after the leader's process died, the new leader was
     * elected in about a second, but the members' proposals then waited out one or two of the client's sleeps
     * of a second each, to the dead leader and back, and the first write came 4.2 s after the kill in one benchmark
     * kill of six (the others 1.1 to 1.2 s). A try at a member that is gone is refused at once, and one at a
     * follower is answered with the leader's name.
     */
    private RaftClient newClient() {
        long sleepMs = Math.max(10, config.tickTime() / 20);
        int tries = (int) Math.max(4, (long) config.syncLimit() * config.tickTime() / sleepMs);
        return RaftClient.newBuilder()
                .setProperties(props)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(tries, ms(sleepMs)))
                .build();
    }

    /**
     * After a proposal or a session report failed: Ratis closes an ordered client's window for good once a request
     * in it has run out of retries (every later one fails at once), so the member starts a new client. What was in
     * flight on the old one fails with it; those clients reconnect, as they would to ZooKeeper.
     */
    private synchronized void renew(RaftClient failed) {
        if (client != failed) {
            return;
        }
        client = newClient();
        try {
            failed.close();
        } catch (IOException e) {
            LOG.debug("Closing a failed Raft client: {}", e.toString());
        }
    }

    /**
     * The leader this member follows, or null: none known, or one it has not heard from for the longest election
     * timeout (two ticks). An observer (a Ratis listener) never stands for election, so it would go on naming a
     * leader that has gone; a follower cut off from the leader does the same until its own election timeout.
     *
     * <p>A member still working through an AppendEntries or a snapshot chunk from the leader has heard from it: a
     * member catching up from far behind can spend longer than two ticks on one, and would stop serving and start
     * again while it works through them. Ratis's own election timer waits for the same count
     * ({@code FollowerState.roleChangeChecking}: no election while an operation from the leader is outstanding).
     */
    private RaftPeerId currentLeader(RaftServer.Division division) {
        RaftPeerId id = division.getInfo().getLeaderId();
        if (id == null || division.getInfo().isLeader()) {
            return id;
        }
        var role = division.getInfo().getRoleInfoProto();
        if (role.hasFollowerInfo()
                && role.getFollowerInfo().getOutstandingOp() == 0
                && role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() > 2L * config.tickTime()) {
            return null;
        }
        return id;
    }

    private RaftProperties properties(Path storage) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, new PromptCommitRpcType());
        Peer self = quorum.me();
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.quorumPort());
        RaftServerConfigKeys.setStorageDir(p, List.of(storage.toFile()));
        int tick = config.tickTime();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(tick));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(2L * tick));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms((long) config.syncLimit() * tick));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(p, ms((long) config.initLimit() * tick));
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms((long) config.syncLimit() * tick));
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, Math.max(1000, 4 * config.globalOutstandingLimit()));
        // A snapshot every snapCount transactions, as ZooKeeper's snapCount: the processor counts them and asks
        // ({@link #snapshotDue}), since a log entry carries a batch of them and Ratis's own trigger counts entries.
        // One more when the member stops cleanly, so its version-2 directory is whole. The log is purged up to the
        // snapshot: a member further behind than that is sent the snapshot, as a ZooKeeper learner is sent a SNAP.
        // (Ratis's own trigger stays on, at a count never reached: with it off, Ratis takes no snapshot at stop.)
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, Long.MAX_VALUE);
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, Math.max(1, Math.min(1024, config.snapCount() / 4)));
        // Log entries kept in the heap: the segment being written and one more, at most 32 MB. Ratis 3.1.3 keeps
        // segments of 32 MB, six of them or 200 MB, and evicts only once over that, so a member under writes could
        // hold up to 200 MB of entries already on disk beside its tree. A follower further behind is sent entries
        // read back from the segment files. ZooKeeper's leader keeps its last 500 proposals
        // (zookeeper.commitLogCount).
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf("32MB"));
        // A snapshot goes to a member in chunks of 4 MB, two at a time unanswered (Ratis 3.1.3: 16 MB, eight). The
        // leader holds what it sent until the member answers, and more while gRPC serializes it: sending a
        // snapshot of 1.47 million znodes (251 MB) held some 270 MB more of the leader's heap (by hand, a class
        // histogram during the transfer), and leaders of 512 MB holding that tree ran out of heap one after the
        // other as each sent it. ZooKeeper's leader writes a SNAP onto the socket as it walks its tree.
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf("4MB"));
        GrpcConfigKeys.Server.setInstallSnapshotRequestElementLimit(p, 2);
        // One AppendEntries in flight per follower. With Ratis 3.1.3's default of eight, a follower whose previous
        // batch is still being forced to disk answers the next one INCONSISTENCY (3.1.3 adds a batch to the log only
        // once the one before it is on disk; 3.2 does not wait), the leader rewinds and sends again, and under a
        // pipelined load that repeats thousands of times a minute: throughput fell by a third or more. One request at
        // a time carries every entry that queued behind it.
        GrpcConfigKeys.Server.setLeaderOutstandingAppendsMax(p, 1);
        // No commit-index entries in the log (Ratis's raft.server.log.log-metadata.enabled): the leader's appenders
        // tell a follower of a commit with a heartbeat instead (PromptCommitAppender), with no second log entry,
        // fsync and round trip per write.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        // After a failed AppendEntries the appender waits by this policy before trying again. Ratis's default climbs
        // to five seconds a try; a member restarted meanwhile waited that long for the leader to find it. Twice
        // without a wait, then a tenth of the probe interval of PromptCommitAppender, which sends nothing more
        // often than that interval and, between probes, has the channel connect again.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p,
                "1ms,2," + Math.max(1, PromptCommitAppender.probeInterval(tick) / 10) + "ms," + Integer.MAX_VALUE);
        // zoo.cfg's raft.* keys last: an operator's tuning wins
        config.raftProperties().forEach(p::set);
        return p;
    }

    private static TimeDuration ms(long millis) {
        return TimeDuration.valueOf(Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public long myId() {
        return quorum.myId();
    }

    /**
     * Processor thread: kept until {@link #flush}, which sends everything proposed during the processor's batch
     * as one log entry (up to {@link #BATCH_BYTES} or {@link #BATCH_COUNT}). Each Raft entry costs the same work
     * whatever it carries — a request to the leader and its reply, a log append, a place in every follower's
     * AppendEntries, an apply call, Ratis's retry cache and commit-index entries — and under load that work, not
     * the tree, was what a write cost.
     */
    @Override
    public void propose(Proposal p) {
        byte[] encoded = codec.encode(p);
        if (!pending.isEmpty() && pendingBytes + encoded.length > BATCH_BYTES) {
            flush();
        }
        pending.add(p);
        pendingEncoded.add(encoded);
        pendingBytes += encoded.length;
        if (pendingBytes >= BATCH_BYTES || pending.size() >= BATCH_COUNT) {
            flush();
        }
    }

    /**
     * Processor thread: snapCount transactions were applied here since the last snapshot. Ratis takes one at the
     * index applied when it gets to it (asking the processor for the tree as applied then); each member takes its
     * own, as each ZooKeeper server does.
     */
    @Override
    public void snapshotDue() {
        RaftServer s = server;
        long timeoutMs = Math.max(60_000L, 30L * config.tickTime());
        try {
            s.snapshotManagementAsync(SnapshotManagementRequest.newCreate(snapshotClient, me, group.getGroupId(),
                    CallId.getAndIncrement(), timeoutMs, 1)).whenComplete((reply, failure) -> {
                        Throwable cause = failure != null ? failure
                                : reply.isSuccess() ? null : reply.getException();
                        if (cause != null) {
                            LOG.warn("A snapshot after snapCount transactions was not taken: {}", cause.toString());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn("A snapshot after snapCount transactions was not taken: {}", e.toString());
        }
    }

    /** Processor thread, after each batch of events: the proposals made during it go to the log, in order. */
    @Override
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Proposal> batch = List.copyOf(pending);
        byte[] entry = ProposalCodec.entry(pendingEncoded);
        pending.clear();
        pendingEncoded.clear();
        pendingBytes = 0;
        sender.send(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(entry)))
                .whenComplete((reply, failure) -> {
                    Throwable cause = failure != null ? failure
                            : reply.isSuccess() ? null : reply.getException();
                    if (cause != null) {
                        for (Proposal p : batch) {
                            processor.accept(new Event.Rejected(p, cause));
                        }
                    }
                });
    }

    /** An entry through this member's Raft client, to whichever member leads. */
    private java.util.concurrent.CompletableFuture<org.apache.ratis.protocol.RaftClientReply> sendThroughClient(
            Message entry) {
        RaftClient c = client;
        return c.async().send(entry).whenComplete((reply, failure) -> {
            if (failure != null || !reply.isSuccess()) {
                renew(c);
            }
        });
    }

    @Override
    public boolean leads() {
        return me.equals(leader) && member(); // a leader a reconfig removed expires and reaps nothing more
    }

    @Override
    public boolean serving() {
        return leader != null && member();
    }

    /**
     * Hands the new members to Ratis ({@code setConfiguration}: it brings new members up to date, then commits the
     * joint and the new configuration). Blocking, so on a thread of its own; it may take up to {@code initLimit}
     * ticks, the time ZooKeeper gives a learner to sync.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Void> reconfigure(List<Peer> target) {
        List<RaftPeer> voters = target.stream().filter(p -> !p.observer()).map(RaftNode::peer).toList();
        List<RaftPeer> listeners = target.stream().filter(Peer::observer).map(RaftNode::peer).toList();
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (RaftClient admin = adminClient()) {
                var reply = admin.admin().setConfiguration(
                        org.apache.ratis.protocol.SetConfigurationRequest.Arguments.newBuilder()
                                .setServersInNewConf(voters).setListenersInNewConf(listeners).build());
                if (!reply.isSuccess()) {
                    throw refusal(reply.getException());
                }
            } catch (IOException e) {
                throw refusal(e);
            }
        }, reconfigurer);
    }

    /** A client for one reconfig: its request may wait while new members catch up, so it waits initLimit ticks. */
    private RaftClient adminClient() {
        return client(props, (long) config.initLimit() * config.tickTime(),
                RetryPolicies.retryUpToMaximumCountWithFixedSleep(3, ms(config.tickTime())));
    }

    /** A client of the group on a copy of {@code base}: a request waits {@code timeoutMs}, then {@code retry} says. */
    private RaftClient client(RaftProperties base, long timeoutMs, RetryPolicy retry) {
        RaftProperties p = new RaftProperties(base);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(timeoutMs));
        return RaftClient.newBuilder().setProperties(p).setRaftGroup(group).setClientId(ClientId.randomId())
                .setRetryPolicy(retry).build();
    }

    /**
     * What a reconfig's client is told when Ratis refuses it: ZooKeeper's ReconfigInProgress while another change
     * is under way, NewConfigNoQuorum when the new members could not be brought up to date in time (ZooKeeper's
     * leader refuses a configuration without a synced quorum the same way); anything else leaves the outcome
     * unknown.
     */
    private static RuntimeException refusal(Throwable e) {
        if (e instanceof org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException) {
            return new ReconfigFailure(dev.keeper.wire.ErrorCode.RECONFIG_IN_PROGRESS, e.toString());
        }
        if (e instanceof org.apache.ratis.protocol.exceptions.ReconfigurationTimeoutException) {
            return new ReconfigFailure(dev.keeper.wire.ErrorCode.NEW_CONFIG_NO_QUORUM, e.toString());
        }
        if (e instanceof org.apache.ratis.protocol.exceptions.SetConfigurationException) {
            return new ReconfigFailure(dev.keeper.wire.ErrorCode.BAD_ARGUMENTS, e.toString());
        }
        return new java.util.concurrent.CompletionException(e);
    }

    @Override
    public void reportTouches(long[] sessions) {
        if (leader == null || sessions.length == 0) {
            return;
        }
        RaftClient c = client;
        c.async().sendReadOnlyNonLinearizable(Message.valueOf(
                org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                        SessionTouches.encode(quorum.myId(), sessions))))
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        // A report that ran out of retries (sent as the leader went, and no quorum since) closes
                        // the client's window as a failed proposal does: without a new client every later report
                        // would fail at once, and the next leader would expire this member's clients' sessions.
                        LOG.debug("Session report to the leader failed: {}", failure.toString());
                        renew(c);
                    }
                });
    }

    /**
     * Processor thread: a sync. The leader names the commit index it had when the sync reached it, once a
     * majority has confirmed that it still leads ({@link LeadershipCheck}); straight from this member's own Raft
     * server while it leads, else through its Raft client. Once this member has handed every entry up to that
     * index to the processor, {@code caughtUp} runs there with null; with the cause if there is no answer (no
     * leader, or no majority for it) within {@code syncLimit} ticks, or this member has not caught up within as
     * long again.
     *
     * <p>ZooKeeper's sync is a round trip to the leader that writes nothing, and so is this, plus the leader's one
     * heartbeat to the followers, which ZooKeeper's leader skips at the price of stale answers from a deposed leader
     * ({@link LeadershipCheck}). It was a log entry: fsynced on a majority, applied everywhere, and about 2.5 ms of
     * CPU across three members for each sync alone.
     */
    @Override
    public void syncPoint(Consumer<Throwable> caughtUp) {
        RaftServer.Division d = division;
        java.util.concurrent.CompletableFuture<Long> index = d != null && d.getInfo().isLeader()
                && d.getInfo().isLeaderReady() ? leaderRound.ask() : leaderQuestion.ask();
        index.thenCompose(stateMachine::handedUpTo)
                .orTimeout(2L * config.syncLimit() * config.tickTime(), TimeUnit.MILLISECONDS)
                .whenComplete((v, failure) -> processor.accept(new Event.Task(() -> caughtUp.accept(failure))));
    }

    /** A sync's question to the leader, through this member's Raft client. */
    private java.util.concurrent.CompletableFuture<Long> askLeader() {
        RaftClient c = client;
        byte[] question = SyncPoint.question(quorum.myId());
        return c.async().sendReadOnlyNonLinearizable(Message.valueOf(
                org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(question)))
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        renew(c); // out of retries: as a session report (below)
                    }
                })
                .thenApply(reply -> {
                    if (!reply.isSuccess()) {
                        throw new java.util.concurrent.CompletionException(reply.getException());
                    }
                    try {
                        return SyncPoint.index(reply.getMessage().getContent().asReadOnlyByteBuffer());
                    } catch (IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
    }

    /** The leader's state machine, at a sync's question: the commit index, once a majority confirms. */
    java.util.concurrent.CompletableFuture<Long> confirmLeadership() {
        return leaderRound.ask();
    }

    private java.util.concurrent.CompletableFuture<Long> confirmRound() {
        RaftServer.Division d = division;
        if (d == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IOException("not started"));
        }
        return leadershipCheck.confirm(d);
    }

    /** The leader's state machine: {@code report}'s sessions were kept alive on another member. */
    void touchedElsewhere(SessionTouches.Report report) {
        processor.accept(new Event.Touched(report.sessions()));
    }

    synchronized void leaderChanged(RaftPeerId newLeader) {
        if (java.util.Objects.equals(newLeader, leader)) {
            return;
        }
        if (me.equals(leader) && leadershipCheck != null) {
            leadershipCheck.abandon(); // its syncs fail now, not after syncLimit ticks
        }
        leader = newLeader;
        LOG.info("Member {}: the leader is now {}", quorum.myId(), newLeader == null ? "none" : newLeader);
        processor.accept(new Event.LeaderChanged(newLeader != null, me.equals(newLeader)));
    }

    /**
     * What srvr prints after "Mode:": leader, follower or observer; null while the ensemble has no leader, or
     * this member is not one of its members (it is then "not currently serving requests").
     */
    public String mode() {
        if (leader == null || !member()) {
            return null; // a member a reconfig removed serves no one, whatever Ratis says of its role
        }
        if (members.stream().anyMatch(p -> p.id() == quorum.myId() && p.observer())) {
            return "observer";
        }
        return me.equals(leader) ? "leader" : "follower";
    }

    /**
     * What mntr reports of the ensemble, as ZooKeeper's {@code QuorumZooKeeperServer} and
     * {@code LeaderZooKeeperServer} register it: the peer state and quorum size on every member; on the leader the
     * learners it hears from and how many of them are followers or observers in step (answered within the longest
     * election timeout, two ticks), and how long it has led.
     *
     * @param leading          whether this member leads (the learner figures are the leader's only)
     * @param peerState        {@code QuorumPeer.getDetailedPeerState}: "leading - broadcast", "following -
     *                         broadcast", "observing - broadcast", or "looking"
     */
    /**
     * ... and, on the leader, the sizes of the proposals committed while it led: the last, the smallest and the
     * largest, -1 before the first ({@code Leader.getProposalStats}, a {@code BufferStats}); and the syncs' leadership
     * rounds waiting for a majority ({@code pending_syncs}: ZooKeeper's leader counts the points its learners'
     * syncs wait for, the last proposal each came behind).
     */
    public record Figures(boolean leading, String peerState, int quorumSize, int learners, int syncedFollowers,
            int syncedObservers, long leaderUptimeMs, long leaderId, List<Peer> members, long[] proposalSizes,
            List<Learner> learnerInfo, int pendingSyncs) {
    }

    /** On the leader, one learner: its id, whether it observes, whether it is in sync, and its last contact. */
    public record Learner(long id, boolean observer, boolean synced, long lastContactMs) {
    }

    /** Guarded by itself: last, min, max proposal size in bytes, -1 before the first. */
    private final long[] proposalSizes = {-1, -1, -1};

    /** Told how many proposals this member committed as the leader (proposal_count, commit_count). */
    private volatile java.util.function.IntConsumer committed = n -> { };

    public void observeCommits(java.util.function.IntConsumer n) {
        committed = n;
    }

    /** Told, on the leader, of each follower's acknowledgement of an append. */
    public interface LearnerObserver {
        /**
         * Follower {@code sid} acknowledged an append {@code ackMs} after it was sent, with {@code queued} appends to
         * it still outstanding (ZooKeeper's ack_latency and learner_handler_qp_size, by the follower's id).
         */
        void acked(long sid, long ackMs, long queued);
    }

    private volatile LearnerObserver learners = (sid, ms, queued) -> { };

    public void observeLearners(LearnerObserver o) {
        learners = o;
    }

    /** The gRPC log appender's round trip of an append to a follower ("2_latency"; "..._heartbeat" are not). */
    private void appenderTimed(RaftMetricRegistry registry, String timer, long nanos) {
        if (!timer.endsWith("_latency")) {
            return;
        }
        String peer = timer.substring(0, timer.length() - "_latency".length());
        long sid;
        try {
            sid = Long.parseLong(peer);
        } catch (NumberFormatException notOurs) {
            return;
        }
        Object pending = registry.gaugeValue(peer + "_pending_log_requests_count");
        learners.acked(sid, TimeUnit.NANOSECONDS.toMillis(nanos), pending instanceof Number n ? n.longValue() : 0);
    }

    /** The state machine's thread: the leader applied proposals of these sizes (bytes as encoded in the log). */
    void proposalsCommitted(int[] sizes) {
        committed.accept(sizes.length);
        synchronized (proposalSizes) {
            for (int size : sizes) {
                proposalSizes[0] = size;
                if (proposalSizes[1] < 0 || size < proposalSizes[1]) {
                    proposalSizes[1] = size;
                }
                proposalSizes[2] = Math.max(proposalSizes[2], size);
            }
        }
    }

    /** JMX's resetProposalStatistics: the sizes start again from the next proposal. */
    public void resetProposalSizes() {
        synchronized (proposalSizes) {
            java.util.Arrays.fill(proposalSizes, -1);
        }
    }

    private long[] proposalSizes() {
        synchronized (proposalSizes) {
            return proposalSizes.clone();
        }
    }

    public Figures figures() {
        String mode = mode();
        String state = mode == null ? "looking" : switch (mode) {
            case "leader" -> "leading - broadcast";
            case "observer" -> "observing - broadcast";
            default -> "following - broadcast";
        };
        List<Peer> now = members;
        int quorumSize = (int) now.stream().filter(p -> !p.observer()).count();
        RaftPeerId l = leader;
        long leaderId = l == null || mode == null ? -1 : Long.parseLong(l.toString());
        RaftServer.Division d = division;
        if (d == null || !"leader".equals(mode)) {
            return new Figures(false, state, quorumSize, 0, 0, 0, 0, leaderId, now, proposalSizes(), List.of(), 0);
        }
        var role = d.getInfo().getRoleInfoProto();
        int learners = 0;
        int followers = 0;
        int observers = 0;
        List<Learner> info = new java.util.ArrayList<>();
        for (var f : role.getLeaderInfo().getFollowerInfoList()) {
            learners++;
            long id = Long.parseLong(f.getId().getId().toStringUtf8());
            boolean observer = now.stream().anyMatch(p -> p.id() == id && p.observer());
            boolean synced = f.getLastRpcElapsedTimeMs() <= 2L * config.tickTime();
            info.add(new Learner(id, observer, synced, f.getLastRpcElapsedTimeMs()));
            if (!synced) {
                continue;
            }
            if (observer) {
                observers++;
            } else {
                followers++;
            }
        }
        int pendingSyncs = leadershipCheck == null ? 0 : leadershipCheck.waiting();
        return new Figures(true, state, quorumSize, learners, followers, observers, role.getRoleElapsedTimeMs(),
                leaderId, now, proposalSizes(), List.copyOf(info), pendingSyncs);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        reconfigurer.shutdownNow();
        sender.close();
        try {
            watcher.awaitTermination(5, TimeUnit.SECONDS);
            if (logEndsClient != null) {
                logEndsClient.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the log-ends client: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the Raft client: {}", e.toString());
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the Raft server: {}", e.toString());
        }
    }
}
