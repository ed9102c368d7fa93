package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void median_ofOddCount_isTheMiddleValue() {
        assertEquals(5.0, Stats.median(List.of(9.0, 1.0, 5.0)));
    }

    @Test
    void median_ofEvenCount_isTheMeanOfTheTwoMiddleValues() {
        assertEquals(3.5, Stats.median(List.of(4.0, 1.0, 3.0, 10.0)));
    }

    @Test
    void median_ignoresMissingFigures_andIsMissingWhenAllAre() {
        assertEquals(2.0, Stats.median(List.of(Double.NaN, 2.0)));
        assertTrue(Double.isNaN(Stats.median(List.of(Double.NaN))));
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }

    @Test
    void percentile_isNearestRank() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // 1..100, unsorted
        }
        assertEquals(50, Stats.percentile(samples, 50));
        assertEquals(99, Stats.percentile(samples, 99));
        assertEquals(100, Stats.percentile(samples, 100));
        assertEquals(1, Stats.percentile(samples, 0));
        assertEquals(7, Stats.percentile(new long[] {7}, 99));
        assertEquals(2, Stats.percentile(new long[] {3, 1, 2}, 50));
    }

    @Test
    void percentile_doesNotReorderTheCallersArray() {
        long[] samples = {3, 1, 2};
        Stats.percentile(samples, 50);
        assertEquals(3, samples[0]);
    }

    @Test
    void percentile_rejectsNoSamplesAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 101));
    }

    @Test
    void percentile_agreesWithHdrHistogramWithinItsPrecision() {
        // The load cells report HdrHistogram percentiles; the fan-out reports exact ones: the same definition.
        long[] samples = new long[10_000];
        Histogram h = new Histogram(3);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 1_000 + (i * 7919L) % 50_000;
            h.recordValue(samples[i]);
        }
        for (double p : new double[] {50, 99}) {
            long exact = Stats.percentile(samples, p);
            long approx = h.getValueAtPercentile(p);
            assertTrue(Math.abs(exact - approx) <= exact / 500, p + ": " + exact + " vs " + approx);
        }
    }

    @Test
    void ratio_isOursOverZookeeper_andMissingWhenUndefined() {
        assertEquals(0.5, Stats.ratio(50, 100));
        assertTrue(Double.isNaN(Stats.ratio(50, 0)));
        assertTrue(Double.isNaN(Stats.ratio(Double.NaN, 1)));
    }
}
