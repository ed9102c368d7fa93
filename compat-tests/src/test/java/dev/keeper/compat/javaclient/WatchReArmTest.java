package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.LoopbackProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watches belong to a connection on the server, so a client that reconnects re-registers them: the 3.9 client
 * sends {@code setWatches} (opcode 101), or {@code setWatches2} (105) for a batch holding persistent watches, in
 * batches of about 128 KB of paths, carrying its last seen zxid. The server re-arms each watch, or fires at once
 * for a change the client missed ({@code DataTree.setWatches}: a data watch on a node whose mzxid is newer, a child
 * watch on one whose pzxid is newer, an exist watch on a node that now exists, a data or child watch on a node that
 * is gone); persistent watches are re-armed without catch-up events.
 */
@OnBothServers
class WatchReArmTest {
    private static final Servers.Settings SETTINGS = new Servers.Settings(100, 200, 20_000, 60);
    private static final byte[] NO_DATA = new byte[0];
    private static final byte[] SOME = {7};

    private static Servers.Handle server;
    private static ZooKeeper writer;

    @BeforeAll
    static void start() throws Exception {
        server = ServerUnderTest.start(SETTINGS);
        writer = Clients.connect(server.connectString());
    }

    @AfterAll
    static void stop() {
        Clients.closeQuietly(writer);
        if (server != null) {
            server.close();
        }
    }

