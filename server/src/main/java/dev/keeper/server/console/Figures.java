package dev.keeper.server.console;

import dev.keeper.server.admin.ServerView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's figures over time: one sample a second of the request rate, the mean and the slowest latency of the
 * requests answered in that second, and the requests outstanding, for the last {@link #KEPT} seconds. Sampled on the
 * processor thread (the counters it reads are that thread's); read from the HTTP thread.
 */
final class Figures {
    static final int KEPT = 600;

    record Sample(long time, long requests, double reqPerSec, double avgLatencyMs, long maxLatencyMs,
            int outstanding) {
    }

    private final Sample[] ring = new Sample[KEPT];
    private int next;
    private int size;
    private long lastPackets = -1;
    private long lastCount;
    private long lastTotal;
    private long lastNanos;

    /** Processor thread: takes this second's sample. */
    void sample(ServerView view, long wallMillis, long nanos) {
        long packets = view.metrics().packetsReceived();
        long[] latency = view.metrics().latencyTotals();
        long max = view.metrics().takeIntervalMaxLatency();
        if (lastPackets >= 0) {
            double seconds = Math.max(1e-3, (nanos - lastNanos) / 1e9);
            // a reset (srst) makes the totals go back: that second counts from zero
            long answered = latency[0] >= lastCount ? latency[0] - lastCount : latency[0];
            long total = latency[1] >= lastTotal ? latency[1] - lastTotal : latency[1];
            long received = packets >= lastPackets ? packets - lastPackets : packets;
            add(new Sample(wallMillis, received, Math.round(received / seconds * 10) / 10.0,
                    answered == 0 ? 0 : Math.round((double) total / answered * 1000) / 1000.0, max,
                    view.outstanding()));
        }
        lastPackets = packets;
        lastCount = latency[0];
        lastTotal = latency[1];
        lastNanos = nanos;
    }

    private synchronized void add(Sample s) {
        ring[next] = s;
        next = (next + 1) % KEPT;
        size = Math.min(KEPT, size + 1);
    }

    /** Any thread: the samples kept, oldest first. */
    synchronized Map<String, Object> toMap() {
        List<Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(next - size + i + KEPT) % KEPT]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalMs", 1000);
        m.put("samples", out);
        return m;
    }
}
