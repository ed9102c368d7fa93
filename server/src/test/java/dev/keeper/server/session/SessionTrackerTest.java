package dev.keeper.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.testing.ZooKeeperSessionIds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expiry in tick buckets, as ZooKeeper's ExpiryQueue computes it, with time moved by hand: a session touched at
 * t with timeout T expires at the first multiple of tickTime after t + T, and touching moves it.
 */
class SessionTrackerTest {
    private static final int TICK = 100;

    @Test
    void aSessionExpiresAtTheFirstTickBoundaryAfterItsTimeout() {
        SessionTracker t = new SessionTracker(TICK, 1);
        Session s = t.create(250, 1_030);
        assertEquals(1_300, s.expiresAt(), "1030 + 250 = 1280, rounded up to the next tick");
        assertEquals(List.of(), t.expire(1_299));
        assertEquals(List.of(s), t.expire(1_300));
        assertTrue(s.closing());
        assertFalse(t.touch(s.id(), 250, 1_300), "an expiring session cannot be renewed");
    }

    @Test
    void touchingMovesTheSessionToALaterBucket_andOnlyDueBucketsExpire() {
        SessionTracker t = new SessionTracker(TICK, 1);
        Session a = t.create(200, 0);
        Session b = t.create(200, 0);
        assertTrue(t.touch(a.id(), 200, 150));
        assertEquals(List.of(b), t.expire(300));
        assertEquals(400, a.expiresAt());
        assertEquals(List.of(a), t.expire(10_000));
        assertEquals(0, t.expire(20_000).size());
    }

    @Test
    void closingAndRemovedSessions_areNotExpiredAgain() {
        SessionTracker t = new SessionTracker(TICK, 1);
        Session a = t.create(200, 0);
        Session b = t.create(200, 0);
        t.setClosing(a.id());
        t.remove(b.id());
        assertEquals(List.of(), t.expire(1_000));
        assertEquals(1, t.size(), "a closing session is still known until its closeSession is applied");
    }

    @Test
    void restoredSessionsGetAFullTimeoutFromNow_andIdsAreNotReused() {
        SessionTracker t = new SessionTracker(TICK, 5);
        t.track(5, 300, 1_000);
        Session fresh = t.create(300, 1_000);
        assertNotEquals(5, fresh.id(), "a restored id is never handed out again");
        assertEquals(1_400, t.get(5).expiresAt());
    }

    @Test
    void successiveSessions_getTheIdsZooKeepersOwnTrackerHandsOut() {
        // As ZooKeeper's standalone server builds its tracker, and ours from the same millisecond.
        long serverId = ZooKeeperSessionIds.STANDALONE_SERVER_ID;
        ZooKeeperSessionIds.Tracker zk = ZooKeeperSessionIds.tracker(serverId, TICK);
        SessionTracker t = new SessionTracker(TICK, SessionIds.first(zk.elapsedMillis(), serverId));
        for (int i = 0; i < 1_000; i++) {
            long expected = zk.createSession(10_000);
            assertEquals(Long.toHexString(expected), Long.toHexString(t.create(10_000, 0).id()), "session " + i);
        }
    }
}
