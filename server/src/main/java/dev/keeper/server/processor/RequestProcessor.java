package dev.keeper.server.processor;

import dev.keeper.server.ServerClock;
import dev.keeper.server.auth.Acls;
import dev.keeper.server.auth.DigestAuth;
import dev.keeper.server.auth.SaslAuth;
import dev.keeper.server.config.DynamicConfigFile;
import dev.keeper.server.config.Peer;
import dev.keeper.server.config.Quorum;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.net.Connection;
import dev.keeper.server.op.Caller;
import dev.keeper.server.op.Op;
import dev.keeper.server.op.OpContext;
import dev.keeper.server.op.OpError;
import dev.keeper.server.op.Ops;
import dev.keeper.server.op.Prep;
import dev.keeper.server.op.Prepared;
import dev.keeper.server.op.ReconfigOp;
import dev.keeper.server.persist.Snapshotter;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.session.Session;
import dev.keeper.server.session.SessionIds;
import dev.keeper.server.session.SessionOwners;
import dev.keeper.server.session.SessionTracker;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.Change;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import dev.keeper.server.watch.WatchManager;
import dev.keeper.server.watch.Watcher;
import dev.keeper.wire.DeleteContainerRecord;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Handshake;
import dev.keeper.wire.Notification;
import dev.keeper.wire.OpCode;
import dev.keeper.wire.Reply;
import dev.keeper.wire.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.security.auth.login.LoginException;
import javax.security.sasl.SaslException;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THE processor thread: the only thread that reads or changes the tree, the watches and the sessions.
 *
 * <p>It takes events off one queue in batches. A read is answered from the tree at once. A write becomes a
 * {@link Proposal} — who asks, when, and what — and is <em>applied</em>: checked and turned into a transaction
 * with its zxid and time fixed ({@link Op.Write#prepare}), appended to the log, and applied to the tree
 * ({@link DataTree#apply}, the one mutator); the changes it made fire watches. Standalone, a proposal is applied as
 * soon as it is made. In an ensemble it goes through the Raft log ({@link Broadcast}) and comes back to every
 * member as {@link Event.Apply}, in log order, and every member applies it the same way against the same tree;
 * the member whose client sent it answers, and that client's reads wait behind its writes ({@link SessionOrder}).
 * Replies and events wait in the {@link Outbox} until the batch is durable ({@link TxnLog#commit}), then leave
 * together, one flush per connection.
 *
 * <p>Nothing here blocks on I/O, and nothing a client sends can stop the loop: a request that breaks a handler
 * is answered with MarshallingError and logged. Only the log failing stops the server, because then the tree
 * is ahead of the disk.
 *
 * <p>At some 1,000 lines this is the longest class, twice what a file should be: it is the request flow, and
 * reads top to bottom in the order a request meets it — the loop and its failure rules, sessions (connect,
 * expire, and in an ensemble the leader's view, touches, read-only mode), requests, apply. The ensemble's part
 * (a third) is the next to move out, into a class of its own that owns the member's role state.
 */
public final class RequestProcessor implements OpContext {
    private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
    private static final int MAX_BATCH = 1024;
    private static final long STANDALONE_SERVER_ID = 1;
    /**
     * Events waiting for the processor. Bounded, so that nothing — however many connections flood the server —
     * can grow it without end: when it is full, the I/O threads wait in {@link #submit}, and so stop reading.
     * {@code globalOutstandingLimit} ({@code net.OutstandingLimit}) keeps it far below this in normal use.
     */
    static final int QUEUE_CAPACITY = 1 << 16;

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final ServerConfig config;
    /** SASL's server side, or null without a JAAS Server section. */
    private final SaslAuth saslAuth;
    private final ServerClock clock;
    /** Replaced only when an ensemble member installs a snapshot from its leader ({@link Event.Install}). */
    private DataTree tree;
    /** Between {@link Event.Release} and {@link Event.Install}: the tree is let go, and no client is served. */
    private boolean awaitingInstall;
    private final WatchManager watches = new WatchManager();
    private final SessionTracker sessions;
    private final Ops ops = new Ops();
    private final TxnLog log;
    private final Snapshotter snapshots;
    private final ServerMetrics metrics;
    private final Runnable onFatal;
    private final Map<Long, Connection> bySession = new HashMap<>();
    private final Outbox outbox = new Outbox();
    /** How writes are ordered: null standalone (a proposal is applied at once), the Raft log in an ensemble. */
    private final Broadcast broadcast;
    private final long myId;
    /** The Raft term of the entry being applied ({@link Zxids}); NO_TERM standalone. */
    private long term = Zxids.NO_TERM;
    /** Per connection, in an ensemble: its writes on their way through the log, and the reads behind them. */
    private final SessionOrder order = new SessionOrder();
    private final SyncGate syncs = new SyncGate();
    /**
     * Read-only mode ({@code readonlymode.enabled}): this member has had no leader for a while and serves reads to
     * clients that allow it, answering writes NotReadOnly; its sessions then are its own ({@link #localSessions}).
     */
    private volatile boolean readOnly;
    private long noLeaderSince = -1;
    /** The version of the ensemble's configuration in /zookeeper/config: 0 until the first leader's epoch. */
    private long configVersion;
    /** The members as the log has made them, and a reconfig on its way. */
    private final Membership membership;
    /** The time of the last proposal applied: a reconfig nobody here asked for takes it, as every member does. */
    private long lastProposalTime;
    /** What {@link #transact} returns for a reconfig that passed its checks: it is answered once Ratis takes it. */
    private static final Reply LATER = new Reply(0, 0, ErrorCode.OK, null);
    private final java.util.Set<Long> localSessions = new java.util.HashSet<>();
    /** Sessions this member's clients kept alive since it last told the leader (in an ensemble). */
    private final java.util.Set<Long> touchedHere = new java.util.HashSet<>();
    /**
     * New sessions, and sessions moving here from another member, proposed by this member and waiting to be
     * applied before their handshake is answered.
     */
    private final Map<Long, PendingConnect> pendingConnects = new HashMap<>();
    /** In an ensemble: a data directory this member brings in, and any import being assembled. */
    private final DataDirImport imports;
    /** In an ensemble: the member each session is attached to, replicated (SessionMoved). */
    private SessionOwners owners = new SessionOwners();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ended;
    private int txnsInBatch;
    /** The console's feed of fired watch events, or null; and the events of the batch in hand for it. */
    private volatile WatchTap tap;
    private List<WatchTap.Fired> tapped = new ArrayList<>();
    /** In an ensemble: transactions applied since this member last asked for, or was asked for, a snapshot. */
    private long txnsSinceRaftSnapshot;

    /** A standalone processor; {@code snapshots} is null when the server keeps no data directory. */
    public RequestProcessor(ServerConfig config, ServerClock clock, DataTree tree, TxnLog log,
            Snapshotter snapshots, ServerMetrics metrics, Runnable onFatal) {
        this(config, clock, tree, log, snapshots, metrics, onFatal, null);
    }

    /** A processor whose writes are ordered by {@code broadcast} (null: standalone). */
    public RequestProcessor(ServerConfig config, ServerClock clock, DataTree tree, TxnLog log,
            Snapshotter snapshots, ServerMetrics metrics, Runnable onFatal, Broadcast broadcast) {
        this(config, clock, tree, log, snapshots, metrics, onFatal, broadcast, null);
    }

    /**
     * An ensemble member's processor; {@code importSource}, when not null, is a snapshot of the data directory it
     * found at its first start, which it brings into the ensemble ({@link DataDirImport}).
     */
    public RequestProcessor(ServerConfig config, ServerClock clock, DataTree tree, TxnLog log,
            Snapshotter snapshots, ServerMetrics metrics, Runnable onFatal, Broadcast broadcast, Path importSource) {
        this.imports = new DataDirImport(config.dataDir() == null ? Path.of(".") : config.dataDir(),
                config.extendedTypesEnabled(), importSource);
        this.broadcast = broadcast;
        this.myId = broadcast == null ? STANDALONE_SERVER_ID : broadcast.myId();
        this.config = config;
        this.saslAuth = startSasl(config);
        this.clock = clock;
        this.tree = tree;
        this.log = log;
        this.snapshots = snapshots;
        this.metrics = metrics;
        watches.observeFired((type, n) -> {
            switch (type) {
                case dev.keeper.wire.EventType.NODE_CREATED -> metrics.summary("node_created_watch_count").add(n);
                case dev.keeper.wire.EventType.NODE_DELETED -> metrics.summary("node_deleted_watch_count").add(n);
                case dev.keeper.wire.EventType.NODE_DATA_CHANGED ->
                        metrics.summary("node_changed_watch_count").add(n);
                default -> metrics.summary("node_children_watch_count").add(n);
            }
        });
        watches.observeEvents(new WatchManager.EventObserver() {
            @Override
            public boolean active() {
                WatchTap t = tap;
                return t != null && t.listening();
            }

            @Override
            public void fired(dev.keeper.wire.Notification event, List<Watcher> fired) {
                long[] ids = new long[fired.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = fired.get(i).sessionId();
                }
                tapped.add(new WatchTap.Fired(clock.wallMillis(), event.type(), event.path(), event.zxid(), ids));
            }
        });
        this.onFatal = onFatal;
        // A standalone ZooKeeper puts server id 1 in its session ids' top byte (ZooKeeperServer's
        // createSessionTrackerServerId); a quorum peer puts its myid there.
        this.sessions = new SessionTracker(config.tickTime(), SessionIds.first(clock.elapsedMillis(), myId));
        long now = clock.elapsedMillis();
        // Sessions restored from disk get a full timeout for their clients to come back.
        tree.sessions().forEach((id, timeout) -> sessions.track(id, timeout, now));
        this.membership = new Membership(config.quorum() == null ? List.of() : config.quorum().peers());
        setConfigNode();
        this.thread = new Thread(this::loop, "keeper-processor");
    }

    public void start() {
        thread.start();
    }

    /** Any thread: the console's feed of fired watch events (null: none). */
    public void tap(WatchTap t) {
        tap = t;
    }

    @Override
    public Set<String> authSchemes() {
        return config.security().schemes();
    }

    private static SaslAuth startSasl(ServerConfig config) {
        if (config.security().sasl() == null) {
            return null;
        }
        try {
            return SaslAuth.start(config.security().sasl());
        } catch (LoginException e) {
            // ServerCnxnFactory.configureSaslLogin's words
            throw new IllegalStateException("Could not configure server because SASL configuration did not allow the"
                    + "  ZooKeeper server to authenticate itself properly: " + e, e);
        }
    }

    /**
     * Any thread: queues an event for the processor, waiting while the queue is full. Once the processor has
     * ended, the event is dropped: nobody would handle it.
     */
    public void submit(Event e) {
        try {
            while (!queue.offer(e, 100, TimeUnit.MILLISECONDS)) {
                if (ended) {
                    return;
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A clean stop: everything queued before it is processed and handed to the log, then the thread ends. If it
     * has not ended within {@code timeoutMs}, it is interrupted.
     */
    public void drainAndStop(long timeoutMs) {
        if (!ended) {
            submit(new Event.Stop());
        }
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The request processor did not finish within {} ms; interrupting it", timeoutMs);
            stop();
        }
    }

    /** Stops at once: what is queued is dropped. */
    public void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The loop

    private void loop() {
        try {
            run();
        } catch (InterruptedException stopping) {
            // stop()
        } catch (Throwable t) {
            // Nothing may end this thread quietly: a server whose processor is gone answers nobody, not even srvr.
            // An Error's stack can be a thousand frames (StackOverflowError): the line names where it was thrown.
            StackTraceElement[] at = t.getStackTrace();
            LOG.error("Stopping: the request processor failed: {}{}", t, at.length > 0 ? " at " + at[0] : "");
            stopOnFailure();
        } finally {
            ended = true;
        }
    }

    private void run() throws InterruptedException {
        List<Event> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            // While a snapshot is being walked, idle moments go to it rather than to waiting; while it is being
            // written, the processor looks in now and then to see it finish.
            Event first;
            if (snapshots == null || !snapshots.inProgress()) {
                first = queue.take();
            } else if (snapshots.canStep()) {
                first = queue.poll();
            } else {
                first = queue.poll(1, TimeUnit.MILLISECONDS);
            }
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
            }
            for (Event e : batch) {
                if (!handleSafely(e)) {
                    return;
                }
            }
            batch.clear();
            if (broadcast != null) {
                // what the batch proposed goes to the Raft log as one entry
                broadcast.flush();
            }
            if (!outbox.isEmpty() || txnsInBatch > 0) {
                Outbox.Batch out = outbox.take();
                Runnable release = out::release;
                if (!tapped.isEmpty()) {
                    List<WatchTap.Fired> events = tapped;
                    WatchTap t = tap;
                    tapped = new ArrayList<>();
                    release = () -> {
                        out.release();
                        t.published(events);
                    };
                }
                try {
                    log.commit(release);
                } catch (IOException fatal) {
                    fail(fatal);
                    return;
                }
            }
            if (snapshots != null) {
                snapshots.afterBatch(txnsInBatch, queue.isEmpty());
            }
            if (broadcast != null) {
                // ZooKeeper's snapCount counts transactions; a Raft entry holds a batch of them
                txnsSinceRaftSnapshot += txnsInBatch;
                if (txnsSinceRaftSnapshot >= config.snapCount()) {
                    txnsSinceRaftSnapshot = 0;
                    broadcast.snapshotDue();
                }
            }
            txnsInBatch = 0;
        }
    }

    /**
     * Handles one event; false when the server must stop. A request that breaks a handler before anything was
     * logged for it is refused (MarshallingError, as ZooKeeper's catch-all in {@code FinalRequestProcessor}
     * answers) and the loop goes on. Once a transaction has been logged for it, a failure means the tree may not
     * hold what the log holds, and the log must not be replayed over a tree that diverged: the server stops, and
     * the batch in hand — not yet handed to the log, none of it acknowledged — is dropped.
     */
    private boolean handleSafely(Event e) {
        int logged = txnsInBatch;
        try {
            handle(e);
            return true;
        } catch (IOException fatal) {
            fail(fatal);
            return false;
        } catch (RuntimeException bug) {
            if (txnsInBatch != logged) {
                LOG.error("Stopping: handling {} failed after its transaction was logged, so the tree and the log"
                        + " may no longer agree", e, bug);
                stopOnFailure();
                return false;
            }
            refuse(e, bug);
            return true;
        }
    }

    /** A request no handler could process, before anything was logged for it: it is answered all the same. */
    private void refuse(Event e, RuntimeException bug) {
        if (e instanceof Event.Received r) {
            LOG.error("Failed to process {} request from session 0x{}; answering MarshallingError",
                    OpCode.name(r.request().opCode()), Long.toHexString(r.connection().sessionId()), bug);
            outbox.add(r.connection(), new Reply(r.request().xid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR,
                    null));
        } else if (e instanceof Event.Connected c) {
            LOG.error("Failed to process the handshake from {}; closing", c.connection().remote(), bug);
            outbox.closeAfter(c.connection());
        } else if (e instanceof Event.Apply a) {
            Proposal p = a.proposal();
            LOG.error("Failed to apply {} from session 0x{}; nothing was logged for it", OpCode.name(p.opCode()),
                    Long.toHexString(p.session()), bug);
            Connection c = origin(p);
            if (c != null) {
                outbox.add(c, new Reply(p.cxid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR, null));
            }
        } else {
            LOG.error("Failed to handle {}", e, bug);
        }
    }

    private void fail(IOException e) {
        LOG.error("Stopping: the transaction log failed and the tree is now ahead of the disk: {}", e.toString());
        stopOnFailure();
    }

    private void stopOnFailure() {
        running = false;
        onFatal.run();
    }

    private void handle(Event e) throws IOException {
        if (e instanceof Event.Received r) {
            received(r.connection(), r.request(), r.receivedNanos());
        } else if (e instanceof Event.Apply a) {
            try {
                term = a.term();
                if (configVersion == 0 && config.quorum() != null && config.reconfigEnabled()) {
                    // ZooKeeper's first leader gives the static configuration the zxid of its NEWLEADER as its
                    // version (ZOOKEEPER-1783); the first term's epoch is ours. Only with reconfigEnabled: without
                    // it ZooKeeper keeps no "last seen" configuration (QuorumPeer.setLastSeenQuorumVerifier), and
                    // /zookeeper/config stays at version=0, mzxid 0.
                    configVersion = term << 32;
                    setConfigNode();
                }
                lastProposalTime = a.proposal().time();
                apply(a.proposal());
            } finally {
                a.applied().run();
            }
        } else if (e instanceof Event.Rejected r) {
            rejected(r.proposal(), r.cause());
        } else if (e instanceof Event.Configured c) {
            configured(c.members(), c.term());
        } else if (e instanceof Event.Snapshot s) {
            snapshot(s.done());
        } else if (e instanceof Event.Release r) {
            release(r.released());
        } else if (e instanceof Event.Install i) {
            install(i.tree(), i.owners(), i.term(), true);
        } else if (e instanceof Event.Connected c) {
            connected(c.connection(), c.connect());
        } else if (e instanceof Event.Disconnected d) {
            disconnected(d.connection());
        } else if (e instanceof Event.Tick) {
            expireSessions();
            expireLocalSessions();
            reportTouches();
            maybeEnterReadOnly();
        } else if (e instanceof Event.Touched t) {
            long now = clock.elapsedMillis();
            for (long id : t.sessions()) {
                Session s = sessions.get(id);
                if (s != null) {
                    sessions.touch(id, s.timeout(), now);
                }
            }
        } else if (e instanceof Event.LeaderChanged l) {
            if (l.known() && readOnly) {
                leaveReadOnly();
            }
            noLeaderSince = l.known() ? -1 : clock.elapsedMillis();
            if (l.known() && broadcast != null) {
                for (Proposal piece : imports.pieces(myId, tree, clock.wallMillis())) {
                    propose(piece);
                }
            }
            if (!l.known()) {
                stopServing("the ensemble has no leader; they reconnect to a member that has one");
            } else if (l.thisMember()) {
                // A new leader gives every session a full timeout, as ZooKeeper's does when its SessionTracker
                // starts: the clients of the old leader need time to find their way to another member.
                long now = clock.elapsedMillis();
                for (Session s : new ArrayList<>(sessions.sessions())) {
                    sessions.touch(s.id(), s.timeout(), now);
                }
            }
        } else if (e instanceof Event.ReapContainers) {
            if (leads()) {
                ContainerReaper.reap(this);
            }
        } else if (e instanceof Event.Task t) {
            t.work().run();
        } else if (e instanceof Event.Stop) {
            running = false; // the rest of this batch is handled and committed, then the loop ends
        }
    }

    /** True when this server makes the time-driven decisions: standalone, or the ensemble's leader. */
    private boolean leads() {
        return broadcast == null || broadcast.leads();
    }

    /**
     * Hands a proposal on to be applied: standalone at once, in an ensemble through the Raft log, to come back
     * as {@link Event.Apply} on every member.
     */
    void propose(Proposal p) throws IOException {
        if (broadcast == null) {
            apply(p);
        } else {
            broadcast.propose(p);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Sessions: connect, disconnect, expire

    private void connected(Connection c, Handshake.Connect hs) throws IOException {
        ConnectRequest req = hs.request();
        if (awaitingInstall) {
            LOG.info("Closing connection from {}: this member is taking a snapshot from its leader", c.remote());
            c.close();
            return;
        }
        if (broadcast != null && !broadcast.serving() && !readOnly) {
            // ZooKeeper's "ZooKeeperServer not running": the client tries another member.
            LOG.info("Closing connection from {}: this member has no leader and is not serving", c.remote());
            c.close();
            return;
        }
        if (readOnly && !req.getReadOnly()) {
            LOG.info("Refusing session request for not-read-only client {}", c.remote());
            c.close();
            return;
        }
        if (req.getLastZxidSeen() > tree.lastZxid()) {
            LOG.info("Refusing session(0x{}) request for client {} as it has seen zxid 0x{} our last zxid is 0x{}"
                    + " client must try another server", Long.toHexString(req.getSessionId()), c.remote(),
                    Long.toHexString(req.getLastZxidSeen()), Long.toHexString(tree.lastZxid()));
            c.close();
            return;
        }
        int timeout = Math.max(config.minSessionTimeout(), Math.min(config.maxSessionTimeout(), req.getTimeOut()));
        long now = clock.elapsedMillis();
        metrics.counter("connection_request_count").increment();
        if (req.getSessionId() != 0) {
            metrics.counter("connection_revalidate_count").increment(); // ZooKeeperServer.reopenSession
        }
        if (readOnly && req.getSessionId() == 0) {
            // A session of a read-only member is its own (ZooKeeper's local session): nothing can be logged. A
            // client that has not seen a read-write server asks for a new session when it finds one.
            Session s = sessions.create(timeout, now);
            localSessions.add(s.id());
            bind(c, s.id(), timeout, hs.readOnlySent());
            outbox.add(c, new Handshake.Response(timeout, s.id(), SessionIds.password(s.id()), hs.readOnlySent(),
                    true));
            return;
        }
        if (req.getSessionId() == 0) {
            // The id is this member's to give (its myid in the top byte); the session exists once the log says so.
            long id = sessions.nextId();
            pendingConnects.put(id, new PendingConnect(c, timeout, hs.readOnlySent(), System.nanoTime()));
            propose(Proposal.createSession(myId, id, timeout, clock.wallMillis()));
            return;
        }
        long id = req.getSessionId();
        Connection previous = bySession.get(id);
        if (previous != null && previous != c) {
            // A client reconnecting elsewhere: its old connection goes (ZooKeeper's CLIENT_RECONNECT).
            previous.unbind();
            previous.close();
            bySession.remove(id);
        }
        boolean valid = Arrays.equals(req.getPasswd(), SessionIds.password(id)) && sessions.touch(id, timeout, now);
        if (valid && broadcast != null && !readOnly && owners.owner(id) != myId) {
            // The session was attached to another member: ZooKeeper's follower revalidates it with the leader,
            // which makes this member its owner, before it answers. Here the move goes through the log.
            pendingConnects.put(id, new PendingConnect(c, timeout, hs.readOnlySent(), System.nanoTime()));
            propose(Proposal.moveSession(myId, id, timeout, clock.wallMillis()));
            return;
        }
        if (valid) {
            bind(c, id, timeout, hs.readOnlySent());
            outbox.add(c, new Handshake.Response(timeout, id, SessionIds.password(id), hs.readOnlySent(), readOnly));
        } else {
            LOG.info("Invalid session 0x{} for client {}, probably expired", Long.toHexString(id), c.remote());
            outbox.add(c, Handshake.Response.invalid(hs.readOnlySent()));
            outbox.closeAfter(c);
        }
    }

    /** A connection waiting for the session it asked for to be created. */
    /** A handshake waiting for its session's proposal; {@code receivedNanos}: when it was taken in. */
    private record PendingConnect(Connection connection, int timeout, boolean readOnlyByte, long receivedNanos) {
    }

    private void bind(Connection c, long session, int timeout, boolean readOnlyByte) {
        c.bind(session, timeout, readOnlyByte);
        bySession.put(session, c);
    }

    private void disconnected(Connection c) {
        c.markGone();
        if (c.malformedRequests() > 1) {
            LOG.info("Session 0x{}: {} more malformed requests from {} were answered MarshallingError and not"
                    + " logged one by one", Long.toHexString(c.sessionId()), c.malformedRequests() - 1, c.remote());
        }
        watches.removeWatcher(c);
        forget(c);
        if (c.sessionId() != 0 && bySession.get(c.sessionId()) == c) {
            bySession.remove(c.sessionId());
        }
    }

    /**
     * A member that has lost its leader closes every client connection, as a ZooKeeper follower shuts its
     * server down when it loses its leader: a client must learn that it is cut off before its session can expire
     * on the other side of a partition, and reconnects to a member that has a leader.
     */
    private void stopServing(String why) {
        LOG.info("Closing {} client connections: {}", bySession.size() + pendingConnects.size(), why);
        for (Connection c : bySession.values()) {
            c.unbind();
            outbox.closeAfter(c);
            forget(c);
        }
        bySession.clear();
        for (PendingConnect p : pendingConnects.values()) {
            outbox.closeAfter(p.connection());
        }
        pendingConnects.clear();
    }

    /**
     * Takes {@code t} as the tree: read from a snapshot at start, sent by the leader to a member too far behind
     * for the log to catch it up ({@code fromTheLog}), or imported from a data directory. What the clients of this
     * member saw belongs to the old tree, so they reconnect, as ZooKeeper's learners drop their clients to sync; the
     * sessions are the snapshot's, each given a full timeout.
     */
    private void install(DataTree t, SessionOwners o, long termOfLastEntry, boolean fromTheLog) {
        if (t != tree && !bySession.isEmpty()) {
            stopServing("this member takes the state of a snapshot");
        }
        tree = t;
        awaitingInstall = false;
        owners = o == null ? new SessionOwners() : o;
        owners.retainAll(t.sessions().keySet());
        term = termOfLastEntry;
        // A snapshot of this ensemble's log names its members as of it; an imported data directory's
        // /zookeeper/config names another ensemble's (or none), and the members stay as they are.
        dev.keeper.server.tree.NodeState config = fromTheLog ? t.get("/zookeeper/config") : null;
        if (config != null) {
            membership.adopt(config.data());
        }
        setConfigNode();
        if (snapshots != null) {
            snapshots.tree(t);
        }
        long now = clock.elapsedMillis();
        for (Session s : new ArrayList<>(sessions.sessions())) {
            if (!t.sessions().containsKey(s.id())) {
                sessions.remove(s.id());
            }
        }
        t.sessions().forEach((id, timeout) -> sessions.track(id, timeout, now));
        LOG.info("Installed a tree of {} nodes at zxid 0x{}", t.nodeCount(), Long.toHexString(t.lastZxid()));
    }

    /**
     * Lets the tree go before a snapshot the leader sent is read, as a ZooKeeper learner clears its database before
     * it reads a SNAP ({@code ZKDatabase.deserializeSnapshot}). Otherwise the old tree and the new one are in the
     * heap at once: a member of 512 MB holding 1.1 million znodes ran out of heap reading a snapshot of 1.47
     * million, where either alone fits. Its clients reconnect, as they would at the install; until the install no
     * client is served, since the tree is empty meanwhile (the last zxid stays, for what {@code srvr} shows), and
     * no snapshot is taken of it. A snapshot of our own still being written walks the old tree: then it is kept.
     */
    private void release(CompletableFuture<Void> released) {
        if (snapshots != null && snapshots.inProgress()) {
            released.complete(null);
            return;
        }
        stopServing("this member takes the state of a snapshot");
        DataTree empty = new DataTree(tree.extendedTypesEnabled());
        empty.setLastZxid(tree.lastZxid());
        tree = empty;
        if (snapshots != null) {
            snapshots.tree(empty);
        }
        awaitingInstall = true;
        LOG.info("Let the tree go to take a snapshot from the leader");
        released.complete(null);
    }

    /**
     * A snapshot for the Raft log: the tree's file, written as standalone snapshots are, and a copy of the
     * sessions' owners now — no entry is applied until the snapshot is done, so both show the same point.
     */
    private void snapshot(CompletableFuture<Event.Snapshot.Taken> done) {
        txnsSinceRaftSnapshot = 0;
        if (snapshots == null) {
            done.completeExceptionally(new IllegalStateException("this server keeps no snapshots"));
            return;
        }
        if (imports.underWay()) {
            done.complete(null); // the pieces so far are in no tree yet: a snapshot now would lose them
            return;
        }
        if (awaitingInstall) {
            done.complete(null); // the tree is let go until the leader's snapshot is read (release)
            return;
        }
        SessionOwners at = owners.copy();
        CompletableFuture<Path> file = new CompletableFuture<>();
        file.whenComplete((path, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(new Event.Snapshot.Taken(path, at));
            }
        });
        snapshots.takeNow(file);
    }

    /**
     * The AdminServer's snapshot command ({@code ZooKeeperServer.takeSnapshot}): a snapshot of the tree as it is
     * now, written beside the others; {@code done} gets its file. Standalone only: an ensemble member's snapshots
     * each stand for an index of the Raft log, which the Raft server chooses.
     */
    public void takeSnapshot(CompletableFuture<Path> done) {
        if (snapshots == null) {
            done.completeExceptionally(new IllegalStateException("this server keeps no snapshots (no dataDir)"));
        } else if (broadcast != null) {
            done.completeExceptionally(new IllegalStateException(
                    "an ensemble member snapshots when its Raft log says, not on request"));
        } else {
            snapshots.takeNow(done);
        }
    }

    /**
     * JMX's {@code terminateSession} on a connection ({@code ConnectionBean}): the session is closed as if it had
     * expired, its ephemerals with it. Only where sessions are expired: standalone, or on the leader.
     */
    public void terminateSession(long id) {
        if (sessions.get(id) == null || !leads()) {
            return;
        }
        LOG.info("Terminating session 0x{} (JMX)", Long.toHexString(id));
        try {
            propose(Proposal.expireSession(myId, id, clock.wallMillis()));
        } catch (IOException e) {
            LOG.warn("Could not terminate session 0x{}: {}", Long.toHexString(id), e.getMessage());
        }
    }

    /**
     * The AdminServer's restore command ({@code ZooKeeperServer.restoreFromSnapshot}): {@code restored}, read from
     * a posted snapshot, becomes the tree, and its sessions the sessions (each given a full timeout). Standalone
     * only. Unlike ZooKeeper, whose restored database is lost at the next restart unless a snapshot follows, the
     * restored tree takes the zxid the server stood at (or the snapshot's, if higher), so no zxid ever goes back,
     * and a snapshot of it is written before {@code done} completes with that zxid: a restart starts from it. The
     * clients are disconnected, as a learner's are when it takes a snapshot; they reconnect, re-arm their watches
     * and see the restored state (a session the snapshot does not have is expired).
     */
    public void restore(DataTree restored, CompletableFuture<Long> done) {
        if (broadcast != null) {
            done.completeExceptionally(new IllegalStateException(
                    "restore is for a standalone server: an ensemble member's state is the Raft log's"));
            return;
        }
        if (snapshots == null) {
            done.completeExceptionally(new IllegalStateException("this server keeps no snapshots (no dataDir)"));
            return;
        }
        if (snapshots.inProgress()) {
            done.completeExceptionally(new IllegalStateException("a snapshot is being taken; try again"));
            return;
        }
        long at = Math.max(tree.lastZxid(), restored.lastZxid());
        LOG.info("Restoring from a posted snapshot: {} nodes and {} sessions at zxid 0x{}, replacing {} nodes at"
                + " 0x{}", restored.nodeCount(), restored.sessions().size(), Long.toHexString(restored.lastZxid()),
                tree.nodeCount(), Long.toHexString(tree.lastZxid()));
        restored.setLastZxid(at);
        stopServing("the server is restored from a snapshot");
        install(restored, null, term, false);
        CompletableFuture<Path> file = new CompletableFuture<>();
        file.whenComplete((path, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(at);
            }
        });
        snapshots.takeNow(file);
    }

    /**
     * ZooKeeper's read-only server: a member that has been without a leader for a grace period (two seconds, or a
     * tick if longer, as {@code QuorumPeer} waits before it decides it is partitioned) serves what it has.
     */
    private void maybeEnterReadOnly() {
        if (!config.readOnlyMode() || readOnly || noLeaderSince < 0 || broadcast == null || broadcast.serving()) {
            return;
        }
        if (clock.elapsedMillis() - noLeaderSince >= Math.max(2000, config.tickTime())) {
            readOnly = true;
            LOG.info("No leader for {} ms: serving read-only clients (readonlymode.enabled)",
                    clock.elapsedMillis() - noLeaderSince);
        }
    }

    /** A leader again: the read-only sessions end, and their clients find a read-write member. */
    private void leaveReadOnly() {
        readOnly = false;
        stopServing("this member has a leader again and leaves read-only mode");
        for (long id : localSessions) {
            sessions.remove(id);
        }
        localSessions.clear();
        LOG.info("Leaving read-only mode");
    }

    /** True while this member serves read-only clients only (isro, srvr's Mode). */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * In an ensemble, {@code /zookeeper/config} holds the members and the configuration's version, as in
     * ZooKeeper; the version is kept in the node's mzxid, so a snapshot carries it.
     */
    private void setConfigNode() {
        if (config.quorum() == null) {
            return;
        }
        Znode node = tree.find("/zookeeper/config");
        configVersion = Math.max(configVersion, node == null ? 0 : node.mzxid());
        String client = (config.clientPortAddress() == null ? "0.0.0.0" : config.clientPortAddress()) + ":"
                + config.clientPort();
        tree.setConfigNode(Quorum.configData(membership.members(), myId, client, configVersion)
                .getBytes(StandardCharsets.UTF_8), configVersion, clock.wallMillis());
    }

    /** A member that does not lead tells the leader which sessions its clients kept alive since it last did. */
    private void reportTouches() {
        if (broadcast == null || touchedHere.isEmpty()) {
            return;
        }
        if (!broadcast.leads()) {
            broadcast.reportTouches(touchedHere.stream().mapToLong(Long::longValue).toArray());
        }
        touchedHere.clear();
    }

    /** Only the server that leads expires sessions; in an ensemble it proposes their closing through the log. */
    private void expireSessions() throws IOException {
        if (!leads()) {
            return;
        }
        for (Session s : sessions.expire(clock.elapsedMillis())) {
            metrics.counter("stale_sessions_expired").increment();
            LOG.info("Expiring session 0x{}, timeout of {}ms exceeded", Long.toHexString(s.id()), s.timeout());
            propose(Proposal.expireSession(myId, s.id(), clock.wallMillis()));
        }
    }

    /**
     * A read-only member's own sessions: no leader expires them, so the member does, as ZooKeeper's read-only
     * server has a session tracker of its own. They own no ephemerals, so nothing is logged.
     */
    private void expireLocalSessions() {
        if (localSessions.isEmpty()) {
            return;
        }
        for (long id : sessions.expireAmong(localSessions, clock.elapsedMillis())) {
            localSessions.remove(id);
            LOG.info("Expiring read-only session 0x{}, timeout exceeded", Long.toHexString(id));
            Connection c = bySession.remove(id);
            if (c != null) {
                c.unbind();
                outbox.closeAfter(c);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Requests

    /**
     * The requests that are transactions, whose latency ZooKeeper counts as updatelatency (a request with a txn
     * header); every other answered request, pings included, is readlatency ({@code ServerStats.updateLatency}).
     */
    private static final Set<Integer> WRITES = Set.of(OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER,
            OpCode.CREATE_TTL, OpCode.DELETE, OpCode.DELETE_CONTAINER, OpCode.SET_DATA, OpCode.SET_ACL, OpCode.MULTI,
            OpCode.RECONFIG, OpCode.CLOSE_SESSION, OpCode.CREATE_SESSION);

    private void received(Connection c, Request r, long receivedNanos) throws IOException {
        metrics.counter("prep_processor_request_queued").increment();
        long session = c.sessionId();
        if (session == 0 || c.gone() || sessions.get(session) == null) {
            return;
        }
        // ZooKeeperServer.processPacket answers auth and sasl at the connection, and refuses an unauthenticated
        // request there too, all without renewing the session's lease: a client that only ever authenticates (a
        // Kazoo client retrying SASL against a server without it) lets its session expire, as with ZooKeeper.
        boolean atConnection = r.opCode() == OpCode.AUTH || r.opCode() == OpCode.SASL;
        if (!atConnection) {
            if (!authenticatedEnough(c, r)) {
                return;
            }
            if (!sessions.touch(session, c.sessionTimeout(), clock.elapsedMillis())) {
                // ZooKeeper drops requests of a session it no longer has (MissingSessionException).
                return;
            }
            if (broadcast != null) {
                touchedHere.add(session);
            }
        }
        if (!atConnection && r.opCode() != OpCode.PING && syncs.isShut(c)) {
            if (syncsOutOfLog(r)) {
                sync(c, r, receivedNanos); // asks at once, answered in its turn
            } else {
                syncs.hold(new Event.Received(c, r, receivedNanos)); // behind the connection's sync
            }
            return;
        }
        dispatch(c, r, receivedNanos);
    }

    /** Handles a request of a live session that nothing holds back. */
    private void dispatch(Connection c, Request r, long receivedNanos) throws IOException {
        long session = c.sessionId();
        Reply reply = switch (r.opCode()) {
            case OpCode.PING -> new Reply(OpCode.XID_PING, tree.lastZxid(), ErrorCode.OK, null);
            case OpCode.AUTH -> auth(c, r);
            case OpCode.SASL -> sasl(c, r);
            case OpCode.CLOSE_SESSION -> {
                if (readOnly) {
                    yield closeLocalSession(c, r);
                }
                order.proposed(c, r.xid(), broadcast != null, receivedNanos);
                propose(Proposal.closeSession(myId, session, r.xid(), clock.wallMillis(), receivedNanos));
                yield null; // answered when applied
            }
            default -> request(c, r, receivedNanos);
        };
        if (reply != null) {
            reply(c, r.opCode(), reply, receivedNanos);
        }
    }

    /** closeSession on a read-only member: a session of its own ends here; any other cannot be closed now. */
    private Reply closeLocalSession(Connection c, Request r) {
        long session = c.sessionId();
        if (!localSessions.remove(session)) {
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.NOT_READ_ONLY, null);
        }
        sessions.remove(session);
        bySession.remove(session);
        c.unbind();
        outbox.closeAfter(c);
        return new Reply(r.xid(), tree.lastZxid(), ErrorCode.OK, null);
    }

    /**
     * When the request behind {@code p}, which came on {@code c}, was received: the proposal's own figure
     * standalone, this member's record of it in an ensemble (the Raft log does not carry it), else now.
     */
    private long receivedNanos(Connection c, Proposal p) {
        long at = p.receivedNanos() != 0 ? p.receivedNanos() : order.receivedAt(c, p.cxid());
        return at != 0 ? at : System.nanoTime();
    }

    private void reply(Connection c, int opCode, Reply reply, long receivedNanos) {
        if (membership.hold(c, opCode, reply, receivedNanos)) {
            return;
        }
        long latency = (System.nanoTime() - receivedNanos) / 1_000_000;
        metrics.recordLatency(latency);
        metrics.requestLatency(WRITES.contains(opCode), latency);
        c.replied(lastOpName(opCode), reply.xid(), reply.zxid(), latency);
        outbox.add(c, reply);
    }

    /** A request's reply, or null when it will come once the request's proposal is applied. */
    private Reply request(Connection c, Request r, long receivedNanos) throws IOException {
        Op op = ops.get(r.opCode());
        if (op == null) {
            LOG.warn("Received packet at server of unknown type {} from {}; closing", r.opCode(), c.remote());
            outbox.closeAfter(c);
            return new Reply(r.xid(), -1, ErrorCode.UNIMPLEMENTED, null);
        }
        if (readOnly && (!(op instanceof Op.Read) || r.opCode() == OpCode.SYNC)) {
            // ReadOnlyRequestProcessor: every write, sync and check is answered NotReadOnly.
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.NOT_READ_ONLY, null);
        }
        if (syncsOutOfLog(r)) {
            sync(c, r, receivedNanos);
            return null;
        }
        if (op instanceof Op.Read read) {
            if (order.mustWait(c)) {
                // ZooKeeper's per-session order: a read sees the session's earlier writes, still in the log.
                order.defer(c, r, receivedNanos);
                return null;
            }
            return read(c, read, r);
        }
        return write(c, r, receivedNanos);
    }

    /** A sync in an ensemble, from a member that is not read-only: it is answered out of the log. */
    private boolean syncsOutOfLog(Request r) {
        return broadcast != null && !readOnly && r.opCode() == OpCode.SYNC && !r.malformed();
    }

    /**
     * A sync in an ensemble: answered, as a read, once this member has applied everything the leader had committed
     * when the sync reached it ({@link Broadcast#syncPoint}); the connection's later requests wait behind it
     * ({@link SyncGate}).
     */
    private void sync(Connection c, Request r, long receivedNanos) {
        askPoint(c, syncs.sync(new Event.Received(c, r, receivedNanos)));
    }

    private void askPoint(Connection c, SyncGate.Held held) {
        broadcast.syncPoint(failure -> {
            held.answered(failure);
            try {
                drain(c);
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    /**
     * Answers {@code c}'s syncs whose point has come, and the requests behind them, in order, up to the next sync
     * still waiting for its point.
     */
    private void drain(Connection c) throws IOException {
        java.util.ArrayDeque<SyncGate.Held> line = syncs.line(c);
        if (line == null || c.gone()) {
            return; // the connection closed, or its session closed or moved, meanwhile
        }
        long session = c.sessionId();
        while (!line.isEmpty()) {
            SyncGate.Held head = line.peek();
            if (head.sync && !head.answered) {
                return;
            }
            Request r = head.request.request();
            long receivedNanos = head.request.receivedNanos();
            if (!head.sync && syncsOutOfLog(r)) {
                head.becomeSync();
                askPoint(c, head);
                return;
            }
            line.poll();
            if (!head.sync) {
                dispatch(c, r, receivedNanos);
            } else if (head.failure != null) {
                // As a write the log did not take: the client cannot tell what it saw, and reconnects elsewhere.
                LOG.warn("Sync from session 0x{} (xid {}) got no answer from a leader: {}; closing its connection",
                        Long.toHexString(session), r.xid(), head.failure.toString());
                forget(c);
                outbox.closeAfter(c);
                return;
            } else if (tree.sessions().containsKey(session) && !owners.mayWrite(session, myId)) {
                moved(c); // as ZooKeeper's leader checks a sync's session (PrepRequestProcessor: checkSession)
                return;
            } else if (order.mustWait(c)) {
                order.defer(c, r, receivedNanos); // behind the session's own writes still in the log
            } else {
                reply(c, OpCode.SYNC, read(c, (Op.Read) ops.get(OpCode.SYNC), r), receivedNanos);
            }
            if (c.gone() || c.sessionId() != session || sessions.get(session) == null || syncs.line(c) != line) {
                return; // closed by what was just handled (a closeSession, a moved session)
            }
        }
        syncs.open(c);
    }

    private Reply read(Connection c, Op.Read read, Request r) {
        if (r.malformed()) {
            logMalformed(c, r.opCode());
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR, null);
        }
        try {
            Record body = read.read(this, c, r.body());
            readStat(r.body(), body);
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.OK, body);
        } catch (OpError e) {
            if (e.code() == ErrorCode.MARSHALLING_ERROR) {
                logMalformed(c, r.opCode());
            }
            return new Reply(r.xid(), tree.lastZxid(), e.code(), e.body());
        }
    }

    /**
     * read_per_namespace ({@code DataTree.updateReadStat}): a getData, exists or getChildren answered reads the
     * path, the data or the children's names, and a Stat's 68 bytes, under the path's top-level namespace.
     */
    private void readStat(Object request, Record answer) {
        String path;
        long bytes;
        if (request instanceof org.apache.zookeeper.proto.GetDataRequest q
                && answer instanceof org.apache.zookeeper.proto.GetDataResponse a) {
            path = q.getPath();
            bytes = a.getData() == null ? 0 : a.getData().length;
        } else if (request instanceof org.apache.zookeeper.proto.ExistsRequest q && answer != null) {
            path = q.getPath();
            bytes = 0;
        } else if (request instanceof org.apache.zookeeper.proto.GetChildrenRequest q
                && answer instanceof org.apache.zookeeper.proto.GetChildrenResponse a) {
            path = q.getPath();
            bytes = a.getChildren().stream().mapToLong(String::length).sum();
        } else if (request instanceof org.apache.zookeeper.proto.GetChildren2Request q
                && answer instanceof org.apache.zookeeper.proto.GetChildren2Response a) {
            path = q.getPath();
            bytes = a.getChildren().stream().mapToLong(String::length).sum();
        } else {
            return;
        }
        String namespace = topNamespace(path);
        if (namespace != null) {
            metrics.observe("read_per_namespace", namespace, path.length() + bytes + 68);
        }
    }

    /**
     * {@code PathUtils.getTopNamespace}: the first component of a path, or null for the root. Once per request: no
     * split of the whole path.
     */
    private static String topNamespace(String path) {
        if (path.length() < 2) {
            return null;
        }
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    /**
     * The first malformed request of a connection gets a line; later ones are counted, and the count is logged
     * when the connection closes. ZooKeeper logs two ERROR lines (one with a stack trace) for every one, so a
     * client pipelining garbage has the processor thread writing log lines instead of answering other sessions,
     * and fills the disk: bad input costs its connection and one line.
     */
    private static void logMalformed(Connection c, int opCode) {
        if (c.malformedRequest()) {
            LOG.warn("Malformed {} request from session 0x{}", OpCode.name(opCode), Long.toHexString(c.sessionId()));
        }
    }

    /**
     * A write: proposed, and answered once applied. (A sync in an ensemble is answered out of the log:
     * {@link #sync}.)
     */
    private Reply write(Connection c, Request r, long receivedNanos) throws IOException {
        if (r.malformed() && r.opCode() != OpCode.MULTI) {
            // ZooKeeper logs such a request as an error txn under the current zxid, changing nothing; we answer
            // the same way without the duplicate-zxid log entry.
            logMalformed(c, r.opCode());
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR, null);
        }
        if (r.malformed()) {
            logMalformed(c, r.opCode()); // a multi: it still takes a zxid when applied
        }
        order.proposed(c, r.xid(), broadcast != null, receivedNanos);
        propose(Proposal.request(myId, c.sessionId(), r.xid(), r.opCode(), clock.wallMillis(), c.auth(), r.body(),
                r.malformed(), receivedNanos));
        return null;
    }

    // ---------------------------------------------------------------------------------------------------
    // Apply: every proposal, in order; the only way the tree changes

    /**
     * Applies a proposal: prepares its transaction against the tree as it is now (so every member computes the
     * same one), logs and applies it, and answers the client if it is this member's.
     */
    void apply(Proposal p) throws IOException {
        switch (p.kind()) {
            case Proposal.CREATE_SESSION -> applyCreateSession(p);
            case Proposal.CLOSE_SESSION, Proposal.EXPIRE_SESSION -> applyCloseSession(p);
            case Proposal.MOVE_SESSION -> applyMoveSession(p);
            case Proposal.IMPORT -> applyImport(p);
            case Proposal.RECONFIG_FAILED -> applyReconfigFailed(p);
            default -> applyRequest(p);
        }
        if (p.kind() != Proposal.IMPORT) {
            imports.applied(tree);
        }
    }

    /**
     * The connection that sent {@code p}, when it is this member's and still open, else null. In an ensemble the
     * session's connection now may be a later one — its client reconnected here while {@code p} was in the log —
     * and then the answer has no connection to go to ({@link SessionOrder#sent}); standalone, a proposal is applied
     * while its request is handled.
     */
    private Connection origin(Proposal p) {
        if (p.origin() != myId) {
            return null;
        }
        Connection c = bySession.get(p.session());
        if (c == null || c.gone()) {
            return null;
        }
        return broadcast == null || order.sent(c, p.cxid()) ? c : null;
    }

    private void applyRequest(Proposal p) throws IOException {
        Connection c = origin(p);
        Reply reply = transact(p);
        if (c != null) {
            if (reply != null && reply.err() == ErrorCode.SESSION_MOVED) {
                moved(c);
                return;
            }
            if (reply != null && reply != LATER) {
                reply(c, p.opCode(), reply, receivedNanos(c, p));
            }
            if (broadcast != null) {
                answerDeferred(c, p.cxid());
            }
        }
    }

    /** The request's transaction, logged and applied; returns the reply for its client. */
    private Reply transact(Proposal p) throws IOException {
        if (p.opCode() == OpCode.SYNC) {
            if (!mayWrite(p)) {
                return new Reply(p.cxid(), tree.lastZxid(), ErrorCode.SESSION_MOVED, null);
            }
            // A sync in the log: written before 2026-12-07, when a sync was an entry (now it is answered out of the
            // log, #sync). Such an entry still in a member's log is answered as then: everything before it is applied.
            return new Reply(p.cxid(), tree.lastZxid(), ErrorCode.OK,
                    new org.apache.zookeeper.proto.SyncResponse(((org.apache.zookeeper.proto.SyncRequest) p.body())
                            .getPath()));
        }
        if (p.session() == 0 && p.opCode() == OpCode.DELETE_CONTAINER
                && !ContainerReaper.due(tree, ((DeleteContainerRecord) p.body()).getPath(), p.time())) {
            // The leader's reaper decided on the tree as it was; a write applied since (a child, a changed TTL node,
            // a node deleted and made again) makes the node live. Every member drops the proposal alike, without a
            // zxid. (ZooKeeper's leader checks only NotEmpty and the node's type again, so it deletes such a node.)
            return null;
        }
        Op.Write op = (Op.Write) ops.get(p.opCode());
        long zxid = Zxids.next(term, tree.lastZxid());
        TxnHeader hdr = new TxnHeader(p.session(), p.cxid(), zxid, p.time(), p.opCode());
        Record txn;
        if (p.session() != 0 && !tree.sessions().containsKey(p.session())) {
            // In an ensemble a proposal can come after its session's close: its member's Raft client retried it
            // past a leader change. ZooKeeper's PrepRequestProcessor checks the session first
            // (SessionExpiredException), and logs the error under the zxid it took; so does every member here.
            hdr.setType(OpCode.ERROR);
            txn = new ErrorTxn(ErrorCode.SESSION_EXPIRED);
        } else if (p.malformed()) {
            // A malformed multi still takes a zxid: ZooKeeper logs it as an error txn under the next one.
            hdr.setType(OpCode.ERROR);
            txn = new ErrorTxn(ErrorCode.MARSHALLING_ERROR);
        } else if (!mayWrite(p)) {
            // The session moved to another member after this one proposed the write: ZooKeeper's leader logs
            // SessionMoved as an error txn under the zxid the write took (PrepRequestProcessor.checkSession).
            hdr.setType(OpCode.ERROR);
            txn = new ErrorTxn(ErrorCode.SESSION_MOVED);
        } else if (p.opCode() == OpCode.RECONFIG) {
            try {
                List<Peer> target = ReconfigOp.plan((ReconfigRequest) p.body(), new ReconfigOp.Ensemble(
                        config.reconfigEnabled(), broadcast != null, membership.pending() != null,
                        membership.members(), configVersion), tree, p.auth());
                beginReconfig(p, target);
                return LATER;
            } catch (OpError e) {
                hdr.setType(OpCode.ERROR);
                txn = new ErrorTxn(e.code());
            }
        } else {
            try {
                Prepared prepared = op.prepare(new Prep(tree, p.session(), p.auth(), zxid, p.time(),
                        config.enforceQuota(), config.security().schemes(), metrics::quotaExceeded), p.body());
                hdr.setType(prepared.type());
                txn = prepared.txn();
            } catch (OpError e) {
                Connection origin = origin(p);
                if (e.code() == ErrorCode.MARSHALLING_ERROR && origin != null) {
                    logMalformed(origin, p.opCode());
                }
                if (!e.takesZxid()) {
                    return new Reply(p.cxid(), tree.lastZxid(), e.code(), null);
                }
                hdr.setType(OpCode.ERROR);
                txn = new ErrorTxn(e.code());
            }
        }
        Applied a = commit(hdr, txn);
        if (hdr.getType() == OpCode.MULTI) {
            // A multi that failed still answers 0 in the header; its results say which op failed.
            return new Reply(p.cxid(), zxid, ErrorCode.OK, op.reply(a));
        }
        if (a.err() != ErrorCode.OK) {
            return new Reply(p.cxid(), zxid, a.err(), null);
        }
        return new Reply(p.cxid(), zxid, ErrorCode.OK, op.reply(a));
    }

    // ---------------------------------------------------------------------------------------------------
    // Reconfig: checked when applied (ReconfigOp), taken by Ratis, made a transaction when the log says so

    /**
     * A reconfig passed its checks on every member: it is pending everywhere (a second one gets
     * ReconfigInProgress), and the member its client is connected to hands the new members to Ratis. Replies to
     * that connection's later requests wait behind it ({@link Membership#hold}).
     */
    private void beginReconfig(Proposal p, List<Peer> target) {
        membership.begin(new Membership.Pending(p, term, target), origin(p));
        LOG.info("Reconfig from session 0x{} to members {}: checked, handed to the ensemble",
                Long.toHexString(p.session()), target.stream().map(Peer::id).toList());
        if (p.origin() != myId) {
            return;
        }
        broadcast.reconfigure(target).whenComplete((ok, failure) -> {
            if (failure != null) {
                submit(new Event.Task(() -> reconfigRefused(p, failure)));
            }
        });
    }

    /**
     * Ratis did not take this member's reconfig. Every member must end it alike, so the outcome goes through the
     * log: ZooKeeper's error code, or ConnectionLoss when the outcome is unknown (the request may yet be taken).
     */
    private void reconfigRefused(Proposal p, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        int code = cause instanceof Broadcast.ReconfigFailure f ? f.code() : ErrorCode.CONNECTION_LOSS;
        LOG.warn("Reconfig from session 0x{} was not taken by the ensemble: {}", Long.toHexString(p.session()),
                cause.toString());
        try {
            propose(Proposal.reconfigFailed(myId, p.session(), p.cxid(), code, clock.wallMillis()));
        } catch (IOException e) {
            fail(e);
        }
    }

    /** A pending reconfig ends as an error transaction (or, its outcome unknown, with its connection closed). */
    private void applyReconfigFailed(Proposal p) throws IOException {
        Membership.Pending r = membership.pending();
        if (r == null || r.proposal().origin() != p.origin() || r.proposal().session() != p.session()
                || r.proposal().cxid() != p.cxid()) {
            return; // already ended: Ratis took it after all, or a new leader's term ended it
        }
        Connection c = membership.connection();
        List<Membership.Held> held = membership.end();
        if (p.timeout() == ErrorCode.CONNECTION_LOSS) {
            closeUnanswered(c);
            return;
        }
        TxnHeader hdr = new TxnHeader(p.session(), p.cxid(), Zxids.next(term, tree.lastZxid()), p.time(),
                OpCode.ERROR);
        Applied a = commit(hdr, new ErrorTxn(p.timeout()));
        answerReconfig(c, r.proposal(), new Reply(p.cxid(), a.zxid(), p.timeout(), null), held);
    }

    /**
     * The Raft configuration at this point of the log (a stable one). New members make a reconfig transaction —
     * ZooKeeper's: a setData of {@code /zookeeper/config} with version −1, whose zxid is the configuration's
     * version — answering the reconfig that asked for them. The same members again are a new leader's first entry;
     * a reconfig still pending then has an unknown outcome, as when ZooKeeper's leader goes, and its client's
     * connection closes.
     */
    private void configured(List<Peer> now, long entryTerm) throws IOException {
        if (config.quorum() == null) {
            return;
        }
        term = entryTerm;
        if (!membership.known()) {
            // the log's first word on the members (its first entry, on a member that replays it from the start):
            // no change, on every member alike
            membership.change(now);
            return;
        }
        Membership.Pending r = membership.pending();
        if (membership.same(now)) {
            if (r != null && entryTerm > r.term()) {
                Connection c = membership.connection();
                membership.end();
                closeUnanswered(c);
            }
            return;
        }
        boolean asked = r != null && Membership.alike(r.target(), now);
        Proposal q = asked ? r.proposal() : null;
        long zxid = Zxids.next(term, tree.lastZxid());
        byte[] data = Quorum.configData(now, myId, null, zxid).getBytes(StandardCharsets.UTF_8);
        TxnHeader hdr = new TxnHeader(q != null ? q.session() : 0, q != null ? q.cxid() : 0, zxid,
                q != null ? q.time() : lastProposalTime, OpCode.RECONFIG);
        Applied a = commit(hdr, new SetDataTxn("/zookeeper/config", data, -1));
        membership.change(now);
        configVersion = zxid;
        LOG.info("The ensemble's members are now {} (configuration version 0x{})",
                now.stream().map(Peer::id).toList(), Long.toHexString(zxid));
        if (config.configFile() != null) {
            DynamicConfigFile.write(config.configFile(), data, zxid);
        }
        if (asked) {
            Connection c = membership.connection();
            List<Membership.Held> held = membership.end();
            answerReconfig(c, q, new Reply(q.cxid(), zxid, ErrorCode.OK, new GetDataResponse(data, a.stat())),
                    held);
        }
        if (!membership.contains(myId)) {
            stopServing("a reconfig removed this member from the ensemble");
        }
    }

    private void answerReconfig(Connection c, Proposal p, Reply reply, List<Membership.Held> held) {
        if (c == null || c.gone() || bySession.get(p.session()) != c) {
            return;
        }
        reply(c, OpCode.RECONFIG, reply, receivedNanos(c, p));
        for (Membership.Held h : held) {
            reply(c, h.opCode(), h.reply(), h.receivedNanos());
        }
    }

    /** A request whose outcome this member cannot know: its client sees ConnectionLoss, as with ZooKeeper. */
    private void closeUnanswered(Connection c) {
        if (c != null && !c.gone()) {
            forget(c);
            outbox.closeAfter(c);
        }
    }

    /**
     * May the member that proposed {@code p} write for its session? Standalone always; in an ensemble only the
     * member the session is attached to ({@link SessionOwners}). Server-made proposals (session 0) always may.
     */
    private boolean mayWrite(Proposal p) {
        return broadcast == null || p.session() == 0 || !tree.sessions().containsKey(p.session())
                || owners.mayWrite(p.session(), p.origin());
    }

    /**
     * A write (or sync) of a session that has moved to another member: ZooKeeper's FinalRequestProcessor closes
     * the connection instead of answering (ZOOKEEPER-710: an answer would make the client and the ensemble
     * disagree on where it is attached), and the client sees ConnectionLoss.
     */
    private void moved(Connection c) {
        LOG.info("Session 0x{} moved to another member; closing its old connection from {}",
                Long.toHexString(c.sessionId()), c.remote());
        if (bySession.get(c.sessionId()) == c) {
            bySession.remove(c.sessionId());
        }
        c.unbind();
        forget(c);
        outbox.closeAfter(c);
    }

    private void applyCreateSession(Proposal p) throws IOException {
        sessions.track(p.session(), p.timeout(), clock.elapsedMillis());
        if (broadcast != null) {
            owners.attach(p.session(), p.origin());
        }
        commit(header(p), new CreateSessionTxn(p.timeout()));
        PendingConnect pending = p.origin() == myId ? pendingConnects.remove(p.session()) : null;
        if (pending != null && !pending.connection().gone()) {
            bind(pending.connection(), p.session(), pending.timeout(), pending.readOnlyByte());
            // FinalRequestProcessor's createSession: its latency is a request's, an update's, and the connection's
            // last operation is "SESS" with cxid 0
            long latency = (System.nanoTime() - pending.receivedNanos()) / 1_000_000;
            metrics.recordLatency(latency);
            metrics.requestLatency(true, latency);
            pending.connection().replied("SESS", 0, tree.lastZxid(), latency);
            outbox.add(pending.connection(), new Handshake.Response(pending.timeout(), p.session(),
                    SessionIds.password(p.session()), pending.readOnlyByte()));
        }
    }

    /**
     * A client reconnected to the proposing member with a session attached elsewhere: the session is attached
     * there now, on every member, and a touch keeps it alive (ZooKeeper's leader touches a revalidated session).
     * The proposing member answers the handshake; a session closed in the meantime is answered as expired.
     */
    private void applyMoveSession(Proposal p) {
        Session s = sessions.get(p.session());
        boolean live = tree.sessions().containsKey(p.session()) && s != null && !s.closing();
        if (live) {
            owners.attach(p.session(), p.origin());
            sessions.touch(p.session(), s.timeout(), clock.elapsedMillis());
        }
        PendingConnect pending = p.origin() == myId ? pendingConnects.remove(p.session()) : null;
        if (pending == null || pending.connection().gone()) {
            return;
        }
        Connection c = pending.connection();
        if (live) {
            bind(c, p.session(), pending.timeout(), pending.readOnlyByte());
            outbox.add(c, new Handshake.Response(pending.timeout(), p.session(), SessionIds.password(p.session()),
                    pending.readOnlyByte(), false));
        } else {
            LOG.info("Invalid session 0x{} for client {}, probably expired", Long.toHexString(p.session()),
                    c.remote());
            outbox.add(c, Handshake.Response.invalid(pending.readOnlyByte()));
            outbox.closeAfter(c);
        }
    }

    /** A piece of a data directory's snapshot; the last one of an import into an empty ensemble installs it. */
    private void applyImport(Proposal p) throws IOException {
        DataTree imported = imports.apply(p, tree, myId);
        if (imported != null) {
            install(imported, new SessionOwners(), term, false);
        }
    }

    /** The closeSession transaction: the session's ephemerals go with it, and its connection here closes. */
    private void applyCloseSession(Proposal p) throws IOException {
        Connection c = bySession.get(p.session());
        sessions.setClosing(p.session());
        Applied a = commit(header(p), new CloseSessionTxn(new ArrayList<>(tree.ephemerals(p.session()))));
        sessions.remove(p.session());
        owners.remove(p.session());
        if (c != null) {
            bySession.remove(p.session());
            c.unbind();
            if (p.kind() == Proposal.CLOSE_SESSION && p.origin() == myId && !c.gone()) {
                reply(c, OpCode.CLOSE_SESSION, new Reply(p.cxid(), a.zxid(), a.err(), null), receivedNanos(c, p));
            }
            outbox.closeAfter(c);
            forget(c);
        }
    }

    private TxnHeader header(Proposal p) {
        return new TxnHeader(p.session(), p.cxid(), Zxids.next(term, tree.lastZxid()), p.time(), p.opCode());
    }

    /** Nothing of {@code c} waits any more: its connection closed, or its session closed or moved. */
    private void forget(Connection c) {
        order.forget(c);
        syncs.forget(c);
    }

    /** After {@code c}'s write {@code xid} is applied here: the reads that waited for it are answered now. */
    private void answerDeferred(Connection c, int xid) {
        for (SessionOrder.Deferred d : order.applied(c, xid)) {
            Op op = ops.get(d.request().opCode());
            reply(c, d.request().opCode(), read(c, (Op.Read) op, d.request()), d.receivedNanos());
        }
    }

    /**
     * A proposal the log did not take (the ensemble lost its leader and the retries ran out): its client cannot
     * know whether it happened, exactly as when ZooKeeper loses the connection, so the connection closes and the
     * client's ConnectionLoss says so.
     */
    private void rejected(Proposal p, Throwable cause) {
        if (p.kind() == Proposal.IMPORT) {
            LOG.warn("A piece of this member's import was not committed ({}); it is proposed again at the next"
                    + " leader", cause.toString());
            imports.rejected();
            return;
        }
        LOG.warn("Proposal from session 0x{} (xid {}, {}) was not committed: {}; closing its connection",
                Long.toHexString(p.session()), p.cxid(), OpCode.name(p.opCode()), cause.toString());
        PendingConnect pending = pendingConnects.remove(p.session());
        Connection c = pending != null ? pending.connection() : origin(p);
        if (c != null) {
            forget(c);
            outbox.closeAfter(c);
        }
    }

    /**
     * Deletes an empty container or an expired TTL node ({@link ContainerReaper}, which runs only where this
     * server leads). Standalone, the deleteContainer transaction is made at once, on the tree the reaper just
     * checked. In an ensemble it is proposed, as ZooKeeper's leader submits a deleteContainer request, and every
     * member checks it again when it applies it (deleteContainer's own checks: still a container, still empty).
     */
    void reap(String path) throws IOException {
        if (broadcast == null) {
            commit(new TxnHeader(0, 0, Zxids.next(term, tree.lastZxid()), clock.wallMillis(), OpCode.DELETE_CONTAINER),
                    new org.apache.zookeeper.txn.DeleteTxn(path));
        } else {
            propose(Proposal.request(myId, 0, 0, OpCode.DELETE_CONTAINER, clock.wallMillis(), List.of(),
                    new DeleteContainerRecord(path), false, 0));
        }
    }

    /**
     * Log, apply, fire: the three steps every transaction takes, in that order. It is counted before it is
     * appended: from then on a failure stops the server ({@link #handleSafely}).
     */
    private Applied commit(TxnHeader hdr, Record txn) throws IOException {
        txnsInBatch++;
        log.append(hdr, txn);
        Applied a = tree.apply(hdr, txn);
        for (Change change : a.changes()) {
            String namespace = topNamespace(change.path());
            if (namespace != null) {
                metrics.observe("write_per_namespace", namespace, change.writeBytes()); // DataTree.updateWriteStat
            }
            watches.fire(change, hdr.getZxid(), this::deliver);
        }
        return a;
    }

    private void deliver(Watcher w, Notification event, List<ACL> acl) {
        Connection c = (Connection) w;
        if (c.gone() || !Acls.allows(acl, AclCache.Perms.READ, c.auth())) {
            return;
        }
        outbox.add(c, event);
    }

    /**
     * auth (100): "digest" adds the client's digest id (and "super" when it matches the configured super
     * digest); "ip" adds its address. Any other scheme fails, and ZooKeeper then closes the connection. The
     * reply carries zxid 0, as {@code ZooKeeperServer.processPacket} sends it.
     */
    private Reply auth(Connection c, Request r) {
        AuthPacket p = (AuthPacket) r.body();
        String scheme = p == null ? null : p.getScheme();
        if (DigestAuth.SCHEME.equals(scheme)) {
            String digest = DigestAuth.digest(new String(p.getAuth(), StandardCharsets.UTF_8));
            if (digest.equals(config.superDigest())) {
                c.addAuth(new Id("super", ""));
            }
            c.addAuth(new Id(DigestAuth.SCHEME, digest));
            return new Reply(r.xid(), 0, ErrorCode.OK, null);
        }
        if ("ip".equals(scheme)) {
            c.addAuth(new Id("ip", c.remote().getAddress().getHostAddress()));
            return new Reply(r.xid(), 0, ErrorCode.OK, null);
        }
        LOG.warn("No authentication provider for scheme: {}; closing connection from {}", scheme, c.remote());
        outbox.closeAfter(c);
        return new Reply(r.xid(), 0, ErrorCode.AUTH_FAILED, null);
    }

    /**
     * {@code AuthenticationHelper.enforceAuthentication}: with {@code enforce.auth.enabled} (or
     * {@code sessionRequireClientSASLAuth}), any request but auth and sasl — pings too — from a connection with no
     * id of an enforced scheme is answered SessionClosedRequireAuth (-124) and the connection closes.
     */
    private boolean authenticatedEnough(Connection c, Request r) {
        List<String> required = config.security().enforceSchemes();
        if (required.isEmpty()) {
            return true;
        }
        for (Id id : c.auth()) {
            if (required.contains(id.getScheme())) {
                return true;
            }
        }
        LOG.error("Client authentication scheme(s) {} does not match with any of the expected authentication scheme"
                + " {}, closing session.", c.auth().stream().map(Id::getScheme).toList(), required);
        reply(c, r.opCode(), new Reply(r.xid(), 0, ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH, null), System.nanoTime());
        outbox.closeAfter(c);
        return false;
    }

    /**
     * sasl (102), {@code ZooKeeperServer.processSasl}: one step of the exchange; when it completes, the client is
     * "sasl:" + its authorization id (and "super" if {@code zookeeper.superUser} names it). A failed exchange is
     * AuthFailed (SessionClosedRequireAuth when SASL is required) and closes the connection, unless
     * {@code allowSaslFailedClients} keeps it. Without SASL configured the client gets an empty token and carries
     * on, as from ZooKeeper, whose missing SASL server ends in its NullPointerException branch.
     */
    private Reply sasl(Connection c, Request r) {
        if (saslAuth == null) {
            LOG.error("Session 0x{}: SASL token received, but SASL is not configured",
                    Long.toHexString(c.sessionId()));
            return new Reply(r.xid(), 0, ErrorCode.OK, new SetSASLResponse(null));
        }
        GetSASLRequest p = (GetSASLRequest) r.body();
        byte[] token = p == null || p.getToken() == null ? new byte[0] : p.getToken();
        byte[] answer;
        try {
            if (c.sasl() == null) {
                c.sasl(saslAuth.newServer());
            }
            answer = c.sasl().evaluateResponse(token);
            if (c.sasl().isComplete()) {
                String id = c.sasl().getAuthorizationID();
                LOG.info("Session 0x{}: adding SASL authorization for authorizationID: {}",
                        Long.toHexString(c.sessionId()), id);
                c.addAuth(new Id(SaslAuth.SCHEME, id));
                if (saslAuth.isSuper(id)) {
                    c.addAuth(new Id("super", ""));
                    LOG.info("Session 0x{}: Authenticated Id '{}' as super user", Long.toHexString(c.sessionId()),
                            id);
                }
            }
        } catch (SaslException | RuntimeException e) {
            boolean required = config.security().saslRequired();
            if (config.security().sasl().allowFailed() && !required) {
                LOG.warn("Client {} failed to SASL authenticate: {}; keeping its connection"
                        + " (allowSaslFailedClients)", c.remote(), e.getMessage());
                return new Reply(r.xid(), 0, ErrorCode.OK, new SetSASLResponse(null));
            }
            LOG.warn("Client {} failed to SASL authenticate: {}; closing its connection", c.remote(), e.getMessage());
            outbox.closeAfter(c);
            return new Reply(r.xid(), 0, required ? ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH : ErrorCode.AUTH_FAILED,
                    new SetSASLResponse(null));
        }
        return new Reply(r.xid(), 0, ErrorCode.OK, new SetSASLResponse(answer));
    }

    /** The short operation names cons prints as lop ({@code FinalRequestProcessor.lastOp}). */
    private static String lastOpName(int op) {
        return switch (op) {
            case OpCode.PING -> "PING";
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL -> "CREA";
            case OpCode.DELETE -> "DELE";
            case OpCode.SET_DATA -> "SETD";
            case OpCode.EXISTS -> "EXIS";
            case OpCode.GET_DATA -> "GETD";
            case OpCode.GET_CHILDREN, OpCode.GET_CHILDREN2 -> "GETC";
            case OpCode.GET_ACL -> "GETA";
            case OpCode.SET_ACL -> "SETA";
            case OpCode.MULTI -> "MULT";
            case OpCode.MULTI_READ -> "MLTR";
            case OpCode.SYNC -> "SYNC";
            case OpCode.SET_WATCHES -> "SETW";
            case OpCode.SET_WATCHES2 -> "STW2";
            case OpCode.ADD_WATCH -> "ADDW";
            case OpCode.CHECK_WATCHES -> "CHKW";
            case OpCode.REMOVE_WATCHES -> "REMW";
            case OpCode.CLOSE_SESSION -> "CLOS";
            case OpCode.WHO_AM_I -> "HOMI";
            case OpCode.GET_EPHEMERALS -> "GETE";
            case OpCode.GET_ALL_CHILDREN_NUMBER -> "GETACN";
            default -> "NA";
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // OpContext, and what reports read (processor thread only)

    @Override
    public DataTree tree() {
        return tree;
    }

    @Override
    public WatchManager watches() {
        return watches;
    }

    @Override
    public void notify(Caller caller, Notification event) {
        outbox.add((Connection) caller, event);
    }

    public SessionTracker sessions() {
        return sessions;
    }

    public ServerConfig config() {
        return config;
    }

    public ServerClock clock() {
        return clock;
    }

    public ServerMetrics metrics() {
        return metrics;
    }
}
