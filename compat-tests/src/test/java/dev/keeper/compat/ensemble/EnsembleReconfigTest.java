package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import dev.keeper.server.config.Peer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reconfig through the stock client's {@code ZooKeeperAdmin}, on three members in this JVM: a member removed and
 * added back as an observer, every member's {@code /zookeeper/config} following, a watch on it firing once, and
 * the requests ZooKeeper refuses refused with its codes, each taking a zxid.
 */
class EnsembleReconfigTest {
    private static final int TICK = 200;

    @TempDir
    Path dir;

    @Test
    void aMemberRemovedThenAddedBackAsAnObserver_everyMemberFollowsTheConfiguration() throws Exception {
        try (Members members = new Members(dir, 3, TICK).withReconfig().startAll()) {
            steadyLeader(members);
            ZooKeeperAdmin admin = admin(members.connectString(1));
            ZooKeeper watcher = connect(members.connectString(2));
            try {
                Stat before = new Stat();
                String config = new String(admin.getConfig(false, before), StandardCharsets.UTF_8);
                assertTrue(config.contains("server.3="), config);
                long version = version(config);
                assertEquals(before.getMzxid(), version, "version= is the configuration's zxid");
                assertTrue(version >>> 32 >= 1 && (version & 0xffffffffL) == 0,
                        "with reconfigEnabled the first leader versions the static configuration with its epoch's"
                                + " first zxid (ZOOKEEPER-1783): " + Long.toHexString(version));

                CountDownLatch changed = new CountDownLatch(1);
                AtomicInteger fired = new AtomicInteger();
                watcher.getConfig(event -> {
                    if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                        fired.incrementAndGet();
                        changed.countDown();
                    }
                }, new Stat());

                Stat after = new Stat();
                String removed = new String(admin.reconfigure(null, "3", null, version, after),
                        StandardCharsets.UTF_8);
                assertFalse(removed.contains("server.3="), removed);
                assertTrue(removed.contains("server.1=") && removed.contains("server.2="), removed);
                assertEquals(after.getMzxid(), version(removed), "the new version is the reconfig's zxid");
                assertEquals(-1, after.getVersion(), "reconfig sets /zookeeper/config with version -1, as ZooKeeper");
                assertTrue(changed.await(10, TimeUnit.SECONDS), "the watch on /zookeeper/config fired");

                // member 3 may have been the leader: member 2 then has none for a moment and drops its clients,
                // as a ZooKeeper follower does when its leader goes (a CI run saw ConnectionLoss here)
                Stat seen = new Stat();
                assertEquals(removed, new String(syncedConfig(watcher, seen), StandardCharsets.UTF_8),
                        "member 2 has the same configuration");
                assertEquals(after.getMzxid(), seen.getMzxid());
                awaitNotServing(members, 3);
                // member 3 may have been the leader: the other two elect one, and their clients may see
                // ConnectionLoss meanwhile (a CI run did), as ZooKeeper's do when their leader goes
                createSurely(admin, "/after-removal");

                // back as an observer: a removed member's Raft state is set aside (as README says), and started
                // again it waits outside the configuration until the reconfig adds it
                members.stop(3);
                deleteTree(members.dir(3).resolve("ratis"));
                members.start(3);
                Peer p = members.peer(3);
                String joining = "server.3=" + new Peer(3, p.host(), p.quorumPort(), p.electionPort(), true,
                        p.clientHost(), p.clientPort()).spec();
                String added = new String(admin.reconfigure(joining, null, null, -1, new Stat()),
                        StandardCharsets.UTF_8);
                assertTrue(added.contains(joining), added);
                awaitMode(members, 3, "observer");
                ZooKeeper observer = connect(members.connectString(3));
                try {
                    observer.sync("/", (rc, path, ctx) -> { }, null);
                    assertNotNull(observer.exists("/after-removal", false), "the observer caught up");
                    assertEquals(added, new String(observer.getConfig(false, new Stat()), StandardCharsets.UTF_8));
                } finally {
                    observer.close();
                }
                assertEquals(1, fired.get(), "a one-shot watch fires once");
            } finally {
                admin.close();
                watcher.close();
            }
        }
    }

    @Test
    void aNewMemberAddedByReconfig_catchesUpAndVotes() throws Exception {
        try (Members members = new Members(dir, 4, TICK).withReconfig().withJoiners(4).startFounders()) {
            steadyLeader(members);
            ZooKeeperAdmin admin = admin(members.connectString(1));
            try {
                for (int i = 0; i < 300; i++) {
                    admin.create("/before-" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                }
                members.start(4);
                String joining = "server.4=" + members.peer(4).spec();
                String config = new String(admin.reconfigure(joining, null, null, -1, new Stat()),
                        StandardCharsets.UTF_8);
                assertTrue(config.contains(joining), config);
                awaitMode(members, 4, "follower");
                ZooKeeper fourth = connect(members.connectString(4));
                try {
                    fourth.sync("/", (rc, path, ctx) -> { }, null);
                    assertNotNull(fourth.exists("/before-299", false), "the new member caught up");
                    assertEquals(config, new String(fourth.getConfig(false, new Stat()), StandardCharsets.UTF_8));
                    fourth.create("/from-the-new-member", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                } finally {
                    fourth.close();
                }
                // four voters: with two of the founders gone there is no quorum without the new member's vote
                members.stop(3);
                members.stop(2);
                assertThrows(KeeperException.class, () -> {
                    ZooKeeper lone = new ZooKeeper(members.connectString(1), 2_000, e -> { });
                    try {
                        lone.create("/no-quorum", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    } finally {
                        lone.close();
                    }
                });
                members.start(2);
                steadyLeader(members);
                ZooKeeper again = connect(members.connectString(2));
                try {
                    again.create("/quorum-again", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    assertNotNull(again.exists("/from-the-new-member", false));
                } finally {
                    again.close();
                }
            } finally {
                admin.close();
            }
        }
    }

    @Test
    void removingTheLeader_anotherLeads_andWritesGoOn() throws Exception {
        try (Members members = new Members(dir, 3, TICK).withReconfig().startAll()) {
            int leader = steadyLeader(members);
            int asker = leader == 1 ? 2 : 1;
            ZooKeeperAdmin admin = admin(members.connectString(asker));
            try {
                admin.create("/before", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Stat stat = new Stat();
                String config = new String(admin.reconfigure(null, Integer.toString(leader), null, -1, stat),
                        StandardCharsets.UTF_8);
                assertFalse(config.contains("server." + leader + "="), config);
                awaitNotServing(members, leader);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int next = -1;
                while (next < 0) {
                    assertTrue(System.nanoTime() < deadline, "a new leader among the two left within 60 s");
                    for (int id = 1; id <= 3; id++) {
                        if (id != leader && "leader".equals(members.mode(id))) {
                            next = id;
                        }
                    }
                    Thread.sleep(50);
                }
                // the asker's member lost its leader too, and may drop its clients meanwhile, as ZooKeeper's
                // followers do when their leader goes: ConnectionLoss is an unknown outcome, retried
                createSurely(admin, "/after");
                ZooKeeper other = connect(members.connectString(6 - leader - asker));
                try {
                    other.sync("/", (rc, path, ctx) -> { }, null);
                    assertNotNull(other.exists("/after", false));
                    assertEquals(config, new String(other.getConfig(false, new Stat()), StandardCharsets.UTF_8));
                } finally {
                    other.close();
                }
            } finally {
                admin.close();
            }
        }
    }

    @Test
    void refusedReconfigs_getZooKeepersCodes_andEachTakesAZxid() throws Exception {
        try (Members members = new Members(dir, 3, TICK).withReconfig().startAll()) {
            steadyLeader(members);
            ZooKeeperAdmin admin = admin(members.connectString(2));
            ZooKeeperAdmin anonymous = new ZooKeeperAdmin(members.connectString(2), 10_000, event -> { });
            try {
                awaitConnected(anonymous);
                Stat stat = new Stat();
                long version = version(new String(admin.getConfig(false, stat), StandardCharsets.UTF_8));
                long zxid = lastZxid(admin);
                assertThrows(KeeperException.BadVersionException.class,
                        () -> admin.reconfigure(null, "3", null, version + 1, new Stat()));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure(null, "2,3", null, -1, new Stat()));
                assertThrows(KeeperException.BadArgumentsException.class,
                        () -> admin.reconfigure("server.9=127.0.0.1:1234", null, null, -1, new Stat()));
                assertThrows(KeeperException.NoAuthException.class,
                        () -> anonymous.reconfigure(null, "3", null, -1, new Stat()));
                assertEquals(zxid + 5, lastZxid(admin), "four refusals and the create each took a zxid");
                assertEquals(version(new String(admin.getConfig(false, new Stat()), StandardCharsets.UTF_8)),
                        version, "nothing changed");
            } finally {
                admin.close();
                anonymous.close();
            }
        }
    }

    /**
     * The leader, once it has led for ten ticks: on a loaded machine a fresh ensemble may elect again just after
     * it started (a CI run lost a read to that), and these tests are about reconfig, not about that.
     */
    private static int steadyLeader(Members members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int leader = members.awaitLeader();
        while (true) {
            Thread.sleep(10L * TICK);
            int now = members.awaitLeader();
            if (now == leader) {
                return leader;
            }
            assertTrue(System.nanoTime() < deadline, "a leader that stays for ten ticks within 90 s");
            leader = now;
        }
    }

    /** sync, then getConfig, again after a ConnectionLoss (the client reconnects meanwhile), within 30 s. */
    private static byte[] syncedConfig(ZooKeeper zk, Stat stat) throws Exception {
        return JavaClient.retryingConnectionLoss(Duration.ofSeconds(30), () -> {
            CountDownLatch synced = new CountDownLatch(1);
            AtomicInteger code = new AtomicInteger();
            zk.sync("/", (rc, p, ctx) -> {
                code.set(rc);
                synced.countDown();
            }, null);
            assertTrue(synced.await(30, TimeUnit.SECONDS), "sync answered");
            if (code.get() != 0) {
                throw KeeperException.create(KeeperException.Code.get(code.get()), "/");
            }
            return zk.getConfig(false, stat);
        });
    }

    private static void createSurely(ZooKeeper zk, String path) throws Exception {
        JavaClient.retryingConnectionLoss(Duration.ofSeconds(30), () -> {
            try {
                return zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                return path; // an earlier attempt that lost its connection did it
            }
        });
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    /** The zxid a create gets now, less one: the last zxid before it. */
    private static long lastZxid(ZooKeeper zk) throws Exception {
        String path = zk.create("/z-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        return zk.exists(path, false).getCzxid();
    }

    private static long version(String config) {
        for (String line : config.split("\n")) {
            if (line.startsWith("version=")) {
                return Long.parseLong(line.substring("version=".length()).trim(), 16);
            }
        }
        throw new AssertionError("no version= line in " + config);
    }

    private static ZooKeeperAdmin admin(String connect) throws Exception {
        ZooKeeperAdmin admin = new ZooKeeperAdmin(connect, 10_000, event -> { });
        awaitConnected(admin);
        admin.addAuthInfo("digest", "super:test".getBytes(StandardCharsets.UTF_8));
        return admin;
    }

    private static ZooKeeper connect(String connect) throws Exception {
        ZooKeeper zk = new ZooKeeper(connect, 10_000, (WatchedEvent e) -> { });
        awaitConnected(zk);
        return zk;
    }

    private static void awaitConnected(ZooKeeper zk) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (zk.getState() != ZooKeeper.States.CONNECTED) {
            assertTrue(System.nanoTime() < deadline, "connected within 30 s");
            Thread.sleep(20);
        }
    }

    private static void awaitNotServing(Members members, int id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (members.mode(id) != null) {
            assertTrue(System.nanoTime() < deadline, "member " + id + " stopped serving within 30 s");
            Thread.sleep(50);
        }
    }

    private static void awaitMode(Members members, int id, String mode) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!mode.equals(members.mode(id))) {
            assertTrue(System.nanoTime() < deadline, "member " + id + " is " + mode + " within 60 s, is "
                    + members.mode(id));
            Thread.sleep(50);
        }
    }
}
