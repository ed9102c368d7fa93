package dev.keeper.bench;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;

/**
 * How long a member that was away takes to catch up: a follower is stopped (SIGTERM), {@code znodes} znodes of
 * 100 B are created through the other two members (4 sessions, 200 pipelined each), the sessions closed, and the
 * member started again on its data directory. Timed from its launch to its srvr {@code Zxid} reaching what the
 * leader's was at the launch (at least: a session expiring later may move the leader on). Either server decides
 * how it sends what was missed (ZooKeeper: a DIFF from its log or a SNAP; ours: Raft log entries or its
 * snapshot).
 */
final class CatchUp {
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);
    private static final int SESSIONS = 4;
    private static final int WINDOW = 200;
    private static final long FILL_TIMEOUT_MS = 600_000;
    /** Ours took about 305 s for 100,000 znodes on the loaded 2-core machine (2026-12-06); twice that. */
    private static final long CATCH_UP_TIMEOUT_MS = 600_000;
    private static final long POLL_MS = 20;

    /**
     * One catch-up.
     *
     * @param member       the follower stopped and restarted
     * @param znodes       znodes created while it was away
     * @param fillSeconds  how long creating them took (fsync on)
     * @param zxid         the leader's zxid at the restart, which the member had to reach
     * @param millis       launch to the member's srvr Zxid at least that
     */
    record Time(int member, int znodes, double fillSeconds, String zxid, double millis) {
    }

    private CatchUp() {
    }

    static Time measure(Ensemble ensemble, int znodes, byte[] data) throws IOException, InterruptedException {
        int leader = ensemble.awaitReady();
        List<Integer> order = ensemble.followersThenLeader(leader);
        int away = order.get(0);
        List<Integer> running = order.subList(1, order.size());
        ensemble.stop(away);
        long t0 = System.nanoTime();
        try (StockSessions sessions = StockSessions.open(i -> ensemble.connectString(running.get(i % running.size())),
                SESSIONS)) {
            String root = BenchPaths.ROOT + "/catchup";
            Pipeline.run("create catch-up parents", sessions.first(1), SESSIONS + 1, 1, OK, FILL_TIMEOUT_MS,
                    (z, s, i, done) -> z.create(i == 0 ? root : root + "/s" + (i - 1), new byte[0],
                            ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, n) -> done.accept(rc),
                            null));
            long perSession = (znodes + SESSIONS - 1) / SESSIONS;
            Pipeline.run("create znodes while a member is away", sessions.first(SESSIONS), perSession, WINDOW, OK,
                    FILL_TIMEOUT_MS, (z, s, i, done) -> z.create(root + "/s" + s + "/n" + i, data,
                            ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, n) -> done.accept(rc),
                            null));
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        String target = ensemble.zxid(leader);
        if (target == null) {
            throw new IOException(ensemble.kind().label() + " leader " + leader + " gave no Zxid in srvr");
        }
        long targetZxid = Long.decode(target);
        long launched = System.nanoTime();
        ensemble.startMember(away);
        long deadline = launched + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            String zxid = ensemble.zxid(away);
            if (zxid != null && Long.decode(zxid) >= targetZxid) {
                double millis = (System.nanoTime() - launched) / 1e6;
                ensemble.awaitReady();
                return new Time(away, (int) perSessionTotal(znodes), fillSeconds, target, millis);
            }
            Thread.sleep(POLL_MS);
        }
        throw new IOException(ensemble.kind().label() + " member " + away + " did not reach zxid " + target
                + " within " + CATCH_UP_TIMEOUT_MS + " ms of its restart\n" + ensemble.logTails(20));
    }

    /** The znodes actually created: every session creates the same number, rounded up. */
    private static long perSessionTotal(int znodes) {
        return (long) ((znodes + SESSIONS - 1) / SESSIONS) * SESSIONS;
    }
}
