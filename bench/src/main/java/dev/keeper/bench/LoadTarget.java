package dev.keeper.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * One server (or one ensemble) under the load generator: whether it still runs, a pool of stock-client sessions
 * (a cell with n sessions uses the first n), and the znodes the cells read, update and create under.
 */
final class LoadTarget implements AutoCloseable {
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);
    private static final Set<KeeperException.Code> OK_OR_GONE =
            EnumSet.of(KeeperException.Code.OK, KeeperException.Code.NONODE);
    private static final long BULK_TIMEOUT_MS = 300_000;

    private final BooleanSupplier alive;
    private final StockSessions sessions;
    private final byte[] data;
    private final int window;

    private LoadTarget(BooleanSupplier alive, StockSessions sessions, byte[] data, int window) {
        this.alive = alive;
        this.sessions = sessions;
        this.data = data;
        this.window = window;
    }

    static LoadTarget open(ServerProcess server, int maxSessions, byte[] data, int window)
            throws IOException, InterruptedException {
        StockSessions sessions = StockSessions.open(server.connectString(), maxSessions);
        return prepared(new LoadTarget(server::alive, sessions, data, window));
    }

    /**
     * Sessions to {@code connectString} of {@code server} (its TLS port, say), each with a client configuration from
     * {@code configs}; the znodes are created only with {@code prepare} (a second target on a server whose znodes
     * another target already made passes false).
     */
    static LoadTarget open(ServerProcess server, String connectString, int maxSessions, byte[] data, int window,
                           Supplier<ZKClientConfig> configs, boolean prepare) throws IOException, InterruptedException {
        StockSessions sessions = StockSessions.open(i -> connectString, maxSessions, configs);
        LoadTarget t = new LoadTarget(server::alive, sessions, data, window);
        return prepare ? prepared(t) : t;
    }

    /**
     * Sessions spread over an ensemble's members, session {@code i} connected with {@code connectStrings.apply(i)};
     * once the znodes are created through the first session, every session syncs, so that a member that was behind
     * has them before the first read it serves.
     */
    static LoadTarget openSpread(IntFunction<String> connectStrings, BooleanSupplier alive, int maxSessions,
                                 byte[] data, int window) throws IOException, InterruptedException {
        LoadTarget t = prepared(new LoadTarget(alive, StockSessions.open(connectStrings, maxSessions), data,
                window));
        try {
            Pipeline.run("sync every session", t.sessions.first(maxSessions), 1, 1, OK, BULK_TIMEOUT_MS,
                    (z, s, i, done) -> z.sync(BenchPaths.ROOT, (rc, path, ctx) -> done.accept(rc), null));
        } catch (InterruptedException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private static LoadTarget prepared(LoadTarget t) throws InterruptedException {
        try {
            t.prepare();
        } catch (InterruptedException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Whether the server (every member of the ensemble) still runs. */
    boolean alive() {
        return alive.getAsBoolean();
    }

    private void prepare() throws InterruptedException {
        ZooKeeper zk = sessions.get(0);
        List<ZooKeeper> one = List.of(zk);
        String[] parents = {BenchPaths.ROOT, BenchPaths.DATA, BenchPaths.CREATE};
        Pipeline.run("create parents", one, parents.length, 1, OK, BULK_TIMEOUT_MS, (z, s, i, done) ->
                z.create(parents[(int) i], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> done.accept(rc), null));
        Pipeline.run("create data znodes", one, BenchPaths.DATA_NODES, 64, OK, BULK_TIMEOUT_MS, (z, s, i, done) ->
                z.create(BenchPaths.dataNode((int) i), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> done.accept(rc), null));
        Pipeline.run("create per-session parents", one, sessions.size(), 64, OK, BULK_TIMEOUT_MS,
                (z, s, i, done) -> z.create(BenchPaths.createParent((int) i), new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> done.accept(rc), null));
    }

    /** Unmeasured load with every session, each operation in turn, so both JITs have compiled the hot paths. */
    void warmUp(List<Op> ops, long millisPerOp) throws InterruptedException {
        if (millisPerOp <= 0) {
            return;
        }
        for (Op op : ops) {
            run(new Cell(op, sessions.size(), Mode.THROUGHPUT), millisPerOp, 0);
        }
    }

    /** Runs one repeat of a cell, then deletes what it created (untimed). */
    CellRun run(Cell cell, long warmupMs, long measureMs) throws InterruptedException {
        List<ZooKeeper> used = sessions.first(cell.sessions());
        TimedLoad.Outcome outcome = TimedLoad.run(used, cell.op(), cell.mode().outstanding(window), data,
                warmupMs, Math.max(1, measureMs));
        if (cell.op().creates()) {
            long[] sent = outcome.sent();
            long most = Arrays.stream(sent).max().orElse(0);
            Pipeline.run("delete created znodes", used, most, 64, OK_OR_GONE, BULK_TIMEOUT_MS, (z, s, i, done) ->
                    z.delete(BenchPaths.created(s, i), -1, (rc, path, ctx) -> done.accept(rc), null));
        }
        return outcome.run();
    }

    @Override
    public void close() {
        sessions.close();
    }
}
