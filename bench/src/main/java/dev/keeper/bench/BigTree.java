package dev.keeper.bench;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The large tree the snapshot and start-up measurements need: {@code n} znodes of 100 bytes spread evenly over
 * {@link #PARENTS} parents under {@code /big}, created pipelined (4 sessions, 200 outstanding each: under
 * ZooKeeper's globalOutstandingLimit of 1000).
 */
final class BigTree {
    static final int PARENTS = 1000;
    private static final int SESSIONS = 4;
    private static final int WINDOW = 200;
    private static final long TIMEOUT_MS = 1_800_000;
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);

    private BigTree() {
    }

    /** Znode {@code k}: under parent {@code k mod 1000}, so no parent holds more than a thousandth of them. */
    static String node(long k) {
        return "/big/p" + (k % PARENTS) + "/c" + (k / PARENTS);
    }

    /** Creates {@code n} znodes (rounded down to a multiple of 4) and returns how many seconds that took. */
    static double fill(ServerProcess server, int n, byte[] data) throws IOException, InterruptedException {
        long perSession = n / SESSIONS;
        try (StockSessions pool = StockSessions.open(server.connectString(), SESSIONS)) {
            List<ZooKeeper> all = pool.first(SESSIONS);
            List<ZooKeeper> one = pool.first(1);
            Pipeline.run("create /big", one, 1, 1, OK, TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create("/big", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> done.accept(rc), null));
            Pipeline.run("create /big parents", one, PARENTS, 64, OK, TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create("/big/p" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> done.accept(rc), null));
            long t0 = System.nanoTime();
            Pipeline.run("create the big tree", all, perSession, WINDOW, OK, TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create(node(i * SESSIONS + s), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> done.accept(rc), null));
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Znodes a server holding the whole tree reports at least: the znodes, their parents, /big. */
    static long expectedNodes(int n) {
        return (long) (n / SESSIONS) * SESSIONS + PARENTS + 1;
    }
}
