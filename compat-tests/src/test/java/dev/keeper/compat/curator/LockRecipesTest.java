package dev.keeper.compat.curator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.javaclient.OnBothServers;
import dev.keeper.compat.javaclient.ServerUnderTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Curator's lock recipes across sessions: the lock is the lowest ephemeral sequential child (protected names,
 * {@code create2} with parent containers), waiters watch the node before them, a release is a delete.
 */
@OnBothServers
class LockRecipesTest {
    private static Servers.Handle server;
    private static CuratorFramework one;
    private static CuratorFramework two;
    private static CuratorFramework three;

    @BeforeAll
    static void start() throws Exception {
        // A short tick, so a holder whose session is abandoned expires within seconds.
        server = ServerUnderTest.start(new Servers.Settings(100, 200, 20_000, 60));
        one = Curators.connect(server.connectString());
        two = Curators.connect(server.connectString());
        three = Curators.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Curators.close(one, two, three, server);
    }

    @Test
    void interProcessMutex_isReentrantForItsHolder_andExcludesOtherClientsUntilFullyReleased() throws Exception {
        InterProcessMutex mine = new InterProcessMutex(one, "/mutex");
        InterProcessMutex theirs = new InterProcessMutex(two, "/mutex");
        assertTrue(mine.acquire(10, TimeUnit.SECONDS));
        assertTrue(mine.acquire(10, TimeUnit.SECONDS), "the holder re-enters");
        assertTrue(mine.isOwnedByCurrentThread());
        assertEquals(1, one.getChildren().forPath("/mutex").size(), "re-entry takes no second node");

        assertFalse(theirs.acquire(200, TimeUnit.MILLISECONDS), "another client is excluded");
        mine.release();
        assertTrue(mine.isAcquiredInThisProcess(), "one release of two leaves it held");
        assertFalse(theirs.acquire(200, TimeUnit.MILLISECONDS), "still excluded after one release");
        mine.release();
        assertTrue(theirs.acquire(10, TimeUnit.SECONDS), "free once fully released");
        assertFalse(mine.acquire(200, TimeUnit.MILLISECONDS), "and now the first client is excluded");
        theirs.release();
        assertEquals(List.of(), one.getChildren().forPath("/mutex"), "no lock node left behind");
    }

    @Test
    void interProcessMutex_passesToTheWaiter_whenTheHoldersSessionExpires() throws Exception {
        CuratorFramework doomed = Curators.connect(server.connectString(), 2_000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            InterProcessMutex held = new InterProcessMutex(doomed, "/expiring-lock");
            assertTrue(held.acquire(10, TimeUnit.SECONDS));
            String holderNode = "/expiring-lock/" + one.getChildren().forPath("/expiring-lock").get(0);
            InterProcessMutex waiting = new InterProcessMutex(two, "/expiring-lock");
            Future<Boolean> acquired = pool.submit(() -> {
                boolean got = waiting.acquire(20, TimeUnit.SECONDS);
                if (got) {
                    waiting.release(); // a mutex is released by the thread that holds it
                }
                return got;
            });
            Curators.await(() -> Curators.watchersOn(server.port(), holderNode) == 1,
                    "the waiter to watch the holder's node");
            assertFalse(acquired.isDone());

            assertEquals(doomed.getZookeeperClient().getZooKeeper().getSessionId(),
                    one.checkExists().forPath(holderNode).getEphemeralOwner(), "the holder's session owns the node");
            Curators.abandonSession(doomed);
            assertTrue(acquired.get(25, TimeUnit.SECONDS), "the waiter got the lock once the holder expired");
            assertEquals(null, one.checkExists().forPath(holderNode));
        } finally {
            pool.shutdownNow();
            Curators.close(doomed);
        }
    }

    @Test
    void interProcessMutex_underContention_neverHasTwoHolders() throws Exception {
        int rounds = 15;
        List<CuratorFramework> clients = List.of(one, two, three);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        // Read-then-write, not an atomic increment: only the lock keeps two holders from losing an update.
        AtomicInteger unguarded = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (CuratorFramework c : clients) {
                InterProcessMutex mutex = new InterProcessMutex(c, "/contended");
                work.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        if (!mutex.acquire(10, TimeUnit.SECONDS)) {
                            throw new AssertionError("lock not acquired within 10 s");
                        }
                        try {
                            mostAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            int seen = unguarded.get();
                            Thread.yield();
                            unguarded.set(seen + 1);
                            holders.decrementAndGet();
                        } finally {
                            mutex.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mostAtOnce.get(), "two holders at once");
        assertEquals(rounds * clients.size(), unguarded.get(), "an update made under the lock was lost");
    }

    @Test
    void semaphoreV2_grantsAtMostMaxLeases_andAFreedLeaseGoesToTheWaiter() throws Exception {
        InterProcessSemaphoreV2 s1 = new InterProcessSemaphoreV2(one, "/semaphore", 2);
        InterProcessSemaphoreV2 s2 = new InterProcessSemaphoreV2(two, "/semaphore", 2);
        InterProcessSemaphoreV2 s3 = new InterProcessSemaphoreV2(three, "/semaphore", 2);
        Lease l1 = s1.acquire(10, TimeUnit.SECONDS);
        Lease l2 = s2.acquire(10, TimeUnit.SECONDS);
        assertNotNull(l1);
        assertNotNull(l2);
        assertEquals(2, s3.getParticipantNodes().size());
        assertNull(s3.acquire(300, TimeUnit.MILLISECONDS), "a third lease beyond maxLeases = 2");

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Lease> waiting = pool.submit(() -> s3.acquire(10, TimeUnit.SECONDS));
            s1.returnLease(l1);
            Lease l3 = waiting.get(15, TimeUnit.SECONDS);
            assertNotNull(l3, "the waiter got the returned lease");
            assertEquals(2, s1.getParticipantNodes().size());
            assertNull(s1.acquire(300, TimeUnit.MILLISECONDS), "still no more than two");
            s2.returnLease(l2);
            s3.returnLease(l3);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, s1.getParticipantNodes().size(), "every lease returned");
    }

    @Test
    void semaphoreV2_underContention_neverGrantsMoreThanMaxLeases() throws Exception {
        int rounds = 10;
        List<CuratorFramework> clients = List.of(one, two, three);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (CuratorFramework c : clients) {
                InterProcessSemaphoreV2 semaphore = new InterProcessSemaphoreV2(c, "/contended-semaphore", 2);
                work.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Lease lease = semaphore.acquire(10, TimeUnit.SECONDS);
                        if (lease == null) {
                            throw new AssertionError("no lease within 10 s");
                        }
                        try {
                            mostAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            granted.incrementAndGet();
                            Thread.sleep(2);
                            holders.decrementAndGet();
                        } finally {
                            semaphore.returnLease(lease);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(rounds * clients.size(), granted.get());
        assertTrue(mostAtOnce.get() <= 2, "more leases than maxLeases at once: " + mostAtOnce.get());
    }
}
