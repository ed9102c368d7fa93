package dev.keeper.bench;

import java.util.concurrent.CountDownLatch;

/**
 * One fan-out round: every light session arms a data watch on the same znode, then one setData fires them
 * all. Counts the armed watches and records when each session's notification arrived.
 */
final class FanOutRound {
    /** Where sessions find the round in progress and report failures. */
    interface Source {
        FanOutRound current();

        void failed(Throwable cause);
    }

    private final CountDownLatch armed;
    private final CountDownLatch notified;
    private final long[] arrivals;

    FanOutRound(int sessions) {
        armed = new CountDownLatch(sessions);
        notified = new CountDownLatch(sessions);
        arrivals = new long[sessions];
    }

    void armed() {
        armed.countDown();
    }

    /** Called on the session's event loop; the latch publishes the arrival time to the waiting thread. */
    void notified(int session, long nanoTime) {
        if (arrivals[session] != 0) {
            throw new IllegalStateException("session " + session + " was notified twice in one round");
        }
        arrivals[session] = nanoTime;
        notified.countDown();
    }

    CountDownLatch armedLatch() {
        return armed;
    }

    CountDownLatch notifiedLatch() {
        return notified;
    }

    /** Arrival times; read only after {@link #notifiedLatch()} reached zero. */
    long[] arrivals() {
        return arrivals;
    }
}
