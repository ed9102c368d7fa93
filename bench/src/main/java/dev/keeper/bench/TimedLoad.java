package dev.keeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One measured repeat of a cell: every session keeps {@code outstanding} async requests in flight (one in
 * latency mode, a window in throughput mode) for a warm-up span and then a measured span. Only replies that
 * arrive inside the measured span count, each with its latency from the call that sent it.
 *
 * <p>The stock client runs every callback of a session on that session's event thread, so each session's
 * histogram and counters are written by one thread; they are read once all request slots have retired.
 */
final class TimedLoad {
    /** Latencies above a minute are clamped (they would mean the server stalled; the run reports errors). */
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long DRAIN_TIMEOUT_MS = 60_000;

    /** The run's figures, and how many requests each session sent (creates leave that many znodes). */
    record Outcome(CellRun run, long[] sent) {
    }

    private TimedLoad() {
    }

    static Outcome run(List<ZooKeeper> sessions, Op op, int outstanding, byte[] data, long warmupMs, long measureMs)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
        CountDownLatch slots = new CountDownLatch(sessions.size() * outstanding);
        List<Driver> drivers = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            drivers.add(new Driver(sessions.get(s), s, op, data, measureFrom, measureTo, slots));
        }
        for (Driver d : drivers) {
            for (int k = 0; k < outstanding; k++) {
                d.send();
            }
        }
        long waitMs = warmupMs + measureMs + DRAIN_TIMEOUT_MS;
        if (!slots.await(waitMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(op.label() + " with " + sessions.size() + " sessions: "
                    + slots.getCount() + " requests still unanswered " + DRAIN_TIMEOUT_MS
                    + " ms after the measured span ended");
        }
        Histogram all = new Histogram(MAX_NANOS, 3);
        long ops = 0;
        long errors = 0;
        String firstError = null;
        long[] sent = new long[drivers.size()];
        for (Driver d : drivers) {
            all.add(d.latency);
            ops += d.ops;
            errors += d.errors;
            if (firstError == null) {
                firstError = d.firstError;
            }
            sent[d.session] = d.sequence.get();
        }
        double seconds = (measureTo - measureFrom) / 1e9;
        double p50 = ops > 0 ? all.getValueAtPercentile(50) / 1000.0 : Double.NaN;
        double p99 = ops > 0 ? all.getValueAtPercentile(99) / 1000.0 : Double.NaN;
        return new Outcome(new CellRun(ops, seconds, p50, p99, errors, firstError), sent);
    }

    /** One session's request loop: each reply sends the next request until the measured span is over. */
    private static final class Driver implements AsyncCallback.StringCallback, AsyncCallback.StatCallback,
            AsyncCallback.DataCallback, AsyncCallback.MultiCallback, AsyncCallback.VoidCallback {
        private final ZooKeeper zk;
        private final int session;
        private final Op op;
        private final byte[] data;
        private final long measureFrom;
        private final long measureTo;
        private final CountDownLatch slots;
        /** Sent from the driver's thread (the first window) and the event thread (the rest). */
        private final AtomicLong sequence = new AtomicLong();
        private final Histogram latency = new Histogram(MAX_NANOS, 3);
        private long ops;
        private long errors;
        private String firstError;

        Driver(ZooKeeper zk, int session, Op op, byte[] data, long measureFrom, long measureTo,
               CountDownLatch slots) {
            this.zk = zk;
            this.session = session;
            this.op = op;
            this.data = data;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.slots = slots;
        }

        void send() {
            long i = sequence.getAndIncrement();
            Long sentAt = System.nanoTime();
            switch (op) {
                case CREATE -> zk.create(BenchPaths.created(session, i), data, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT, (AsyncCallback.StringCallback) this, sentAt);
                case SET_DATA -> zk.setData(BenchPaths.dataNodeFor(session, i), data, -1, this, sentAt);
                case GET_DATA -> zk.getData(BenchPaths.dataNodeFor(session, i), false, this, sentAt);
                case EXISTS -> zk.exists(BenchPaths.dataNodeFor(session, i), false,
                        (AsyncCallback.StatCallback) this, sentAt);
                case MIX -> {
                    if (i % 10 == 9) {
                        zk.setData(BenchPaths.dataNodeFor(session, i), data, -1, this, sentAt);
                    } else {
                        zk.getData(BenchPaths.dataNodeFor(session, i), false, this, sentAt);
                    }
                }
                case WATCH_MIX -> {
                    // The session's default watcher gets the events; the stock client re-arms nothing by itself.
                    if (i % 10 == 9) {
                        zk.setData(BenchPaths.dataNodeFor(session, i), data, -1, this, sentAt);
                    } else {
                        zk.getData(BenchPaths.dataNodeFor(session, i), true, this, sentAt);
                    }
                }
                case MULTI_SET_DATA -> zk.multi(multiSetData(session, i), this, sentAt);
                case SYNC_GET_DATA -> {
                    // The getData's reply completes the op; the sync's reply only counts if it failed. The client
                    // sends both at once; the server answers a session's requests in order, so the read follows
                    // the sync as when it is sent from the sync's callback, one round trip less.
                    String path = BenchPaths.dataNodeFor(session, i);
                    zk.sync(path, this, null);
                    zk.getData(path, false, this, sentAt);
                }
                default -> throw new IllegalStateException("unhandled op " + op);
            }
        }

        /** {@link Op#MULTI_SIZE} setData on consecutive data znodes, distinct within the multi. */
        private List<org.apache.zookeeper.Op> multiSetData(int session, long i) {
            List<org.apache.zookeeper.Op> ops = new ArrayList<>(Op.MULTI_SIZE);
            for (int k = 0; k < Op.MULTI_SIZE; k++) {
                ops.add(org.apache.zookeeper.Op.setData(BenchPaths.dataNodeFor(session, i * Op.MULTI_SIZE + k),
                        data, -1));
            }
            return ops;
        }

        /** The sync before a getData: an error counts (once, with the getData's reply ending the op). */
        @Override
        public void processResult(int rc, String path, Object ctx) {
            if (rc != 0) {
                errors++;
                if (firstError == null) {
                    firstError = "sync: " + KeeperException.Code.get(rc);
                }
            }
        }

        @Override
        public void processResult(int rc, String path, Object ctx, List<org.apache.zookeeper.OpResult> results) {
            replied(rc, ctx);
        }

        private void replied(int rc, Object ctx) {
            long now = System.nanoTime();
            if (rc != 0) {
                errors++;
                if (firstError == null) {
                    firstError = KeeperException.Code.get(rc).toString();
                }
            } else if (now >= measureFrom && now < measureTo) {
                latency.recordValue(Math.min(now - (Long) ctx, MAX_NANOS));
                ops++;
            }
            if (now < measureTo) {
                send();
            } else {
                slots.countDown();
            }
        }

        @Override
        public void processResult(int rc, String path, Object ctx, String name) {
            replied(rc, ctx);
        }

        @Override
        public void processResult(int rc, String path, Object ctx, Stat stat) {
            replied(rc, ctx);
        }

        @Override
        public void processResult(int rc, String path, Object ctx, byte[] data, Stat stat) {
            replied(rc, ctx);
        }
    }
}
