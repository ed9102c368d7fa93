package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members on loopback, stock Java clients: a write on any member is seen on every member with the same
 * zxid and Stat; sessions are global (an ephemeral made through one member is owned everywhere and goes when the
 * session closes); a watch set on one member fires for a change made through another; and the ensemble goes on
 * when its leader stops.
 */
class EnsembleBasicsTest {
    private static final int TICK = 200;

    @TempDir
    Path dir;

    @Test
    void writesOnAnyMember_areSeenOnEveryMember_withTheSameStat() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            List<ZooKeeper> clients = new ArrayList<>();
            try {
                for (int id = 1; id <= 3; id++) {
                    clients.add(JavaClient.connect(members.connectString(id)));
                }
                for (int id = 1; id <= 3; id++) {
                    clients.get(id - 1).create("/from" + id, ("data" + id).getBytes(StandardCharsets.UTF_8),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                for (ZooKeeper zk : clients) {
                    sync(zk, "/"); // catch up with everything committed
                }
                for (int id = 1; id <= 3; id++) {
                    Stat first = null;
                    for (ZooKeeper zk : clients) {
                        Stat st = new Stat();
                        byte[] data = syncThenGet(zk, "/from" + id, st);
                        assertArrayEquals(("data" + id).getBytes(StandardCharsets.UTF_8), data);
                        if (first == null) {
                            first = st;
                        } else {
                            assertEquals(first, st, "every member has the same Stat for /from" + id);
                        }
                    }
                    assertTrue(first.getCzxid() >>> 32 > 0, "zxids carry the leader's epoch: 0x"
                            + Long.toHexString(first.getCzxid()));
                }
                assertNotEquals(-1, leader);
            } finally {
                for (ZooKeeper zk : clients) {
                    zk.close();
                }
            }
        }
    }

