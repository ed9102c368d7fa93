package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.JavaClient;
import dev.keeper.compat.support.LoopbackProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that moves to another member (a second handle on the session's id and password, as ZooKeeper's own
 * {@code QuorumTest.testSessionMoved} does it): the old connection's next write, sync or multi is not answered —
 * the member closes the connection, the client sees ConnectionLoss — and changes nothing, on any member; the
 * session, its ephemerals and the new connection carry on. Which member a session is attached to is replicated
 * state: a member that catches up from its leader's snapshot, or restarts from its own, refuses the old
 * connection's write like the others.
 */
class EnsembleSessionMovedTest {
    /** Half a second: at 200 ms a loaded CI machine changed leaders with no fault, and clients moved on their own. */
    private static final int TICK = 500;
    private static final byte[] NEW = "from the new connection".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STALE = "from the old connection".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void theOldConnectionsWriteSyncAndMulti_loseTheirConnection_andChangeNothing() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            members.awaitLeader();
            LoopbackProxy firstProxy = new LoopbackProxy(port(members, 1));
            ZooKeeper first = JavaClient.connect(firstProxy.connectString());
            first.create("/target", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            first.create("/owned", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            long session = first.getSessionId();
            byte[] password = first.getSessionPasswd();
            ZooKeeper old = first;
            LoopbackProxy oldProxy = firstProxy;
            String[] ops = {"setData", "sync", "multi", "setData", "sync", "multi"};
            try {
                for (int round = 0; round < ops.length; round++) {
                    int to = (round + 1) % 3 + 1;
                    LoopbackProxy newProxy = new LoopbackProxy(port(members, to));
                    ZooKeeper moved = connect(newProxy.connectString(), session, password);
                    byte[] value = (new String(NEW, StandardCharsets.UTF_8) + " " + round)
                            .getBytes(StandardCharsets.UTF_8);
                    moved.setData("/target", value, -1);
                    sync(moved);

                    // The old member still answers reads: ZooKeeper's followers serve them without the leader.
                    assertNotNull(old.exists("/target", false));
                    // Once dropped, the old handle must not come back and move the session back.
                    oldProxy.admitOnly(0);
                    String op = ops[round];
                    ZooKeeper stale = old;
                    int r = round;
                    KeeperException e = assertThrows(KeeperException.class, () -> staleOp(stale, op, r));
                    assertEquals(KeeperException.Code.CONNECTIONLOSS, e.code(), op + " from the old connection");

                    Stat st = new Stat();
                    assertArrayEquals(value, moved.getData("/target", false, st), "the old " + op + " changed nothing");
                    assertNull(moved.exists("/stale" + round, false));
                    assertEquals(session, moved.exists("/owned", false).getEphemeralOwner(),
                            "the session and its ephemeral live on");
                    old.close(1000);
                    oldProxy.close();
                    old = moved;
                    oldProxy = newProxy;
                }
                assertMembersAgree(members, "/target");
            } finally {
                old.close();
                oldProxy.close();
            }
        }
    }

