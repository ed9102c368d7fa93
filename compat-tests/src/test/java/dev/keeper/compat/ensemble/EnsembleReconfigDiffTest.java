package dev.keeper.compat.ensemble;

import static dev.keeper.compat.ensemble.ReconfigEnsembles.CONFIG;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.SESSION_MS;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.admin;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.awaitTrue;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.client;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.readConfig;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.sync;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ensemble.ReconfigEnsembles.Config;
import dev.keeper.compat.ensemble.ReconfigEnsembles.Launched;
import dev.keeper.compat.ensemble.ReconfigEnsembles.Roles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Dynamic reconfiguration ({@code reconfig}, opcode 16) of a three-member ensemble, differentially: every scenario
 * runs the same stock clients — {@link ZooKeeperAdmin}, the plain Java client, Curator with its ensemble tracker —
 * against ours and against the real ZooKeeper 3.9.5 (see {@link EnsembleUnderTest}), and asserts one behaviour for
 * both, ZooKeeper's, including where it is surprising (said so where it is).
 *
 * <p>Each scenario launches an ensemble of its own, because a reconfig leaves it with two members, and kills it at
 * the end: every member with {@code reconfigEnabled=true} in its zoo.cfg (but one scenario, which checks what a
 * server without it answers), and with a super user ({@code super:test}) through the system property
 * {@code zookeeper.DigestAuthenticationProvider.superDigest}: the ACL of {@code /zookeeper/config} lets only the
 * super user write it, and so reconfigure. ZooKeeper's {@code standaloneEnabled} keeps its default (true); with
 * three participants it changes nothing but the floor of a new configuration, which must keep two voters.
 *
 * <p>The member that leaves is the highest-numbered follower, not the leader: ZooKeeper's fresh ensembles nearly
 * always elect member 3 (the highest myid wins a tie in its election), and its removal of the leader hands the
 * leadership over and restarts the remaining members' roles, which drops their clients and may lose the reply to
 * the reconfig itself — a scenario of its own, not this one's. A removed follower of ZooKeeper stays up as a
 * non-voting follower, serving its clients, until it is shut down: one scenario holds a client of it to that. The
 * others reconfigure through a ZooKeeperAdmin of the two members that stay, so that which member the client picks
 * from its connect string (at random) decides nothing.
 */
class EnsembleReconfigDiffTest {
    /** Every bounded wait for something to arrive: a watch event, a tracker's update. */
    private static final long WAIT_MS = 30_000;
    /** How often a wait for a condition looks again. */
    private static final long POLL_MS = 50;
    private static final byte[] NO_DATA = new byte[0];

