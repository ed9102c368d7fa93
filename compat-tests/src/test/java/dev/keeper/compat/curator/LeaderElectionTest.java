package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Curator's leader recipes, unchanged, between two sessions: both rest on ephemeral sequential nodes and on a
 * watch on the next-lower node (exists or getData), so they exercise sequential naming, ephemeral cleanup on close
 * and one-shot NodeDeleted watches.
 */
@OnBothServers
class LeaderElectionTest {
    private static Servers.Handle server;
    private static CuratorFramework one;
    private static CuratorFramework two;

    @BeforeAll
    static void start() throws Exception {
        // A short tick, so a leader whose session is abandoned expires within seconds.
        server = ServerUnderTest.start(new Servers.Settings(100, 200, 20_000, 60));
        one = Curators.connect(server.connectString());
        two = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(one, two, server);
    }

    @Test
    void leaderLatch_oneOfTwoContendersLeads_andLeadershipPassesWhenTheLeaderCloses() throws Exception {
        LeaderLatch first = new LeaderLatch(one, "/latch", "first");
        LeaderLatch second = new LeaderLatch(two, "/latch", "second");
        try {
            first.start();
            assertTrue(first.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS), "the first contender leads");
            second.start();
            Curators.await(() -> participants(second) == 2, "both contenders registered");
            assertTrue(first.hasLeadership());
            assertFalse(second.hasLeadership(), "only one leader at a time");
            assertEquals("first", second.getLeader().getId(), "the second contender sees who leads");

            first.close();
            assertTrue(second.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "leadership passed when the leader closed");
            assertEquals("second", second.getLeader().getId());
            assertEquals(1, participants(second));
            assertEquals(1, one.getChildren().forPath("/latch").size(), "the closed latch's node is gone");
        } finally {
            Curators.close(first, second);
        }
    }

    @Test
    void leaderLatch_leadershipPassesWhenTheLeadersSessionIsLost() throws Exception {
        CuratorFramework doomed = Curators.connect(server.connectString(), 2_000);
        LeaderLatch first = new LeaderLatch(doomed, "/latch-lost", "first");
        LeaderLatch second = new LeaderLatch(two, "/latch-lost", "second");
        try {
            first.start();
            assertTrue(first.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS));
            second.start();
            Curators.await(() -> participants(second) == 2, "both contenders registered");
            assertFalse(second.hasLeadership());

            Curators.abandonSession(doomed);
            assertTrue(second.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "leadership passed when the leader's session was lost");
            assertEquals("second", second.getLeader().getId());
            Curators.await(() -> first.getState() == LeaderLatch.State.STARTED && !first.hasLeadership(),
                    "the old leader to know it lost");
        } finally {
            Curators.close(first, second, doomed);
        }
    }

    private static int participants(LeaderLatch latch) {
        try {
            return latch.getParticipants().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void leaderSelector_leadersTakeTurns_neverTwoAtOnce() throws Exception {
        AtomicInteger leading = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<String> turns = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        LeaderSelector a = selector(one, "a", leading, mostAtOnce, turns, release);
        LeaderSelector b = selector(two, "b", leading, mostAtOnce, turns, release);
        try {
            a.start();
            b.start();
            Curators.await(() -> turns.size() == 1, "a first leader");
            Curators.await(() -> participants(a) == 2, "both selectors queued");
            assertEquals(1, leading.get());
            String firstLeader = turns.get(0);
            assertEquals(firstLeader, a.getLeader().getId());
            assertEquals(firstLeader, b.getLeader().getId());

            // Leadership ends when takeLeadership returns; then the other selector's watch must hand it over.
            release.countDown();
            Curators.await(() -> turns.size() == 2, "the second selector to lead");
            assertNotEquals(firstLeader, turns.get(1));
            Curators.await(() -> leading.get() == 0, "the second leader to finish");
            assertEquals(1, mostAtOnce.get(), "two selectors led at the same time");
        } finally {
            Curators.close(a, b);
        }
    }

    private static int participants(LeaderSelector selector) {
        try {
            return selector.getParticipants().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static LeaderSelector selector(CuratorFramework client, String id, AtomicInteger leading,
            AtomicInteger mostAtOnce, List<String> turns, CountDownLatch release) {
        LeaderSelector s = new LeaderSelector(client, "/selector", new LeaderSelectorListenerAdapter() {
            @Override
            public void takeLeadership(CuratorFramework c) throws Exception {
                mostAtOnce.accumulateAndGet(leading.incrementAndGet(), Math::max);
                turns.add(id);
                try {
                    release.await(Curators.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } finally {
                    leading.decrementAndGet();
                }
            }
        });
        s.setId(id);
        return s;
    }
}
