package dev.keeper.compat.limits;

import dev.keeper.compat.support.JavaClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A well-behaved session beside a flood: a stock ZooKeeper Java client that sets one znode's data once per
 * millisecond, on a fixed schedule whatever the replies do (open loop, so a stall shows in every write sent
 * during it). Each write must be answered OK, in the order sent, and the server must have applied them in that
 * order: the n-th write of the canary's life returns the node's version n.
 *
 * <p>Latencies are kept (send to callback) so a run's p99 can be printed; no test asserts on them, the machines
 * being too noisy for timed assertions.
 */
final class Canary implements AutoCloseable {
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DRAIN_MS = 120_000;

    /**
     * One run: how many writes were sent and answered, what went wrong (empty when nothing did), and each write's
     * latency in nanoseconds.
     */
    record Result(int sent, int answered, List<String> problems, long[] latencyNanos) {
        double p99Millis() {
            return percentileMillis(0.99);
        }

        double percentileMillis(double q) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }

        String summary() {
            return String.format(Locale.ROOT, "%d writes, p50 %.2f ms, p99 %.2f ms, max %.2f ms", answered,
                    percentileMillis(0.5), p99Millis(), percentileMillis(1.0));
        }
    }

    private final ZooKeeper zk;
    private final String path;
    /** Writes sent over the canary's life; the next one must come back with this version + 1. */
    private int writes;

    private Canary(ZooKeeper zk, String path) {
        this.zk = zk;
        this.path = path;
    }

    /** Connects and creates the canary's znode (version 0). */
    static Canary start(String connectString, String path) throws Exception {
        ZooKeeper zk = JavaClient.connect(connectString);
        zk.create(path, new byte[8], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        return new Canary(zk, path);
    }

    ZooKeeper client() {
        return zk;
    }

    /** Writes once per millisecond until {@code done} says stop; then waits for every answer. */
    Result runWhile(java.util.function.BooleanSupplier going) throws InterruptedException {
        Run run = new Run(writes);
        long begin = System.nanoTime();
        for (long i = 0; going.getAsBoolean(); i++) {
            long due = begin + i * PERIOD_NANOS;
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
            }
            run.send();
        }
        writes += run.sent;
        return run.await();
    }

    /** Writes once per millisecond for {@code millis}. */
    Result runFor(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        return runWhile(() -> System.nanoTime() < end);
    }

    /** One run's writes; callbacks come on the client's one event thread, in reply order. */
    private final class Run implements AsyncCallback.StatCallback {
        private final int firstVersion;
        private final AtomicInteger outstanding = new AtomicInteger();
        private final List<String> problems = new ArrayList<>();
        private long[] latencies = new long[1 << 14];
        private int sent;
        private int answered;

        Run(int writesBefore) {
            this.firstVersion = writesBefore + 1;
        }

        void send() {
            outstanding.incrementAndGet();
            byte[] data = new byte[8];
            zk.setData(path, data, -1, this, new long[] {sent, System.nanoTime()});
            sent++;
        }

        @Override
        public synchronized void processResult(int rc, String p, Object ctx, Stat stat) {
            long now = System.nanoTime();
            long[] c = (long[]) ctx;
            int index = (int) c[0];
            if (problems.size() < 10) {
                if (rc != 0) {
                    problems.add("write " + index + ": " + KeeperException.Code.get(rc));
                } else if (index != answered) {
                    problems.add("write " + index + " answered where write " + answered + " was due");
                } else if (stat.getVersion() != firstVersion + index) {
                    problems.add("write " + index + " made version " + stat.getVersion() + ", not "
                            + (firstVersion + index) + ": applied out of order");
                }
            }
            if (answered == latencies.length) {
                latencies = Arrays.copyOf(latencies, answered * 2);
            }
            latencies[answered++] = now - c[1];
            outstanding.decrementAndGet();
        }

        Result await() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            synchronized (this) {
                List<String> p = new ArrayList<>(problems);
                if (answered < sent) {
                    p.add((sent - answered) + " of " + sent + " writes unanswered " + DRAIN_MS + " ms after the last");
                }
                return new Result(sent, answered, p, Arrays.copyOf(latencies, answered));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        zk.close();
    }
}
