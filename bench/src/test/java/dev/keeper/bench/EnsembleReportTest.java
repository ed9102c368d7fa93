package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ensemble part's configuration, options, table, raw files and merge: pure logic, no process started. */
class EnsembleReportTest {
    private static final Report.Meta META = new Report.Meta("2026-01-01T00:00:00Z", false, false, 3, 1000, 3000,
            16, "2g", 2000, "TestVM 17", 2, "0.5 0.4 0.3", "0.6 0.5 0.4", "min 0.50, median 0.60, max 0.70",
            "/dev/vda (ext4)");

    private static CellRun run(long ops, double p50, double p99) {
        return new CellRun(ops, 2.0, p50, p99, 0, null);
    }

    private static Report report(List<CatchUp.Time> oursCatchUps, List<CatchUp.Time> zkCatchUps) {
        Report.CellRow writes = new Report.CellRow(new Cell(Op.SET_DATA, 32, Mode.THROUGHPUT),
                List.of(run(2_000, 900, 5000), run(3_000, 800, 4000), run(2_400, 700, 3000)),
                List.of(run(4_000, 400, 2000), run(6_000, 300, 1000), run(5_000, 200, 3000)));
        Report.CellRow multi = new Report.CellRow(new Cell(Op.MULTI_SET_DATA, 8, Mode.THROUGHPUT),
                List.of(run(4_000, 100, 900)), List.of(run(2_000, 200, 1000)));
        List<LeaderKill.Gap> ours = List.of(new LeaderKill.Gap(1, 2, 3000, 3500, 2, "CONNECTIONLOSS"),
                new LeaderKill.Gap(2, 3, 1000, 1200, 1, "CONNECTIONLOSS"),
                new LeaderKill.Gap(3, 1, 2000, 2600, 0, null));
        List<LeaderKill.Gap> zk = List.of(new LeaderKill.Gap(3, 2, 500, 600, 1, "CONNECTIONLOSS"),
                new LeaderKill.Gap(1, 3, 1000, 1000, 1, "CONNECTIONLOSS"),
                new LeaderKill.Gap(2, 1, 1500, 1600, 1, "CONNECTIONLOSS"));
        Report.CellRow coldWrites = new Report.CellRow(new Cell(Op.SET_DATA, 32, Mode.THROUGHPUT),
                List.of(run(600, 3000, 9000)), List.of(run(4_400, 500, 2500)));
        EnsembleBench.Figures f = new EnsembleBench.Figures("512m", List.of(writes, multi), List.of(coldWrites),
                2_000, 30_000, new Report.Pair<>(ours, zk), new Report.Pair<>(oursCatchUps, zkCatchUps));
        return new Report(META, List.of(), null, null, List.of(), null, null, null, f, List.of());
    }

    private static Report report() {
        return report(List.of(new CatchUp.Time(1, 100_000, 20.0, "0x1000186a5", 4000)),
                List.of(new CatchUp.Time(2, 100_000, 10.0, "0x1000186a5", 8000)));
    }

