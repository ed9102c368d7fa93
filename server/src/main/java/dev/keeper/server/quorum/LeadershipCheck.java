package dev.keeper.server.quorum;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The leader's answer to a sync: the commit index it had when the sync reached it, given only once a majority of
 * the voting members has answered an AppendEntries sent after that (the read index of the Raft paper, section
 * 6.4). A member that has applied up to that index has every write acknowledged anywhere before the sync was sent.
 *
 * <p>ZooKeeper's leader answers a sync at once, without asking anyone: a leader that was paused (SIGSTOP) while the
 * others elected a new one answers from its old state when it resumes, and a 3.9.5 ensemble did so in our fault
 * tests, with data 5 s old. Ratis 3.1.3's own read index has the same hole: {@code
 * ReadIndexHeartbeats.addAppendEntriesListener} answers at once when the index is not above one a majority
 * acknowledged at any time before, which a resumed leader's is, as it has committed nothing since. Nor could its
 * leader lease stand in: the time it counts from is updated by every answer, a NOT_LEADER answer from a member of
 * a newer term included ({@code GrpcLogAppender.AppendLogResponseHandler.onNext}). So the round here is its own:
 * it counts only successful answers (a member answers success only in the leader's own term) to requests whose
 * call id is not below the one the appender was at when the sync came, that is, requests built after it.
 *
 * <p>The answers reach it through {@link #tap}, which wraps the leader state each appender reports to. A round asks
 * each appender for one request built after it began ({@link PromptCommitAppender#confirmFrom}): a heartbeat when
 * there are no entries to send. One round is out at a time, and the syncs that come meanwhile share the next
 * ({@link SharedQuestion}). No log entry, no disk, nothing for the followers to apply.
 */
final class LeadershipCheck {
    /** The appender of each follower, the latest one made; an appender of a term that ended is not running. */
    private final Map<RaftPeerId, PromptCommitAppender> appenders = new ConcurrentHashMap<>();
    /** Rounds waiting for a majority; guarded by this. */
    private final List<Round> rounds = new ArrayList<>();
    private final long timeoutMs;

    /** @param timeoutMs how long a round may wait for a majority before its sync fails */
    LeadershipCheck(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** A new appender, for a follower of a term this member now leads. */
    void started(PromptCommitAppender appender) {
        appenders.put(appender.getFollowerId(), appender);
    }

    /**
     * The leader's commit index once a majority has confirmed that {@code division} still leads in its term; fails
     * if it does not lead, or no majority answers within the timeout. Called as a sync reaches the leader.
     */
    CompletableFuture<Long> confirm(RaftServer.Division division) {
        if (!division.getInfo().isLeader() || !division.getInfo().isLeaderReady()) {
            return CompletableFuture.failedFuture(new NotLeaderException(division.getMemberId(), null, List.of()));
        }
        // Taken before the round: every write acknowledged before the sync was sent is committed by now, and the
        // leader's commit index is at least its index (a member applies an entry only once the leader says it is
        // committed). A leader that is ready has committed an entry of its own term.
        long commitIndex = division.getRaftLog().getLastCommittedIndex();
        Round round = new Round(commitIndex, division.getId(), division.getRaftConf());
        if (round.confirmed()) {
            return CompletableFuture.completedFuture(commitIndex); // a voter alone
        }
        List<PromptCommitAppender> ask = new ArrayList<>();
        synchronized (this) {
            // Registered before the call ids are read, under the lock the answers are counted under: an answer to
            // a request built from here on cannot slip past the round.
            rounds.add(round);
            for (PromptCommitAppender a : appenders.values()) {
                if (a.isRunning()) {
                    round.from.put(a, a.getCallId());
                    ask.add(a);
                }
            }
        }
        for (PromptCommitAppender a : ask) {
            a.confirmFrom(round.from.get(a));
        }
        return round.answer.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((index, failure) -> {
            synchronized (this) {
                rounds.remove(round);
            }
        });
    }

    /** The rounds waiting for a majority (mntr's pending_syncs). */
    synchronized int waiting() {
        return rounds.size();
    }

    /** This member no longer leads: no round can be confirmed in its term. */
    void abandon() {
        List<Round> all;
        synchronized (this) {
            all = new ArrayList<>(rounds);
            rounds.clear();
        }
        for (Round r : all) {
            r.answer.completeExceptionally(new java.io.IOException("this member no longer leads"));
        }
    }

    /** An appender's follower answered an AppendEntries. */
    private void replied(LogAppender appender, AppendEntriesReplyProto reply) {
        if (!reply.getServerReply().getSuccess()) {
            return; // NOT_LEADER (a newer term) or INCONSISTENCY: no confirmation
        }
        List<Round> done = null;
        synchronized (this) {
            for (Round r : rounds) {
                if (r.acknowledged(appender, reply.getServerReply().getCallId())) {
                    if (done == null) {
                        done = new ArrayList<>(1);
                    }
                    done.add(r);
                }
            }
            if (done != null) {
                rounds.removeAll(done);
            }
        }
        if (done != null) {
            for (Round r : done) {
                r.answer.complete(r.commitIndex);
            }
        }
    }

    /** Waits on the answers of a majority of the voters (of both sides, while a configuration change is under way). */
    private static final class Round {
        final long commitIndex;
        final RaftPeerId self;
        final Set<RaftPeerId> current;
        final Set<RaftPeerId> previous;
        /** The call id each appender was at when the round began: only an answer to a request from it counts. */
        final Map<LogAppender, Long> from = new HashMap<>();
        final Set<RaftPeerId> acked = new HashSet<>();
        final CompletableFuture<Long> answer = new CompletableFuture<>();

        Round(long commitIndex, RaftPeerId self, RaftConfiguration conf) {
            this.commitIndex = commitIndex;
            this.self = self;
            this.current = ids(conf.getCurrentPeers());
            this.previous = ids(conf.getPreviousPeers());
            acked.add(self);
        }

        private static Set<RaftPeerId> ids(Collection<RaftPeer> peers) {
            Set<RaftPeerId> out = new HashSet<>();
            for (RaftPeer p : peers) {
                out.add(p.getId());
            }
            return out;
        }

        /** True once this answer completes a majority. */
        boolean acknowledged(LogAppender appender, long callId) {
            Long min = from.get(appender);
            if (min == null || appender.getCallIdComparator().compare(callId, min) < 0) {
                return false; // an appender made after the round began is not counted; nor is an older request
            }
            return acked.add(appender.getFollowerId()) && confirmed();
        }

        boolean confirmed() {
            return majority(current) && (previous.isEmpty() || majority(previous));
        }

        private boolean majority(Set<RaftPeerId> voters) {
            int n = 0;
            for (RaftPeerId id : voters) {
                if (acked.contains(id)) {
                    n++;
                }
            }
            return 2 * n > voters.size();
        }
    }

    /** The leader state an appender reports to, with its AppendEntries answers seen here first. */
    LeaderState tap(LeaderState leader) {
        return new LeaderState() {
            @Override
            public void restart(LogAppender appender) {
                leader.restart(appender);
            }

            @Override
            public AppendEntriesRequestProto newAppendEntriesRequestProto(FollowerInfo follower,
                    List<LogEntryProto> entries, TermIndex previous, long callId) {
                return leader.newAppendEntriesRequestProto(follower, entries, previous, callId);
            }

            @Override
            public void checkHealth(FollowerInfo follower) {
                leader.checkHealth(follower);
            }

            @Override
            public boolean onFollowerTerm(FollowerInfo follower, long followerTerm) {
                return leader.onFollowerTerm(follower, followerTerm);
            }

            @Override
            public void onFollowerCommitIndex(FollowerInfo follower, long commitIndex) {
                leader.onFollowerCommitIndex(follower, commitIndex);
            }

            @Override
            public void onFollowerSuccessAppendEntries(FollowerInfo follower) {
                leader.onFollowerSuccessAppendEntries(follower);
            }

            @Override
            public boolean isFollowerBootstrapping(FollowerInfo follower) {
                return leader.isFollowerBootstrapping(follower);
            }

            @Override
            public void onAppendEntriesReply(LogAppender appender, AppendEntriesReplyProto reply) {
                replied(appender, reply);
                leader.onAppendEntriesReply(appender, reply);
            }
        };
    }
}
