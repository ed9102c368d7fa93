package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.LoopbackProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions in a three-member ensemble, with the stock Java client, on ours and on the real ZooKeeper 3.9.5 (each
 * scenario runs against both; see {@link EnsembleUnderTest}): sessions are the ensemble's, not a member's. A session
 * kept alive only by reads and pings through a follower lives on; killing the leader expires no session whose client
 * reconnects in time; a session that moves to another member keeps its ephemerals and its watches, each watch firing
 * exactly once; and an expired session's ephemerals are gone from every member, each read directly.
 */
class EnsembleSessionTest {
    private static final byte[] NO_DATA = new byte[0];
    /** Session timeout of the scenarios that outlive it: three of them pass in the test. */
    private static final int SHORT_SESSION_MS = 2_000;
    /** Session timeout of the scenarios that kill members: long enough for an election on a loaded machine. */
    private static final int SESSION_MS = 8_000;

    @RegisterExtension
    static final Ensembles ENSEMBLES = new Ensembles();

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void aSessionThatOnlyReadsAndPingsThroughAFollower_outlivesThreeTimesItsTimeout(EnsembleUnderTest.Server server)
            throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = awaitSteadyLeader(ensemble);
        int follower = leader % ensemble.size() + 1;
        try (PinnedClient reader = PinnedClient.connect(ensemble, follower, SHORT_SESSION_MS);
                PinnedClient idle = PinnedClient.connect(ensemble, follower, SHORT_SESSION_MS);
                ZooKeeper onLeader = direct(ensemble, leader)) {
            assertEquals(SHORT_SESSION_MS, reader.getSessionTimeout());
            createPersistent(reader, "/reads");
            String readerEph = reader.create("/reads/reader-", NO_DATA, Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL_SEQUENTIAL);
            String idleEph = idle.create("/reads/idle-", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            reader.drainStates();
            idle.drainStates();

            // from here on, only reads (one every sixth of the timeout) and the clients' own pings
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3L * SHORT_SESSION_MS + SHORT_SESSION_MS / 2);
            int reads = 0;
            while (System.nanoTime() < until) {
                reader.getData(readerEph, false, null);
                reader.getChildren("/reads", false);
                reads++;
                Thread.sleep(SHORT_SESSION_MS / 6);
            }
            assertTrue(reads > 10, "reads: " + reads);
            assertEquals(List.of(), reader.drainStates(), "the reader stayed connected, its session alive");
            assertEquals(List.of(), idle.drainStates(), "the idle client stayed connected, its session alive");
            assertEquals(follower, reader.member(), "the reader never left the follower");
            assertEquals(follower, idle.member(), "the idle client never left the follower");

            Stat st = syncThenExists(onLeader, readerEph);
            assertNotNull(st, "the leader still has the reader's ephemeral");
            assertEquals(reader.getSessionId(), st.getEphemeralOwner());
            st = read(() -> onLeader.exists(idleEph, false));
            assertNotNull(st, "the leader still has the idle client's ephemeral");
            assertEquals(idle.getSessionId(), st.getEphemeralOwner());
            reader.setData(readerEph, new byte[] {1}, -1); // and the sessions are usable for writes
            idle.setData(idleEph, new byte[] {1}, -1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void killingTheLeader_expiresNoSessionWhoseClientReconnectsWithinItsTimeout(EnsembleUnderTest.Server server)
            throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        List<PinnedClient> clients = new ArrayList<>();
        try {
            for (int id = 1; id <= ensemble.size(); id++) {
                clients.add(PinnedClient.connect(ensemble, id, SESSION_MS));
            }
            PinnedClient gone = PinnedClient.connect(ensemble, leader, SESSION_MS);
            clients.add(gone);
            createPersistent(clients.get(0), "/failover");
            List<String> ephemerals = new ArrayList<>();
            for (PinnedClient c : clients) {
                ephemerals.add(c.create("/failover/eph-", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL));
                c.drainStates();
            }
            String goneEphemeral = ephemerals.remove(clients.size() - 1);
            clients.remove(gone);

            // one client dies with the leader (its session never closed, its client never back); the others
            // lose their connections and come back
            gone.getTestable().injectSessionExpiration();
            ensemble.kill(leader);
            int next = ensemble.awaitLeader();
            assertNotEquals(leader, next);
            for (PinnedClient c : clients) {
                // the killed leader's client, or a follower's that dropped its clients when it lost its leader:
                // Disconnected, then SyncConnected in the same session (a follower of ours may keep its clients;
                // see awaitConnectedAwayFrom); fails on Expired
                c.awaitConnectedAwayFrom(leader, SESSION_MS / 1000);
            }
            try (ZooKeeper onNext = direct(ensemble, next)) {
                // the new leader does expire the session whose client did not come back, a timeout after it took
                // over: the others, kept alive since, must outlive that by far
                awaitGone(onNext, goneEphemeral, SESSION_MS + 30_000L);
                Thread.sleep(SESSION_MS / 4);
            }
            for (PinnedClient c : clients) {
                // connected, and never Expired: a member of ours that counted its leader gone late (two ticks) may
                // drop its clients after the election, and they reconnect in the same session
                c.awaitConnectedAwayFrom(leader, SESSION_MS / 1000);
                c.setData(ephemerals.get(clients.indexOf(c)), new byte[] {1}, -1);
            }
            for (int id = 1; id <= ensemble.size(); id++) {
                if (id != leader) {
                    assertEphemerals(ensemble, id, "/failover", ephemerals, clients);
                }
            }
            ensemble.start(leader);
            ensemble.awaitLeader();
            assertEphemerals(ensemble, leader, "/failover", ephemerals, clients);
            gone.close();
        } finally {
            closeAll(clients);
        }
        for (int id = 1; id <= ensemble.size(); id++) {
            try (ZooKeeper zk = direct(ensemble, id)) {
                sync(zk, "/failover");
                assertEquals(List.of(), read(() -> zk.getChildren("/failover", false)),
                        "closed sessions' ephemerals are gone on member " + id);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void aSessionWhoseMemberIsKilled_movesWithItsEphemeralsAndWatches_andEachWatchFiresOnce(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        int follower = leader % ensemble.size() + 1;
        String root = "/moved-killed";
        try (ZooKeeper other = direct(ensemble, leader)) {
            prepareWatchedNodes(other, root);
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            try (PinnedClient moving = PinnedClient.connect(ensemble, follower, SESSION_MS)) {
                String eph = armWatchesAndCreateEphemeral(moving, root, events);
                moving.drainStates();

                ensemble.kill(follower);
                moving.awaitState(KeeperState.SyncConnected, SESSION_MS / 1000);
                int now = moving.member();
                assertNotEquals(follower, now, "the client moved to another member");
                assertTrue(moving.drainStates().stream().noneMatch(s -> s == KeeperState.Expired));

                Stat st = syncThenExists(other, eph);
                assertNotNull(st, "the moved session's ephemeral is still there");
                assertEquals(moving.getSessionId(), st.getEphemeralOwner());
                changeWatchedNodes(other, root);
                assertEachWatchFiredOnce(moving, root, events);
                changeWatchedNodesAgain(other, root);
                sync(moving, root); // events for changes before the sync reach the client before its reply
                assertNull(events.poll(), "one-shot watches fired once only");
            }
            assertGoneEverywhereRunning(ensemble, root + "/eph");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void aSessionCutOffFromItsMember_movesWithItsWatches_andChangesMadeWhileAwayFireOnce(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        int follower = leader % ensemble.size() + 1;
        String root = "/moved-cut";
        LoopbackProxy[] proxies = new LoopbackProxy[ensemble.size()];
        try (ZooKeeper other = direct(ensemble, leader)) {
            for (int i = 0; i < proxies.length; i++) {
                proxies[i] = new LoopbackProxy(ensemble.clientPort(i + 1));
            }
            prepareWatchedNodes(other, root);
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            try (PinnedClient moving = PinnedClient.connectThrough(ensemble, proxies, follower, SESSION_MS)) {
                String eph = armWatchesAndCreateEphemeral(moving, root, events);
                moving.drainStates();

                // the client loses every member while its own stays up; the tree changes meanwhile
                for (LoopbackProxy p : proxies) {
                    p.cut();
                }
                moving.awaitState(KeeperState.Disconnected, 10);
                changeWatchedNodes(other, root);
                assertNull(events.poll(), "no event reaches a disconnected client");
                for (int i = 0; i < proxies.length; i++) {
                    if (i + 1 != follower) {
                        proxies[i].restore();
                    }
                }
                moving.awaitState(KeeperState.SyncConnected, SESSION_MS / 1000);
                assertNotEquals(follower, moving.member(), "the client moved to another member");
                assertTrue(moving.drainStates().stream().noneMatch(s -> s == KeeperState.Expired));

                // re-registered on the new member with the last zxid the client saw: each fires for the change
                // made while it was away, once
                assertEachWatchFiredOnce(moving, root, events);
                changeWatchedNodesAgain(other, root);
                sync(moving, root);
                assertNull(events.poll(), "one-shot watches fired once only");
                Stat st = syncThenExists(other, eph);
                assertNotNull(st, "the moved session's ephemeral is still there");
                assertEquals(moving.getSessionId(), st.getEphemeralOwner());
            }
            assertGoneEverywhereRunning(ensemble, root + "/eph");
        } finally {
            for (LoopbackProxy p : proxies) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /**
     * A member whose report of its clients' sessions to the leader failed — sent as the leader died, its retries
     * used up while there was no quorum — must go on reporting them to the next leader. Ours once did not: the
     * member's Raft client closed its request window for good at that failure, every later report failed at once,
     * and the next leader expired the sessions of that member's clients a timeout after taking over, their clients
     * connected and pinging. The client here only ever talks to that member, so only those reports keep its session
     * alive; rounds are repeated (at most three) while that member itself becomes the leader, where its clients'
     * pings need no report.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void aFollowersSessions_outliveTheNextLeader_afterTheQuorumWasLostAsTheyWereReported(
            EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        int follower = leader % ensemble.size() + 1;
        BlockingQueue<KeeperState> states = new LinkedBlockingQueue<>();
        try (ZooKeeper client = new ZooKeeper(ensemble.connectString(follower), SESSION_MS, e -> {
            if (e.getType() == EventType.None) {
                states.add(e.getState());
            }
        })) {
            assertEquals(KeeperState.SyncConnected, states.poll(30, TimeUnit.SECONDS), "connected to " + follower);
            createPersistent(client, "/quorum-lost");
            String eph = client.create("/quorum-lost/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            int next = follower;
            for (int round = 1; round <= 3 && next == follower; round++) {
                // reads keep the follower's report of this session in flight when the others die
                for (int i = 0; i < 10; i++) {
                    client.exists(eph, false);
                    Thread.sleep(20);
                }
                for (int id = 1; id <= ensemble.size(); id++) {
                    if (id != follower) {
                        ensemble.kill(id);
                    }
                }
                Thread.sleep(10L * EnsembleUnderTest.TICK_MS); // no quorum: the report's retries run out
                for (int id = 1; id <= ensemble.size(); id++) {
                    if (id != follower) {
                        ensemble.start(id);
                    }
                }
                next = ensemble.awaitLeader();
                awaitConnected(client, states, ensemble);
            }
            // the next leader gave the session a full timeout when it took over: it must outlive that, kept alive
            // by the pings the follower reports
            Thread.sleep(SESSION_MS + SESSION_MS / 2);
            List<KeeperState> seen = new ArrayList<>();
            states.drainTo(seen);
            assertFalse(seen.contains(KeeperState.Expired), "the session of a client of member " + follower
                    + " expired (states " + seen + "; leader " + next + ") on " + ensemble);
            try (ZooKeeper onLeader = direct(ensemble, next)) {
                Stat st = syncThenExists(onLeader, eph);
                assertNotNull(st, "the session's ephemeral is still there, on " + ensemble);
                assertEquals(client.getSessionId(), st.getEphemeralOwner());
            }
        }
    }

    /**
     * Waits (at most 60 s) until the same member has led, with every member serving, for ten ticks running; returns
     * it. For the scenario that holds its clients to staying connected: just after six member processes started on
     * a loaded machine, ours has changed leader with no fault (its members count a leader gone after two ticks
     * without a heartbeat), dropping the clients of the members that lost it.
     */
    private static int awaitSteadyLeader(EnsembleUnderTest ensemble) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long steady = TimeUnit.MILLISECONDS.toNanos(10L * EnsembleUnderTest.TICK_MS);
        int leader = -1;
        long since = System.nanoTime();
        while (leader < 0 || System.nanoTime() - since < steady) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no leader for ten ticks running within 60 s on " + ensemble);
            }
            int now = leaderIfAllServe(ensemble);
            if (now < 0 || now != leader) {
                leader = now;
                since = System.nanoTime();
            }
            Thread.sleep(50);
        }
        return leader;
    }

    /** The one member whose srvr says leader while every member says leader or follower; -1 otherwise. */
    private static int leaderIfAllServe(EnsembleUnderTest ensemble) {
        int leader = -1;
        for (int id = 1; id <= ensemble.size(); id++) {
            String srvr = ensemble.fourLetterWord(id, "srvr");
            if (srvr == null || !srvr.contains("Mode: ")) {
                return -1;
            }
            if (srvr.contains("Mode: leader")) {
                if (leader > 0) {
                    return -1;
                }
                leader = id;
            }
        }
        return leader;
    }

    /** Waits (bounded by the session timeout and an election) until {@code zk} is connected; fails on Expired. */
    private static void awaitConnected(ZooKeeper zk, BlockingQueue<KeeperState> states, EnsembleUnderTest ensemble)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SESSION_MS + 30_000L);
        while (!zk.getState().isConnected()) {
            if (states.contains(KeeperState.Expired) || System.nanoTime() > deadline) {
                throw new AssertionError("not connected again (states " + states + ") on " + ensemble);
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void anExpiredSessionsEphemerals_vanishOnEveryMember(EnsembleUnderTest.Server server) throws Exception {
        EnsembleUnderTest ensemble = ENSEMBLES.ready(server);
        int leader = ensemble.awaitLeader();
        int follower = leader % ensemble.size() + 1;
        int other = follower % ensemble.size() + 1;
        List<ZooKeeper> readers = new ArrayList<>();
        PinnedClient onLiveMember = null;
        PinnedClient onDeadMember = null;
        try {
            for (int id = 1; id <= ensemble.size(); id++) {
                readers.add(direct(ensemble, id));
            }
            createPersistent(readers.get(0), "/expiring");
            onLiveMember = PinnedClient.connect(ensemble, follower, SHORT_SESSION_MS);
            onDeadMember = PinnedClient.connect(ensemble, other, SHORT_SESSION_MS);
            List<String> ephemerals = List.of(
                    onLiveMember.create("/expiring/live", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    onLiveMember.create("/expiring/live-", NO_DATA, Ids.OPEN_ACL_UNSAFE,
                            CreateMode.EPHEMERAL_SEQUENTIAL),
                    onDeadMember.create("/expiring/dead", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
            List<BlockingQueue<WatchedEvent>> deletions = new ArrayList<>();
            for (ZooKeeper r : readers) {
                BlockingQueue<WatchedEvent> q = new LinkedBlockingQueue<>();
                sync(r, "/expiring");
                assertNotNull(read(() -> r.exists("/expiring/live", q::add)), "every member has the ephemerals before");
                assertEquals(3, read(() -> r.getChildren("/expiring", false)).size());
                deletions.add(q);
            }

            // the clients go without closing their sessions, as crashed processes do; the member one of them was
            // connected to crashes too (it is the one that kept reporting that session alive)
            onLiveMember.getTestable().injectSessionExpiration();
            onDeadMember.getTestable().injectSessionExpiration();
            ensemble.kill(other);
            for (int id = 1; id <= ensemble.size(); id++) {
                if (id == other) {
                    continue;
                }
                WatchedEvent e = deletions.get(id - 1).poll(SHORT_SESSION_MS + 30_000L, TimeUnit.MILLISECONDS);
                assertNotNull(e, "member " + id + " deleted the expired session's ephemeral");
                assertEquals(EventType.NodeDeleted, e.getType());
                awaitGone(readers.get(id - 1), "/expiring/dead", SHORT_SESSION_MS + 30_000L);
                assertNoChildren(readers.get(id - 1), "/expiring", "member " + id);
            }
            // and the member that was down when they expired has neither when it is back
            ensemble.start(other);
            ensemble.awaitLeader();
            try (ZooKeeper back = direct(ensemble, other)) {
                sync(back, "/expiring");
                for (String path : ephemerals) {
                    assertNull(read(() -> back.exists(path, false)), path + " on member " + other + ", restarted");
                }
                assertNoChildren(back, "/expiring", "member " + other + ", restarted");
            }
        } finally {
            closeAll(readers);
            if (onLiveMember != null) {
                onLiveMember.close();
            }
            if (onDeadMember != null) {
                onDeadMember.close();
            }
        }
    }

    // --- the watches a moving session holds

    private static void prepareWatchedNodes(ZooKeeper zk, String root) throws Exception {
        createPersistent(zk, root);
        createPersistent(zk, root + "/data");
        createPersistent(zk, root + "/kids");
    }

    /**
     * A data watch on root/data, an exists watch on the missing root/later, a child watch on root/kids, and an
     * ephemeral root/eph; returns the ephemeral's path.
     */
    private static String armWatchesAndCreateEphemeral(ZooKeeper zk, String root, BlockingQueue<WatchedEvent> events)
            throws Exception {
        String eph = zk.create(root + "/eph", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        sync(zk, root);
        // the client hands connection-state changes to every watcher too: only node events are recorded
        Watcher nodeEvents = e -> {
            if (e.getType() != EventType.None) {
                events.add(e);
            }
        };
        zk.getData(root + "/data", nodeEvents, null);
        assertNull(zk.exists(root + "/later", nodeEvents));
        assertEquals(List.of(), zk.getChildren(root + "/kids", nodeEvents));
        return eph;
    }

    private static void changeWatchedNodes(ZooKeeper zk, String root) throws Exception {
        setData(zk, root + "/data", new byte[] {1});
        createPersistent(zk, root + "/later");
        createPersistent(zk, root + "/kids/one");
    }

    private static void changeWatchedNodesAgain(ZooKeeper zk, String root) throws Exception {
        setData(zk, root + "/data", new byte[] {2});
        setData(zk, root + "/later", new byte[] {2});
        createPersistent(zk, root + "/kids/two");
    }

    private static void assertEachWatchFiredOnce(ZooKeeper zk, String root, BlockingQueue<WatchedEvent> events)
            throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < 3 && System.nanoTime() < deadline) {
            WatchedEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e.getType() + " " + e.getPath());
            }
        }
        sync(zk, root);
        WatchedEvent extra;
        while ((extra = events.poll()) != null) {
            seen.add(extra.getType() + " " + extra.getPath());
        }
        seen.sort(null);
        assertEquals(List.of("NodeChildrenChanged " + root + "/kids", "NodeCreated " + root + "/later",
                "NodeDataChanged " + root + "/data"), seen, "each watch fired once");
    }

    // --- reading members directly

    /** A client of member {@code id} alone. */
    private static ZooKeeper direct(EnsembleUnderTest ensemble, int id) throws Exception {
        return dev.keeper.compat.support.JavaClient.connect(ensemble.connectString(id));
    }

    private static void assertEphemerals(EnsembleUnderTest ensemble, int id, String parent, List<String> paths,
            List<PinnedClient> owners) throws Exception {
        try (ZooKeeper zk = direct(ensemble, id)) {
            sync(zk, parent);
            for (int i = 0; i < paths.size(); i++) {
                String path = paths.get(i);
                Stat st = read(() -> zk.exists(path, false));
                assertNotNull(st, paths.get(i) + " on member " + id);
                assertEquals(owners.get(i).getSessionId(), st.getEphemeralOwner(), paths.get(i) + " on member " + id);
            }
        }
    }

    private static void assertGoneEverywhereRunning(EnsembleUnderTest ensemble, String path) throws Exception {
        for (int id = 1; id <= ensemble.size(); id++) {
            if (!ensemble.isRunning(id)) {
                continue;
            }
            try (ZooKeeper zk = direct(ensemble, id)) {
                assertNull(syncThenExists(zk, path), path + " went with its closed session, on member " + id);
            }
        }
    }

    // --- setting the scene

    /**
     * Writes that set the scene, or make the changes a watching client waits for, are retried on ConnectionLoss
     * (for at most 20 s): on a loaded machine a member may lose its leader for a moment, and it then drops its
     * clients and fails the write they had in flight (ours counts a leader gone after two ticks without a
     * heartbeat). What the scenarios assert of their clients' own sessions, ephemerals and watches is not retried.
     * A create that finds its node on a retry had landed on an earlier attempt.
     */
    private static final Duration SCENE_RETRY = Duration.ofSeconds(20);

    private static void createPersistent(ZooKeeper zk, String path) throws Exception {
        retried(retry -> {
            try {
                zk.create(path, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                if (!retry) {
                    throw e;
                }
            }
        });
    }

    private static void setData(ZooKeeper zk, String path, byte[] data) throws Exception {
        retried(retry -> zk.setData(path, data, -1));
    }

    /**
     * A read that checks what the tree holds (not what a tested client's own session sees), retried on
     * ConnectionLoss as the writes that set the scene are.
     */
    private static <T> T read(JavaClient.Call<T> read) throws Exception {
        return JavaClient.retryingConnectionLoss(SCENE_RETRY, read);
    }

    private interface Write {
        void run(boolean retry) throws Exception;
    }

    /** {@code write}, told whether an earlier attempt of it may have landed. */
    private static void retried(Write write) throws Exception {
        boolean[] attempted = {false};
        JavaClient.retryingConnectionLoss(SCENE_RETRY, () -> {
            boolean retry = attempted[0];
            attempted[0] = true;
            write.run(retry);
            return null;
        });
    }

    /** Polls member {@code zk} until {@code path} is gone (at most {@code ms}); fails otherwise. */
    private static void awaitGone(ZooKeeper zk, String path, long ms) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (read(() -> zk.exists(path, false)) != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " still there after " + ms + " ms");
            }
            Thread.sleep(50);
        }
    }

    private static void assertNoChildren(ZooKeeper zk, String path, String where) throws Exception {
        assertEquals(List.of(), read(() -> zk.getChildren(path, false)), path + "'s children on " + where);
    }

    private static Stat syncThenExists(ZooKeeper zk, String path) throws Exception {
        sync(zk, path);
        return read(() -> zk.exists(path, false));
    }

    /** A sync through {@code zk}, retried on ConnectionLoss (at most 20 s; see {@link #retried}). */
    private static void sync(ZooKeeper zk, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
            int rc = done.get(30, TimeUnit.SECONDS);
            if (rc != KeeperException.Code.CONNECTIONLOSS.intValue() || System.nanoTime() > deadline) {
                assertEquals(0, rc, "sync");
                return;
            }
            Thread.sleep(100);
        }
    }

    private static void closeAll(List<? extends ZooKeeper> clients) throws InterruptedException {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
    }
}
