package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower hears of a commit when the leader makes it, not with the leader's next heartbeat: a client of a
 * follower writing one request at a time gets each reply once the follower has applied the write, so if the
 * follower heard of commits only from heartbeats (every half tick, a second here) twenty writes would take about
 * twenty seconds. They take milliseconds each (quorum/PromptCommitAppender); the bound below is ten seconds, half
 * of what the heartbeat alone would make them take, and no figure of speed.
 */
class EnsembleCommitNoticeTest {
    private static final int TICK = 2000;
    private static final int WRITES = 20;

    @TempDir
    Path dir;

    @Test
    void aFollowersClient_writingOneAtATime_doesNotWaitForHeartbeats() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            int follower = leader % 3 + 1;
            try (ZooKeeper zk = JavaClient.connect(members.connectString(follower))) {
                zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                long start = System.nanoTime();
                for (int i = 1; i <= WRITES; i++) {
                    zk.setData("/n", ("v" + i).getBytes(StandardCharsets.UTF_8), i - 1);
                }
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(tookMs < 10_000, WRITES + " writes through a follower, one at a time, took " + tookMs
                        + " ms: the follower heard of the commits only from the leader's heartbeats");
                assertArrayEquals(("v" + WRITES).getBytes(StandardCharsets.UTF_8), zk.getData("/n", false, null),
                        "the follower applied every write before answering its client");
            }
        }
    }
}
