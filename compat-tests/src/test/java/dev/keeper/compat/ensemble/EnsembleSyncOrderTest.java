package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines writes, syncs and reads gets its replies in the order it sent the requests (the stock
 * client drops the connection on a reply out of order), and a read after a sync sees the client's own write before
 * it: writes go through the Raft log, a sync is answered out of it (once the leader's point is applied here) but
 * behind the writes sent before it, and every request sent after a sync waits behind it on the member. A client of
 * a follower and one of the leader (whose own entries skip its Raft client, and whose syncs skip its client too)
 * each pipeline rounds of setData, sync, sync, getData, and a few syncs alone.
 */
class EnsembleSyncOrderTest {
    private static final int TICK = 200;
    private static final int ROUNDS = 300;

    @TempDir
    Path dir;

    @Test
    void pipelinedWritesSyncsAndReads_areAnsweredInOrder_andReadsSeeTheWritesBeforeThem() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            for (int member : new int[] {leader % 3 + 1, leader}) {
                try (ZooKeeper zk = JavaClient.connect(members.connectString(member))) {
                    String path = "/order" + member;
                    zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    List<String> answered = Collections.synchronizedList(new ArrayList<>());
                    List<String> failures = Collections.synchronizedList(new ArrayList<>());
                    List<String> expected = new ArrayList<>();
                    CountDownLatch done = new CountDownLatch(ROUNDS * 4 + 3);
                    for (int i = 0; i < ROUNDS; i++) {
                        String value = "v" + i;
                        String tag = "round " + i;
                        expected.add(tag + " set");
                        zk.setData(path, value.getBytes(StandardCharsets.UTF_8), -1, (rc, p, ctx, stat) -> {
                            note(answered, failures, tag + " set", rc);
                            done.countDown();
                        }, null);
                        for (String which : new String[] {" sync a", " sync b"}) {
                            expected.add(tag + which);
                            zk.sync(path, (rc, p, ctx) -> {
                                note(answered, failures, tag + which, rc);
                                done.countDown();
                            }, null);
                        }
                        expected.add(tag + " get");
                        zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                            note(answered, failures, tag + " get", rc);
                            String got = data == null ? null : new String(data, StandardCharsets.UTF_8);
                            if (rc == 0 && !value.equals(got)) {
                                failures.add(tag + ": read " + got + " after its own write of " + value);
                            }
                            done.countDown();
                        }, null);
                    }
                    for (int k = 0; k < 3; k++) {
                        String tag = "last sync " + k;
                        expected.add(tag);
                        zk.sync(path, (rc, p, ctx) -> {
                            note(answered, failures, tag, rc);
                            done.countDown();
                        }, null);
                    }
                    assertTrue(done.await(60, TimeUnit.SECONDS), "every request answered within 60 s");
                    assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), "member " + member
                            + ": the first of " + failures.size() + " failures");
                    assertEquals(expected, answered, "member " + member + ": replies in the order sent");
                }
            }
        }
    }

    private static void note(List<String> answered, List<String> failures, String what, int rc) {
        answered.add(what);
        if (rc != 0) {
            failures.add(what + ": " + KeeperException.Code.get(rc));
        }
    }
}