    @Test
    void markdown_ensembleCells_markTheOneToOneTarget() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("## Ensemble of three members (fsync on for both)"), md);
        assertTrue(md.contains("-Xms/-Xmx 512m each"), md);
        assertTrue(md.contains("initLimit " + Ensemble.INIT_LIMIT + ", syncLimit " + Ensemble.SYNC_LIMIT), md);
        // 2,400 ops / 2 s against 5,000 / 2 s: the medians, 1,200 and 2,500 ops/s.
        assertTrue(md.contains("| setData | 32 | throughput | 1,200 | 2,500 | 0.48 | 800 / 300 | 2.67 | 4,000 / 2,000"
                + " | 2.00 | 0 / 0 | ≥ 1.00 **missed** |"), md);
        assertTrue(md.contains("| multi | 8 | throughput | 2,000 | 1,000 | 2.00 |"), md);
        assertTrue(md.contains("| ≥ 1.00 met |"), md);
    }

    @Test
    void markdown_coldCells_followTheWarmOnes_withoutATarget() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("once cold (after 2000 ms of load per operation) and once warm (after 30000 ms more"),
                md);
        int warm = md.indexOf("Warm:\n\n");
        int cold = md.indexOf("Cold (the same repeats, before the warm-up):\n\n");
        assertTrue(warm > 0 && cold > warm, md);
        String coldTable = md.substring(cold);
        // 600 ops / 2 s against 4,400 / 2 s, no target column value
        assertTrue(coldTable.contains("| setData | 32 | throughput | 300 | 2,200 | 0.14 |"), coldTable);
        assertFalse(coldTable.substring(0, coldTable.indexOf("\n\n", coldTable.indexOf("| setData"))).contains("≥ 1.00"),
                coldTable);
    }

    @Test
    void markdown_leaderKill_reportsMediansOverKills_andTheTarget() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("kill to the first acknowledged write, ms (median of 3 / 3 kills); target **missed**"
                + " | 2000.0 | 1000.0 | 2.00 |"), md);
        assertTrue(md.contains("every surviving writer's first write, ms (median) | 2600.0 | 1000.0 | 2.60 |"), md);
        assertTrue(md.contains("\n- ours: 1 → 2, 3000.0 / 3500.0 ms, 2 failed (CONNECTIONLOSS); 2 → 3, 1000.0 / 1200.0"
                + " ms, 1 failed (CONNECTIONLOSS); 3 → 1, 2000.0 / 2600.0 ms, 0 failed\n- ZK: 3 → 2, 500.0"), md);
    }

    @Test
    void markdown_catchUp_isReportedWhenMeasured_andLeftOutWhenNot() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("catch-up after 100,000 znodes were created without the member: launch to its zxid ="
                + " the leader's, ms (median of 1 / 1) | 4000.0 | 8000.0 | 0.50 |"), md);
        assertTrue(md.contains("| creating those znodes with one member away, s (median) | 20.0 | 10.0 | 2.00 |"), md);
        String without = MarkdownReport.render(report(List.of(), List.of()));
        assertFalse(without.contains("catch-up after"), without);
        assertFalse(without.contains("- Catch-up:"), without);
    }

    @Test
    void csvAndJson_carryEveryRepeatKillAndCatchUp() {
        Report r = report();
        String csv = RawResults.csv(r);
        assertTrue(csv.contains("\nensemble,setData,32,throughput,ours,3,2400,2,1200,700,3000,0,\n"), csv);
        assertTrue(csv.contains("\nensemble,multi,8,throughput,zookeeper,1,2000,2,1000,200,1000,0,\n"), csv);
        assertTrue(csv.contains("\nensemble-cold,setData,32,throughput,ours,1,600,2,300,3000,9000,0,\n"), csv);
        String json = RawResults.json(r);
        assertTrue(json.contains("\"ensemble\": {\"heap\": \"512m\", \"cells\": ["), json);
        assertTrue(json.contains("\"coldLoadMillis\": 2000, \"warmLoadMillis\": 30000"), json);
        assertTrue(json.contains("{\"killedLeader\": 3, \"newLeader\": 1, \"firstAckMillis\": 2000, \"allAckMillis\":"
                + " 2600, \"failedWrites\": 0, \"firstFailure\": null}"), json);
        assertTrue(json.contains("\"catchUps\": {\"ours\": [{\"member\": 1, \"znodes\": 100000, \"fillSeconds\": 20,"
                + " \"leaderZxid\": \"0x1000186a5\", \"millis\": 4000}]"), json);
        String none = RawResults.json(new Report(META, List.of(), null, null, List.of()));
        assertTrue(none.contains("\"ensemble\": null,"), none);
    }

    @Test
    void merge_anEnsembleRunReplacesOnlyTheEnsembleSection() {
        String md = MarkdownReport.render(report());
        String section = md.substring(md.indexOf("## Ensemble"));
        assertEquals(EnumSet.of(Options.Phase.ENSEMBLE), ReportMerge.phasesOf(section));
        String old = "# t\n\n- Started A.\n\n## Load\n\nload A\n\n## Ensemble of three members (fsync on for both)\n\n"
                + "ensemble A\n";
        String merged = ReportMerge.merge(md, old, EnumSet.of(Options.Phase.ENSEMBLE));
        assertTrue(merged.contains("load A"), merged);
        assertFalse(merged.contains("ensemble A"), merged);
    }

    @Test
    void memberZooCfg_hasEveryServerLine_andNoClientPortOfItsOwn() {
        ServerSetup s = new ServerSetup(Path.of("server.jar"), "/zk.jar", "2g", 2000, true, 0, Path.of("lb.xml"))
                .withHeap("512m");
        String lines = "server.1=127.0.0.1:1:2;127.0.0.1:3\nserver.2=127.0.0.1:4:5;127.0.0.1:6\n";
        String cfg = s.memberZooCfg(Path.of("/d/member1/data"), 10, 5, lines);
        assertTrue(cfg.contains("\ntickTime=2000\ninitLimit=10\nsyncLimit=5\n"), cfg);
        assertTrue(cfg.contains("\nforceSync=yes\n"), cfg);
        assertTrue(cfg.contains("\nadmin.enableServer=false\n4lw.commands.whitelist=*\n" + lines), cfg);
        assertFalse(cfg.contains("clientPort="), cfg);
        assertTrue(s.jvmFlags().containsAll(List.of("-Xms512m", "-Xmx512m")));
        Path java = Path.of("/jdk/bin/java");
        Path conf = Path.of("/run/zoo.cfg");
        List<String> zk = s.memberCommand(ServerKind.ZOOKEEPER, java, conf);
        assertEquals(List.of("-cp", "/zk.jar", ServerSetup.ZOOKEEPER_QUORUM_MAIN, "/run/zoo.cfg"),
                zk.subList(zk.size() - 4, zk.size()));
        assertEquals(s.command(ServerKind.OURS, java, conf), s.memberCommand(ServerKind.OURS, java, conf));
    }

    @Test
    void options_ensembleAlone_andItsSizes() {
        Options o = Options.parse("--only=ensemble", "--catchup-znodes=0", "--ensemble-heap=256m",
                "--ensemble-kills=2", "--ensemble-warmup-ms=5000");
        assertEquals(EnumSet.of(Options.Phase.ENSEMBLE), o.phases());
        assertEquals(0, o.catchupZnodes());
        assertEquals("256m", o.ensembleHeap());
        assertEquals(2, o.ensembleKills());
        assertEquals(5_000, o.ensembleWarmupMillis());
        Options full = Options.parse();
        assertEquals(30_000, full.ensembleWarmupMillis());
        assertEquals(100_000, full.catchupZnodes());
        assertEquals("512m", full.ensembleHeap());
        // The ensemble's compound operations are not load cells unless asked for.
        assertEquals(Op.SINGLE, full.ops());
    }
}
