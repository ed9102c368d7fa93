package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.FourLetterWord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    private static String ask(Members members, int id, String word) throws IOException {
        return FourLetterWord.ask(members.server(id).port(), word).trim();
    }
}