    @Test
    void sessionsAreGlobal_andWatchesFireForChangesMadeThroughOtherMembers() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            members.awaitLeader();
            ZooKeeper owner = JavaClient.connect(members.connectString(1));
            ZooKeeper watcher = JavaClient.connect(members.connectString(2));
            ZooKeeper other = JavaClient.connect(members.connectString(3));
            try {
                owner.create("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                Stat st = new Stat();
                syncThenGet(other, "/eph", st);
                assertEquals(owner.getSessionId(), st.getEphemeralOwner(), "owned by the session everywhere");

                BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
                sync(watcher, "/");
                assertNotNull(watcher.exists("/eph", events::add));
                owner.close();
                WatchedEvent e = events.poll(10, TimeUnit.SECONDS);
                assertNotNull(e, "the watch on member 2 fires when member 1's client closes its session");
                assertEquals(Watcher.Event.EventType.NodeDeleted, e.getType());
                assertNull(syncThenExists(other, "/eph"), "the ephemeral went with its session on every member");
            } finally {
                watcher.close();
                other.close();
            }
        }
    }

    @Test
    void whenTheLeaderStops_theEnsembleElectsAnother_andClientsCarryOn() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            ZooKeeper zk = JavaClient.connect(members.connectString());
            try {
                zk.create("/before", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                members.stop(leader);
                int next = members.awaitLeader();
                assertNotEquals(leader, next);
                String path = JavaClient.retryingConnectionLoss(Duration.ofSeconds(60), () -> zk.create("/after",
                        new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                assertEquals("/after", path);
                assertNotNull(zk.exists("/before", false));
                members.start(leader);
                members.awaitLeader();
                ZooKeeper back = JavaClient.connect(members.connectString(leader));
                try {
                    assertNotNull(syncThenExists(back, "/after"), "the old leader caught up when it came back");
                } finally {
                    back.close();
                }
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void anObserverFollowsAndServesClients_butNeverVotes() throws Exception {
        try (Members members = new Members(dir, 3, 1, TICK, 100_000).startAll()) {
            int leader = members.awaitLeader();
            assertEquals("observer", members.mode(4), "server.4 is an observer (srvr's Mode)");
            ZooKeeper viaObserver = JavaClient.connect(members.connectString(4));
            ZooKeeper viaParticipant = JavaClient.connect(members.connectString(leader == 1 ? 2 : 1));
            try {
                viaObserver.create("/through-observer", "o".getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertArrayEquals("o".getBytes(StandardCharsets.UTF_8),
                        syncThenGet(viaParticipant, "/through-observer", new Stat()));
                viaParticipant.create("/to-observer", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertNotNull(syncThenExists(viaObserver, "/to-observer"), "the observer applies what is committed");
            } finally {
                viaObserver.close();
                viaParticipant.close();
            }
            // two of the three participants gone: one participant and the observer are no quorum
            int kept = leader;
            for (int id = 1; id <= 3; id++) {
                if (id != kept) {
                    members.stop(id);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30L * TICK);
            boolean stillLeading = true;
            while (System.nanoTime() < deadline && stillLeading) {
                stillLeading = members.mode(kept) != null;
                Thread.sleep(50);
            }
            assertNull(members.mode(kept), "the last participant steps down: the observer does not count");
            assertNull(members.mode(4), "so the observer serves no one either");
        }
    }

    @Test
    void mntrAndZookeeperConfig_describeTheEnsemble_asZooKeeperDoes() throws Exception {
        try (Members members = new Members(dir, 3, 1, TICK, 100_000).startAll()) {
            int leader = members.awaitLeader();
            int follower = leader == 1 ? 2 : 1;
            String mntr = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !(mntr.contains("zk_synced_followers\t2\n")
                    && mntr.contains("zk_synced_observers\t1\n"))) {
                mntr = dev.keeper.compat.support.FourLetterWord.ask(members.server(leader).port(), "mntr");
                Thread.sleep(50);
            }
            assertTrue(mntr.contains("zk_server_state\tleader\n"), mntr);
            assertTrue(mntr.contains("zk_peer_state\tleading - broadcast\n"), mntr);
            assertTrue(mntr.contains("zk_quorum_size\t3\n"), mntr);
            assertTrue(mntr.contains("zk_learners\t3\n"), mntr);
            assertTrue(mntr.contains("zk_synced_followers\t2\n"), mntr);
            assertTrue(mntr.contains("zk_followers\t2\n"), mntr);
            assertTrue(mntr.contains("zk_synced_observers\t1\n"), mntr);
            String onFollower = dev.keeper.compat.support.FourLetterWord.ask(members.server(follower).port(), "mntr");
            assertTrue(onFollower.contains("zk_peer_state\tfollowing - broadcast\n"), onFollower);
            assertTrue(!onFollower.contains("zk_synced_followers"), "only the leader reports its learners");

            ZooKeeper zk = JavaClient.connect(members.connectString(follower));
            try {
                String config = new String(zk.getConfig(false, null), StandardCharsets.UTF_8);
                for (int id = 1; id <= 4; id++) {
                    assertTrue(config.contains("server." + id + "=127.0.0.1:"), config);
                }
                assertTrue(config.contains(":observer;127.0.0.1:"), "the observer's line says so: " + config);
                assertTrue(config.endsWith("version=" + Long.toHexString(zk.exists("/zookeeper/config", false).getMzxid())), config);
                // without reconfigEnabled ZooKeeper 3.9.5 leaves its static configuration unversioned
                // (EnsembleReconfigDiffTest measures it; with reconfig, EnsembleReconfigTest sees the epoch's zxid)
                assertEquals(0, zk.exists("/zookeeper/config", false).getMzxid(), "unversioned: " + config);
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void ttlNodesAndEmptiedContainers_areReapedOnceByTheLeader_andGoFromEveryMember() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            List<ZooKeeper> clients = new ArrayList<>();
            try {
                for (int id = 1; id <= 3; id++) {
                    clients.add(JavaClient.connect(members.connectString(id)));
                }
                ZooKeeper zk = clients.get(leader % 3); // a follower's client
                zk.create("/ttl", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL,
                        new Stat(), 300);
                zk.create("/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
                zk.create("/c/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.delete("/c/x", -1);
                long lastWrite = zk.exists("/c", false).getPzxid();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (ZooKeeper member : clients) {
                    while (syncThenExists(member, "/ttl") != null || syncThenExists(member, "/c") != null) {
                        assertTrue(System.nanoTime() < deadline, "the leader reaps within 30 s");
                        Thread.sleep(100);
                    }
                }
                Stat made = new Stat();
                clients.get(leader - 1).create("/marker", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT, made);
                long marker = made.getCzxid();
                assertEquals(lastWrite + 3, marker, "two deletes between the last write and the marker: the"
                        + " leader reaped each node once, and no member made a transaction of its own");
                for (ZooKeeper member : clients) {
                    assertEquals(marker, syncThenExists(member, "/marker").getCzxid());
                }
            } finally {
                for (ZooKeeper zk : clients) {
                    zk.close();
                }
            }
        }
    }

    private static byte[] syncThenGet(ZooKeeper zk, String path, Stat st) throws Exception {
        sync(zk, path);
        return zk.getData(path, false, st);
    }

    private static Stat syncThenExists(ZooKeeper zk, String path) throws Exception {
        sync(zk, path);
        return zk.exists(path, false);
    }

    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(0, done.get(30, TimeUnit.SECONDS));
    }
}
