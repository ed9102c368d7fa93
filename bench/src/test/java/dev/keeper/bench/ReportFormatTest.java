package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
    private static final Report.Meta META = new Report.Meta("2026-01-01T00:00:00Z", false, false, 3, 1000, 3000,
            16, "2g", 2000, "TestVM 17", 2, "0.5 0.4 0.3", "0.6 0.5 0.4", "min 0.50, median 0.60, max 0.70",
            "/dev/vda (ext4)");

    private static CellRun run(long ops, double p50, double p99) {
        return new CellRun(ops, 2.0, p50, p99, 0, null);
    }

    private static Report report(List<String> notes) {
        Report.CellRow row = new Report.CellRow(new Cell(Op.GET_DATA, 8, Mode.THROUGHPUT),
                List.of(run(20_000, 100, 900), run(30_000, 120, 1000), run(24_000, 80, 2000)),
                List.of(run(10_000, 200, 1000), run(12_000, 240, 1000), run(11_000, 160, 4000)));
        long mib = 1 << 20;
        MemoryBench.Figures oursMem = new MemoryBench.Figures(10 * mib, 110 * mib, 140 * mib, 500_000, 50_000, 10.0);
        MemoryBench.Figures zkMem = new MemoryBench.Figures(20 * mib, 220 * mib, 280 * mib, 500_000, 50_000, 20.0);
        FanOutBench.Figures oursFan = new FanOutBench.Figures(10_000, List.of(30.0, 10.0, 20.0),
                List.of(5.0, 5.0, 5.0), List.of(100.0, 100.0, 100.0), 1.5);
        FanOutBench.Figures zkFan = new FanOutBench.Figures(10_000, List.of(40.0, 40.0, 50.0),
                List.of(10.0, 10.0, 10.0), List.of(200.0, 200.0, 200.0), 3.0);
        return new Report(META, List.of(row), new Report.Pair<>(oursMem, zkMem), new Report.Pair<>(oursFan, zkFan),
                notes);
    }

    @Test
    void cellRow_reportsMediansOverRepeats() {
        Report.CellRow row = report(List.of()).cells().get(0);
        assertEquals(12_000, row.oursOpsPerSecond()); // 24,000 ops / 2 s is the middle repeat
        assertEquals(5_500, row.zookeeperOpsPerSecond());
        assertEquals(100, row.oursP50());
        assertEquals(200, row.zookeeperP50());
        assertEquals(1000, row.oursP99());
    }

    @Test
    void markdown_loadRow_hasMediansAndRatios() {
        String md = MarkdownReport.render(report(List.of()));
        assertTrue(md.contains("| getData | 8 | throughput | 12,000 | 5,500 | 2.18 | 100 / 200 | 0.50 | 1,000 / 1,000"
                + " | 1.00 | 0 / 0 |"), md);
    }

    @Test
    void markdown_memoryAndFanOutRows_scaleToTheReportedUnits() {
        String md = MarkdownReport.render(report(List.of()));
        // 100 MiB for 500,000 znodes is 200 MiB per million; 30 MiB for 50,000 watches is 60 MiB per 100,000.
        assertTrue(md.contains("| 200.0 MiB | 400.0 MiB | 0.50 |"), md);
        assertTrue(md.contains("| 60.0 MiB | 120.0 MiB | 0.50 |"), md);
        assertTrue(md.contains("last of 10,000 notifications, ms (median of 3) | 20.0 | 40.0 | 0.50 |"), md);
    }

    @Test
    void markdown_listsProblems_onlyWhenThereAreAny() {
        assertFalse(MarkdownReport.render(report(List.of())).contains("Problems"));
        String md = MarkdownReport.render(report(List.of("ours, create/1/latency: 3 requests failed")));
        assertTrue(md.contains("## Problems seen during the run\n\n- ours, create/1/latency: 3 requests failed\n"));
    }

    @Test
    void markdown_saysWhichWayRatiosAreBetter_andWarnsOfNoise() {
        String md = MarkdownReport.render(report(List.of()));
        assertTrue(md.contains("above 1 is better for ops/s"));
        assertTrue(md.contains("noisy"));
        assertTrue(md.contains("fsync OFF"));
    }

    @Test
    void csv_hasOneRowPerRepeatAndServer() {
        String[] lines = RawResults.csv(report(List.of())).split("\n");
        assertEquals(RawResults.CSV_HEADER, lines[0]);
        assertEquals(1 + 6, lines.length);
        assertEquals("load,getData,8,throughput,ours,1,20000,2,10000,100,900,0,", lines[1]);
        assertEquals("load,getData,8,throughput,zookeeper,3,11000,2,5500,160,4000,0,", lines[6]);
    }

    /** An error message with a comma, double quotes, a CR LF and a LF comes back whole from an RFC 4180 reader. */
    @Test
    void csv_quotesTheErrorColumn_soAnyMessageRoundTrips() {
        String error = "KeeperErrorCode = ConnectionLoss for \"/a,b\"\r\nsecond line, \"\"\nthird";
        Report.CellRow row = new Report.CellRow(new Cell(Op.CREATE, 1, Mode.LATENCY),
                List.of(new CellRun(10, 1.0, 5, 9, 3, error)), List.of(new CellRun(10, 1.0, 5, 9, 0, null)));
        Report r = new Report(META, List.of(row), null, null, List.of());
        List<List<String>> records = rfc4180(RawResults.csv(r));
        assertEquals(3, records.size(), records.toString());
        for (List<String> rec : records) {
            assertEquals(13, rec.size(), rec.toString());
        }
        assertEquals(List.of("load", "create", "1", "latency", "ours", "1", "10", "1", "10", "5", "9", "3", error),
                records.get(1));
        assertEquals("", records.get(2).get(12));
    }

    /** A strict RFC 4180 reader: records end at an unquoted LF; a quote opens a field or is doubled in one. */
    private static List<List<String>> rfc4180(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c != '"') {
                    field.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = false;
                }
            } else if (c == '"') {
                if (field.length() > 0 || wasQuoted) {
                    throw new IllegalArgumentException("a quote inside an unquoted field at " + i);
                }
                quoted = true;
                wasQuoted = true;
            } else if (c == ',' || c == '\n') {
                rec.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
                if (c == '\n') {
                    records.add(rec);
                    rec = new ArrayList<>();
                }
            } else if (c == '\r') {
                throw new IllegalArgumentException("an unquoted CR at " + i);
            } else if (wasQuoted) {
                throw new IllegalArgumentException("text after a closing quote at " + i);
            } else {
                field.append(c);
            }
        }
        if (quoted || field.length() > 0 || !rec.isEmpty()) {
            throw new IllegalArgumentException("the last record does not end with a line break");
        }
        return records;
    }

    @Test
    void json_escapesStrings_andWritesMissingFiguresAsNull() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", RawResults.str("a\"b\\c\nd\u0001"));
        assertEquals("null", RawResults.num(Double.NaN));
        assertEquals("12", RawResults.num(12.0));
        assertEquals("0.125", RawResults.num(0.125));
        String json = RawResults.json(report(List.of("x \"quoted\"")));
        assertTrue(json.contains("\"notes\": [\"x \\\"quoted\\\"\"]"), json);
        assertTrue(json.contains("\"medianOpsPerSecond\": {\"ours\": 12000, \"zookeeper\": 5500}"), json);
        assertTrue(json.contains("\"lastMillis\": [30, 10, 20]"), json);
    }

    @Test
    void json_ofARunWithoutMemoryOrFanOut_saysNull() {
        Report r = new Report(META, List.of(), null, null, List.of());
        String json = RawResults.json(r);
        assertTrue(json.contains("\"cells\": [],"), json);
        assertTrue(json.contains("\"memory\": null,"), json);
        assertTrue(json.contains("\"fanOut\": null,"), json);
        assertTrue(json.contains("\"durableCells\": [],"), json);
        assertTrue(json.contains("\"snapshot\": null,"), json);
        assertTrue(json.contains("\"startup\": null,"), json);
    }
}
