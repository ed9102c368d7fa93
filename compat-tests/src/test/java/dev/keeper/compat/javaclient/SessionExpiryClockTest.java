package dev.keeper.compat.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.RawClient;
import dev.keeper.server.ServerClock;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.junit.jupiter.api.Test;

/**
 * Session expiry follows the server's clock, which is passed in: with time moved by hand, a silent session
 * lives as long as the clock stands still, however much real time passes, and expires — ephemeral deleted,
 * watchers told, connection closed — as soon as the clock passes its tick bucket.
 */
class SessionExpiryClockTest {
    private static final class ManualClock implements ServerClock {
        private final AtomicLong now = new AtomicLong(1_000_000);

        @Override
        public long wallMillis() {
            return now.get();
        }

        @Override
        public long elapsedMillis() {
            return now.get();
        }

        void advance(long ms) {
            now.addAndGet(ms);
        }
    }

    @Test
    void aSilentSessionExpires_whenTheClockPassesItsBucket_andNotBefore() throws Exception {
        ManualClock clock = new ManualClock();
        ServerConfig config = ServerConfig.builder().tickTime(100).minSessionTimeout(200).maxSessionTimeout(5_000)
                .build();
        try (ZkServer server = ZkServer.start(config, clock);
                RawClient owner = RawClient.connect(server.port())) {
            // A raw session that never pings, with a 1 s timeout, owns an ephemeral.
            owner.handshake(1_000);
            assertEquals(0, owner.call(1, ZooDefs.OpCode.create,
                    new CreateRequest("/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, 1)));

            LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            CountDownLatch up = new CountDownLatch(1);
            ZooKeeper watcher = new ZooKeeper("127.0.0.1:" + server.port(), 5_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        up.countDown();
                    }
                } else {
                    events.add(e);
                }
            });
            try {
                assertTrue(up.await(10, TimeUnit.SECONDS));
                assertNotNull(watcher.exists("/eph", true));

                // Ten real ticks pass; the server's clock does not: the silent session stays.
                Thread.sleep(1_000);
                assertNotNull(watcher.exists("/eph", false));
                assertNull(events.poll(), "no event while the clock stands still");

                // One jump past its bucket (created at t, timeout 1000: expires at the tick after t + 1000),
                // but well inside the watcher's own 5 s timeout.
                clock.advance(1_100);
                WatchedEvent deleted = events.poll(10, TimeUnit.SECONDS);
                assertNotNull(deleted, "the ephemeral's watcher is told");
                assertEquals(Watcher.Event.EventType.NodeDeleted, deleted.getType());
                assertEquals("/eph", deleted.getPath());
                assertTrue(owner.awaitClosedByServer(10_000), "the expired session's connection is closed");
                assertNull(watcher.exists("/eph", false));
            } finally {
                watcher.close();
            }
        }
    }
}
