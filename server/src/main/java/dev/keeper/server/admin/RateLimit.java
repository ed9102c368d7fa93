package dev.keeper.server.admin;

import java.util.function.LongSupplier;

/**
 * One call per interval, as ZooKeeper's {@code RateLimiter(1, interval)} allows: the first call is allowed, and
 * the allowance comes back once the interval since the window began has passed. Any thread.
 */
final class RateLimit {
    private final long intervalMs;
    private final LongSupplier clockMillis;
    private long windowStart;
    private boolean used;

    RateLimit(long intervalMs, LongSupplier clockMillis) {
        this.intervalMs = intervalMs;
        this.clockMillis = clockMillis;
        this.windowStart = clockMillis.getAsLong();
    }

    synchronized boolean allow() {
        long now = clockMillis.getAsLong();
        if (now > windowStart + intervalMs) {
            windowStart = now;
            used = false;
        }
        if (used) {
            return false;
        }
        used = true;
        return true;
    }
}