    // --- scenario 1: remove a participant

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void removingAFollower_returnsTheNewConfig_everyKeptMemberReadsIt_writesGoOn_andTheConfigWatchFiresOnce(
            EnsembleUnderTest.Server server) throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigDiffTest.class, server, "remove",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            try (ZooKeeperAdmin admin = admin(roles.keptConnectString(ensemble), true);
                    ZooKeeper watching = client(ensemble.connectString(roles.kept[0]))) {
                Config before = readConfig(admin);
                System.out.println("[" + server + "] /zookeeper/config before the reconfig, " + describe(before.stat)
                        + ":\n" + before.text());
                assertEquals(List.of(1, 2, 3), new ArrayList<>(before.servers().keySet()),
                        "every member in the config before, on " + ensemble);
                // the config's version is the zxid that last set it, its node's mzxid (on ZooKeeper: the zxid
                // its first leader started its epoch with, 0x<epoch>00000000, until the first reconfig)
                assertEquals(before.stat.getMzxid(), before.version(), "version= is the node's mzxid, on "
                        + ensemble);
                assertEquals(0, before.version() & 0xffffffffL, "the first config's version is the zxid its "
                        + "leader's epoch began with, on " + ensemble + ": " + before.text());
                for (int id = 1; id <= ensemble.size(); id++) {
                    String spec = before.servers().get(id);
                    assertTrue(spec.startsWith("127.0.0.1:") && spec.endsWith(":participant;"
                            + ensemble.connectString(id)), "server." + id + " as its zoo.cfg has it: " + spec);
                }
                assertConfigNodeShape(before, ensemble);

                Stat watchedStat = new Stat();
                byte[] watched = watching.getConfig(e -> events.add(e), watchedStat);
                assertArrayEquals(before.data, watched, "the watching client read the same config, on " + ensemble);

                Stat stat = new Stat();
                byte[] returned = admin.reconfigure(null, Integer.toString(roles.leaving), null, before.version(),
                        stat);
                Config after = new Config(returned, stat);
                System.out.println("[" + server + "] reconfigure(leaving=" + roles.leaving + ") returned, "
                        + describe(stat) + ":\n" + after.text());

                // the returned config: the kept members' lines as they were, the leaving member's gone, and a
                // version that is the reconfig's own zxid (in hex), the Stat's mzxid
                Map<Integer, String> expected = new TreeMap<>(before.servers());
                expected.remove(roles.leaving);
                assertEquals(expected, after.servers(), "the servers of the returned config, on " + ensemble);
                assertEquals(stat.getMzxid(), after.version(), "version= of the returned config is its mzxid, on "
                        + ensemble);
                assertTrue(after.version() > before.version(), "the config's version moved on, on " + ensemble);
                assertEquals(List.of("server.", "server.", "version="), after.lineKinds(),
                        "the returned config's lines: two servers, then the version, on " + ensemble);
                // verbatim: each kept server's line as before, then the version in lower-case hex without 0x,
                // one '\n' between lines and none at the end
                StringBuilder verbatim = new StringBuilder();
                for (Map.Entry<Integer, String> kept : expected.entrySet()) {
                    verbatim.append("server.").append(kept.getKey()).append('=').append(kept.getValue())
                            .append('\n');
                }
                verbatim.append("version=").append(Long.toHexString(stat.getMzxid()));
                assertEquals(verbatim.toString(), after.text(), "the returned config, verbatim, on " + ensemble);
                assertConfigNodeShape(after, ensemble);
                assertEquals(before.stat.getCzxid(), stat.getCzxid(), "the config node was not created again");
                assertEquals(before.stat.getCtime(), stat.getCtime(), "the config node was not created again");

                // each kept member serves the new config, read by a client of its own after a sync
                for (int id : roles.kept) {
                    try (ZooKeeper direct = client(ensemble.connectString(id))) {
                        Config read = readConfig(direct);
                        assertArrayEquals(returned, read.data, "member " + id + "'s config after a sync, on "
                                + ensemble + ": " + read.text());
                        assertEquals(stat.getMzxid(), read.stat.getMzxid(), "member " + id + "'s config mzxid");
                        assertEquals(stat.getVersion(), read.stat.getVersion(), "member " + id + "'s config version");
                    }
                }

                // the ensemble of two still takes writes
                try (ZooKeeper writer = client(ensemble.connectString(roles.kept[0]))) {
                    String path = writer.create("/after-reconfig", NO_DATA, Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    assertEquals("/after-reconfig", path);
                    Stat created = writer.exists(path, false);
                    assertNotNull(created);
                    assertTrue(created.getCzxid() > stat.getMzxid(), "the write came after the reconfig");
                }
                try (ZooKeeper other = client(ensemble.connectString(roles.kept[1]))) {
                    sync(other, "/after-reconfig");
                    assertNotNull(other.exists("/after-reconfig", false), "the write reached member "
                            + roles.kept[1] + ", on " + ensemble);
                }

                // the watch set on /zookeeper/config before the reconfig fired NodeDataChanged, once
                WatchedEvent fired = nextNodeEvent(events, WAIT_MS);
                assertNotNull(fired, "the config watch fired, on " + ensemble);
                assertEquals(EventType.NodeDataChanged, fired.getType(), "on " + ensemble);
                assertEquals(CONFIG, fired.getPath(), "on " + ensemble);
                assertNull(nextNodeEvent(events, 4L * EnsembleUnderTest.TICK_MS),
                        "the config watch fired once, on " + ensemble);
                Config rewatched = readConfig(watching);
                assertArrayEquals(returned, rewatched.data, "the watching client reads the new config, on "
                        + ensemble);

                System.out.println("[" + server + "] the removed member " + roles.leaving + " then says: "
                        + ensemble.fourLetterWord(roles.leaving, "srvr"));
            }
        }
    }

    /**
     * The reconfig's reply through the member it removes. ZooKeeper's removed follower answers it, and then, not a
     * voter any more, goes on following the leader as before: its clients stay connected, in the same session,
     * read the new config and write through it — until it is shut down, which is the operator's part.
     *
     * <p>Ours differs, and this records how (README, "Ensemble"): a member the new Raft configuration leaves out
     * hears nothing more from the leader, so it never applies the change it asked for; its client gets
     * ConnectionLoss, the change is made all the same, and the member stops serving.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void aClientOfTheRemovedFollower_getsTheReply_andStaysConnectedToIt(EnsembleUnderTest.Server server)
            throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigDiffTest.class, server, "removed-client",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            if (server == EnsembleUnderTest.Server.OURS) {
                try (ZooKeeperAdmin admin = admin(ensemble.connectString(roles.leaving), true)) {
                    Config before = readConfig(admin);
                    assertThrows(KeeperException.ConnectionLossException.class, () -> admin.reconfigure(null,
                            Integer.toString(roles.leaving), null, before.version(), new Stat()),
                            "ours: the removed member's client cannot be answered");
                }
                try (ZooKeeperAdmin kept = admin(roles.keptConnectString(ensemble), true)) {
                    sync(kept, "/");
                    Config after = readConfig(kept);
                    assertFalse(after.servers().containsKey(roles.leaving), "the change was made: " + after.text());
                }
                awaitTrue(() -> {
                    String srvr = ensemble.fourLetterWord(roles.leaving, "srvr");
                    return srvr != null && srvr.contains("not currently serving");
                }, () -> "the removed member stops serving", ensemble, WAIT_MS, POLL_MS);
                return;
            }
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            try (ZooKeeperAdmin admin = admin(ensemble.connectString(roles.leaving), true, events)) {
                long session = admin.getSessionId();
                Config before = readConfig(admin);
                Stat stat = new Stat();
                byte[] returned = admin.reconfigure(null, Integer.toString(roles.leaving), null, before.version(),
                        stat);
                Config after = new Config(returned, stat);
                assertFalse(after.servers().containsKey(roles.leaving), "the returned config: " + after.text());
                assertEquals(2, after.servers().size(), "the returned config: " + after.text());

                Config read = readConfig(admin);
                assertArrayEquals(returned, read.data, "the removed member serves the new config, on " + ensemble);
                Stat created = new Stat();
                admin.create("/through-the-removed-member", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        created);
                assertTrue(created.getCzxid() > stat.getMzxid(), "a write through the removed member, on "
                        + ensemble);
                try (ZooKeeper kept = client(ensemble.connectString(roles.kept[1]))) {
                    sync(kept, "/through-the-removed-member");
                    assertNotNull(kept.exists("/through-the-removed-member", false), "on " + ensemble);
                }
                assertTrue(admin.getState().isConnected(), "still connected, on " + ensemble);
                assertEquals(session, admin.getSessionId(), "the same session, on " + ensemble);
                List<Watcher.Event.KeeperState> states = new ArrayList<>();
                for (WatchedEvent e : events) {
                    states.add(e.getState());
                }
                assertEquals(List.of(Watcher.Event.KeeperState.SyncConnected), states,
                        "the connection's states, from its first: never dropped, on " + ensemble);
                System.out.println("[" + server + "] the removed member " + roles.leaving + " then says: "
                        + ensemble.fourLetterWord(roles.leaving, "srvr"));
            }
        }
    }

    // --- scenario 2: the errors, and the zxid each failure takes

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void failedReconfigs_answerZooKeepersErrorCodes_eachTakingAZxid_andLeaveTheConfigAsItWas(
            EnsembleUnderTest.Server server) throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigDiffTest.class, server, "errors",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            String leaving = Integer.toString(roles.leaving);
            // every session is opened before the zxids are counted: opening one is a transaction too
            try (ZooKeeperAdmin superAdmin = admin(ensemble.connectString(), true);
                    ZooKeeperAdmin plainAdmin = admin(ensemble.connectString(), false);
                    ZooKeeper writer = client(ensemble.connectString(roles.kept[0]))) {
                Config before = readConfig(superAdmin);
                long from = before.version();
                long firstZxid = createdZxid(writer, "/before-failures");

                KeeperException stale = assertThrows(KeeperException.BadVersionException.class,
                        () -> superAdmin.reconfigure(null, leaving, null, from + 1, new Stat()),
                        "a reconfig from a version not the current one, on " + ensemble);
                KeeperException noAuth = assertThrows(KeeperException.NoAuthException.class,
                        () -> plainAdmin.reconfigure(null, leaving, null, from, new Stat()),
                        "a reconfig without the super user, on " + ensemble);
                // ZooKeeper checks the version before the ACL of /zookeeper/config (its ACL check comes last,
                // after every check of the request itself): a client without the super user learns the version
                // is stale rather than that it may not reconfigure
                KeeperException staleNoAuth = assertThrows(KeeperException.BadVersionException.class,
                        () -> plainAdmin.reconfigure(null, leaving, null, from + 1, new Stat()),
                        "a stale reconfig without the super user, on " + ensemble);
                // one voter left: with standaloneEnabled (its default) ZooKeeper wants two in a new config
                KeeperException tooFew = assertThrows(KeeperException.BadArgumentsException.class,
                        () -> superAdmin.reconfigure(null, "2,3", null, from, new Stat()),
                        "a reconfig that leaves one participant, on " + ensemble);
                KeeperException badJoiner = assertThrows(KeeperException.BadArgumentsException.class,
                        () -> superAdmin.reconfigure("server.9=127.0.0.1:1234", null, null, from, new Stat()),
                        "a joining server with one port, on " + ensemble);
                // the same, to check the version again after the failures: they did not change it
                KeeperException staleAgain = assertThrows(KeeperException.BadVersionException.class,
                        () -> superAdmin.reconfigure(null, leaving, null, from + 1, new Stat()),
                        "a stale reconfig again, on " + ensemble);
                int failures = 6;
                long lastZxid = createdZxid(writer, "/after-failures");
                System.out.println("[" + server + "] failures: " + List.of(stale, noAuth, staleNoAuth, tooFew,
                        badJoiner, staleAgain) + "; creates' czxids 0x" + Long.toHexString(firstZxid) + " and 0x"
                        + Long.toHexString(lastZxid));
                // ZooKeeper logs every failed write, reconfig included, as an error transaction with a zxid of
                // its own: the second create's zxid is one per failure past the first's
                assertEquals(failures + 1, lastZxid - firstZxid, "zxids between two creates around " + failures
                        + " failed reconfigs (1 when failures take none), on " + ensemble);

                Config after = readConfig(superAdmin);
                assertArrayEquals(before.data, after.data, "the config after the failures, on " + ensemble);
                assertEquals(before.stat.getMzxid(), after.stat.getMzxid(), "its mzxid, on " + ensemble);
                assertEquals(before.stat.getVersion(), after.stat.getVersion(), "its version, on " + ensemble);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void withoutReconfigEnabled_aReconfigIsReconfigDisabled_takingAZxid(EnsembleUnderTest.Server server)
            throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigDiffTest.class, server, "disabled",
                EnsembleUnderTest.SIZE, false)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            try (ZooKeeperAdmin superAdmin = admin(ensemble.connectString(), true);
                    ZooKeeper writer = client(ensemble.connectString(roles.kept[0]))) {
                Config before = readConfig(superAdmin);
                System.out.println("[" + server + "] /zookeeper/config without reconfigEnabled, "
                        + describe(before.stat) + ":\n" + before.text());
                long firstZxid = createdZxid(writer, "/before-failure");
                KeeperException disabled = assertThrows(KeeperException.ReconfigDisabledException.class,
                        () -> superAdmin.reconfigure(null, Integer.toString(roles.leaving), null, before.version(),
                                new Stat()),
                        "a reconfig of an ensemble without reconfigEnabled, on " + ensemble);
                long lastZxid = createdZxid(writer, "/after-failure");
                System.out.println("[" + server + "] " + disabled + "; creates' czxids 0x"
                        + Long.toHexString(firstZxid) + " and 0x" + Long.toHexString(lastZxid));
                assertEquals(2, lastZxid - firstZxid, "zxids between two creates around a disabled reconfig, on "
                        + ensemble);
                Config after = readConfig(superAdmin);
                assertArrayEquals(before.data, after.data, "the config is as it was, on " + ensemble);
                assertEquals(3, after.servers().size(), "on " + ensemble);
                // without reconfigEnabled ZooKeeper never versions its config: version=0, and the node's mzxid
                // is 0 too (with it, its first leader gives the config the zxid its epoch began with)
                assertEquals(0, before.version(), "the unversioned config's version= on " + ensemble);
                assertEquals(0, before.stat.getMzxid(), "the unversioned config's mzxid on " + ensemble);
                assertConfigNodeShape(before, ensemble);
            }
        }
    }

    // --- scenario 3: Curator's ensemble tracker

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void curatorsEnsembleTracker_dropsTheRemovedMembersPort_fromItsConnectionString(EnsembleUnderTest.Server server)
            throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigDiffTest.class, server, "curator",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            String removedPort = ":" + ensemble.clientPort(roles.leaving);
            // Curator's EnsembleTracker reads /zookeeper/config (getConfig, with a watch) when the client
            // connects or reconnects, and again on each NodeDataChanged of its watch; each read that parses as a
            // majority quorum becomes the ensemble provider's connection string (host:clientPort of each server)
            // and the client's current config
            CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(ensemble.connectString())
                    .ensembleTracker(true).sessionTimeoutMs(SESSION_MS).connectionTimeoutMs(10_000)
                    .retryPolicy(new RetryNTimes(20, 200)).build();
            try (curator; ZooKeeperAdmin admin = admin(roles.keptConnectString(ensemble), true)) {
                curator.start();
                assertTrue(curator.blockUntilConnected(20, TimeUnit.SECONDS), "Curator connected to " + ensemble);
                Config before = readConfig(admin);
                awaitTrue(() -> curator.getCurrentConfig().getVersion() == before.version()
                        && curator.getCurrentConfig().getAllMembers().size() == 3,
                        () -> "the tracker read the config of three: " + curator.getCurrentConfig(), ensemble,
                        WAIT_MS, POLL_MS);
                String initial = curator.getZookeeperClient().getCurrentConnectionString();
                System.out.println("[" + server + "] Curator's connection string before: " + initial);
                assertTrue(initial.contains(removedPort), initial);

                Stat stat = new Stat();
                admin.reconfigure(null, Integer.toString(roles.leaving), null, before.version(), stat);
                awaitTrue(() -> curator.getCurrentConfig().getVersion() == stat.getMzxid()
                        && !curator.getZookeeperClient().getCurrentConnectionString().contains(removedPort),
                        () -> "the tracker dropped member " + roles.leaving + " (port" + removedPort + "): "
                                + curator.getZookeeperClient().getCurrentConnectionString(),
                        ensemble, WAIT_MS, POLL_MS);
                String now = curator.getZookeeperClient().getCurrentConnectionString();
                System.out.println("[" + server + "] Curator's connection string after: " + now);
                for (int id : roles.kept) {
                    assertTrue(now.contains(ensemble.connectString(id)), "member " + id + " kept in " + now);
                }
                assertEquals(2, now.split(",").length, now);
                assertEquals(2, curator.getCurrentConfig().getVotingMembers().size(), "on " + ensemble);
                // and the client still works against the ensemble of two
                curator.create().forPath("/curator-after-reconfig");
                assertNotNull(curator.checkExists().forPath("/curator-after-reconfig"));
            }
        }
    }

    // --- zxids and watch events

    /** Creates {@code path} and returns its czxid: the zxid of that transaction. */
    private static long createdZxid(ZooKeeper zk, String path) throws Exception {
        Stat stat = new Stat();
        zk.create(path, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
        return stat.getCzxid();
    }

    /** The next event of a node (not of the connection) within {@code ms}, or null. */
    private static WatchedEvent nextNodeEvent(BlockingQueue<WatchedEvent> events, long ms)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (true) {
            long left = deadline - System.nanoTime();
            WatchedEvent e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null || e.getType() != EventType.None) {
                return e;
            }
        }
    }

    // --- the config and the Stat of /zookeeper/config

    /**
     * The Stat of /zookeeper/config as ZooKeeper 3.9.5 keeps it. The node is made when the tree is, not by a
     * transaction (czxid 0, ctime 0), with the ACL world:anyone READ set on it at once, and its data is written by
     * setting it with version -1 (the starting config, then each reconfig): ZooKeeper stores that -1 as the node's
     * version, and its aversion is -1 too — neither counts changes, as every other node's do.
     */
    private static void assertConfigNodeShape(Config config, EnsembleUnderTest ensemble) {
        Stat s = config.stat;
        String where = describe(s) + " on " + ensemble;
        assertEquals(0, s.getCzxid(), "czxid, " + where);
        assertEquals(0, s.getCtime(), "ctime, " + where);
        assertEquals(-1, s.getVersion(), "version, " + where);
        assertEquals(-1, s.getAversion(), "aversion, " + where);
        assertEquals(0, s.getCversion(), "cversion, " + where);
        assertEquals(0, s.getEphemeralOwner(), "ephemeralOwner, " + where);
        assertEquals(0, s.getNumChildren(), "numChildren, " + where);
        assertEquals(0, s.getPzxid(), "pzxid, " + where);
        assertEquals(config.data.length, s.getDataLength(), "dataLength, " + where);
        assertTrue(s.getMtime() > 0, "mtime, " + where);
    }

    private static String describe(Stat s) {
        return "Stat{czxid=0x" + Long.toHexString(s.getCzxid()) + ", mzxid=0x" + Long.toHexString(s.getMzxid())
                + ", pzxid=0x" + Long.toHexString(s.getPzxid()) + ", ctime=" + s.getCtime() + ", mtime="
                + s.getMtime() + ", version=" + s.getVersion() + ", cversion=" + s.getCversion() + ", aversion="
                + s.getAversion() + ", ephemeralOwner=" + s.getEphemeralOwner() + ", dataLength="
                + s.getDataLength() + ", numChildren=" + s.getNumChildren() + "}";
    }
}
