package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flood part's figures: medians over repeats, the ratio against its target, and where they are reported. */
class FloodReportTest {
    private static final Report.Meta META = new Report.Meta("2026-01-01T00:00:00Z", false, false, 3, 1000, 3000,
            16, "2g", 2000, "TestVM 17", 2, "0.5 0.4 0.3", "0.6 0.5 0.4", "min 0.50, median 0.60, max 0.70",
            "/dev/vda (ext4)");

    private static FloodBench.Repeat repeat(double quietUs, double floodUs, double millis, int problems) {
        FloodLanes.Result flood = new FloodLanes.Result(100_000, 3_850, millis,
                problems == 0 ? List.of() : List.of("KEPT_THEN_SHORT_HEADER: expected the close"), problems);
        return new FloodBench.Repeat(flood, floodUs, quietUs, floodUs * 2, 5_000, 5_000, 0, 0);
    }

    private static Report report() {
        FloodBench.Figures ours = new FloodBench.Figures(100_000, 100, 0, List.of(repeat(1000, 1500, 5000, 0),
                repeat(2000, 3000, 4000, 0), repeat(1000, 4000, 6000, 0)), 20L << 20, 21L << 20);
        FloodBench.Figures zk = new FloodBench.Figures(100_000, 100, 0, List.of(repeat(10_000, 50_000, 20_000, 1),
                repeat(10_000, 100_000, 10_000, 0), repeat(20_000, 60_000, 30_000, 0)), 30L << 20, 40L << 20);
        return new Report(META, List.of(), null, null, List.of(), null, null, new Report.Pair<>(ours, zk),
                List.of());
    }

    @Test
    void figures_areMediansOverRepeats() {
        FloodBench.Figures ours = report().flood().ours();
        assertEquals(1000, ours.medianP99QuietUs());
        assertEquals(3000, ours.medianP99FloodUs());
        assertEquals(1.5, ours.medianRatio()); // ratios 1.5, 1.5, 4.0
        assertEquals(5.0, ours.medianFloodSeconds());
        assertEquals(1, report().flood().zookeeper().problems());
    }

    @Test
    void markdown_hasTheFloodTable_andMarksTheTarget() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("## Canary latency under a flood of malformed frames"), md);
        assertTrue(md.contains("| canary setData p99, quiet, ms | 1.0 | 10.0 | 0.10 |"), md);
        assertTrue(md.contains("| canary setData p99, during the flood, ms | 3.0 | 60.0 | 0.05 |"), md);
        assertTrue(md.contains("(median of the repeats' ratios); target ≤ 2 for ours met | 1.50 | 5.00 | 0.30 |"),
                md);
        assertTrue(md.contains("Frames not answered as ZooKeeper 3.9.5 answers them: ours 0, ZK 1"), md);
    }

    @Test
    void json_carriesEveryRepeat() {
        String json = RawResults.json(report());
        assertTrue(json.contains("\"flood\": {\"ours\": {\"frames\": 100000, \"lanes\": 100,"), json);
        assertTrue(json.contains("\"p99QuietMicros\": 2000, \"p99FloodMicros\": 3000, \"floodOverQuiet\": 1.500"),
                json);
        assertTrue(json.contains("\"firstProblems\": [\"KEPT_THEN_SHORT_HEADER: expected the close\"]"), json);
    }

    @Test
    void partialRun_replacesTheFloodSection() {
        assertEquals(EnumSet.of(Options.Phase.FLOOD),
                ReportMerge.phasesOf("## Canary latency under a flood of malformed frames\n\ntable\n"));
    }

    @Test
    void latencies_areThoseOfRequestsSentInTheWindow() {
        SteadyWriter.Samples s = new SteadyWriter.Samples(new long[] {100, 200, 300, 400},
                new long[] {150, 260, 370, 480}, 0, null, 0, 0);
        assertArrayEquals(new long[] {60, 70}, FloodBench.latencies(s, 200, 400));
    }

    @Test
    void options_floodDefaultsToTheTestsFlood_andCanRunAlone() {
        Options full = Options.parse();
        assertEquals(100_000, full.floodFrames());
        assertEquals(100, full.floodLanes());
        assertTrue(Options.parse("--quick").floodFrames() < full.floodFrames());
        Options only = Options.parse("--only=flood", "--flood-frames=5000", "--flood-lanes=10");
        assertEquals(EnumSet.of(Options.Phase.FLOOD), only.phases());
        assertEquals(5000, only.floodFrames());
        assertEquals(10, only.floodLanes());
    }
}
