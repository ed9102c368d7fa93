package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.compat.ensemble.EnsembleUnderTest.Server;
import dev.keeper.compat.support.JavaClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the leader's process dies, the follower whose turn to stand comes first (the lower id) but whose log is
 * behind leaves the election to the one whose log is not, and one election follows: the new leader's epoch (the
 * zxid's high 32 bits, the Raft term) is the old one's plus one.
 *
 * <p>Before quorum/LeaderProbe asked the other voters where their logs end, the follower that was behind stood at
 * its turn and was refused; its candidacy still raised the other follower's term and took away the leader it
 * named, so that follower could not stand at once and waited out its election timer, and a second election made
 * the epoch the old one's plus two. (In the benchmark that was one leader kill in seven taking 4.4 s to the first
 * write where the others took 1.1.) Here the follower with the lower id is frozen (SIGSTOP) while the others
 * commit writes, so its log is surely behind, and goes on (SIGCONT) as soon as the leader is killed.
 */
class EnsembleLaggingFollowerTest {
    private static final Pattern ZXID = Pattern.compile("Zxid: 0x([0-9a-f]+)");

    @TempDir
    Path dir;

    @Test
    void aFollowerWhoseLogIsBehind_leavesTheElectionToTheOther_andOneElectionFollows() throws Exception {
        try (EnsembleUnderTest e = EnsembleUnderTest.launch(Server.OURS, dir)) {
            int leader = e.awaitLeader();
            int[] followers = IntStream.rangeClosed(1, EnsembleUnderTest.SIZE).filter(id -> id != leader).toArray();
            int behind = followers[0];
            int ahead = followers[1];
            try (ZooKeeper zk = JavaClient.connect(e.connectString(ahead))) {
                zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                long epoch = epoch(e, leader);
                e.pause(behind);
                for (int i = 0; i < 50; i++) {
                    zk.setData("/n", new byte[] {(byte) i}, -1);
                }
                e.kill(leader);
                e.resume(behind);

                int newLeader = e.awaitLeader();
                assertEquals(ahead, newLeader, "the follower whose log held every write leads");
                // the same session, again after the ConnectionLoss a leader's death may cause
                JavaClient.retryingConnectionLoss(Duration.ofSeconds(30), () -> zk.setData("/n", new byte[] {-1}, -1));
                assertEquals(epoch + 1, epoch(e, newLeader), "one election after the leader died, not two: the"
                        + " follower that was behind did not stand\n" + e.logs());
            }
        }
    }

    /** The high 32 bits of member {@code id}'s srvr Zxid: the epoch of the last write it applied. */
    private static long epoch(EnsembleUnderTest e, int id) {
        String srvr = e.fourLetterWord(id, "srvr");
        Matcher m = ZXID.matcher(srvr == null ? "" : srvr);
        if (!m.find()) {
            throw new AssertionError("member " + id + " gave no zxid: " + srvr);
        }
        return Long.parseLong(m.group(1), 16) >>> 32;
    }
}
