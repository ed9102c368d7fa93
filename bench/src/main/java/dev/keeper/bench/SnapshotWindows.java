package dev.keeper.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a steady write load's samples by the snapshots the server logged.
 *
 * <ul>
 *   <li>During a snapshot: every request in flight at any moment from the snapshot's start line to
 *       {@link #AFTER_MS} after its end line, so a request held up by the snapshot counts even if it was sent
 *       just before it began, and so does one held up by what the snapshot leaves behind: the next log fsync
 *       may have to write the snapshot's dirty pages first (ext4 orders data before its journal commit), and
 *       its garbage is collected soon after.</li>
 *   <li>Without a snapshot: every request sent after the warm-up and in flight at no moment from
 *       {@link #BEFORE_MS} before a snapshot's start line to {@link #AFTER_MS} after its end line.</li>
 * </ul>
 * Requests sent in the {@link #BEFORE_MS} margin (the log's timestamps are to the millisecond, the roll that
 * precedes the start line is not logged by ZooKeeper) count in neither.
 */
final class SnapshotWindows {
    static final long BEFORE_MS = 200;
    static final long AFTER_MS = 1_000;

    /**
     * @param p99WithoutUs  99th percentile latency without a snapshot, microseconds
     * @param p99DuringUs   99th percentile latency of the requests in flight during a snapshot (all snapshots
     *                      pooled)
     * @param maxWithoutUs  the slowest request without a snapshot
     * @param maxDuringUs   the slowest request during one
     * @param without       samples without a snapshot
     * @param during        samples during one
     * @param perSnapshotP99Us the p99 during each snapshot, in order
     */
    record Split(double p99WithoutUs, double p99DuringUs, double maxWithoutUs, double maxDuringUs, int without,
                 int during, List<Double> perSnapshotP99Us) {
        double ratio() {
            return Stats.ratio(p99DuringUs, p99WithoutUs);
        }
    }

    private SnapshotWindows() {
    }

    static Split split(SteadyWriter.Samples s, List<SnapshotLog.Snapshot> snapshots, long measureFromUs) {
        List<long[]> perSnapshot = new ArrayList<>();
        long[] withoutBuf = new long[s.sentUs().length];
        long[] duringBuf = new long[s.sentUs().length];
        int without = 0;
        int during = 0;
        for (int k = 0; k < snapshots.size(); k++) {
            perSnapshot.add(new long[s.sentUs().length]);
        }
        int[] perCount = new int[snapshots.size()];
        for (int i = 0; i < s.sentUs().length; i++) {
            long sent = s.sentUs()[i];
            long replied = s.repliedUs()[i];
            long latency = replied - sent;
            boolean in = false;
            boolean near = false;
            for (int k = 0; k < snapshots.size(); k++) {
                SnapshotLog.Snapshot w = snapshots.get(k);
                long start = w.startEpochMs() * 1000;
                long end = (w.endEpochMs() + AFTER_MS) * 1000;
                if (sent <= end && replied >= start) {
                    in = true;
                    perSnapshot.get(k)[perCount[k]++] = latency;
                }
                if (sent <= end && replied >= start - BEFORE_MS * 1000) {
                    near = true;
                }
            }
            if (in) {
                duringBuf[during++] = latency;
            } else if (!near && sent >= measureFromUs) {
                withoutBuf[without++] = latency;
            }
        }
        List<Double> perP99 = new ArrayList<>();
        for (int k = 0; k < snapshots.size(); k++) {
            perP99.add(p99(Arrays.copyOf(perSnapshot.get(k), perCount[k])));
        }
        long[] w = Arrays.copyOf(withoutBuf, without);
        long[] d = Arrays.copyOf(duringBuf, during);
        return new Split(p99(w), p99(d), max(w), max(d), without, during, List.copyOf(perP99));
    }

    private static double p99(long[] us) {
        return us.length == 0 ? Double.NaN : Stats.percentile(us, 99);
    }

    private static double max(long[] us) {
        return us.length == 0 ? Double.NaN : Arrays.stream(us).max().orElseThrow();
    }
}
