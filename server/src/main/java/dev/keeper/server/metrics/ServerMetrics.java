package dev.keeper.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.UniformReservoir;
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
    /** TLS clients whose certificate the x509 scheme refused ({@code ServerStats.incrementAuthFailedCount}). */
    private final Counter authFailed = registry.counter("auth_failed_count");
    /**
     * Requests the latency percentiles are drawn from. ZooKeeper keeps a uniform sample of 4,096 of them
     * ({@code AvgMinMaxPercentileCounter}'s {@code ResettableUniformReservoir}), cleared by srst: a fixed size
     * whatever the request rate. A sliding time window keeps every request of its span instead, 16 bytes each,
     * so a minute of a flood of cheap requests (200,000/s of pipelined exists) held 190 MB.
     */
    private static final int LATENCY_SAMPLE = 4096;
    private static final String LATENCY = "request_latency";
    private Histogram latency = registry.register(LATENCY, newLatencyHistogram());
    private long minLatency = Long.MAX_VALUE;
    private long maxLatency;
    private long totalLatency;
    private long latencyCount;
    private final long startedAt = System.currentTimeMillis();
    /**
     * Sizes of the replies and notifications sent (ZooKeeper's {@code BufferStats}: the serialized header and
     * record, without the length prefix): the last, the smallest and the largest, -1 until one is sent. Guarded
     * by {@code this}; updated once per written batch, by whichever I/O thread wrote it.
     */
    private long lastResponseSize = -1;
    private long minResponseSize = -1;
    private long maxResponseSize = -1;
    /** Writes refused by a hard quota, per top-level namespace ({@code quota_exceeded_error_per_namespace}). */
    private final java.util.concurrent.ConcurrentSkipListMap<String, LongAdder> quotaExceeded =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    public MetricRegistry registry() {
        return registry;
    }

    public void packetReceived() {
        packetsReceived.increment();
    }

    public void packetsSent(int n) {
        packetsSent.add(n);
    }

    /** A write under {@code namespace} was refused with QuotaExceeded. */
    public void quotaExceeded(String namespace) {
        quotaExceeded.computeIfAbsent(namespace, k -> new LongAdder()).increment();
    }

    /** Refusals by hard quotas so far, per namespace that has had one. */
    public java.util.Map<String, Long> quotaExceededErrors() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        quotaExceeded.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** I/O thread: a batch went out whose last response had {@code last} bytes, the smallest min, the largest max. */
    public synchronized void responsesSent(int last, int min, int max) {
        lastResponseSize = last;
        if (minResponseSize < 0 || min < minResponseSize) {
            minResponseSize = min;
        }
        if (max > maxResponseSize) {
            maxResponseSize = max;
        }
    }

    /** The last, smallest and largest response size, as ZooKeeper's {@code client_response_stats} shows them. */
    public synchronized long[] responseSizes() {
        return new long[] {lastResponseSize, minResponseSize, maxResponseSize};
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

    public void authFailed() {
        authFailed.inc();
    }

    public long authFailedCount() {
        return authFailed.getCount();
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

    /**
     * ZooKeeper prints the average with decimals (a double) in srvr and mntr, rounded half up to four
     * ({@code AvgMinMaxCounter.getAvg}).
     */
    public double avgLatency() {
        if (latencyCount == 0) {
            return 0;
        }
        return new java.math.BigDecimal((double) totalLatency / latencyCount)
                .setScale(4, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    public double latencyPercentile(double q) {
        return latency.getSnapshot().getValue(q);
    }

    public long uptimeMillis() {
        return System.currentTimeMillis() - startedAt;
    }

    private static Histogram newLatencyHistogram() {
        return new Histogram(new UniformReservoir(LATENCY_SAMPLE));
    }

    /** JMX's resetLatency: the latency summary and its sample, not the packet counts. */
    public void resetLatency() {
        registry.remove(LATENCY);
        latency = registry.register(LATENCY, newLatencyHistogram());
        minLatency = Long.MAX_VALUE;
        maxLatency = 0;
        totalLatency = 0;
        latencyCount = 0;
    }

    /** JMX's resetMaxLatency. */
    public void resetMaxLatency() {
        maxLatency = 0;
    }

    /** JMX's resetAuthFailedCount. */
    public void resetAuthFailed() {
        authFailed.dec(authFailed.getCount());
    }

    /** srst: ZooKeeper resets the latency summary, its sample, the packet counts and the response sizes. */
    public void reset() {
        resetLatency();
        packetsReceived.reset();
        packetsSent.reset();
        synchronized (this) {
            lastResponseSize = -1;
            minResponseSize = -1;
            maxResponseSize = -1;
        }
    }
}
