package dev.keeper.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The write gap when an ensemble's leader crashes: one writer session per member (each connected to that member
 * alone, so a writer stays with its member and reconnects to it by itself), each setting its own znode's data one
 * request at a time without pause. After a span of steady writes the leader (srvr's {@code Mode: leader}) gets
 * SIGKILL. Measured from just before the signal to the first acknowledged write sent after it, by any writer
 * whose member was not the leader (a write in flight at the kill is left out: it may have committed before it),
 * and to the moment every such writer has had one. Then the member is started again on its data and the
 * ensemble waited for, all three serving with one leader.
 */
final class LeaderKill {
    /** Steady writes before the kill, so every writer is past its first round trips. */
    static final long STEADY_MS = 2_000;
    /** How long the surviving writers get to see a write through after the kill. */
    private static final long GAP_TIMEOUT_MS = 60_000;
    /** A pause after a failed write (ConnectionLoss while the client reconnects), so a writer does not spin. */
    private static final long RETRY_PAUSE_MS = 2;

    /**
     * One kill.
     *
     * @param killedLeader    the leader's id, killed
     * @param newLeader       the leader's id once the survivors wrote again (-1 if none answered srvr so)
     * @param firstAckMillis  kill to the first acknowledged write sent after it, any surviving writer
     * @param allAckMillis    kill to the moment every surviving writer had such a write acknowledged
     * @param failedWrites    writes of surviving writers that failed (ConnectionLoss while their member had no
     *                        leader, or worse: see {@code firstFailure})
     * @param firstFailure    the first failure's code, or null
     */
    record Gap(int killedLeader, int newLeader, double firstAckMillis, double allAckMillis, long failedWrites,
               String firstFailure) {
    }

    private LeaderKill() {
    }

    static Gap measure(Ensemble ensemble, byte[] data) throws IOException, InterruptedException {
        int leader = ensemble.awaitReady();
        List<Writer> writers = new ArrayList<>();
        Gap gap;
        try (StockSessions sessions = StockSessions.open(i -> ensemble.connectString(i + 1), Ensemble.SIZE)) {
            ZooKeeper first = sessions.get(0);
            for (int id = 1; id <= Ensemble.SIZE; id++) {
                try {
                    first.create(path(id), data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                } catch (KeeperException.NodeExistsException again) {
                    // A kill before this one, on the same ensemble, created it.
                } catch (KeeperException e) {
                    throw new IOException("creating " + path(id) + ": " + e.code(), e);
                }
            }
            for (int id = 1; id <= Ensemble.SIZE; id++) {
                // Each session syncs first, so that its member has the znode before it is written.
                sessions.get(id - 1).sync(path(id), (rc, p, ctx) -> { }, null);
                writers.add(new Writer(id, sessions.get(id - 1), path(id), data));
            }
            try {
                writers.forEach(Writer::start);
                Thread.sleep(STEADY_MS);
                for (Writer w : writers) {
                    if (w.acks == 0) {
                        throw new IOException(ensemble.kind().label() + " writer on member " + w.member
                                + " had no write acknowledged in " + STEADY_MS + " ms before the kill, first failure "
                                + w.firstFailure);
                    }
                }
                long killAt = System.nanoTime();
                for (Writer w : writers) {
                    w.killAt = killAt;
                }
                ensemble.kill(leader);
                gap = awaitWrites(ensemble, writers, leader, killAt);
            } finally {
                for (Writer w : writers) {
                    w.running = false;
                }
            }
        } finally {
            for (Writer w : writers) {
                // Closing the sessions ended any call still waiting; the threads return at once.
                w.thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        ensemble.startMember(leader);
        ensemble.awaitReady();
        return gap;
    }

    private static Gap awaitWrites(Ensemble ensemble, List<Writer> writers, int leader, long killAt)
            throws InterruptedException, IOException {
        long deadline = killAt + TimeUnit.MILLISECONDS.toNanos(GAP_TIMEOUT_MS);
        List<Writer> survivors = writers.stream().filter(w -> w.member != leader).toList();
        while (System.nanoTime() < deadline && survivors.stream().anyMatch(w -> w.firstAckAfterKill == 0)) {
            Thread.sleep(1);
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        long failed = 0;
        String firstFailure = null;
        for (Writer w : survivors) {
            failed += w.failures;
            if (firstFailure == null) {
                firstFailure = w.firstFailure;
            }
            long ack = w.firstAckAfterKill;
            if (ack == 0) {
                throw new IOException(ensemble.kind().label() + ": no write through member " + w.member + " within "
                        + GAP_TIMEOUT_MS + " ms of killing leader " + leader + "; " + w.failures
                        + " failed, first with " + w.firstFailure + "\n" + ensemble.logTails(20));
            }
            first = Math.min(first, ack);
            last = Math.max(last, ack);
        }
        return new Gap(leader, ensemble.leader(), (first - killAt) / 1e6, (last - killAt) / 1e6, failed,
                firstFailure);
    }

    private static String path(int member) {
        return BenchPaths.ROOT + "/gap" + member;
    }

    /**
     * One writer: setData after setData on its own thread, with the stock client's synchronous API. Its counters
     * are written by its thread alone and read by the measuring thread (volatile: a stale read only delays it).
     */
    private static final class Writer implements Runnable {
        final int member;
        final Thread thread;
        private final ZooKeeper zk;
        private final String path;
        private final byte[] data;
        volatile boolean running = true;
        volatile long killAt;
        volatile long firstAckAfterKill;
        volatile long acks;
        volatile long failures;
        volatile String firstFailure;

        Writer(int member, ZooKeeper zk, String path, byte[] data) {
            this.member = member;
            this.zk = zk;
            this.path = path;
            this.data = data;
            this.thread = new Thread(this, "gap-writer-" + member);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                long sent = System.nanoTime();
                try {
                    zk.setData(path, data, -1);
                    long acked = System.nanoTime();
                    acks++;
                    long k = killAt;
                    if (k != 0 && sent >= k && firstAckAfterKill == 0) {
                        firstAckAfterKill = acked;
                    }
                } catch (KeeperException e) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = e.code().toString();
                    }
                    try {
                        Thread.sleep(RETRY_PAUSE_MS);
                    } catch (InterruptedException stop) {
                        return;
                    }
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }
}