    @Test
    void aMemberThatCatchesUpBySnapshotOrRestarts_knowsWhereTheSessionIs() throws Exception {
        int snapCount = 50;
        try (Members members = new Members(dir, 3, TICK, snapCount).startAll()) {
            members.awaitLeader();
            LoopbackProxy oldProxy = new LoopbackProxy(port(members, 1));
            ZooKeeper old = JavaClient.connect(oldProxy.connectString());
            ZooKeeper moved = null;
            ZooKeeper writer = JavaClient.connect(members.connectString(1) + "," + members.connectString(2));
            try {
                old.create("/target", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.create("/fill", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

                // Member 3 is away while the session moves to member 2 and the log it would need is purged.
                members.stop(3);
                moved = connect(members.connectString(2), old.getSessionId(), old.getSessionPasswd());
                // From here the old handle may not reconnect: if a leader change dropped its connection, its
                // reconnect would take the session back to member 1, as ZooKeeper's client may, and the write at
                // the end would rightly succeed.
                oldProxy.admitOnly(0);
                moved.setData("/target", NEW, -1);
                fill(writer, "a", 8 * snapCount);
                java.util.Set<String> before = ownersFiles(members.dir(3));
                members.start(3);
                members.awaitLeader();
                assertTrue(awaitNewOwnersFile(members.dir(3), before),
                        "member 3 caught up to a snapshot with the sessions' owners; it had " + before);

                // More entries, so that member 3 snapshots on its own, then restarts from that snapshot.
                fill(writer, "b", 3 * snapCount);
                members.stop(3);
                members.start(3);
                members.awaitLeader();

                KeeperException e = assertThrows(KeeperException.class,
                        () -> old.setData("/target", STALE, -1));
                assertEquals(KeeperException.Code.CONNECTIONLOSS, e.code());
                sync(moved);
                assertArrayEquals(NEW, moved.getData("/target", false, null));
                assertMembersAgree(members, "/target");
            } finally {
                old.close(1000);
                oldProxy.close();
                if (moved != null) {
                    moved.close();
                }
                writer.close();
            }
        }
    }

    private static void staleOp(ZooKeeper zk, String op, int round) throws Exception {
        switch (op) {
            case "setData" -> zk.setData("/target", STALE, -1);
            case "multi" -> zk.multi(List.of(Op.create("/stale" + round, STALE, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT)));
            case "sync" -> {
                CompletableFuture<Integer> done = new CompletableFuture<>();
                zk.sync("/", (rc, p, ctx) -> done.complete(rc), null);
                int rc = done.get(30, TimeUnit.SECONDS);
                if (rc != 0) {
                    throw KeeperException.create(KeeperException.Code.get(rc));
                }
            }
            default -> throw new IllegalArgumentException(op);
        }
    }

    /** A second handle on an existing session, connected (at most 10 s). */
    private static ZooKeeper connect(String connectString, long session, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, session, password);
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected to " + connectString);
        return zk;
    }

    private static void sync(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync("/", (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(0, done.get(30, TimeUnit.SECONDS));
    }

    private static void fill(ZooKeeper zk, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            zk.create("/fill/" + prefix + i, new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    private static int port(Members members, int id) {
        String cs = members.connectString(id);
        return Integer.parseInt(cs.substring(cs.lastIndexOf(':') + 1));
    }

    private static java.util.Set<String> ownersFiles(Path memberDir) throws IOException {
        try (Stream<Path> files = Files.walk(memberDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("owners\\.\\d+_\\d+"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    /** Waits (at most 30 s) for an owners' file the member did not have: a snapshot its leader sent. */
    private static boolean awaitNewOwnersFile(Path memberDir, java.util.Set<String> before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                java.util.Set<String> now = ownersFiles(memberDir);
                now.removeAll(before);
                if (!now.isEmpty()) {
                    return true;
                }
            } catch (IOException | java.io.UncheckedIOException racingWithRatis) {
                // a file vanished during the walk; look again
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Every member, after a sync, has the same Stat for {@code path} and the same last zxid: the refused writes
     * took the same zxids everywhere.
     */
    private static void assertMembersAgree(Members members, String path) throws Exception {
        List<ZooKeeper> clients = new java.util.ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                clients.add(JavaClient.connect(members.connectString(id)));
            }
            for (ZooKeeper zk : clients) {
                sync(zk); // after every client's session was created: no write follows
            }
            Stat first = clients.get(0).exists(path, false);
            String firstZxid = zxidLine(FourLetterWord.ask(port(members, 1), "srvr"));
            for (int id = 2; id <= 3; id++) {
                assertEquals(first, clients.get(id - 1).exists(path, false), "member " + id + " has the same " + path);
                assertEquals(firstZxid, zxidLine(FourLetterWord.ask(port(members, id), "srvr")),
                        "member " + id + " has the same last zxid");
            }
        } finally {
            for (ZooKeeper zk : clients) {
                zk.close();
            }
        }
    }

    private static String zxidLine(String srvr) {
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Zxid: ")) {
                return line;
            }
        }
        throw new AssertionError("no Zxid in srvr: " + srvr);
    }
}
