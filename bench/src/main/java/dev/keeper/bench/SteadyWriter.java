package dev.keeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A steady setData load at a fixed rate, sent round-robin over a few sessions by one pacing thread, whatever the
 * replies do (open loop): a server that stalls does not slow the sender down, so a stall shows in the latency of
 * every request sent during it, not only in the one that was waiting (no coordinated omission). Every reply is
 * kept as a sample (send and reply time), so a run can be cut into windows afterwards.
 *
 * <p>The stock client runs each session's callbacks on that session's event thread, so each session's samples
 * are written by one thread; they are read after {@link #stop} has seen every request answered.
 */
final class SteadyWriter {
    /** A bound, not a throttle: past it a stalled server is not buried under a backlog of a minute's requests. */
    static final int MAX_OUTSTANDING = 20_000;
    private static final long DRAIN_TIMEOUT_MS = 120_000;

    /**
     * Every answered request, times on the epoch in microseconds (the clock the servers' log lines use).
     *
     * @param sentUs      when each request was sent
     * @param repliedUs   when its reply arrived
     * @param errors      replies with an error code
     * @param firstError  the first such code, or null
     * @param notSent     sends skipped because {@link #MAX_OUTSTANDING} requests were unanswered
     * @param lateSends   sends the pacing thread made more than 5 ms behind schedule (the driver, not the server,
     *                    was slow)
     */
    record Samples(long[] sentUs, long[] repliedUs, long errors, String firstError, long notSent, long lateSends) {
    }

    private final List<ZooKeeper> sessions;
    private final int ratePerSecond;
    private final byte[] data;
    private final LongFunction<String> path;
    private final List<SessionLog> logs = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong notSent = new AtomicLong();
    private final long epochUsAtStart;
    private final long nanosAtStart;
    private volatile boolean stopping;
    private long lateSends;
    private Thread pacer;

    /** {@code path.apply(i)} names the znode request {@code i} updates. */
    SteadyWriter(List<ZooKeeper> sessions, int ratePerSecond, byte[] data, LongFunction<String> path) {
        this.sessions = List.copyOf(sessions);
        this.ratePerSecond = ratePerSecond;
        this.data = data;
        this.path = path;
        for (int i = 0; i < sessions.size(); i++) {
            logs.add(new SessionLog());
        }
        // One reading of both clocks maps nanoTime to the epoch for the whole run.
        this.epochUsAtStart = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        this.nanosAtStart = System.nanoTime();
    }

    /** The epoch time, in microseconds, of a {@link System#nanoTime()} reading. */
    long epochUs(long nanos) {
        return epochUsAtStart + (nanos - nanosAtStart) / 1000;
    }

    void start() {
        pacer = new Thread(this::pace, "steady-writer");
        pacer.setDaemon(true);
        pacer.start();
    }

    private void pace() {
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long begin = System.nanoTime();
        long late = TimeUnit.MILLISECONDS.toNanos(5);
        for (long i = 0; !stopping; i++) {
            long due = begin + i * interval;
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
            } else if (now - due > late) {
                lateSends++;
            }
            if (outstanding.get() >= MAX_OUTSTANDING) {
                notSent.incrementAndGet();
                continue;
            }
            int s = (int) (i % sessions.size());
            outstanding.incrementAndGet();
            sessions.get(s).setData(path.apply(i), data, -1, logs.get(s), System.nanoTime());
        }
    }

    /** Stops sending, waits for every reply, and returns the samples. */
    Samples stop() throws InterruptedException {
        stopping = true;
        pacer.join(10_000);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        while (outstanding.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(outstanding.get() + " setData requests still unanswered "
                        + DRAIN_TIMEOUT_MS + " ms after the steady load stopped");
            }
            Thread.sleep(10);
        }
        int n = 0;
        long errors = 0;
        String firstError = null;
        for (SessionLog l : logs) {
            synchronized (l) { // the event threads have handed over: every reply is in
                n += l.count;
                errors += l.errors;
                if (firstError == null) {
                    firstError = l.firstError;
                }
            }
        }
        long[] sent = new long[n];
        long[] replied = new long[n];
        int k = 0;
        for (SessionLog l : logs) {
            synchronized (l) {
                for (int i = 0; i < l.count; i++) {
                    sent[k] = epochUs(l.sent[i]);
                    replied[k] = epochUs(l.replied[i]);
                    k++;
                }
            }
        }
        return new Samples(sent, replied, errors, firstError, notSent.get(), lateSends);
    }

    /** One session's replies. Synchronized only so the final read sees the event thread's writes. */
    private final class SessionLog implements AsyncCallback.StatCallback {
        private long[] sent = new long[1 << 14];
        private long[] replied = new long[1 << 14];
        private int count;
        private long errors;
        private String firstError;

        @Override
        public synchronized void processResult(int rc, String p, Object ctx, Stat stat) {
            long now = System.nanoTime();
            if (rc != 0) {
                errors++;
                if (firstError == null) {
                    firstError = KeeperException.Code.get(rc) + " on " + p;
                }
            } else {
                if (count == sent.length) {
                    sent = java.util.Arrays.copyOf(sent, count * 2);
                    replied = java.util.Arrays.copyOf(replied, count * 2);
                }
                sent[count] = (Long) ctx;
                replied[count] = now;
                count++;
            }
            outstanding.decrementAndGet();
        }
    }
}
