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
 * Heap cost of znodes and of watches on a fresh server: heap after a full GC with the sessions connected and
 * the tree empty (the baseline), after creating {@code znodes} znodes of 100 bytes, and after setting one
 * data watch on each of {@code watches} distinct znodes. Deltas are scaled to a million znodes and to
 * 100,000 watches.
 */
final class MemoryBench {
    private static final int SESSIONS = 4;
    /** Per session; 4 x 200 stays under ZooKeeper's globalOutstandingLimit of 1000. */
    private static final int WINDOW = 200;
    private static final int PARENTS = 1000;
    private static final long BULK_TIMEOUT_MS = 900_000;
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);

    /**
     * @param baselineBytes     heap after GC, sessions open, tree holding only the 1,000 parents
     * @param znodesBytes       heap after GC with the znodes added
     * @param watchesBytes      heap after GC with the watches added
     * @param znodes            znodes created
     * @param watches           watches set
     * @param createSeconds     how long the pipelined creates took (4 sessions, window 200 each)
     */
    record Figures(long baselineBytes, long znodesBytes, long watchesBytes, int znodes, int watches,
                   double createSeconds) {
        double bytesPerMillionZnodes() {
            return (znodesBytes - baselineBytes) * (1_000_000.0 / znodes);
        }

        double bytesPer100kWatches() {
            return (watchesBytes - znodesBytes) * (100_000.0 / watches);
        }

        double createsPerSecond() {
            return znodes / createSeconds;
        }
    }

    private MemoryBench() {
    }

    static Figures measure(ServerProcess server, int znodesWanted, int watchesWanted, byte[] data)
            throws IOException, InterruptedException {
        long perSession = znodesWanted / SESSIONS;
        int znodes = (int) (perSession * SESSIONS);
        long watchesPerSession = watchesWanted / SESSIONS;
        int watches = (int) (watchesPerSession * SESSIONS);
        try (StockSessions pool = StockSessions.open(server.connectString(), SESSIONS)) {
            List<ZooKeeper> all = pool.first(SESSIONS);
            List<ZooKeeper> one = pool.first(1);
            createOne(one, "/m", new byte[0]);
            Pipeline.run("create parents", one, PARENTS, 64, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create("/m/p" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            warmUp(all, data);

            long baseline = HeapProbe.usedAfterFullGc(server.pid());
            long t0 = System.nanoTime();
            Pipeline.run("create znodes", all, perSession, WINDOW, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create(node(i * SESSIONS + s), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            long withZnodes = HeapProbe.usedAfterFullGc(server.pid());

            Pipeline.run("set watches", all, watchesPerSession, WINDOW, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                    zk.getData(node(i * SESSIONS + s), true, (rc, path, ctx, bytes, stat) -> done.accept(rc),
                            null));
            long withWatches = HeapProbe.usedAfterFullGc(server.pid());
            // The server's own count (wchs) proves the watches are really held, not dropped or merged.
            long held = watchesReported(server.fourLetterWord("wchs"));
            if (held != watches) {
                throw new IllegalStateException(server.kind().label() + " reports " + held + " watches (wchs) after "
                        + watches + " getData calls with watch=true on distinct znodes");
            }
            return new Figures(baseline, withZnodes, withWatches, znodes, watches, createSeconds);
        }
    }

    /** The "Total watches:N" figure of a wchs answer ({@code WatchesSummary}), or -1 when absent. */
    static long watchesReported(String wchs) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Total watches:\\s*(\\d+)")
                .matcher(wchs == null ? "" : wchs);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Znode {@code k} sits under parent {@code k mod 1000}, so no parent holds more than a thousandth. */
    private static String node(long k) {
        return "/m/p" + (k % PARENTS) + "/c" + (k / PARENTS);
    }

    /** Exercises create, watch, fire and delete once before the baseline, so lazily built state is there. */
    private static void warmUp(List<ZooKeeper> all, byte[] data) throws InterruptedException {
        List<ZooKeeper> one = all.subList(0, 1);
        createOne(one, "/warm", new byte[0]);
        int n = 2000;
        Pipeline.run("warm-up creates", all, n / SESSIONS, 64, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                zk.create("/warm/w" + (i * SESSIONS + s), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> done.accept(rc), null));
        Pipeline.run("warm-up watches", all, n / SESSIONS, 64, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                zk.getData("/warm/w" + (i * SESSIONS + s), true, (rc, path, ctx, bytes, stat) -> done.accept(rc),
                        null));
        Pipeline.run("warm-up deletes", all, n / SESSIONS, 64, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                zk.delete("/warm/w" + (i * SESSIONS + s), -1, (rc, path, ctx) -> done.accept(rc), null));
        Pipeline.run("warm-up delete parent", one, 1, 1, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                zk.delete("/warm", -1, (rc, path, ctx) -> done.accept(rc), null));
    }

    private static void createOne(List<ZooKeeper> one, String path, byte[] data) throws InterruptedException {
        Pipeline.run("create " + path, one, 1, 1, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, p, ctx, name) -> done.accept(rc), null));
    }
}
