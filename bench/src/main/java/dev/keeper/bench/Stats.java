package dev.keeper.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and exact percentiles of recorded samples. */
final class Stats {
    private Stats() {
    }

    /** The median; for an even count, the mean of the two middle values. NaN for no values. */
    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /**
     * The nearest-rank percentile of samples: the smallest value such that at least {@code p}% of the samples
     * are at or below it (the definition HdrHistogram's {@code getValueAtPercentile} follows).
     */
    static long percentile(long[] samples, double p) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile out of range: " + p);
        }
        long[] s = samples.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, rank - 1)];
    }

    /** ours / zookeeper, or NaN when either is missing or ZooKeeper's is zero. */
    static double ratio(double ours, double zookeeper) {
        if (Double.isNaN(ours) || Double.isNaN(zookeeper) || zookeeper == 0) {
            return Double.NaN;
        }
        return ours / zookeeper;
    }
}
