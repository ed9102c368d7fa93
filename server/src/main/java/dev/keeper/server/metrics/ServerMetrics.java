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
 *
 * <p>ZooKeeper's {@code ServerMetrics} catalog ({@link ZooKeeperMetrics}) is kept here too, every metric by its
 * name, and dumped as ZooKeeper's {@code DefaultMetricsProvider} dumps it ({@link #dump}). This server feeds those
 * whose events it has: {@code readlatency} and {@code updatelatency}, {@code fsynctime}, {@code snapshottime},
 * {@code dbinittime}, {@code bytes_received_count}, {@code response_bytes}, {@code watch_bytes},
 * {@code connection_request_count}, {@code connection_revalidate_count}, {@code stale_sessions_expired},
 * {@code prep_processor_request_queued}, {@code connection_rejected}, {@code connection_drop_count}, the
 * {@code node_*_watch_count} summaries, the snapshot and restore commands' counters and {@code restore_time},
 * {@code unsuccessful_handshake}, and on an ensemble's leader {@code proposal_count} and {@code commit_count}.
 */
public final class ServerMetrics {
    private final MetricRegistry registry = new MetricRegistry();
    private final java.util.Map<String, LongAdder> counters = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Summary> summaries = new java.util.LinkedHashMap<>();
    /**
     * Keyed summaries (per namespace, per server id): each key's summary appears with its first value, and stays,
     * as in ZooKeeper's {@code AvgMinMaxCounterSet}. A hash map: a namespace's is looked up at every write and
     * read; reports sort the keys.
     */
    private final java.util.Map<String, java.util.concurrent.ConcurrentHashMap<String, Summary>> summarySets =
            new java.util.LinkedHashMap<>();
    private final java.util.Map<String, ZooKeeperMetrics.Kind> kinds = new java.util.HashMap<>();
    /**
     * Values a BASIC set's key keeps for its percentiles. There is a key for every top-level znode ever written
     * or read (per namespace), so a sample there is paid for by every one: with 4,096 values (32 KB) a key, a
     * client creating 20,000 top-level znodes ran every 512 MB member of an ensemble out of heap at once (14,000
     * keys are 448 MB). Only Prometheus shows those percentiles (a median with ZooKeeper's 5% error,
     * {@code PrometheusMetricsProvider}'s {@code quantile(0.5, 0.05)}; a uniform sample of 128 is within about
     * 4.5%); without it, mntr shows none and a key keeps its count, sum, min and max alone, as ZooKeeper's
     * {@code AvgMinMaxCounter} does.
     */
    private final int keySample;

    /** Without Prometheus: BASIC sets' keys keep no sample. */
    public ServerMetrics() {
        this(false);
    }

    /** @param prometheus whether the Prometheus endpoint serves (its BASIC sets' keys then keep a small sample) */
    public ServerMetrics(boolean prometheus) {
        this.keySample = prometheus ? 128 : 0;
    }

    {
        for (ZooKeeperMetrics.Metric m : ZooKeeperMetrics.ALL) {
            kinds.put(m.name(), m.kind());
            switch (m.kind()) {
                case COUNTER -> counters.put(m.name(), new LongAdder());
                case SUMMARY, SUMMARY_ADVANCED -> summaries.put(m.name(), new Summary(m.name(),
                        m.kind().advanced()));
                case SUMMARY_SET, SUMMARY_SET_ADVANCED -> summarySets.put(m.name(),
                        new java.util.concurrent.ConcurrentHashMap<>());
                case COUNTER_SET -> { } // quota_exceeded_error_per_namespace: quotaExceeded below
            }
        }
    }

