package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observability part's logic: its zoo.cfg lines, the class histogram's reading, the console's JSON fields, the
 * HTTP body framing, the figures and where they are reported. No process started.
 */
class ObserveReportTest {
    private static final Report.Meta META = new Report.Meta("2026-01-01T00:00:00Z", false, false, 3, 1000, 3000,
            16, "2g", 2000, "TestVM 17", 2, "0.5 0.4 0.3", "0.6 0.5 0.4", "min 0.50, median 0.60, max 0.70",
            "/dev/vda (ext4)");

    private static final String HISTOGRAM_BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000         100000  [B (java.base@17.0.15)
               2:           500          12000  java.lang.String (java.base@17.0.15)
               3:            10            400  dev.keeper.server.watch.PathTable
            Total          1510         112400
            """;
    private static final String HISTOGRAM_AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          3000         300000  [B (java.base@17.0.15)
               2:          2500          60000  java.lang.String (java.base@17.0.15)
               3:           110           4400  dev.keeper.server.watch.PathTable
               4:             1             16  dev.keeper.server.watch.Entry
            Total          5611         364416
            """;

    @Test
    void setup_extraCfgLines_replaceTheBaseKey_andAddTheRest() {
        ServerSetup base = new ServerSetup(Path.of("server.jar"), "/zk.jar", "2g", 2000, false, 0, Path.of("lb.xml"));
        String plain = base.zooCfg(2181, Path.of("/d"));
        assertTrue(plain.contains("\nadmin.enableServer=false\n"), plain);
        ServerSetup observed = base.withCfg(ObserveBench.adminCfg(8081)).withCfg(ObserveBench.prometheusCfg(7001));
        String cfg = observed.zooCfg(2181, Path.of("/d"));
        assertTrue(cfg.contains("\nadmin.enableServer=true\n"), cfg);
        assertFalse(cfg.contains("admin.enableServer=false"), cfg);
        assertTrue(cfg.contains("\nadmin.serverAddress=127.0.0.1\nadmin.serverPort=8081\n"), cfg);
        assertTrue(cfg.contains("\nmetricsProvider.className=" + ObserveBench.PROMETHEUS_PROVIDER + "\n"), cfg);
        assertTrue(cfg.contains("\nmetricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=7001\n"), cfg);
        assertTrue(cfg.endsWith("\n") && !cfg.endsWith("\n\n"), cfg);
        // A later line of the same key replaces the earlier one; the rest carries through other with* calls.
        String moved = observed.withCfg("admin.serverPort=9090").withFsync(true).zooCfg(1, Path.of("/d"));
        assertTrue(moved.contains("\nadmin.serverPort=9090\n") && !moved.contains("8081"), moved);
        assertTrue(moved.contains("\nforceSync=yes\n"), moved);
        assertEquals(1, moved.split("admin.enableServer", -1).length - 1, moved);
    }

    @Test
    void options_observePart_andItsSizes() {
        Options full = Options.parse();
        assertTrue(full.phases().contains(Options.Phase.OBSERVE));
        assertEquals(1_000_000, full.watchHeapWatches());
        assertEquals(100, full.watchHeapSessions());
        Options o = Options.parse("--only=observe", "--observe-repeats=2", "--observe-sessions=8",
                "--watch-heap-watches=20000", "--watch-heap-sessions=10");
        assertEquals(EnumSet.of(Options.Phase.OBSERVE), o.phases());
        assertEquals(2, o.observeRepeats());
        assertEquals(8, o.observeSessions());
        assertEquals(20_000, o.watchHeapWatches());
        assertEquals(10, o.watchHeapSessions());
        assertEquals(10_000, full.observeWarmupMillis());
        assertEquals(500, Options.parse("--observe-warmup-ms=500").observeWarmupMillis());
        assertTrue(Options.parse("--quick").watchHeapWatches() < full.watchHeapWatches());
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--watch-heap-watches=1001"));
        assertTrue(Options.usage().contains("observe"));
        assertEquals(Op.WATCH_MIX, Op.parse("watchMix"));
    }

    @Test
    void classHistogram_totalsAndTheClassesThatGrew() {
        ClassHistogram.Histogram before = ClassHistogram.parse(HISTOGRAM_BEFORE);
        ClassHistogram.Histogram after = ClassHistogram.parse(HISTOGRAM_AFTER);
        assertEquals(112_400, before.totalBytes());
        assertEquals(1510, before.totalInstances());
        assertEquals(12_000, before.rows().get("java.lang.String").bytes());
        List<ClassHistogram.Delta> top = ClassHistogram.top(before, after, 3);
        assertEquals(List.of(new ClassHistogram.Delta("[B", 2000, 200_000),
                new ClassHistogram.Delta("java.lang.String", 2000, 48_000),
                new ClassHistogram.Delta("dev.keeper.server.watch.PathTable", 100, 4000)), top);
        assertThrows(IllegalArgumentException.class, () -> ClassHistogram.parse("12345:\nnothing here\n"));
    }

    @Test
    void jsonFields_readTopLevelFieldsOnly() {
        String json = "{\"topPaths\": [{\"path\": \"/a\", \"watches\": 7, \"heapBytes\": 99}], \"watches\": 1000000,"
                + " \"paths\":10000,\"sessions\" : 100, \"heapBytes\": 123456789, \"note\": \"a \\\"b\\\"\","
                + " \"topSessions\": {\"heapBytes\": 5}, \"zxid\": \"0x1f\"}";
        assertEquals(1_000_000, JsonFields.number(json, "watches"));
        assertEquals(10_000, JsonFields.number(json, "paths"));
        assertEquals(100, JsonFields.number(json, "sessions"));
        assertEquals(123_456_789, JsonFields.number(json, "heapBytes"));
        assertEquals("a \"b\"", JsonFields.raw(json, "note"));
        assertEquals("0x1f", JsonFields.raw(json, "zxid"));
        assertNull(JsonFields.raw(json, "topSessions"));
        assertEquals(-1, JsonFields.number(json, "missing"));
        assertEquals(-1, JsonFields.number(json, "zxid"));
    }

    @Test
    void miniHttp_decodesAChunkedBody() throws IOException {
        String wire = "7\r\nevent: \r\n9;ext=1\r\nwatch\ndat\r\n0\r\nTrailer: x\r\n\r\n";
        MiniHttp.Chunked in = new MiniHttp.Chunked(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
        assertEquals("event: watch\ndat", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, in.read());
        assertEquals("HTTP/1.1 200 OK", MiniHttp.line(new ByteArrayInputStream("HTTP/1.1 200 OK\r\nX".getBytes(
                StandardCharsets.US_ASCII))));
    }

    private static ObserveBench.Run run(boolean observed, long ops) {
        Observers.Counts counts = observed ? new Observers.Counts(4.0, 4, 400_000, 12.5, 2, true, 3000, 1000, 0, 0,
                null) : null;
        return new ObserveBench.Run(observed, new CellRun(ops, 3.0, 500, 2000, 0, null), counts);
    }

    private static ObserveBench.Figures figures() {
        ObserveBench.Throughput t = new ObserveBench.Throughput(new Cell(Op.WATCH_MIX, 32, Mode.THROUGHPUT), 16,
                10_000, 1000, 3000, List.of(run(true, 291_000), run(false, 300_000), run(false, 303_000), run(true, 294_000),
                run(true, 288_000), run(false, 297_000)));
        ObserveBench.Console before = new ObserveBench.Console(0, 0, 0, 0, 0, 0);
        ObserveBench.Console after = new ObserveBench.Console(1_000_000, 10_000, 100, 52_000_000, 1_000_000,
                52_000_000);
        ObserveBench.WatchHeap ours = new ObserveBench.WatchHeap(100, 10_000, 1_000_000, 100_000_000, 150_000_000,
                120_000_000, 171_000_000, 5.0, before, after, null,
                List.of(new ClassHistogram.Delta("[Ljava.lang.Object;", 20_000, 30_000_000)));
        ObserveBench.WatchHeap zk = new ObserveBench.WatchHeap(100, 10_000, 1_000_000, 90_000_000, 250_000_000,
                100_000_000, 262_000_000, 10.0, null, null, null, List.of());
        return new ObserveBench.Figures(t, ours, zk);
    }

    @Test
    void figures_medianRatio_andConsoleAgainstHistogram() {
        ObserveBench.Figures f = figures();
        assertEquals(291_000 / 3.0, f.throughput().medianOpsPerSecond(true), 1e-6);
        assertEquals(300_000 / 3.0, f.throughput().medianOpsPerSecond(false), 1e-6);
        assertEquals(0.97, f.throughput().ratio(), 1e-9);
        // Pairs in order: 291/300 = 0.9700, 294/303 = 0.9703, 288/297 = 0.9697.
        assertEquals(0.97, f.throughput().medianPairRatio(), 1e-9);
        assertEquals(12, f.throughput().totalScrapes());
        assertEquals(3000, f.throughput().totalEvents());
        assertEquals(50_000_000, f.oursHeap().histogramBytes());
        assertEquals(50.0, f.oursHeap().histogramBytesPerWatch(), 1e-9);
        assertEquals(1.04, f.oursHeap().consoleOverHistogram(), 1e-9);
        assertTrue(f.oursHeap().consoleWithinTolerance());
        assertTrue(Double.isNaN(f.zookeeperHeap().consoleOverHistogram()));
    }

    @Test
    void markdown_jsonCsv_andMerge() {
        Report r = new Report(META, List.of(), null, null, List.of(), null, null, null, null, null, figures(),
                List.of());
        String md = MarkdownReport.render(r);
        assertTrue(md.contains("## Observability: throughput while observed, and the watch heap the console shows"),
                md);
        assertTrue(md.contains("| watchMix ops/s (median); target ≥ 0.95 met | 97,000 | 100,000 | 0.97 |"), md);
        assertTrue(md.contains("12 scrapes"), md);
        assertTrue(md.contains("| each repeat's observed / unobserved, back to back (0.97, 0.97, 0.97): median |  |  |"
                + " 0.97 |"), md);
        assertTrue(md.contains("An unmeasured warm-up of 10000 ms with the observers running"), md);
        assertTrue(md.contains("3,000 watch events on the stream"), md);
        assertTrue(md.contains("| heap per 1,000,000 watches, class histogram difference | 47.7 MiB (50.0 B/watch)"
                + " | 152.6 MiB (160.0 B/watch) | 0.31 |"), md);
        assertTrue(md.contains("| console: heapBytes per 1,000,000 watches | 49.6 MiB (52.0 B/watch) | no console"),
                md);
        assertTrue(md.contains("target within 10% met | 1.040 |"), md);
        assertTrue(md.contains("`[Ljava.lang.Object;` +30,000,000 B, +20,000"), md);
        String json = RawResults.json(r);
        assertTrue(json.contains("\"observedOverUnobserved\": 0.970"), json);
        assertTrue(json.contains("\"consoleOverHistogram\": 1.040"), json);
        assertTrue(json.contains("\"zookeeper\": {\"sessions\": 100, \"paths\": 10000"), json);
        String csv = RawResults.csv(r);
        assertTrue(csv.contains("\nobserve-observed,watchMix,32,throughput,ours,1,291000,"), csv);
        assertTrue(csv.contains("\nobserve-unobserved,watchMix,32,throughput,ours,3,297000,"), csv);
        assertEquals(EnumSet.of(Options.Phase.OBSERVE), ReportMerge.phasesOf(
                "## Observability: throughput while observed, and the watch heap the console shows\n"));
        assertTrue(RawResults.json(new Report(META, List.of(), null, null, List.of())).contains("\"observe\": null"));
    }
}
