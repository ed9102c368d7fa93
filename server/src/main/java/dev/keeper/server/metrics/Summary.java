package dev.keeper.server.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.UniformReservoir;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.BiConsumer;

/**
 * One summary metric, as ZooKeeper's {@code AvgMinMaxCounter} keeps it: count, sum, min and max since the last
 * reset, and a uniform sample for percentiles ({@code AvgMinMaxPercentileCounter}'s, a Dropwizard histogram as
 * there): mntr shows an ADVANCED summary's, Prometheus every summary's median. The sample is made at the first
 * value, so the many summaries that stay empty here cost nothing; a summary of a set's key may keep none
 * ({@link ServerMetrics#observe}). Any thread.
 */
public final class Summary {
    /** ZooKeeper's {@code AvgMinMaxPercentileCounter} keeps 4,096 values. */
    static final int SAMPLE = 4096;

    private final String name;
    private final boolean advanced;
    /** Values kept for percentiles; 0 keeps none (then every percentile is 0, a quantile NaN). */
    private final int sampleSize;
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private Histogram sample;

    Summary(String name, boolean advanced) {
        this(name, advanced, SAMPLE);
    }

    Summary(String name, boolean advanced, int sampleSize) {
        this.name = name;
        this.advanced = advanced;
        this.sampleSize = sampleSize;
    }

    public synchronized void add(long value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (sampleSize == 0) {
            return;
        }
        if (sample == null) {
            sample = new Histogram(new UniformReservoir(sampleSize));
        }
        sample.update(value);
    }

    synchronized void reset() {
        count = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
        sample = null;
    }

    /** What it is now. */
    public synchronized Values values() {
        Snapshot s = sample == null ? null : sample.getSnapshot();
        return new Values(count, sum, count == 0 ? 0 : min, count == 0 ? 0 : max, s);
    }

    /**
     * mntr's keys ({@code AvgMinMaxCounter.values}, {@code AvgMinMaxPercentileCounter.values}): avg_, min_, max_,
     * cnt_, sum_ and, ADVANCED, p50_, p95_, p99_, p999_ before {@code name}.
     */
    void dump(String name, BiConsumer<String, Object> sink) {
        Values v = values();
        sink.accept("avg_" + name, v.avg());
        sink.accept("min_" + name, v.min());
        sink.accept("max_" + name, v.max());
        sink.accept("cnt_" + name, v.count());
        sink.accept("sum_" + name, v.sum());
        if (advanced) {
            sink.accept("p50_" + name, v.percentile(0.5));
            sink.accept("p95_" + name, v.percentile(0.95));
            sink.accept("p99_" + name, v.percentile(0.99));
            sink.accept("p999_" + name, v.percentile(0.999));
        }
    }

    public String name() {
        return name;
    }

    public boolean advanced() {
        return advanced;
    }

    /** A summary's figures at one moment. */
    public record Values(long count, long sum, long min, long max, Snapshot sample) {
        /** The mean, rounded half up to four decimals, 0.0 when empty ({@code AvgMinMaxCounter.getAvg}). */
        public double avg() {
            if (count == 0) {
                return 0.0;
            }
            return new BigDecimal((double) sum / count).setScale(4, RoundingMode.HALF_UP).doubleValue();
        }

        /** A percentile of the sample, rounded to a long, 0 when empty. */
        public long percentile(double q) {
            return sample == null || count == 0 ? 0 : Math.round(sample.getValue(q));
        }

        /** A quantile for Prometheus: NaN when empty, as an empty window gives there. */
        public double quantile(double q) {
            return sample == null || count == 0 ? Double.NaN : sample.getValue(q);
        }
    }
}