    private static void create(String... paths) throws Exception {
        for (String p : paths) {
            writer.create(p, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    @Test
    void everyWatchKind_firesAfterReconnect_forChangesByAnotherClient() throws Exception {
        create("/rearm", "/rearm/data", "/rearm/parent", "/rearm/pw", "/rearm/rw", "/rearm/rw/a");
        EventLog log = new EventLog();
        ZooKeeper zk = Clients.connect(server.connectString(), 10_000, log);
        try {
            zk.getData("/rearm/data", true, null);
            assertNull(zk.exists("/rearm/missing", true));
            zk.getChildren("/rearm/parent", true);
            zk.addWatch("/rearm/pw", AddWatchMode.PERSISTENT);
            zk.addWatch("/rearm/rw", AddWatchMode.PERSISTENT_RECURSIVE);
            long session = zk.getSessionId();

            int mark = log.mark();
            Clients.dropConnection(zk);
            log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
            Clients.awaitConnected(zk, log, mark);
            assertEquals(session, zk.getSessionId());
            Clients.barrier(zk);
            assertEquals(List.of(), log.nodeEventsSince(mark), "nothing changed, so nothing fired on reconnect");

            int changes = log.mark();
            writer.setData("/rearm/data", SOME, -1);
            create("/rearm/missing", "/rearm/parent/c");
            writer.setData("/rearm/pw", SOME, -1);
            create("/rearm/pw/c", "/rearm/rw/a/b");
            writer.setData("/rearm/rw/a", SOME, -1);
            writer.delete("/rearm/rw/a/b", -1);
            Clients.barrier(zk);
            assertEquals(List.of(
                    "NodeDataChanged /rearm/data",
                    "NodeCreated /rearm/missing",
                    "NodeChildrenChanged /rearm/parent",
                    "NodeDataChanged /rearm/pw",
                    "NodeChildrenChanged /rearm/pw",
                    "NodeCreated /rearm/rw/a/b",
                    "NodeDataChanged /rearm/rw/a",
                    "NodeDeleted /rearm/rw/a/b"), log.nodeEventsSince(changes));

            // The one-shot watches are spent; the persistent ones are still armed.
            int again = log.mark();
            writer.setData("/rearm/data", NO_DATA, -1);
            writer.delete("/rearm/parent/c", -1);
            writer.setData("/rearm/pw", NO_DATA, -1);
            writer.setData("/rearm/rw", SOME, -1);
            Clients.barrier(zk);
            assertEquals(List.of("NodeDataChanged /rearm/pw", "NodeDataChanged /rearm/rw"),
                    log.nodeEventsSince(again));
        } finally {
            zk.close();
        }
    }

    @Test
    void changesMadeWhileDisconnected_fireCatchUpEventsOnReconnect() throws Exception {
        create("/away", "/away/data", "/away/gone", "/away/parent-add", "/away/parent-del", "/away/parent-del/x",
                "/away/quiet", "/away/pw", "/away/rw");
        try (LoopbackProxy proxy = new LoopbackProxy(server.port())) {
            EventLog log = new EventLog();
            ZooKeeper zk = Clients.connect(proxy.connectString(), 10_000, log);
            try {
                zk.getData("/away/data", true, null);
                zk.getData("/away/gone", true, null);
                assertNull(zk.exists("/away/missing", true));
                assertNull(zk.exists("/away/still-missing", true));
                zk.getChildren("/away/parent-add", true);
                zk.getChildren("/away/parent-del", true);
                zk.getData("/away/quiet", true, null);
                zk.addWatch("/away/pw", AddWatchMode.PERSISTENT);
                zk.addWatch("/away/rw", AddWatchMode.PERSISTENT_RECURSIVE);

                int mark = log.mark();
                proxy.cut();
                log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
                writer.setData("/away/data", SOME, -1);
                writer.delete("/away/gone", -1);
                create("/away/missing", "/away/parent-add/c");
                writer.delete("/away/parent-del/x", -1);
                writer.setData("/away/pw", SOME, -1);
                create("/away/rw/n");
                assertTrue(log.nodeEventsSince(mark).isEmpty(), "no event can reach a disconnected client");

                proxy.restore();
                Clients.awaitConnected(zk, log, mark);
                Clients.barrier(zk);
                assertEquals(new TreeSet<>(Set.of(
                        "NodeDataChanged /away/data",
                        "NodeDeleted /away/gone",
                        "NodeCreated /away/missing",
                        "NodeChildrenChanged /away/parent-add",
                        "NodeChildrenChanged /away/parent-del")),
                        new TreeSet<>(log.nodeEventsSince(mark)),
                        "catch-up events for the one-shot watches, none for the persistent ones");
                assertEquals(5, log.nodeEventsSince(mark).size(), "each catch-up event once");

                // The untouched watches were re-armed, the persistent ones too; the caught-up ones are spent.
                int after = log.mark();
                writer.setData("/away/quiet", SOME, -1);
                create("/away/still-missing");
                writer.setData("/away/data", NO_DATA, -1);
                create("/away/parent-add/d");
                writer.setData("/away/pw", NO_DATA, -1);
                create("/away/rw/m");
                Clients.barrier(zk);
                assertEquals(List.of(
                        "NodeDataChanged /away/quiet",
                        "NodeCreated /away/still-missing",
                        "NodeDataChanged /away/pw",
                        "NodeCreated /away/rw/m"), log.nodeEventsSince(after));
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void oneShotAndPersistentWatchesOnOnePath_areBothReArmed_andAChangeSpendsOnlyTheOneShot() throws Exception {
        // ZooKeeper keeps each (connection, path) pair's modes as a set (WatchStats, ZOOKEEPER-4466): a change
        // fires the pair once and removes only the STANDARD mode. Each client-side watcher here is its own object
        // so the client reports every one of them.
        create("/modes", "/modes/n");
        EventLog log = new EventLog();
        EventLog oneShot = new EventLog();
        EventLog persistent = new EventLog();
        EventLog recursive = new EventLog();
        ZooKeeper zk = Clients.connect(server.connectString(), 10_000, log);
        try {
            zk.addWatch("/modes/n", persistent, AddWatchMode.PERSISTENT);
            zk.addWatch("/modes/n", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
            zk.getData("/modes/n", oneShot, null);

            int mark = log.mark();
            Clients.dropConnection(zk);
            log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
            Clients.awaitConnected(zk, log, mark);
            Clients.barrier(zk);

            writer.setData("/modes/n", SOME, -1);
            writer.setData("/modes/n", NO_DATA, -1);
            create("/modes/n/child");
            Clients.barrier(zk);
            assertEquals(List.of("NodeDataChanged /modes/n"), oneShot.nodeEventsSince(0));
            assertEquals(List.of("NodeDataChanged /modes/n", "NodeDataChanged /modes/n",
                    "NodeChildrenChanged /modes/n"), persistent.nodeEventsSince(0));
            assertEquals(List.of("NodeDataChanged /modes/n", "NodeDataChanged /modes/n",
                    "NodeCreated /modes/n/child"), recursive.nodeEventsSince(0));
        } finally {
            zk.close();
        }
    }

    @Test
    void catchUp_followsTheNodesStateNow_notTheHistoryMissed() throws Exception {
        create("/hist", "/hist/recreated", "/hist/child-data", "/hist/child-data/c", "/hist/churn");
        try (LoopbackProxy proxy = new LoopbackProxy(server.port())) {
            EventLog log = new EventLog();
            ZooKeeper zk = Clients.connect(proxy.connectString(), 10_000, log);
            try {
                zk.getData("/hist/recreated", true, null);
                zk.getChildren("/hist/recreated", true);
                assertNull(zk.exists("/hist/came-and-went", true));
                zk.getChildren("/hist/child-data", true);
                zk.getChildren("/hist/churn", true);

                int mark = log.mark();
                proxy.cut();
                log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
                // Deleted and created again: the node exists, with a newer mzxid and pzxid.
                writer.delete("/hist/recreated", -1);
                create("/hist/recreated");
                // Created and deleted: nothing to report, the exist watch is simply armed again.
                create("/hist/came-and-went");
                writer.delete("/hist/came-and-went", -1);
                // A child's data changed: the parent's pzxid does not move, so its child watch is re-armed.
                writer.setData("/hist/child-data/c", SOME, -1);
                // A child created and deleted again: the children are the same as before, but pzxid moved.
                create("/hist/churn/tmp");
                writer.delete("/hist/churn/tmp", -1);

                proxy.restore();
                Clients.awaitConnected(zk, log, mark);
                Clients.barrier(zk);
                assertEquals(new TreeSet<>(Set.of(
                        "NodeDataChanged /hist/recreated",
                        "NodeChildrenChanged /hist/recreated",
                        "NodeChildrenChanged /hist/churn")), new TreeSet<>(log.nodeEventsSince(mark)));
                assertEquals(3, log.nodeEventsSince(mark).size());

                int after = log.mark();
                create("/hist/came-and-went", "/hist/child-data/d");
                Clients.barrier(zk);
                assertEquals(List.of("NodeCreated /hist/came-and-went", "NodeChildrenChanged /hist/child-data"),
                        log.nodeEventsSince(after));
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void thousandsOfLongPathWatches_spreadOverManySetWatchesBatches_areAllReArmed() throws Exception {
        int n = 700;
        int persistent = 200;
        String base = "/bulk";
        String segment = "/" + "w".repeat(250);
        create(base);
        List<String> existing = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> persistentPaths = new ArrayList<>();
        List<String> recursivePaths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            existing.add(base + segment + "-e" + i);
            missing.add(base + segment + "-m" + i);
        }
        for (int i = 0; i < persistent; i++) {
            persistentPaths.add(base + segment + "-p" + i);
            recursivePaths.add(base + segment + "-r" + i);
        }
        Outstanding made = new Outstanding(n, Code.OK);
        for (String p : existing) {
            writer.create(p, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, made, null);
        }
        made.await();

        EventLog log = new EventLog();
        ZooKeeper zk = Clients.connect(server.connectString(), 10_000, log);
        try {
            Outstanding watched = new Outstanding(3 * n + 2 * persistent, Code.OK, Code.NONODE);
            for (int i = 0; i < n; i++) {
                zk.getData(existing.get(i), true, watched, null);
                zk.getChildren(existing.get(i), true, (AsyncCallback.ChildrenCallback) watched, null);
                zk.exists(missing.get(i), true, watched, null);
            }
            for (int i = 0; i < persistent; i++) {
                zk.addWatch(persistentPaths.get(i), AddWatchMode.PERSISTENT, watched, null);
                zk.addWatch(recursivePaths.get(i), AddWatchMode.PERSISTENT_RECURSIVE, watched, null);
            }
            watched.await();
            long pathBytes = 0;
            for (List<String> paths : List.of(existing, existing, missing, persistentPaths, recursivePaths)) {
                for (String p : paths) {
                    pathBytes += p.length();
                }
            }
            assertTrue(pathBytes > 4 * 128 * 1024, "enough paths for several setWatches batches: " + pathBytes);

            int mark = log.mark();
            Clients.dropConnection(zk);
            log.awaitState(mark, KeeperState.Disconnected, Clients.WAIT);
            Clients.awaitConnected(zk, log, mark);
            Clients.barrier(zk);
            assertEquals(List.of(), log.nodeEventsSince(mark));

            int changes = log.mark();
            Outstanding changed = new Outstanding(3 * n + 2 * persistent, Code.OK);
            for (int i = 0; i < n; i++) {
                writer.setData(existing.get(i), SOME, -1, changed, null);
                writer.create(existing.get(i) + "/c", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, changed,
                        null);
                writer.create(missing.get(i), NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, changed, null);
            }
            for (int i = 0; i < persistent; i++) {
                writer.create(persistentPaths.get(i), NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, changed,
                        null);
                writer.create(recursivePaths.get(i), NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, changed,
                        null);
            }
            changed.await();
            Clients.barrier(zk);

            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                expected.put("NodeDataChanged " + existing.get(i), 1);
                expected.put("NodeChildrenChanged " + existing.get(i), 1);
                expected.put("NodeCreated " + missing.get(i), 1);
            }
            for (int i = 0; i < persistent; i++) {
                expected.put("NodeCreated " + persistentPaths.get(i), 1);
                expected.put("NodeCreated " + recursivePaths.get(i), 1);
            }
            Map<String, Integer> seen = new TreeMap<>();
            for (String e : log.nodeEventsSince(changes)) {
                seen.merge(e, 1, Integer::sum);
            }
            assertEquals(expected.size(), seen.size(), "distinct events after the reconnect");
            assertEquals(expected, seen);
        } finally {
            zk.close();
        }
    }
}
