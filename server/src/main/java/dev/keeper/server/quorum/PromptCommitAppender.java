package dev.keeper.server.quorum;

import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.raftlog.RaftLogIOException;

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
 */
final class PromptCommitAppender extends GrpcLogAppender {
    /** The highest commit index sent to the follower in a request it can take it from. */
    private volatile long commitSent;

    PromptCommitAppender(RaftServer.Division server, LeaderState leaderState, FollowerInfo follower) {
        super(server, leaderState, follower);
    }

    /** Due at once while the follower has a commit index to hear and nothing else will carry it. */
    @Override
    public long getHeartbeatWaitTimeMs() {
        return commitToTell() ? 0 : super.getHeartbeatWaitTimeMs();
    }

    private boolean commitToTell() {
        long committed = getRaftLog().getLastCommittedIndex();
        return committed > commitSent
                && committed > getFollower().getCommitIndex()
                && !hasAppendEntries()
                && !hasPendingDataRequests();
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
            throws RaftLogIOException {
        AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
        if (request != null && (request.getEntriesCount() > 0 || request.hasPreviousLog())) {
            commitSent = Math.max(commitSent, request.getLeaderCommit());
        }
        return request;
    }
}
