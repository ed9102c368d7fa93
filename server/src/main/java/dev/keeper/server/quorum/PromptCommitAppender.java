package dev.keeper.server.quorum;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.TimeDuration;
import org.apache.ratis.util.Timestamp;

/**
 * Ratis's gRPC log appender, which also tells its follower of a new commit index at once, in an empty
 * AppendEntries (a heartbeat), when it has no entry to send that would carry it.
 *
 * <p>A follower applies an entry only once it hears that the entry is committed, and Ratis 3.1.3's appender sends the
 * leader's commit index only with entries or with the heartbeat due every half tick. A client writing one request
 * at a time through a follower would wait up to half a tick per write. Ratis's own remedy is a commit-index entry in
 * the log ({@code raft.server.log.log-metadata.enabled}): a second log entry per write, forced to disk on every
 * member and sent in a second AppendEntries round trip, which the next write's entries then queue behind (one
 * AppendEntries is in flight per follower). A heartbeat costs one message and no disk. ZooKeeper's leader does
 * the same: a COMMIT packet to each follower, logged nowhere.
 *
 * <p>Told once per commit index, and only when the follower has no AppendEntries in flight: a heartbeat sent then
 * carries no previous entry, and Ratis's follower takes no commit index from it.
 *
 * <p>A follower that has left the last thing it was sent unanswered for a twentieth of a tick (it is down, paused,
 * cut off, or slow) gets one empty AppendEntries per twentieth of a tick, and nothing else, until it answers.
 * Ratis's appender wakes for every entry the leader appends and sends the follower a fresh batch each time; to a
 * stopped member that was a hundred failed calls a second under write load, each a WARN line in the leader's log
 * and each batch read from the log for nothing. When the writes stopped it waited by its retry policy instead, up
 * to five seconds (7.5 with its jitter) between tries, and a member restarted in that time waited that long before
 * the leader found it: catch-up took 4 to 6 s where ZooKeeper's took 1.5, whose followers connect to their leader
 * as soon as they start. The probe's answer tells the leader where the follower's log ends, and entries follow at
 * once; with no writes the leader's wait for its next probe is the probe interval too, not a heartbeat interval
 * ({@link #getHeartbeatWaitTimeMs}). (While an AppendEntries is in flight the appender sends only heartbeats
 * anyway, one AppendEntries being in flight per follower, so a slow follower gets nothing less than it would
 * have.) Nor is such a follower sent a
 * snapshot until it answers: the leader would read the snapshot in chunks for a member that is not there, again
 * and again once its log had been purged past the follower's place, and under a million znodes that ran a
 * 512 MB leader out of heap.
 *
 * <p>And it sends a request at once when a sync's leadership round asks for one built from now on ({@link
 * #confirmFrom}, {@link LeadershipCheck}): a heartbeat, unless entries are waiting to go anyway.
 */
final class PromptCommitAppender extends GrpcLogAppender {
    /** The highest commit index sent to the follower in a request it can take it from. */
    private volatile long commitSent;

    /** When the last request carrying entries was built, and the one before it (System.nanoTime; 0: none yet). */
    private volatile long entriesBuiltNanos;
    private volatile long previousEntriesBuiltNanos;
    /** Set when a request has just been built, for the wait before it is sent; null between two requests. */
    private volatile Boolean builtCarriesEntries;

    /**
     * The lowest call id a request must have to answer the leadership rounds waiting on this follower
     * ({@link LeadershipCheck}); -1: none waits.
     */
    private final AtomicLong confirmCallId = new AtomicLong(-1);

    /** How long a follower may leave a request unanswered before it is only probed, and how often it then is. */
    private final long probeEveryMs;
    private volatile long lastProbeNanos;
    private volatile long lastReconnectNanos;

    PromptCommitAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
        this.probeEveryMs = probeInterval(server.properties().minRpcTimeoutMs());
        this.lastProbeNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(probeEveryMs);
        this.lastReconnectNanos = lastProbeNanos;
    }

    /** A twentieth of the minimum RPC timeout (a tick), at least 5 ms. */
    static long probeInterval(long minRpcTimeoutMs) {
        return Math.max(5, minRpcTimeoutMs / 20);
    }

    /**
     * Due at once while the follower has a commit index to hear and nothing else will carry it, or a leadership
     * round waits for a request built from now on.
     */
    @Override
    public long getHeartbeatWaitTimeMs() {
        if (commitToTell() || getCallId() <= confirmCallId.get()) {
            return 0;
        }
        long wait = super.getHeartbeatWaitTimeMs();
        return wait > 0 && unanswered() ? Math.min(wait, untilNextLookMs()) : wait;
    }

    /**
     * A follower that does not answer is looked at every quarter probe interval even when the leader has nothing to
     * send: each look is a probe, when one is due, or else a reconnect of its channel ({@link
     * #newAppendEntriesRequest}). With no writes, the appender otherwise slept a heartbeat interval (half a tick)
     * between tries, and a member restarted meanwhile waited up to that long to hear from the leader, serving no
     * client until then. (Until 2026-12-07 the wait here ran to the next probe alone, so a follower of a quiet
     * ensemble, with no entries to be sent, got no reconnect between probes, and the first probe after its restart
     * failed untried.)
     */
    private long untilNextLookMs() {
        long last = Math.max(lastProbeNanos, lastReconnectNanos);
        long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
        return Math.max(0, lookEveryMs() - since);
    }

    private long lookEveryMs() {
        return Math.max(1, probeEveryMs / 4);
    }

    /**
     * A sync's leadership round waits for the follower's answer to a request with a call id of at least
     * {@code callId}: one goes at once (a heartbeat if there are no entries). Ratis's own trigger would not do: it
     * is one flag, and a request already being built when it is set clears it when it goes.
     */
    void confirmFrom(long callId) {
        confirmCallId.accumulateAndGet(callId, Math::max);
        notifyLogAppender();
    }

    private boolean commitToTell() {
        long committed = getRaftLog().getLastCommittedIndex();
        return committed > commitSent
                && committed > getFollower().getCommitIndex()
                && !hasAppendEntries()
                && !hasPendingDataRequests();
    }

    /**
     * Ratis's gap between two requests to the follower ({@code raft.server.log.appender.wait-time.min}, 1 ms), kept
     * between requests that carry entries and dropped before one that carries none. Ratis counts it from the last
     * request of any kind, so one write at a time paid it twice: its entries waited out the previous write's commit
     * heartbeat, and its own commit heartbeat waited out its entries. Ratis's own timers on three members started
     * by hand (the stock client writing one setData at a time) showed the leader taking 2.7 ms from handing an entry
     * to Ratis to applying it, where its log append took 0.3 ms and a follower's round trip 0.6. Between entries the
     * gap stays: under load it holds a follower to one AppendEntries a millisecond, each carrying what queued
     * meanwhile. (With no gap at all the benchmark's pipelined writes came out lower than in the run before; with
     * this one they came out the same, so that fall was not the gap between entries: README, Benchmark.)
     *
     * <p>Called on the appender's thread in two places: before a request is built (how long to wait for one), and
     * between building it and sending it (how long to hold it).
     */
    @Override
    protected TimeDuration getRemainingWaitTime() {
        Boolean built = builtCarriesEntries;
        builtCarriesEntries = null;
        long since;
        if (built != null) {
            if (!built) {
                return TimeDuration.ZERO;
            }
            since = previousEntriesBuiltNanos;
        } else {
            if (!hasAppendEntries() || commitToTell()) {
                return TimeDuration.ZERO;
            }
            since = entriesBuiltNanos;
        }
        if (since == 0) {
            return TimeDuration.ZERO;
        }
        return getWaitTimeMin().add(TimeDuration.valueOf(System.nanoTime() - since, TimeUnit.NANOSECONDS).negate());
    }

    /** The follower has not answered what it was last sent, for longer than the probe interval. */
    private boolean unanswered() {
        Timestamp answered = getFollower().getLastRpcResponseTime();
        return getFollower().getLastRpcSendTime().compareTo(answered) > 0 && answered.elapsedTimeMs() > probeEveryMs;
    }

    /**
     * Between two probes of a follower that does not answer: its gRPC channel tries to connect again now. A channel
     * whose last connection attempt failed fails every call at once, without trying, until a connection succeeds
     * (grpc-java's pick-first stays in TRANSIENT_FAILURE while it reconnects), and Ratis resets its backoff only
     * after a call has failed. So the first probe after a member came back failed untried, the reset after it
     * connected, and only the next probe got through: 228 to 525 ms between the member listening and the leader's
     * first AppendEntries reaching it (by hand, nine restarts; 193 to 355 after this, eight). Connecting between
     * probes, the next probe finds the connection made. At most four tries a probe interval; to a member that is
     * down each is a refused connection (or, across a network, an attempt already under way, left alone).
     */
    private void reconnectBeforeProbe(long now) {
        if (now - lastReconnectNanos < TimeUnit.MILLISECONDS.toNanos(lookEveryMs())) {
            return;
        }
        lastReconnectNanos = now;
        try {
            getServerRpc().getProxies().getProxy(getFollowerId()).resetConnectBackoff();
        } catch (java.io.IOException e) {
            // no proxy to reset: the next probe fails as it would have, and the one after tries again
        }
    }

    /** While the follower does not answer, the appender looks again within a quarter of the probe interval. */
    @Override
    public long getWaitTimeMs() {
        long wait = super.getWaitTimeMs();
        return unanswered() ? Math.min(wait, lookEveryMs()) : wait;
    }

    /** No snapshot for a follower that has not answered: it is probed until it does. */
    @Override
    public SnapshotInfo shouldInstallSnapshot() {
        return unanswered() ? null : super.shouldInstallSnapshot();
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
            throws RaftLogIOException {
        if (unanswered()) {
            long now = System.nanoTime();
            if (now - lastProbeNanos < TimeUnit.MILLISECONDS.toNanos(probeEveryMs)) {
                reconnectBeforeProbe(now);
                return null;
            }
            lastProbeNanos = now;
            heartbeat = true;
        }
        AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
        if (request == null && callId <= confirmCallId.get()) {
            // A leadership round asked for this request. Ratis built none: it asks for the heartbeat wait after
            // taking the call id, when getHeartbeatWaitTimeMs no longer says one is due, and has no entries to send.
            request = super.newAppendEntriesRequest(callId, true);
        }
        if (request != null && (request.getEntriesCount() > 0 || request.hasPreviousLog())) {
            commitSent = Math.max(commitSent, request.getLeaderCommit());
        }
        if (request != null) {
            boolean entries = request.getEntriesCount() > 0;
            if (entries) {
                previousEntriesBuiltNanos = entriesBuiltNanos;
                entriesBuiltNanos = System.nanoTime();
            }
            builtCarriesEntries = entries;
        }
        return request;
    }
}
