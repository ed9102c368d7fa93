package dev.keeper.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's figures, under the names ZooKeeper's {@code mntr} and {@code srvr} print. One instance per
 * server, passed in; never a static registry.
 *
 * <p>Packet counters are bumped by I/O threads; the latency summary (min/avg/max, as {@code ServerStats}
 * keeps it) by the processor thread, which is also where reports read it.
 */
public final class ServerMetrics {
    private final MetricRegistry registry = new MetricRegistry();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsSent = new LongAdder();
    private final Counter connectionsRejected = registry.counter("connection_rejected");
    private final Counter connectionsDroppedForBacklog = registry.counter("connection_drop_backlog");
    private final Counter watchEventsSent = registry.counter("watch_events_sent");
    private final Histogram latency = registry.register("request_latency",
            new Histogram(new SlidingTimeWindowArrayReservoir(60, TimeUnit.SECONDS)));
    private long minLatency = Long.MAX_VALUE;
    private long maxLatency;
    private long totalLatency;
    private long latencyCount;
    private final long startedAt = System.currentTimeMillis();

    public MetricRegistry registry() {
        return registry;
    }

    public void packetReceived() {
        packetsReceived.increment();
    }

    public void packetsSent(int n) {
        packetsSent.add(n);
    }

    public long packetsReceived() {
        return packetsReceived.sum();
    }

    public long packetsSent() {
        return packetsSent.sum();
    }

    public void connectionRejected() {
        connectionsRejected.inc();
    }

    public void connectionDroppedForBacklog() {
        connectionsDroppedForBacklog.inc();
    }

    public void watchEventSent() {
        watchEventsSent.inc();
    }

    public long watchEventsSent() {
        return watchEventsSent.getCount();
    }

    public long connectionsRejected() {
        return connectionsRejected.getCount();
    }

    public long connectionsDroppedForBacklog() {
        return connectionsDroppedForBacklog.getCount();
    }

    /** Processor thread: one request answered after {@code ms}. */
    public void recordLatency(long ms) {
        latency.update(ms);
        minLatency = Math.min(minLatency, ms);
        maxLatency = Math.max(maxLatency, ms);
        totalLatency += ms;
        latencyCount++;
    }

    public long minLatency() {
        return latencyCount == 0 ? 0 : minLatency;
    }

    public long maxLatency() {
        return maxLatency;
    }

    /** ZooKeeper prints the average with decimals (a double) in srvr and mntr. */
    public double avgLatency() {
        return latencyCount == 0 ? 0 : (double) totalLatency / latencyCount;
    }

    public double latencyPercentile(double q) {
        return latency.getSnapshot().getValue(q);
    }

    public long uptimeMillis() {
        return System.currentTimeMillis() - startedAt;
    }

    /** srst: ZooKeeper resets the latency summary and the packet counts. */
    public void reset() {
        minLatency = Long.MAX_VALUE;
        maxLatency = 0;
        totalLatency = 0;
        latencyCount = 0;
        packetsReceived.reset();
        packetsSent.reset();
    }
}
