package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting samples into with- and without-snapshot sets. Times in the samples are epoch microseconds. */
class SnapshotWindowsTest {
    /** One request every ms from 0 to 20 s, 1 ms each, but 50 ms for those sent in [10.0 s, 10.5 s). */
    private static SteadyWriter.Samples samples() {
        List<long[]> l = new ArrayList<>();
        for (long t = 0; t < 20_000; t++) {
            long sent = t * 1000;
            long latency = t >= 10_000 && t < 10_500 ? 50_000 : 1000;
            l.add(new long[] {sent, sent + latency});
        }
        long[] s = l.stream().mapToLong(x -> x[0]).toArray();
        long[] r = l.stream().mapToLong(x -> x[1]).toArray();
        return new SteadyWriter.Samples(s, r, 0, null, 0, 0);
    }

    @Test
    void requestsInFlightDuringTheWindowOrTheSecondAfter_countAsDuring_andTheMarginsAsNeither() {
        SnapshotLog.Snapshot snap = new SnapshotLog.Snapshot(10_000, 11_000, 1000);
        SnapshotWindows.Split split = SnapshotWindows.split(samples(), List.of(snap), 2_000_000);
        // During: sent from 9.999 s (answered at 10.000 s) to 12.000 s: 2002 requests.
        assertEquals(2002, split.during());
        // Without: sent from 2 s up to the 200 ms margin (9.799 s answered at 9.800 s is in it), and after 12 s.
        assertEquals((9799 - 2000) + (20_000 - 12_001), split.without());
        assertEquals(50_000, split.p99DuringUs());
        assertEquals(50_000, split.maxDuringUs());
        assertEquals(1000, split.p99WithoutUs());
        assertEquals(50.0, split.ratio());
        assertEquals(List.of(50_000.0), split.perSnapshotP99Us());
    }

    @Test
    void noSnapshot_leavesDuringEmpty() {
        SnapshotWindows.Split split = SnapshotWindows.split(samples(), List.of(), 0);
        assertEquals(0, split.during());
        assertEquals(20_000, split.without());
        assertTrue(Double.isNaN(split.p99DuringUs()));
        assertTrue(Double.isNaN(split.ratio()));
    }
}
