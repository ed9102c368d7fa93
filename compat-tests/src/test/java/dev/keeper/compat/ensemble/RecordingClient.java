package dev.keeper.compat.ensemble;

import dev.keeper.compat.ensemble.lin.History;
import dev.keeper.compat.ensemble.lin.Operation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stock ZooKeeper client of the linearizability workload, on its own thread: session after session (a few
 * seconds each, or until it expires), each pinned to one member or with every member listed, it does a random mix
 * of writes, compare-and-sets and synced reads on a few znodes, one at a time, and records each into the
 * {@link History} with {@link System#nanoTime} just before the call and just after the answer.
 *
 * <p>A write's data is unique ("c{client}-{n}"). A CAS reads the version first (a plain read, not recorded) and
 * expects it, or now and then a neighbouring one, so that BadVersion happens too. A read is sync then getData,
 * pipelined on the session (ZooKeeper answers a session's requests in order, so the getData sees everything the
 * sync did): invoked at the sync, returned at getData's answer. A plain getData may be stale in ZooKeeper's
 * contract, so it is not a read here. An answer that leaves the outcome open is recorded as unknown; a read that
 * fails is not recorded (it changed nothing).
 */
final class RecordingClient implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingClient.class);
    private static final int SESSION_TIMEOUT = 4000;

    private final int id;
    private final List<String> keys;
    private final IntFunction<String> connectString;
    private final int members;
    private final History history;
    private final AtomicBoolean stop;
    private final Random rng;
    private final AtomicLong sessions;
    private long n;

    /**
     * @param connectString a member's address for ids 1 to {@code members}, every member's for 0
     * @param sessions counts the sessions opened, for the report
     */
    RecordingClient(int id, List<String> keys, IntFunction<String> connectString, int members, History history,
            AtomicBoolean stop, long seed, AtomicLong sessions) {
        this.id = id;
        this.keys = keys;
        this.connectString = connectString;
        this.members = members;
        this.history = history;
        this.stop = stop;
        this.rng = new Random(seed);
        this.sessions = sessions;
    }

    @Override
    public void run() {
        while (!stop.get()) {
            // Two sessions in three pinned to one member, so that reads come from every member, leader or not.
            int member = rng.nextInt(3) < 2 ? 1 + rng.nextInt(members) : 0;
            try {
                session(connectString.apply(member), 3000 + rng.nextInt(5000));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.info("client {}: {}", id, e.toString());
            }
        }
    }

    private void session(String connect, long millis) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, SESSION_TIMEOUT, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        try {
            if (!up.await(10, TimeUnit.SECONDS)) {
                return; // its member is down or frozen: another session, maybe elsewhere
            }
            sessions.incrementAndGet();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!stop.get() && System.nanoTime() < end && zk.getState().isAlive()) {
                String key = keys.get(rng.nextInt(keys.size()));
                int kind = rng.nextInt(10);
                if (kind < 4) {
                    set(zk, key, -1);
                } else if (kind < 7) {
                    cas(zk, key);
                } else {
                    read(zk, key);
                }
            }
        } finally {
            zk.close(1000);
        }
    }

    /** setData with {@code expected} (-1: a write), recorded with its outcome. */
    private void set(ZooKeeper zk, String key, int expected) throws InterruptedException {
        String value = "c" + id + "-" + n++;
        long invoked = System.nanoTime();
        try {
            Stat stat = zk.setData(key, value.getBytes(StandardCharsets.UTF_8), expected);
            long returned = System.nanoTime();
            history.add(expected == -1 ? Operation.write(id, key, value, stat.getVersion(), invoked, returned)
                    : Operation.cas(id, key, value, expected, stat.getVersion(), invoked, returned));
        } catch (KeeperException.BadVersionException e) {
            history.add(Operation.badVersion(id, key, value, expected, invoked, System.nanoTime()));
        } catch (KeeperException e) {
            // ConnectionLoss, SessionExpired, ...: the request may have reached the ensemble, and may yet apply.
            history.add(Operation.unknown(id, key, value, expected, invoked, System.nanoTime()));
        } catch (InterruptedException e) {
            history.add(Operation.unknown(id, key, value, expected, invoked, System.nanoTime()));
            throw e;
        }
    }

    private void cas(ZooKeeper zk, String key) throws InterruptedException {
        Stat now = new Stat();
        try {
            zk.getData(key, false, now);
        } catch (KeeperException e) {
            return;
        }
        int expected = now.getVersion();
        if (rng.nextInt(4) == 0) {
            expected = Math.max(0, expected + rng.nextInt(3) - 1);
        }
        set(zk, key, expected);
    }

    private record Read(int rc, String value, int version, long returned) {
    }

    private void read(ZooKeeper zk, String key) throws InterruptedException {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        CompletableFuture<Read> got = new CompletableFuture<>();
        long invoked = System.nanoTime();
        zk.sync(key, (rc, path, ctx) -> synced.complete(rc), null);
        // The answer's time is taken in the callback, as soon as the client has it.
        zk.getData(key, false, (rc, path, ctx, data, stat) -> got.complete(new Read(rc,
                data == null ? null : new String(data, StandardCharsets.UTF_8), stat == null ? -1 : stat.getVersion(),
                System.nanoTime())), null);
        try {
            Read r = got.get(60, TimeUnit.SECONDS);
            if (synced.get(60, TimeUnit.SECONDS) == 0 && r.rc == 0) {
                history.add(Operation.read(id, key, r.value, r.version, invoked, r.returned));
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.info("client {}: a read had no answer: {}", id, e.toString());
        }
    }
}
