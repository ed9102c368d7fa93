package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * 100,000 malformed frames (scaled by {@code keeper.limits.scale}) from 100 connections at a time, each from its
 * own address ({@link MalformedFlood}), while a canary session writes once per millisecond ({@link Canary}).
 *
 * <ul>
 *   <li>Every malformed frame gets ZooKeeper's answer (MarshallingError and the connection kept; Unimplemented
 *       then the close; the close), and every canary write is answered OK, in order.</li>
 *   <li>Memory: once the flood's connections have closed and its sessions expired, the heap in use (after a full
 *       GC) is back within {@link #MARGIN} of its level before the flood. The flood makes 3,900-odd connections
 *       and 2,000-odd sessions and sends 100,000 requests: anything the server kept per frame (a request, a
 *       reply, a log event: 100 bytes and more with its strings) or per connection or session (a kilobyte and
 *       more with its channel, pipeline and buffers) would exceed it. What may legitimately stay is a few tables
 *       grown for the peak (the session and connection maps), tens of kilobytes.</li>
 *   <li>The server serves a new client afterwards.</li>
 * </ul>
 *
 * <p>The canary's p99 during the flood and during a quiet run of the same length are printed, not asserted.
 * The server runs without a data directory (no fsync): this is about the network front end and the processor;
 * the benchmark's {@code --only=flood} runs the same flood against both servers with their logs on disk.
 */
class MalformedFloodTest {
    private static final int LANES = 100;
    private static final long FRAMES = Scale.of(100_000);
    private static final long MARGIN = 1L << 20;
    private static final int MAX_BUFFER = 0xfffff;
    /** The flood's sessions expire within a second or two of their connections closing. */
    private static final int FLOOD_SESSION_TIMEOUT_MS = 1000;

    @Test
    void aHundredThousandMalformedFrames_costOnlyTheirConnections_andTheHeapReturnsToItsLevel() throws Exception {
        ServerConfig config = ServerConfig.builder().tickTime(500).minSessionTimeout(FLOOD_SESSION_TIMEOUT_MS)
                .maxSessionTimeout(30_000).juteMaxBuffer(MAX_BUFFER).clientPort(0).build();
        ZkServer server = ZkServer.start(config);
        try (Canary canary = Canary.start("127.0.0.1:" + server.port(), "/canary")) {
            MalformedFlood flood = new MalformedFlood(server.port(), MAX_BUFFER, FLOOD_SESSION_TIMEOUT_MS);
            flood.warmUp();
            settle(server);
            long before = Heap.usedAfterGc();

            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread floodThread = new Thread(() -> {
                try {
                    flood.run(LANES, FRAMES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    flooding.set(false);
                }
            }, "flood");
            long start = System.nanoTime();
            floodThread.start();
            Canary.Result during = canary.runWhile(flooding::get);
            floodThread.join();
            long floodMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertEquals(List.of(), flood.problems(), "every malformed frame gets ZooKeeper's answer");
            assertTrue(flood.framesSent() >= FRAMES, "frames sent: " + flood.framesSent());
            assertEquals(List.of(), during.problems(), "every canary write during the flood is answered OK, in order");

            settle(server);
            Canary.Result quiet = canary.runFor(floodMillis);
            assertEquals(List.of(), quiet.problems(), "every canary write of the quiet run is answered OK, in order");
            long after = Heap.usedAfterGc();

            System.out.printf(Locale.ROOT, "malformed flood: %,d frames over %,d connections from %d addresses in"
                            + " %,d ms%n  canary during the flood: %s%n  canary quiet, as long: %s%n"
                            + "  p99 flooded/quiet: %.2f%n  heap after GC: before %s, after %s (%+,d bytes;"
                            + " margin %s)%n", flood.framesSent(), flood.connectionsMade(), LANES, floodMillis,
                    during.summary(), quiet.summary(), during.p99Millis() / quiet.p99Millis(), Heap.mib(before),
                    Heap.mib(after), after - before, Heap.mib(MARGIN));
            assertTrue(after - before <= MARGIN, "heap after the flood " + Heap.mib(after) + " is within "
                    + Heap.mib(MARGIN) + " of before, " + Heap.mib(before));

            ZooKeeper fresh = JavaClient.connect("127.0.0.1:" + server.port());
            try {
                fresh.create("/after-flood", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertArrayEquals(new byte[] {1}, fresh.getData("/after-flood", false, null));
            } finally {
                fresh.close();
            }
        } finally {
            server.close();
        }
    }

    /** Waits (at most 30 s) until only the canary is connected and only its session is left. */
    private static void settle(ZkServer server) throws InterruptedException {
        awaitEquals(1, () -> server.connections().size(), "open connections: only the canary's");
        awaitEquals(1, () -> server.onProcessor(() -> server.sessions().size()), "sessions: only the canary's");
    }

    static void awaitEquals(int expected, IntSupplier actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, actual.getAsInt(), what);
    }
}
