package dev.keeper.server.quorum;

import dev.keeper.server.config.Peer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's quick answer to a leader whose process is gone. ZooKeeper's followers see the leader's socket close
 * and elect at once; a Ratis follower waits out its election timer, which sleeps a whole random timeout (one to
 * two ticks) between looks ({@code FollowerState}), so a kill -9 of the leader cost two to eight seconds of writes
 * at tickTime 2000. Here, once the leader has been silent for a quarter tick (it sends a heartbeat each half tick),
 * the follower tries its Raft port: a connection refused means nothing listens there any more, and the follower
 * stands for election at once, as Ratis does when a leader hands over leadership ({@code startLeaderElection}: no pre-vote, the next term, which the
 * other members grant to a candidate whose log is as long as theirs). A leader that answers, or does not answer
 * at all (paused, or its host gone), is left to the election timer, as before.
 *
 * <p>Followers take turns, by id, a quarter tick apart, so that two do not split the vote. Before it stands, a
 * follower asks the other voters where their logs end ({@link LogEnds}), and lets its turn pass if one's is longer:
 * that one would refuse it its vote, and the refused candidacy would still raise that voter's term and leave it
 * with no leader to name, so that it could not stand this way itself and would wait out its election timer (one
 * kill of seven in a benchmark run gave a gap of 4.4 s where the others took 1.1). The voter with the longest log
 * stands at its own turn. A voter that does not answer is taken to have no longer log.
 */
final class LeaderProbe {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderProbe.class);

    private final RaftPeerId me;
    private final long myId;
    private final int tickMs;
    private final Supplier<List<Peer>> members;
    private final LogEnds logEnds;
    /** The term this member last stood in on its own: once a term. */
    private long stoodInTerm = -1;
    /** The leader's silence at the last check, and how long a silence the next probe waits for. */
    private long lastQuietMs;
    private long nextProbeAtQuietMs;

    /** Where another member's Raft log ends, as it says: null if it does not answer. */
    interface LogEnds {
        TermIndex lastEntry(long memberId);
    }

    LeaderProbe(long myId, int tickMs, Supplier<List<Peer>> members, LogEnds logEnds) {
        this.me = RaftPeerId.valueOf(Long.toString(myId));
        this.myId = myId;
        this.tickMs = tickMs;
        this.members = members;
        this.logEnds = logEnds;
    }

    /** How often {@link #check} should run, ms. */
    long periodMs() {
        return Math.max(10, tickMs / 10);
    }

    /**
     * How long this member waits after the leader's last word before it tries the leader's port: a quarter tick,
     * and a quarter tick more for each voting member with a smaller id (the leader left out); -1 if it does not vote.
     */
    static long patienceMs(long myId, long leaderId, List<Peer> members, int tickMs) {
        long rank = 0;
        boolean voter = false;
        for (Peer p : members) {
            if (p.observer() || p.id() == leaderId) {
                continue;
            }
            if (p.id() == myId) {
                voter = true;
            } else if (p.id() < myId) {
                rank++;
            }
        }
        // a leader with nothing to send sends a heartbeat every half tick (half Ratis's shortest election
        // timeout): a quarter tick of silence is worth one look, a TCP connection opened and closed (an idle
        // ensemble's first follower makes about one a heartbeat; under writes the leader is never that quiet)
        return voter ? (rank + 1) * Math.max(1, tickMs / 4) : -1;
    }

    /** The watcher's thread: stands for election if the leader has gone quiet and its port refuses connections. */
    void check(RaftServer server, RaftServer.Division division, RaftGroupId group) {
        var info = division.getInfo();
        RaftPeerId leader = info.getLeaderId();
        if (!info.isFollower() || leader == null || leader.equals(me)) {
            return;
        }
        var role = info.getRoleInfoProto();
        if (!role.hasFollowerInfo() || role.getFollowerInfo().getOutstandingOp() != 0) {
            return; // still working through something the leader sent: it has heard from it
        }
        long quietMs = role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
        long leaderId;
        try {
            leaderId = Long.parseLong(leader.toString());
        } catch (NumberFormatException notOurs) {
            return;
        }
        List<Peer> now = members.get();
        long patience = patienceMs(myId, leaderId, now, tickMs);
        long term = info.getCurrentTerm();
        if (quietMs < lastQuietMs) {
            nextProbeAtQuietMs = 0; // the leader spoke since: a new silence
        }
        lastQuietMs = quietMs;
        if (patience < 0 || term == stoodInTerm || quietMs < Math.max(patience, nextProbeAtQuietMs)) {
            return;
        }
        // one probe per patience of one silence: a leader that answers is asked again only after as long again
        nextProbeAtQuietMs = quietMs + patience;
        Peer l = now.stream().filter(p -> p.id() == leaderId).findFirst().orElse(null);
        if (l == null || !refuses(l)) {
            return;
        }
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        if (last == null) {
            return;
        }
        long ahead = longerLog(myId, leaderId, now, last, logEnds);
        if (ahead > 0) {
            LOG.info("Leader {} has said nothing for {} ms and its Raft port {} refuses connections, but member {}"
                    + " has a longer log than this member's {}: its turn to stand", leaderId, quietMs,
                    l.quorumAddress(), ahead, last);
            return;
        }
        stoodInTerm = term;
        LOG.info("Leader {} has said nothing for {} ms and its Raft port {} refuses connections: standing for"
                + " election (term {})", leaderId, quietMs, l.quorumAddress(), term);
        // the request a leader sends when it hands over leadership, as if from the leader this member follows
        StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(me.toByteString())
                        .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(group.toByteString())))
                .setLeaderLastEntry(last.toProto())
                .build();
        try {
            if (!server.startLeaderElection(request).getServerReply().getSuccess()) {
                LOG.info("Standing for election was refused; the election timer will do it");
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("Could not stand for election: {}", e.toString());
        }
    }

    /**
     * A voter other than this member and the leader whose log ends after {@code mine}, or -1 if none says so. The
     * one with the longest log wins an election, since each voter refuses a candidate whose log is shorter than its
     * own (Raft's rule, Ratis's {@code ServerState.compareLog}).
     */
    static long longerLog(long myId, long leaderId, List<Peer> members, TermIndex mine, LogEnds logEnds) {
        for (Peer p : members) {
            if (p.observer() || p.id() == leaderId || p.id() == myId) {
                continue;
            }
            TermIndex theirs = logEnds.lastEntry(p.id());
            if (theirs != null && theirs.compareTo(mine) > 0) {
                return p.id();
            }
        }
        return -1;
    }

    /** True if nothing listens on the peer's Raft port (a refused connection); false if it answers or times out. */
    private boolean refuses(Peer p) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(p.host(), p.quorumPort()), (int) Math.max(20, tickMs / 10));
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException unknown) {
            return false;
        }
    }
}
