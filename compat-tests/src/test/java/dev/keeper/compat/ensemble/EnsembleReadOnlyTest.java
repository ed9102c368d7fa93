package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.LoopbackProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only mode ({@code readonlymode.enabled}): a member cut off from its quorum serves reads to clients that
 * allow read-only ({@code canBeReadOnly}), answers their writes NotReadOnly, says {@code ro} to isro and
 * {@code Mode: read-only} to srvr, refuses other clients; once the quorum is back it is a read-write member
 * again, and the read-only client moves to read-write, where its writes succeed.
 */
class EnsembleReadOnlyTest {
    private static final int TICK = 200;

    @TempDir
    Path dir;

    @Test
    void aMemberWithoutAQuorum_servesReadOnlyClients_untilTheQuorumIsBack() throws Exception {
        try (Members members = new Members(dir, 3, TICK).withReadOnlyMode().startAll()) {
            members.awaitLeader();
            ZooKeeper writer = dev.keeper.compat.support.JavaClient.connect(members.connectString(1));
            writer.create("/before", "seen".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            writer.close();
            // member 1 is left alone, after members 2 and 3 have what it has
            members.stop(2);
            members.stop(3);
            String isro = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !isro.equals("ro")) {
                isro = ask(members, 1, "isro");
                Thread.sleep(100);
            }
            assertEquals("ro", isro, "isro says read-only");
            assertEquals("read-only", members.mode(1));

            CountDownLatch readOnly = new CountDownLatch(1);
            CountDownLatch readWrite = new CountDownLatch(1);
            ZooKeeper client = new ZooKeeper(members.connectString(), 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.ConnectedReadOnly) {
                    readOnly.countDown();
                } else if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    readWrite.countDown();
                }
            }, true);
            try {
                assertTrue(readOnly.await(30, TimeUnit.SECONDS), "a client that allows read-only connects read-only");
                assertArrayEquals("seen".getBytes(StandardCharsets.UTF_8), client.getData("/before", false, null));
                assertThrows(KeeperException.NotReadOnlyException.class, () -> client.create("/during", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));

                members.start(2);
                members.start(3);
                assertTrue(readWrite.await(60, TimeUnit.SECONDS), "the client finds a read-write member again");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    try {
                        client.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                        break;
                    } catch (KeeperException.ConnectionLossException | KeeperException.NotReadOnlyException e) {
                        if (System.nanoTime() > until) {
                            throw e;
                        }
                        Thread.sleep(100);
                    }
                }
                assertEquals("rw", ask(members, 1, "isro"), "member 1 is read-write again");
            } finally {
                client.close();
            }
        }
    }

    /**
     * A client that has seen no read-write server asks for a new session each time it connects (ZooKeeper's
     * ClientCnxn sends session id 0 until it has), so a read-only member gets a new session at every reconnect: each
     * must expire once its client has been away for its timeout, or they pile up while the member stays read-only.
     */
    @Test
    void aReadOnlySessionWhoseClientWentAway_expiresOnTheReadOnlyMember() throws Exception {
        try (Members members = new Members(dir, 3, TICK).withReadOnlyMode().startAll()) {
            members.awaitLeader();
            members.stop(2);
            members.stop(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!ask(members, 1, "isro").equals("ro")) {
                assertTrue(System.nanoTime() < deadline, "member 1 goes read-only");
                Thread.sleep(100);
            }
            try (LoopbackProxy proxy = new LoopbackProxy(members.server(1).port())) {
                Semaphore readOnly = new Semaphore(0);
                ZooKeeper client = new ZooKeeper(proxy.connectString(), 2_000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.ConnectedReadOnly) {
                        readOnly.release();
                    }
                }, true);
                try {
                    assertTrue(readOnly.tryAcquire(30, TimeUnit.SECONDS));
                    long first = client.getSessionId();
                    assertEquals(1, sessionsOn(members, 1));
                    proxy.cut();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (sessionsOn(members, 1) != 0) {
                        assertTrue(System.nanoTime() < deadline, "the session of a client away for longer than its"
                                + " timeout expires on the read-only member");
                        Thread.sleep(100);
                    }
                    proxy.restore();
                    assertTrue(readOnly.tryAcquire(30, TimeUnit.SECONDS), "the client connects read-only again");
                    assertTrue(client.getSessionId() != first, "with a new session, as ZooKeeper's client asks");
                    assertEquals(1, sessionsOn(members, 1));
                } finally {
                    client.close();
                }
            }
        }
    }

    /** How many sessions member {@code id} tracks, as dump's "Session Sets (buckets)/(sessions)" says. */
    private static int sessionsOn(Members members, int id) throws IOException {
        Matcher m = Pattern.compile("Session Sets \\((\\d+)\\)/\\((\\d+)\\)")
                .matcher(ask(members, id, "dump"));
        assertTrue(m.find(), "dump lists the sessions");
        return Integer.parseInt(m.group(2));
    }

    private static String ask(Members members, int id, String word) throws IOException {
        return FourLetterWord.ask(members.server(id).port(), word).trim();
    }
}
