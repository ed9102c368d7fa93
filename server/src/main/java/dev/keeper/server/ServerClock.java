package dev.keeper.server;

/**
 * The server's two clocks, passed in so tests can move time: wall time for {@code ctime}/{@code mtime} and TTLs,
 * monotonic time for session expiry (ZooKeeper's {@code Time.currentWallTime} and {@code currentElapsedTime}).
 */
public interface ServerClock {
    long wallMillis();

    long elapsedMillis();

    ServerClock SYSTEM = new ServerClock() {
        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long elapsedMillis() {
            return System.nanoTime() / 1_000_000;
        }
    };
}
