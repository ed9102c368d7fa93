package dev.keeper.compat.limits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * 10,000 connections (scaled by {@code keeper.limits.scale}) opened and dropped without a handshake, in waves of
 * 500 from 100 addresses (5 each, under {@code maxClientCnxns}), half closed with a FIN and half with a reset
 * (SO_LINGER 0). A wave is 1,000 descriptors in this JVM (both ends, the server being in-process), well under
 * this machine's {@code ulimit -n} of 20,000.
 *
 * <p>Afterwards the server holds nothing of them: no open connection, no entry in its per-address counts, the same
 * number of threads as before (the I/O threads are a fixed pool, already started by a warm-up wave), and the heap
 * after a full GC within {@link #MARGIN} of its level before. A connection costs kilobytes while open (its channel,
 * pipeline, handlers, handshake timer); anything of it kept after the close — 105 bytes or more per connection —
 * would exceed the margin. A normal client still works.
 */
class ConnectionChurnTest {
    private static final int CONNECTIONS = Scale.of(10_000);
    private static final int WAVE = 500;
    private static final int ADDRESSES = 100;
    private static final long MARGIN = 1L << 20;

    @Test
    void tenThousandConnectionsDroppedBeforeTheirHandshake_leaveNothingBehind() throws Exception {
        ZkServer server = ZkServer.start(ServerConfig.builder().clientPort(0).build());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            wave(server, 0);
            long before = Heap.usedAfterGc();
            int threadsBefore = threads.getThreadCount();

            for (int w = 1; w <= CONNECTIONS / WAVE; w++) {
                wave(server, w);
            }

            MalformedFloodTest.awaitEquals(0, () -> server.connections().size(), "open connections");
            assertEquals(0, server.clientAddressesTracked(), "per-address counts: no entry left");
            long after = Heap.usedAfterGc();
            int threadsAfter = awaitAtMost(threadsBefore, threads);
            System.out.printf(Locale.ROOT, "connection churn: %,d connections in waves of %d from %d addresses;"
                            + " heap after GC before %s, after %s (%+,d bytes; margin %s); threads %d before, %d"
                            + " after%n", CONNECTIONS, WAVE, ADDRESSES, Heap.mib(before), Heap.mib(after),
                    after - before, Heap.mib(MARGIN), threadsBefore, threadsAfter);
            assertTrue(after - before <= MARGIN, "heap after " + Heap.mib(after) + " within " + Heap.mib(MARGIN)
                    + " of before, " + Heap.mib(before));
            assertTrue(threadsAfter <= threadsBefore, "threads: " + threadsBefore + " before, " + threadsAfter
                    + " after");

            ZooKeeper zk = JavaClient.connect("127.0.0.1:" + server.port());
            try {
                zk.create("/after-churn", new byte[] {7}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertArrayEquals(new byte[] {7}, zk.getData("/after-churn", false, null));
            } finally {
                zk.close();
            }
        } finally {
            server.close();
        }
    }

    /**
     * Opens {@link #WAVE} connections, waits until the server has them all, then drops them: the even ones with a
     * FIN, the odd ones with a reset.
     */
    private static void wave(ZkServer server, int w) throws IOException, InterruptedException {
        List<Socket> open = new ArrayList<>(WAVE);
        try {
            for (int i = 0; i < WAVE; i++) {
                Socket s = new Socket();
                open.add(s);
                s.bind(new InetSocketAddress(MalformedFlood.laneAddress(i % ADDRESSES), 0));
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                if (i % 2 == 1) {
                    s.setSoLinger(true, 0);
                }
            }
            MalformedFloodTest.awaitEquals(WAVE, () -> server.connections().size(), "wave " + w + " accepted");
            assertEquals(ADDRESSES, server.clientAddressesTracked(), "wave " + w + ": one entry per address");
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        MalformedFloodTest.awaitEquals(0, () -> server.connections().size(), "wave " + w + " closed");
    }

    /** The live thread count once it is at most {@code limit} (threads that ended may take a moment to go). */
    private static int awaitAtMost(int limit, ThreadMXBean threads) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (threads.getThreadCount() > limit && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return threads.getThreadCount();
    }
}
