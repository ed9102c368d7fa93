package dev.keeper.server.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.server.config.Peer;
import java.util.List;
import java.util.Map;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

/**
 * Who stands for election first when the leader's process is gone: the voters by id, a quarter tick apart, the
 * first after a quarter tick of silence; and a voter lets its turn pass to one whose log is longer.
 */
class LeaderProbeTest {
    private static final List<Peer> FIVE = List.of(
            Peer.parse(1, "127.0.0.1:2001:3001;2181"), Peer.parse(2, "127.0.0.1:2002:3002;2182"),
            Peer.parse(3, "127.0.0.1:2003:3003;2183"), Peer.parse(4, "127.0.0.1:2004:3004:observer;2184"),
            Peer.parse(5, "127.0.0.1:2005:3005;2185"));

    @Test
    void followersTakeTurnsById_leaderAndObserversLeftOut() {
        // leader 2: voters 1, 3, 5 in that order; 4 observes
        assertEquals(500, LeaderProbe.patienceMs(1, 2, FIVE, 2000));
        assertEquals(1000, LeaderProbe.patienceMs(3, 2, FIVE, 2000));
        assertEquals(1500, LeaderProbe.patienceMs(5, 2, FIVE, 2000));
        assertEquals(-1, LeaderProbe.patienceMs(4, 2, FIVE, 2000), "an observer never stands");
        // leader 1: 2 goes first
        assertEquals(500, LeaderProbe.patienceMs(2, 1, FIVE, 2000));
        assertEquals(50, LeaderProbe.patienceMs(2, 1, FIVE, 200));
    }

    @Test
    void aTurnPassesToAVoterWithALongerLog_onlyToAVoter() {
        TermIndex mine = TermIndex.valueOf(3, 100);
        // leader 2 is gone; member 1 asks 3 and 5 (4 observes, and is not asked)
        Map<Long, TermIndex> ends = Map.of(3L, TermIndex.valueOf(3, 100), 4L, TermIndex.valueOf(3, 500),
                5L, TermIndex.valueOf(3, 101));
        assertEquals(5, LeaderProbe.longerLog(1, 2, FIVE, mine, ends::get));
        assertEquals(-1, LeaderProbe.longerLog(5, 2, FIVE, TermIndex.valueOf(3, 101), ends::get),
                "an equal log or a shorter one leaves the turn to this member; an observer's does not count");
        assertEquals(3, LeaderProbe.longerLog(1, 2, FIVE, mine, Map.of(3L, TermIndex.valueOf(4, 1))::get),
                "a later term is longer whatever the index");
        assertEquals(-1, LeaderProbe.longerLog(1, 2, FIVE, mine, id -> null), "a voter that does not answer");
    }
}
