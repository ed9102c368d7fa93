package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Curator's recipes while the ensemble's leader is killed (SIGKILL) under them, on ours and on the real ZooKeeper
 * 3.9.5 (each scenario runs against both; see {@link EnsembleUnderTest}). Three Curator clients, each its own
 * session, with every member in the connect string, as an application runs them. The recipes hold because the
 * ensemble keeps its sessions, their ephemerals and their watches through a leader change: a lock held stays held
 * and is then released cleanly to the waiters (never two holders), one latch leads after the re-election, and no
 * acknowledged increment of a counter is lost.
 */
class EnsembleCuratorTest {
    /** Long enough for an election and the clients' reconnection on a loaded machine. */
    private static final int SESSION_MS = 8_000;
    /** Every wait for a recipe to move on after the kill. */
    private static final long WAIT_MS = 30_000;

    @RegisterExtension
    static final Ensembles ENSEMBLES = new Ensembles();

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void interProcessMutex_heldThroughALeaderKill_staysHeldThenPassesToEachWaiter_neverTwoHolders(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        List<Client> clients = connectThree(ensemble);
        ExecutorService waiters = Executors.newFixedThreadPool(2);
        try {
            InterProcessMutex held = new InterProcessMutex(clients.get(0).curator, "/mutex");
            assertTrue(held.acquire(WAIT_MS, TimeUnit.MILLISECONDS), "the first client takes the lock");
            AtomicInteger holders = new AtomicInteger(1);
            AtomicInteger mostAtOnce = new AtomicInteger(1);
            List<String> acquiredBy = new CopyOnWriteArrayList<>();
            List<Future<?>> waiting = new ArrayList<>();
            for (Client c : clients.subList(1, 3)) {
                waiting.add(waiters.submit(() -> {
                    takeAndRelease(new InterProcessMutex(c.curator, "/mutex"), c.name, holders, mostAtOnce,
                            acquiredBy);
                    return null;
                }));
            }
            await(() -> participants(held) == 3, "both waiters queued behind the holder", ensemble);
            String holderNode = lockNodeOf(held, clients.get(0));

            ensemble.kill(leader);
            assertNotEquals(leader, ensemble.awaitLeader());
            for (Client c : clients) {
                c.awaitUsable(ensemble);
            }
            // a few ticks with every client back: the holder's session, and so its lock node, lived on
            Thread.sleep(5L * EnsembleUnderTest.TICK_MS);
            assertEquals(List.of(), acquiredBy, "no waiter took the lock while it was held, on " + ensemble);
            Stat st = clients.get(1).curator.checkExists().forPath(holderNode);
            assertNotNull(st, "the holder's lock node outlived the leader, on " + ensemble);
            assertEquals(clients.get(0).sessionId(), st.getEphemeralOwner());
            assertTrue(held.isOwnedByCurrentThread());

            holders.decrementAndGet();
            held.release();
            for (Future<?> f : waiting) {
                f.get(WAIT_MS, TimeUnit.MILLISECONDS);
            }
            assertEquals(Set.of("two", "three"), new HashSet<>(acquiredBy), "each waiter took the lock");
            assertEquals(1, mostAtOnce.get(), "two clients held the lock at once, on " + ensemble);
            // the waiters deleted their nodes through their own members: a sync first, as reads across clients
            // need on either server
            clients.get(0).awaitUsable(ensemble);
            assertEquals(List.of(), clients.get(0).curator.getChildren().forPath("/mutex"),
                    "every lock node went with its release");
            assertNoSessionLost(clients);
        } finally {
            waiters.shutdownNow();
            closeAll(clients);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void leaderLatchAndAtomicLong_throughALeaderKill_oneLatchLeads_andNoAcknowledgedIncrementIsLost(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        List<Client> clients = connectThree(ensemble);
        List<LeaderLatch> latches = new ArrayList<>();
        ExecutorService incrementers = Executors.newFixedThreadPool(clients.size());
        AtomicBoolean stop = new AtomicBoolean();
        Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        List<String> duplicates = new CopyOnWriteArrayList<>();
        AtomicInteger uncertain = new AtomicInteger();
        try {
            for (Client c : clients) {
                LeaderLatch latch = new LeaderLatch(c.curator, "/latch", c.name);
                latch.start();
                latches.add(latch);
            }
            List<Future<?>> running = new ArrayList<>();
            for (Client c : clients) {
                DistributedAtomicLong counter = new DistributedAtomicLong(c.curator, "/counter",
                        new RetryNTimes(50, 10));
                running.add(incrementers.submit(() -> {
                    increment(counter, c.name, stop, acknowledged, duplicates, uncertain);
                    return null;
                }));
            }
            awaitOneLatchLeader(latches, ensemble);
            await(() -> acknowledged.size() >= 15, "15 acknowledged increments before the kill", ensemble);

            ensemble.kill(leader);
            assertNotEquals(leader, ensemble.awaitLeader());
            int atKill = acknowledged.size();
            await(() -> acknowledged.size() >= atKill + 15, "15 acknowledged increments after the kill", ensemble);
            stop.set(true);
            for (Future<?> f : running) {
                f.get(WAIT_MS, TimeUnit.MILLISECONDS);
            }

            assertEquals(List.of(), duplicates, "two acknowledged increments ended on the same value (one of them"
                    + " lost), on " + ensemble);
            long highest = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            for (int id = 1; id <= ensemble.size(); id++) {
                if (ensemble.isRunning(id)) {
                    long value = counterOnMember(ensemble, id);
                    assertTrue(value >= highest, "member " + id + " has the counter at " + value + ", below the "
                            + "acknowledged " + highest + ", on " + ensemble);
                    assertTrue(value <= highest + uncertain.get(), "member " + id + " has the counter at " + value
                            + ": more than the " + highest + " acknowledged and " + uncertain + " unanswered");
                }
            }
            awaitOneLatchLeader(latches, ensemble);
            assertNoSessionLost(clients);
        } finally {
            stop.set(true);
            incrementers.shutdownNow();
            for (LeaderLatch latch : latches) {
                try {
                    latch.close();
                } catch (Exception e) {
                    // teardown: the outcome is decided
                }
            }
            closeAll(clients);
        }
    }

    // --- the recipes' work

    /** Takes the lock (retrying an attempt cut short by the connection), checks it is alone, and releases it. */
    private static void takeAndRelease(InterProcessMutex mutex, String name, AtomicInteger holders,
            AtomicInteger mostAtOnce, List<String> acquiredBy) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * WAIT_MS);
        while (System.nanoTime() < deadline) {
            boolean got;
            try {
                got = mutex.acquire(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception connectionTrouble) {
                // Curator gave up on this attempt (and removed its node); the application tries again
                Thread.sleep(100);
                continue;
            }
            if (got) {
                mostAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                acquiredBy.add(name);
                Thread.sleep(50);
                holders.decrementAndGet();
                mutex.release();
                return;
            }
        }
        throw new AssertionError(name + " never got the lock");
    }

    /**
     * Increments until told to stop, one every 20 ms. An acknowledged increment owns the value it set: two with
     * the same value mean one overwrote the other. An increment that failed or threw may have landed or not.
     */
    private static void increment(DistributedAtomicLong counter, String name, AtomicBoolean stop,
            Map<Long, String> acknowledged, List<String> duplicates, AtomicInteger uncertain) throws Exception {
        while (!stop.get()) {
            try {
                AtomicValue<Long> v = counter.increment();
                if (v.succeeded()) {
                    String before = acknowledged.putIfAbsent(v.postValue(), name);
                    if (before != null) {
                        duplicates.add(v.postValue() + " by " + before + " and " + name);
                    }
                } else {
                    uncertain.incrementAndGet();
                }
            } catch (Exception connectionTrouble) {
                uncertain.incrementAndGet();
            }
            Thread.sleep(20);
        }
    }

    /** Waits until exactly one latch leads, it is the one the latches' nodes name, and it stays so for a second. */
    private static void awaitOneLatchLeader(List<LeaderLatch> latches, EnsembleUnderTest ensemble)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        long steadySince = -1;
        String last = "";
        while (System.nanoTime() < deadline) {
            List<String> leading = new ArrayList<>();
            for (LeaderLatch l : latches) {
                if (l.hasLeadership()) {
                    leading.add(l.getId());
                }
            }
            String named;
            int participants;
            try {
                named = latches.get(0).getLeader().getId();
                participants = latches.get(0).getParticipants().size();
            } catch (Exception reconnecting) {
                named = "(" + reconnecting + ")";
                participants = -1;
            }
            last = "leading " + leading + ", named by the nodes: " + named + ", participants " + participants;
            if (leading.size() == 1 && leading.get(0).equals(named) && participants == latches.size()) {
                if (steadySince < 0) {
                    steadySince = System.nanoTime();
                } else if (System.nanoTime() - steadySince > TimeUnit.SECONDS.toNanos(1)) {
                    return;
                }
            } else {
                steadySince = -1;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not exactly one latch leader within " + WAIT_MS + " ms: " + last + ", on "
                + ensemble);
    }

    // --- clients and what they see

    /** A Curator client and the connection states it went through. */
    private record Client(String name, CuratorFramework curator, List<ConnectionState> states) {
        long sessionId() throws Exception {
            return curator.getZookeeperClient().getZooKeeper().getSessionId();
        }

        /**
         * Waits until the client is connected and a sync through it completes: its member has then applied
         * everything committed before.
         */
        void awaitUsable(EnsembleUnderTest ensemble) throws Exception {
            CountDownLatch synced = new CountDownLatch(1);
            curator.sync().inBackground((c, e) -> synced.countDown()).forPath("/");
            assertTrue(synced.await(WAIT_MS, TimeUnit.MILLISECONDS), name + " is usable again on " + ensemble);
        }
    }

    private static List<Client> connectThree(EnsembleUnderTest ensemble) throws InterruptedException {
        List<Client> clients = new ArrayList<>();
        for (String name : List.of("one", "two", "three")) {
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            CuratorFramework c = CuratorFrameworkFactory.builder().connectString(ensemble.connectString())
                    .sessionTimeoutMs(SESSION_MS).connectionTimeoutMs(5_000)
                    .retryPolicy(new RetryUntilElapsed((int) WAIT_MS, 200)).build();
            c.getConnectionStateListenable().addListener((client, state) -> states.add(state));
            c.start();
            clients.add(new Client(name, c, states));
            if (!c.blockUntilConnected((int) (WAIT_MS / 1000), TimeUnit.SECONDS)) {
                closeAll(clients);
                throw new AssertionError(name + " did not connect to " + ensemble);
            }
        }
        return clients;
    }

    /** Curator says LOST when a session expired (or it gave up on it): the premise of every recipe here. */
    private static void assertNoSessionLost(List<Client> clients) {
        for (Client c : clients) {
            assertFalse(c.states.contains(ConnectionState.LOST), c.name + "'s session was lost: " + c.states);
        }
    }

    private static String lockNodeOf(InterProcessMutex mutex, Client holder) throws Exception {
        long session = holder.sessionId();
        for (String node : mutex.getParticipantNodes()) {
            Stat st = holder.curator.checkExists().forPath(node);
            if (st != null && st.getEphemeralOwner() == session) {
                return node;
            }
        }
        throw new AssertionError("no lock node of the holder's session among " + mutex.getParticipantNodes());
    }

    private static int participants(InterProcessMutex mutex) {
        try {
            return mutex.getParticipantNodes().size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The counter as member {@code id} has it, after a sync: DistributedAtomicLong stores a big-endian long. */
    private static long counterOnMember(EnsembleUnderTest ensemble, int id) throws Exception {
        try (ZooKeeper zk = dev.keeper.compat.support.JavaClient.connect(ensemble.connectString(id))) {
            CountDownLatch synced = new CountDownLatch(1);
            zk.sync("/counter", (rc, path, ctx) -> synced.countDown(), null);
            assertTrue(synced.await(WAIT_MS, TimeUnit.MILLISECONDS), "sync on member " + id);
            return ByteBuffer.wrap(zk.getData("/counter", false, null)).getLong();
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what, EnsembleUnderTest ensemble) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT_MS + " ms on " + ensemble);
            }
            Thread.sleep(20);
        }
    }

    private static void closeAll(List<Client> clients) {
        for (Client c : clients) {
            c.curator.close();
        }
    }
}
