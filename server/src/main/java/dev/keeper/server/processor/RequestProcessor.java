package dev.keeper.server.processor;

import dev.keeper.server.ServerClock;
import dev.keeper.server.auth.Acls;
import dev.keeper.server.auth.DigestAuth;
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
import dev.keeper.server.persist.Snapshotter;
import dev.keeper.server.persist.TxnLog;
import dev.keeper.server.session.Session;
import dev.keeper.server.session.SessionIds;
import dev.keeper.server.session.SessionTracker;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.Change;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.watch.WatchManager;
import dev.keeper.server.watch.Watcher;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.Handshake;
import dev.keeper.wire.Notification;
import dev.keeper.wire.OpCode;
import dev.keeper.wire.Reply;
import dev.keeper.wire.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.txn.CloseSessionTxn;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.apache.zookeeper.txn.ErrorTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THE processor thread: the only thread that reads or changes the tree, the watches and the sessions.
 *
 * <p>It takes events off one queue in batches. A read is answered from the tree at once. A write is checked and
 * turned into a transaction with its zxid and time fixed ({@link Op.Write#prepare}), appended to the log, and
 * applied to the tree ({@link DataTree#apply}, the one mutator); the changes it made fire watches. Replies and
 * events wait in the {@link Outbox} until the batch is durable ({@link TxnLog#commit}), then leave together, one
 * flush per connection.
 *
 * <p>Nothing here blocks on I/O, and nothing a client sends can stop the loop: a request that breaks a handler
 * is answered with MarshallingError and logged. Only the log failing stops the server, because then the tree
 * is ahead of the disk.
 *
 * <p>At 500-odd lines this is the longest class: it is the request flow, and reads top to bottom in the order
 * a request meets it.
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
    private final ServerClock clock;
    private final DataTree tree;
    private final WatchManager watches = new WatchManager();
    private final SessionTracker sessions;
    private final Ops ops = new Ops();
    private final TxnLog log;
    private final Snapshotter snapshots;
    private final ServerMetrics metrics;
    private final Runnable onFatal;
    private final Map<Long, Connection> bySession = new HashMap<>();
    private final Outbox outbox = new Outbox();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ended;
    private int txnsInBatch;

    /** {@code snapshots} is null when the server keeps no data directory. */
    public RequestProcessor(ServerConfig config, ServerClock clock, DataTree tree, TxnLog log,
            Snapshotter snapshots, ServerMetrics metrics, Runnable onFatal) {
        this.config = config;
        this.clock = clock;
        this.tree = tree;
        this.log = log;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.onFatal = onFatal;
        // A standalone ZooKeeper puts server id 1 in its session ids' top byte (ZooKeeperServer's
        // createSessionTrackerServerId); only a quorum peer uses its myid there.
        this.sessions = new SessionTracker(config.tickTime(), SessionIds.first(clock.elapsedMillis(),
                STANDALONE_SERVER_ID));
        long now = clock.elapsedMillis();
        // Sessions restored from disk get a full timeout for their clients to come back.
        tree.sessions().forEach((id, timeout) -> sessions.track(id, timeout, now));
        this.thread = new Thread(this::loop, "keeper-processor");
    }

    public void start() {
        thread.start();
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
            if (!outbox.isEmpty() || txnsInBatch > 0) {
                Outbox.Batch out = outbox.take();
                try {
                    log.commit(out::release);
                } catch (IOException fatal) {
                    fail(fatal);
                    return;
                }
            }
            if (snapshots != null) {
                snapshots.afterBatch(txnsInBatch, queue.isEmpty());
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
        } else if (e instanceof Event.Connected c) {
            connected(c.connection(), c.connect());
        } else if (e instanceof Event.Disconnected d) {
            disconnected(d.connection());
        } else if (e instanceof Event.Tick) {
            expireSessions();
        } else if (e instanceof Event.ReapContainers) {
            ContainerReaper.reap(this);
        } else if (e instanceof Event.Task t) {
            t.work().run();
        } else if (e instanceof Event.Stop) {
            running = false; // the rest of this batch is handled and committed, then the loop ends
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Sessions: connect, disconnect, expire

    private void connected(Connection c, Handshake.Connect hs) throws IOException {
        ConnectRequest req = hs.request();
        if (req.getLastZxidSeen() > tree.lastZxid()) {
            LOG.info("Refusing session(0x{}) request for client {} as it has seen zxid 0x{} our last zxid is 0x{}"
                    + " client must try another server", Long.toHexString(req.getSessionId()), c.remote(),
                    Long.toHexString(req.getLastZxidSeen()), Long.toHexString(tree.lastZxid()));
            c.close();
            return;
        }
        int timeout = Math.max(config.minSessionTimeout(), Math.min(config.maxSessionTimeout(), req.getTimeOut()));
        long now = clock.elapsedMillis();
        if (req.getSessionId() == 0) {
            Session s = sessions.create(timeout, now);
            write(s.id(), 0, OpCode.CREATE_SESSION, new CreateSessionTxn(timeout));
            bind(c, s.id(), timeout, hs.readOnlySent());
            outbox.add(c, new Handshake.Response(timeout, s.id(), SessionIds.password(s.id()), hs.readOnlySent()));
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
        if (valid) {
            bind(c, id, timeout, hs.readOnlySent());
            outbox.add(c, new Handshake.Response(timeout, id, SessionIds.password(id), hs.readOnlySent()));
        } else {
            LOG.info("Invalid session 0x{} for client {}, probably expired", Long.toHexString(id), c.remote());
            outbox.add(c, Handshake.Response.invalid(hs.readOnlySent()));
            outbox.closeAfter(c);
        }
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
        if (c.sessionId() != 0 && bySession.get(c.sessionId()) == c) {
            bySession.remove(c.sessionId());
        }
    }

    private void expireSessions() throws IOException {
        for (Session s : sessions.expire(clock.elapsedMillis())) {
            LOG.info("Expiring session 0x{}, timeout of {}ms exceeded", Long.toHexString(s.id()), s.timeout());
            closeSession(s.id(), 0);
            Connection c = bySession.remove(s.id());
            if (c != null) {
                c.unbind();
                outbox.closeAfter(c);
            }
        }
    }

    /** The closeSession transaction: the session's ephemerals go with it, and the session from the tracker. */
    private Applied closeSession(long session, int cxid) throws IOException {
        sessions.setClosing(session);
        Applied a = write(session, cxid, OpCode.CLOSE_SESSION,
                new CloseSessionTxn(new ArrayList<>(tree.ephemerals(session))));
        sessions.remove(session);
        return a;
    }

    // ---------------------------------------------------------------------------------------------------
    // Requests

    private void received(Connection c, Request r, long receivedNanos) throws IOException {
        long session = c.sessionId();
        if (session == 0 || c.gone() || !sessions.touch(session, c.sessionTimeout(), clock.elapsedMillis())) {
            // ZooKeeper drops requests of a session it no longer has (MissingSessionException).
            return;
        }
        Reply reply = switch (r.opCode()) {
            case OpCode.PING -> new Reply(OpCode.XID_PING, tree.lastZxid(), ErrorCode.OK, null);
            case OpCode.AUTH -> auth(c, r);
            case OpCode.SASL -> {
                // A server without SASL configured answers an empty token and carries on (processSasl, whose
                // missing SASL server ends in its NullPointerException branch).
                LOG.warn("Session 0x{}: SASL token received, but SASL is not configured", Long.toHexString(session));
                yield new Reply(r.xid(), 0, ErrorCode.OK, new org.apache.zookeeper.proto.SetSASLResponse(null));
            }
            case OpCode.CLOSE_SESSION -> {
                Applied a = closeSession(session, r.xid());
                bySession.remove(session);
                c.unbind();
                outbox.closeAfter(c);
                yield new Reply(r.xid(), a.zxid(), a.err(), null);
            }
            default -> request(c, r);
        };
        if (reply != null) {
            long latency = (System.nanoTime() - receivedNanos) / 1_000_000;
            metrics.recordLatency(latency);
            c.replied(lastOpName(r.opCode()), r.xid(), reply.zxid(), latency);
            outbox.add(c, reply);
        }
    }

    private Reply request(Connection c, Request r) throws IOException {
        Op op = ops.get(r.opCode());
        if (op == null) {
            LOG.warn("Received packet at server of unknown type {} from {}; closing", r.opCode(), c.remote());
            outbox.closeAfter(c);
            return new Reply(r.xid(), -1, ErrorCode.UNIMPLEMENTED, null);
        }
        if (op instanceof Op.Read read) {
            if (r.malformed()) {
                logMalformed(c, r);
                return new Reply(r.xid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR, null);
            }
            try {
                Record body = read.read(this, c, r.body());
                return new Reply(r.xid(), tree.lastZxid(), ErrorCode.OK, body);
            } catch (OpError e) {
                if (e.code() == ErrorCode.MARSHALLING_ERROR) {
                    logMalformed(c, r);
                }
                return new Reply(r.xid(), tree.lastZxid(), e.code(), e.body());
            }
        }
        return write(c, (Op.Write) op, r);
    }

    /**
     * The first malformed request of a connection gets a line; later ones are counted, and the count is logged
     * when the connection closes. ZooKeeper logs two ERROR lines (one with a stack trace) for every one, so a
     * client pipelining garbage has the processor thread writing log lines instead of answering other sessions,
     * and fills the disk: bad input costs its connection and one line.
     */
    private static void logMalformed(Connection c, Request r) {
        if (c.malformedRequest()) {
            LOG.warn("Malformed {} request from session 0x{}", OpCode.name(r.opCode()),
                    Long.toHexString(c.sessionId()));
        }
    }

    private Reply write(Connection c, Op.Write op, Request r) throws IOException {
        if (r.malformed() && r.opCode() != OpCode.MULTI) {
            // ZooKeeper logs such a request as an error txn under the current zxid, changing nothing; we answer
            // the same way without the duplicate-zxid log entry.
            logMalformed(c, r);
            return new Reply(r.xid(), tree.lastZxid(), ErrorCode.MARSHALLING_ERROR, null);
        }
        long zxid = tree.lastZxid() + 1;
        long time = clock.wallMillis();
        TxnHeader hdr = new TxnHeader(c.sessionId(), r.xid(), zxid, time, r.opCode());
        Record txn;
        if (r.malformed()) {
            // A malformed multi still takes a zxid: ZooKeeper logs it as an error txn under the next one.
            logMalformed(c, r);
            hdr.setType(OpCode.ERROR);
            txn = new ErrorTxn(ErrorCode.MARSHALLING_ERROR);
        } else {
            try {
                Prepared p = op.prepare(new Prep(tree, c.sessionId(), c.auth(), zxid, time), r.body());
                hdr.setType(p.type());
                txn = p.txn();
            } catch (OpError e) {
                if (e.code() == ErrorCode.MARSHALLING_ERROR) {
                    logMalformed(c, r);
                }
                if (!e.takesZxid()) {
                    return new Reply(r.xid(), tree.lastZxid(), e.code(), null);
                }
                hdr.setType(OpCode.ERROR);
                txn = new ErrorTxn(e.code());
            }
        }
        Applied a = commit(hdr, txn);
        if (hdr.getType() == OpCode.MULTI) {
            // A multi that failed still answers 0 in the header; its results say which op failed.
            return new Reply(r.xid(), zxid, ErrorCode.OK, op.reply(a));
        }
        if (a.err() != ErrorCode.OK) {
            return new Reply(r.xid(), zxid, a.err(), null);
        }
        return new Reply(r.xid(), zxid, ErrorCode.OK, op.reply(a));
    }

    /** A transaction the server makes itself (sessions, containers), under the next zxid. */
    Applied write(long session, int cxid, int type, Record txn) throws IOException {
        return commit(new TxnHeader(session, cxid, tree.lastZxid() + 1, clock.wallMillis(), type), txn);
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
