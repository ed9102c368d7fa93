package dev.keeper.server.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ZooKeeper's {@code globalOutstandingLimit}: requests all connections together have handed to the processor and
 * not yet been answered. Past the limit, a connection that queues one more request stops being read
 * ({@code ServerCnxn.disableRecv}, as ZooKeeperServer's {@code shouldThrottle} makes every connection do), and
 * every connection stopped so is read again once the count is back to half the limit. So however many clients
 * flood the server, from however many addresses, the requests held in memory stay near the limit, plus what one
 * read from each connection had already brought in.
 *
 * <p>Called from every event loop; lock-free.
 */
final class OutstandingLimit {
    private final int limit;
    private final int resumeAt;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Set<Connection> paused = ConcurrentHashMap.newKeySet();

    OutstandingLimit(int limit) {
        this.limit = limit;
        this.resumeAt = limit / 2;
    }

    /** {@code c}'s event loop: it queued a request; it stops being read if that takes the server over the limit. */
    void queued(Connection c) {
        if (outstanding.incrementAndGet() > limit) {
            c.pauseReading();
            paused.add(c);
            // Replies may have brought the count down between the increment and the add, with nobody then to
            // see this connection paused: look again.
            if (outstanding.get() <= resumeAt) {
                resumeAll();
            }
        }
    }

    /** {@code n} requests were answered, or dropped with their closed connection. */
    void answered(int n) {
        if (n > 0 && outstanding.addAndGet(-n) <= resumeAt && !paused.isEmpty()) {
            resumeAll();
        }
    }

    /** A connection closed: it is no longer waiting to be read. */
    void forget(Connection c) {
        paused.remove(c);
    }

    private void resumeAll() {
        for (Connection c : paused) {
            if (paused.remove(c)) {
                c.resumeReading();
            }
        }
    }

    /** Requests queued and not yet answered, across all connections. */
    int outstanding() {
        return outstanding.get();
    }

    /** Connections not being read because the limit was reached. */
    int pausedCount() {
        return paused.size();
    }
}