    private final LongAdder bytesReceived = counter("bytes_received_count");
    private final LongAdder responseBytes = counter("response_bytes");
    private final LongAdder watchBytes = counter("watch_bytes");
    private final Summary readLatency = summary("readlatency");
    private final Summary updateLatency = summary("updatelatency");
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder connectionsRejected = counter("connection_rejected");
    private final LongAdder connectionsDroppedForBacklog = counter("connection_drop_count");
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
        connectionsRejected.increment();
    }

    public void connectionDroppedForBacklog() {
        connectionsDroppedForBacklog.increment();
    }

    /** One of ZooKeeper's counters, by name ({@link ZooKeeperMetrics}). */
    public LongAdder counter(String name) {
        LongAdder c = counters.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no counter " + name + " in ZooKeeper's catalog");
        }
        return c;
    }

    /** One of ZooKeeper's summaries, by name ({@link ZooKeeperMetrics}). */
    public Summary summary(String name) {
        Summary m = summaries.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no summary " + name + " in ZooKeeper's catalog");
        }
        return m;
    }

    /** A value of a keyed summary (a summary set), under {@code key}. */
    public void observe(String set, String key, long value) {
        java.util.concurrent.ConcurrentHashMap<String, Summary> byKey = summarySets.get(set);
        Summary s = byKey.get(key); // no lambda, no lock for a key that is there: once per request
        if (s == null) {
            boolean advanced = kinds.get(set).advanced();
            // an ADVANCED set's keys are server ids, few: those keep ZooKeeper's whole sample
            s = byKey.computeIfAbsent(key, k -> new Summary(k + "_" + set, advanced,
                    advanced ? Summary.SAMPLE : keySample));
        }
        s.add(value);
    }

    /** I/O thread: a frame of {@code bytes} (its length prefix included) came in. */
    public void bytesReceived(long bytes) {
        bytesReceived.add(bytes);
    }

    /** I/O thread: replies and notifications of these sizes went out. */
    public void bytesSent(long replies, long notifications) {
        responseBytes.add(replies);
        watchBytes.add(notifications);
    }

    /** Processor thread: a request was answered after {@code ms}, a read or a write. */
    public void requestLatency(boolean write, long ms) {
        (write ? updateLatency : readLatency).add(ms);
    }

    /**
     * ZooKeeper's catalog as its {@code DefaultMetricsProvider.dump} lists it: counters, counter sets, BASIC
     * summaries, ADVANCED summaries, then the summary sets, each key's.
     */
    public void dump(java.util.function.BiConsumer<String, Object> sink) {
        counters.forEach((name, c) -> sink.accept(name, c.sum()));
        quotaExceededErrors().forEach((ns, n) -> sink.accept(ns + "_quota_exceeded_error_per_namespace", n));
        for (boolean advanced : new boolean[] {false, true}) {
            summaries.values().stream().filter(m -> m.advanced() == advanced).forEach(m -> m.dump(m.name(), sink));
        }
        for (boolean advanced : new boolean[] {false, true}) {
            summarySets.forEach((set, byKey) -> {
                if (kinds.get(set).advanced() == advanced) {
                    new java.util.TreeMap<>(byKey).values().forEach(m -> m.dump(m.name(), sink));
                }
            });
        }
    }

    /** Every counter of the catalog and its value, for Prometheus. */
    public java.util.Map<String, Long> counterValues() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        counters.forEach((name, c) -> m.put(name, c.sum()));
        return m;
    }

    /** Every summary of the catalog. */
    public java.util.Collection<Summary> summaries() {
        return java.util.Collections.unmodifiableCollection(summaries.values());
    }

    /** Every summary set of the catalog: its name, and its summaries by key. */
    public java.util.Map<String, java.util.Map<String, Summary>> summarySets() {
        java.util.Map<String, java.util.Map<String, Summary>> m = new java.util.LinkedHashMap<>();
        summarySets.forEach((set, byKey) -> m.put(set, java.util.Collections.unmodifiableMap(
                new java.util.TreeMap<>(byKey))));
        return m;
    }

    public boolean advanced(String name) {
        return kinds.get(name).advanced();
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
        return connectionsRejected.sum();
    }

    public long connectionsDroppedForBacklog() {
        return connectionsDroppedForBacklog.sum();
    }

    /** Processor thread: one request answered after {@code ms}. */
    public void recordLatency(long ms) {
        latency.update(ms);
        intervalMaxLatency = Math.max(intervalMaxLatency, ms);
        minLatency = Math.min(minLatency, ms);
        maxLatency = Math.max(maxLatency, ms);
        totalLatency += ms;
        latencyCount++;
    }

    /** Processor thread: requests answered and their total latency (ms) since the last reset. */
    public long[] latencyTotals() {
        return new long[] {latencyCount, totalLatency};
    }

    /** Processor thread: the slowest request since the last call (the console's figures), then starts again. */
    public long takeIntervalMaxLatency() {
        long m = intervalMaxLatency;
        intervalMaxLatency = 0;
        return m;
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

    private long intervalMaxLatency;

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

    /**
     * srst: ZooKeeper resets the latency summary, its sample, the packet counts and the response sizes, and
     * ({@code ServerMetrics.resetAll}) every counter and summary of its catalog.
     */
    public void reset() {
        counters.values().forEach(LongAdder::reset);
        quotaExceeded.values().forEach(LongAdder::reset);
        summaries.values().forEach(Summary::reset);
        // a set's keys stay, at zero, as ZooKeeper's AvgMinMaxCounterSet.reset leaves them
        summarySets.values().forEach(byKey -> byKey.values().forEach(Summary::reset));
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
