package dev.keeper.bench;

import java.util.List;
import java.util.Locale;

/**
 * The raw figures beside the markdown: every repeat of every cell as CSV rows, and the whole report as JSON
 * (every repeat, plus the memory and fan-out measurements), for anyone who wants to recompute.
 */
final class RawResults {
    private RawResults() {
    }

    /**
     * {@code set} is "load" for the load cells, "durable" for the durable write cells (fsync on), "ensemble" for
     * the cells of the ensemble part (warm) and "ensemble-cold" for its cold pass; the TLS part's cells are "tls-jdk" or "tls-openssl" (over TLS) and
     * "tls-jdk-plaintext" or "tls-openssl-plaintext" (the same server run's plain port; a variant with another
     * ssl.clientAuth than need carries it: "tls-openssl-none"), and its connection runs
     * "tls-jdk-connections" (and so on) with op "ruok", sessions the lanes at once, mode "sequential" or "parallel",
     * ops the connections completed. The observability part's repeats are "observe-observed" and
     * "observe-unobserved" (op watchMix, server ours).
     */
    static final String CSV_HEADER =
            "set,op,sessions,mode,server,repeat,ops,seconds,ops_per_s,p50_us,p99_us,errors,first_error";

    static String csv(Report r) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Report.CellRow c : r.cells()) {
            appendRuns(sb, "load", c.cell(), "ours", c.ours());
            appendRuns(sb, "load", c.cell(), "zookeeper", c.zookeeper());
        }
        for (Report.CellRow c : r.durable()) {
            appendRuns(sb, "durable", c.cell(), "ours", c.ours());
            appendRuns(sb, "durable", c.cell(), "zookeeper", c.zookeeper());
        }
        if (r.ensemble() != null) {
            for (Report.CellRow c : r.ensemble().cells()) {
                appendRuns(sb, "ensemble", c.cell(), "ours", c.ours());
                appendRuns(sb, "ensemble", c.cell(), "zookeeper", c.zookeeper());
            }
            for (Report.CellRow c : r.ensemble().coldCells()) {
                appendRuns(sb, "ensemble-cold", c.cell(), "ours", c.ours());
                appendRuns(sb, "ensemble-cold", c.cell(), "zookeeper", c.zookeeper());
            }
        }
        if (r.tls() != null) {
            for (TlsBench.CellRow c : r.tls().cells()) {
                String set = tlsSet(c.engine(), c.transport(), "");
                appendRuns(sb, set, c.row().cell(), "ours", c.row().ours());
                appendRuns(sb, set, c.row().cell(), "zookeeper", c.row().zookeeper());
            }
            for (TlsBench.HandshakeRow h : r.tls().handshakes()) {
                appendConnections(sb, h, "ours", h.ours());
                appendConnections(sb, h, "zookeeper", h.zookeeper());
            }
        }
        if (r.observe() != null && r.observe().throughput() != null) {
            ObserveBench.Throughput t = r.observe().throughput();
            appendRuns(sb, "observe-observed", t.cell(), "ours",
                    t.runs(true).stream().map(ObserveBench.Run::run).toList());
            appendRuns(sb, "observe-unobserved", t.cell(), "ours",
                    t.runs(false).stream().map(ObserveBench.Run::run).toList());
        }
        return sb.toString();
    }

    /** "tls-jdk", "tls-openssl-plaintext", "tls-jdk-connections", ... */
    static String tlsSet(String engine, TlsBench.Transport transport, String suffix) {
        return "tls-" + engine.toLowerCase(Locale.ROOT).replace('/', '-')
                + (transport == TlsBench.Transport.PLAIN ? "-plaintext" : "")
                + suffix;
    }

    private static void appendConnections(StringBuilder sb, TlsBench.HandshakeRow h, String server,
                                          List<Handshakes.Run> runs) {
        for (int i = 0; i < runs.size(); i++) {
            Handshakes.Run run = runs.get(i);
            sb.append(tlsSet(h.engine(), h.transport(), "-connections")).append(",ruok,").append(h.lanes())
                    .append(',').append(h.lanes() == 1 ? "sequential" : "parallel").append(',').append(server)
                    .append(',').append(i + 1).append(',').append(run.connections()).append(',')
                    .append(num(run.seconds())).append(',').append(num(run.perSecond())).append(',')
                    .append(num(run.p50Micros())).append(',').append(num(run.p99Micros())).append(',')
                    .append(run.errors()).append(',')
                    .append(run.firstError() == null ? "" : csvField(run.firstError())).append('\n');
        }
    }

    private static void appendRuns(StringBuilder sb, String set, Cell cell, String server, List<CellRun> runs) {
        for (int i = 0; i < runs.size(); i++) {
            CellRun run = runs.get(i);
            sb.append(csvField(set)).append(',').append(csvField(cell.op().label())).append(',')
                    .append(cell.sessions()).append(',').append(csvField(cell.mode().label()))
                    .append(',').append(csvField(server)).append(',').append(i + 1).append(',').append(run.ops())
                    .append(',').append(num(run.seconds())).append(',').append(num(run.opsPerSecond()))
                    .append(',').append(num(run.p50Micros())).append(',').append(num(run.p99Micros()))
                    .append(',').append(run.errors()).append(',')
                    .append(run.firstError() == null ? "" : csvField(run.firstError())).append('\n');
        }
    }

    /**
     * A CSV field as RFC 4180 has it: as is, unless it holds a comma, a double quote or a line break; then in
     * double quotes, its own double quotes doubled. An error message can hold any of them.
     */
    static String csvField(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + s.replace("\"", "\"\"") + '"';
            }
        }
        return s;
    }

    static String json(Report r) {
        Report.Meta m = r.meta();
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"meta\": {")
                .append(field("startedAt", str(m.startedAt()))).append(", ")
                .append(field("quick", Boolean.toString(m.quick()))).append(", ")
                .append(field("fsync", Boolean.toString(m.fsync()))).append(", ")
                .append(field("repeats", Integer.toString(m.repeats()))).append(", ")
                .append(field("warmupMillis", Long.toString(m.warmupMillis()))).append(", ")
                .append(field("measureMillis", Long.toString(m.measureMillis()))).append(", ")
                .append(field("window", Integer.toString(m.window()))).append(", ")
                .append(field("heap", str(m.heap()))).append(", ")
                .append(field("tickTime", Integer.toString(m.tickTime()))).append(", ")
                .append(field("java", str(m.java()))).append(", ")
                .append(field("cores", Integer.toString(m.cores()))).append(", ")
                .append(field("loadBefore", str(m.loadBefore()))).append(", ")
                .append(field("loadAfter", str(m.loadAfter()))).append(", ")
                .append(field("loadDuring", str(m.loadDuring()))).append(", ")
                .append(field("dataDisk", str(m.dataDisk()))).append("},\n");
        sb.append("  \"cells\": ").append(cells(r.cells())).append(",\n");
        sb.append("  \"durableCells\": ").append(cells(r.durable())).append(",\n");
        sb.append("  \"memory\": ").append(r.memory() == null ? "null" : "{"
                + field("ours", memory(r.memory().ours())) + ", "
                + field("zookeeper", memory(r.memory().zookeeper())) + "}").append(",\n");
        sb.append("  \"fanOut\": ").append(r.fanOut() == null ? "null" : "{"
                + field("ours", fanOut(r.fanOut().ours())) + ", "
                + field("zookeeper", fanOut(r.fanOut().zookeeper())) + "}").append(",\n");
        sb.append("  \"snapshot\": ").append(r.snapshot() == null ? "null" : "{"
                + field("ours", snapshot(r.snapshot().ours())) + ", "
                + field("zookeeper", snapshot(r.snapshot().zookeeper())) + "}").append(",\n");
        sb.append("  \"startup\": ").append(r.startup() == null ? "null" : startup(r.startup())).append(",\n");
        sb.append("  \"flood\": ").append(r.flood() == null ? "null" : "{"
                + field("ours", flood(r.flood().ours())) + ", "
                + field("zookeeper", flood(r.flood().zookeeper())) + "}").append(",\n");
        sb.append("  \"ensemble\": ").append(r.ensemble() == null ? "null" : ensemble(r.ensemble())).append(",\n");
        sb.append("  \"tls\": ").append(r.tls() == null ? "null" : tls(r.tls())).append(",\n");
        sb.append("  \"observe\": ").append(r.observe() == null ? "null" : observe(r.observe())).append(",\n");
        sb.append("  \"notes\": [");
        for (int i = 0; i < r.notes().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(str(r.notes().get(i)));
        }
        sb.append("]\n}\n");
        return sb.toString();
    }

    private static String cells(List<Report.CellRow> cells) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < cells.size(); i++) {
            Report.CellRow c = cells.get(i);
            sb.append(i == 0 ? "\n" : ",\n");
            sb.append("    {").append(cellFields(c)).append('}');
        }
        return sb.append(cells.isEmpty() ? "]" : "\n  ]").toString();
    }

    /** A cell's JSON fields, without the braces. */
    private static String cellFields(Report.CellRow c) {
        return field("op", str(c.cell().op().label())) + ", "
                + field("sessions", Integer.toString(c.cell().sessions())) + ", "
                + field("mode", str(c.cell().mode().label())) + ", "
                + field("medianOpsPerSecond", pair(c.oursOpsPerSecond(), c.zookeeperOpsPerSecond())) + ", "
                + field("medianP50Micros", pair(c.oursP50(), c.zookeeperP50())) + ", "
                + field("medianP99Micros", pair(c.oursP99(), c.zookeeperP99())) + ", "
                + field("runs", "{" + field("ours", runs(c.ours())) + ", "
                        + field("zookeeper", runs(c.zookeeper())) + "}");
    }

    private static String snapshot(SnapshotBench.Figures f) {
        StringBuilder snaps = new StringBuilder("[");
        for (int i = 0; i < f.snapshots().size(); i++) {
            SnapshotLog.Snapshot s = f.snapshots().get(i);
            snaps.append(i == 0 ? "" : ", ").append('{')
                    .append(field("startEpochMs", Long.toString(s.startEpochMs()))).append(", ")
                    .append(field("endEpochMs", Long.toString(s.endEpochMs()))).append(", ")
                    .append(field("serverMillis", Long.toString(s.serverMillis()))).append(", ")
                    .append(field("p99DuringMicros", num(f.split().perSnapshotP99Us().get(i)))).append('}');
        }
        snaps.append(']');
        SnapshotWindows.Split sp = f.split();
        return "{" + field("znodes", Integer.toString(f.fill().znodes())) + ", "
                + field("fillSeconds", num(f.fill().seconds())) + ", "
                + field("restartMillis", num(f.restartMillis())) + ", "
                + field("ratePerSecond", Integer.toString(f.ratePerSecond())) + ", "
                + field("sessions", Integer.toString(f.sessions())) + ", "
                + field("snapCount", Integer.toString(f.snapCount())) + ", "
                + field("warmupMillis", Long.toString(f.warmupMillis())) + ", "
                + field("snapshots", snaps.toString()) + ", "
                + field("p99WithoutMicros", num(sp.p99WithoutUs())) + ", "
                + field("p99DuringMicros", num(sp.p99DuringUs())) + ", "
                + field("duringOverWithout", num(sp.ratio())) + ", "
                + field("maxWithoutMicros", num(sp.maxWithoutUs())) + ", "
                + field("maxDuringMicros", num(sp.maxDuringUs())) + ", "
                + field("samplesWithout", Integer.toString(sp.without())) + ", "
                + field("samplesDuring", Integer.toString(sp.during())) + ", "
                + field("samples", Integer.toString(f.samples())) + ", "
                + field("errors", Long.toString(f.errors())) + ", "
                + field("notSent", Long.toString(f.notSent())) + ", "
                + field("lateSends", Long.toString(f.lateSends())) + ", "
                + field("tooBusyToSnap", Integer.toString(f.skipped())) + ", "
                + field("problem", f.problem() == null ? "null" : str(f.problem())) + "}";
    }

    private static String startup(StartupBench.Figures f) {
        StringBuilder runs = new StringBuilder("[");
        for (int i = 0; i < f.runs().size(); i++) {
            StartupBench.Run r = f.runs().get(i);
            runs.append(i == 0 ? "" : ", ").append('{')
                    .append(field("server", str(r.server().label()))).append(", ")
                    .append(field("directoryWrittenBy", str(r.writtenBy().label()))).append(", ")
                    .append(field("readyMillis", num(r.readyMillis()))).append(", ")
                    .append(field("firstReadMillis", num(r.readMillis()))).append(", ")
                    .append(field("nodes", Long.toString(r.nodes()))).append(", ")
                    .append(field("failure", r.failure() == null ? "null" : str(r.failure()))).append('}');
        }
        runs.append(']');
        StringBuilder images = new StringBuilder("{");
        boolean first = true;
        for (ServerKind k : f.imageBytes().keySet()) {
            images.append(first ? "" : ", ").append(field(k.label(), "{"
                    + field("bytes", Long.toString(f.imageBytes().get(k))) + ", "
                    + field("files", strs(f.imageFiles().get(k))) + "}"));
            first = false;
        }
        images.append('}');
        return "{" + field("znodes", Integer.toString(f.znodes())) + ", "
                + field("images", images.toString()) + ", "
                + field("runs", runs.toString()) + "}";
    }

    private static String flood(FloodBench.Figures f) {
        StringBuilder reps = new StringBuilder("[");
        for (int i = 0; i < f.repeats().size(); i++) {
            FloodBench.Repeat r = f.repeats().get(i);
            reps.append(i == 0 ? "" : ", ").append('{')
                    .append(field("frames", Long.toString(r.flood().frames()))).append(", ")
                    .append(field("connections", Integer.toString(r.flood().connections()))).append(", ")
                    .append(field("floodMillis", num(r.flood().millis()))).append(", ")
                    .append(field("p99QuietMicros", num(r.p99QuietUs()))).append(", ")
                    .append(field("p99FloodMicros", num(r.p99FloodUs()))).append(", ")
                    .append(field("floodOverQuiet", num(r.ratio()))).append(", ")
                    .append(field("maxFloodMicros", num(r.maxFloodUs()))).append(", ")
                    .append(field("samplesQuiet", Integer.toString(r.samplesQuiet()))).append(", ")
                    .append(field("samplesFlood", Integer.toString(r.samplesFlood()))).append(", ")
                    .append(field("canaryErrors", Long.toString(r.errors()))).append(", ")
                    .append(field("canaryNotSent", Long.toString(r.notSent()))).append(", ")
                    .append(field("problems", Integer.toString(r.flood().problemCount()))).append(", ")
                    .append(field("firstProblems", strs(r.flood().problems()))).append('}');
        }
        reps.append(']');
        return "{" + field("frames", Long.toString(f.frames())) + ", "
                + field("lanes", Integer.toString(f.lanes())) + ", "
                + field("heapBeforeBytes", Long.toString(f.heapBeforeBytes())) + ", "
                + field("heapAfterBytes", Long.toString(f.heapAfterBytes())) + ", "
                + field("repeats", reps.toString()) + "}";
    }

    private static String ensemble(EnsembleBench.Figures f) {
        return "{" + field("heap", str(f.heap())) + ", "
                + field("cells", cells(f.cells())) + ", "
                + field("coldCells", cells(f.coldCells())) + ", "
                + field("coldLoadMillis", Long.toString(f.coldLoadMillis())) + ", "
                + field("warmLoadMillis", Long.toString(f.warmLoadMillis())) + ", "
                + field("leaderKills", "{" + field("ours", gaps(f.kills().ours())) + ", "
                        + field("zookeeper", gaps(f.kills().zookeeper())) + "}") + ", "
                + field("catchUps", "{" + field("ours", catchUps(f.catchUps().ours())) + ", "
                        + field("zookeeper", catchUps(f.catchUps().zookeeper())) + "}") + "}";
    }

    private static String tls(TlsBench.Figures f) {
        StringBuilder cells = new StringBuilder("[");
        for (int i = 0; i < f.cells().size(); i++) {
            TlsBench.CellRow c = f.cells().get(i);
            cells.append(i == 0 ? "\n    " : ",\n    ").append('{')
                    .append(field("engine", str(c.engine()))).append(", ")
                    .append(field("transport", str(c.transport().label()))).append(", ")
                    .append(cellFields(c.row())).append('}');
        }
        cells.append(f.cells().isEmpty() ? "]" : "\n  ]");
        StringBuilder hs = new StringBuilder("[");
        for (int i = 0; i < f.handshakes().size(); i++) {
            TlsBench.HandshakeRow h = f.handshakes().get(i);
            hs.append(i == 0 ? "\n    " : ",\n    ").append('{')
                    .append(field("engine", str(h.engine()))).append(", ")
                    .append(field("transport", str(h.transport().label()))).append(", ")
                    .append(field("lanes", Integer.toString(h.lanes()))).append(", ")
                    .append(field("medianPerSecond", pair(h.oursPerSecond(), h.zookeeperPerSecond()))).append(", ")
                    .append(field("medianP50Micros", pair(h.oursP50(), h.zookeeperP50()))).append(", ")
                    .append(field("runs", "{" + field("ours", connectionRuns(h.ours())) + ", "
                            + field("zookeeper", connectionRuns(h.zookeeper())) + "}"))
                    .append('}');
        }
        hs.append(f.handshakes().isEmpty() ? "]" : "\n  ]");
        StringBuilder seen = new StringBuilder("[");
        for (int i = 0; i < f.seen().size(); i++) {
            TlsBench.EngineSeen e = f.seen().get(i);
            seen.append(i == 0 ? "" : ", ").append('{').append(field("engine", str(e.engine()))).append(", ")
                    .append(field("ours", str(e.ours()))).append(", ")
                    .append(field("zookeeper", str(e.zookeeper()))).append('}');
        }
        seen.append(']');
        return "{" + field("keys", str(f.keys())) + ", " + field("storeType", str(f.storeType())) + ", "
                + field("clientAuth", str(f.clientAuth())) + ", " + field("lanes", Integer.toString(f.lanes()))
                + ", " + field("connectionMillis", Long.toString(f.handshakeMillis())) + ", "
                + field("enginesSeen", seen.toString()) + ",\n  "
                + field("cells", cells.toString()) + ",\n  "
                + field("connections", hs.toString()) + "}";
    }

    private static String observe(ObserveBench.Figures f) {
        String throughput = "null";
        ObserveBench.Throughput t = f.throughput();
        if (t != null) {
            StringBuilder reps = new StringBuilder("[");
            for (int i = 0; i < t.runs().size(); i++) {
                ObserveBench.Run run = t.runs().get(i);
                CellRun c = run.run();
                reps.append(i == 0 ? "\n    " : ",\n    ").append('{')
                        .append(field("observed", Boolean.toString(run.observed()))).append(", ")
                        .append(field("ops", Long.toString(c.ops()))).append(", ")
                        .append(field("seconds", num(c.seconds()))).append(", ")
                        .append(field("opsPerSecond", num(c.opsPerSecond()))).append(", ")
                        .append(field("p50Micros", num(c.p50Micros()))).append(", ")
                        .append(field("p99Micros", num(c.p99Micros()))).append(", ")
                        .append(field("errors", Long.toString(c.errors())));
                Observers.Counts k = run.counts();
                if (k != null) {
                    reps.append(", ").append(field("observers", "{"
                            + field("seconds", num(k.seconds())) + ", "
                            + field("scrapes", Long.toString(k.scrapes())) + ", "
                            + field("scrapeBytes", Long.toString(k.scrapeBytes())) + ", "
                            + field("slowestScrapeMillis", num(k.slowestScrapeMillis())) + ", "
                            + field("overviews", Long.toString(k.overviews())) + ", "
                            + field("eventsConnected", Boolean.toString(k.eventsConnected())) + ", "
                            + field("eventLines", Long.toString(k.eventLines())) + ", "
                            + field("events", Long.toString(k.events())) + ", "
                            + field("keepalives", Long.toString(k.keepalives())) + ", "
                            + field("errors", Long.toString(k.errors())) + ", "
                            + field("firstError", k.firstError() == null ? "null" : str(k.firstError())) + "}"));
                }
                reps.append('}');
            }
            reps.append(t.runs().isEmpty() ? "]" : "\n  ]");
            throughput = "{" + field("op", str(t.cell().op().label())) + ", "
                    + field("sessions", Integer.toString(t.cell().sessions())) + ", "
                    + field("window", Integer.toString(t.window())) + ", "
                    + field("medianOpsPerSecondObserved", num(t.medianOpsPerSecond(true))) + ", "
                    + field("medianOpsPerSecondUnobserved", num(t.medianOpsPerSecond(false))) + ", "
                    + field("observedOverUnobserved", num(t.ratio())) + ", "
                    + field("medianPairRatio", num(t.medianPairRatio())) + ", "
                    + field("warmupMillis", Long.toString(t.serverWarmupMillis())) + ", "
                    + field("repeats", reps.toString()) + "}";
        }
        return "{" + field("throughput", throughput) + ",\n  "
                + field("watchHeap", "{" + field("ours", watchHeap(f.oursHeap())) + ", "
                        + field("zookeeper", watchHeap(f.zookeeperHeap())) + "}") + "}";
    }

    private static String watchHeap(ObserveBench.WatchHeap w) {
        if (w == null) {
            return "null";
        }
        StringBuilder top = new StringBuilder("[");
        for (int i = 0; i < w.topClasses().size(); i++) {
            ClassHistogram.Delta d = w.topClasses().get(i);
            top.append(i == 0 ? "" : ", ").append('{').append(field("class", str(d.className()))).append(", ")
                    .append(field("bytes", Long.toString(d.bytes()))).append(", ")
                    .append(field("instances", Long.toString(d.instances()))).append('}');
        }
        top.append(']');
        return "{" + field("sessions", Integer.toString(w.sessions())) + ", "
                + field("paths", Integer.toString(w.paths())) + ", "
                + field("watches", Long.toString(w.watches())) + ", "
                + field("held", Long.toString(w.held())) + ", "
                + field("histogramBeforeBytes", Long.toString(w.histogramBeforeBytes())) + ", "
                + field("histogramAfterBytes", Long.toString(w.histogramAfterBytes())) + ", "
                + field("histogramBytesPerWatch", num(w.histogramBytesPerWatch())) + ", "
                + field("usedBeforeBytes", Long.toString(w.usedBeforeBytes())) + ", "
                + field("usedAfterBytes", Long.toString(w.usedAfterBytes())) + ", "
                + field("setSeconds", num(w.setSeconds())) + ", "
                + field("consoleBefore", console(w.consoleBefore())) + ", "
                + field("consoleAfter", console(w.consoleAfter())) + ", "
                + field("consoleBytesPerWatch", num(w.consoleBytesPerWatch())) + ", "
                + field("consoleOverHistogram", num(w.consoleOverHistogram())) + ", "
                + field("consoleError", w.consoleError() == null ? "null" : str(w.consoleError())) + ", "
                + field("topClasses", top.toString()) + "}";
    }

    private static String console(ObserveBench.Console c) {
        if (c == null) {
            return "null";
        }
        return "{" + field("watches", Long.toString(c.watches())) + ", "
                + field("paths", Long.toString(c.paths())) + ", "
                + field("sessions", Long.toString(c.sessions())) + ", "
                + field("heapBytes", Long.toString(c.heapBytes())) + ", "
                + field("overviewWatches", Long.toString(c.overviewWatches())) + ", "
                + field("overviewWatchHeapBytes", Long.toString(c.overviewWatchHeapBytes())) + "}";
    }

    private static String connectionRuns(List<Handshakes.Run> runs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < runs.size(); i++) {
            Handshakes.Run run = runs.get(i);
            sb.append(i == 0 ? "" : ", ").append('{')
                    .append(field("connections", Long.toString(run.connections()))).append(", ")
                    .append(field("seconds", num(run.seconds()))).append(", ")
                    .append(field("perSecond", num(run.perSecond()))).append(", ")
                    .append(field("p50Micros", num(run.p50Micros()))).append(", ")
                    .append(field("p99Micros", num(run.p99Micros()))).append(", ")
                    .append(field("errors", Long.toString(run.errors()))).append(", ")
                    .append(field("firstError", run.firstError() == null ? "null" : str(run.firstError()))).append(", ")
                    .append(field("negotiated", str(run.negotiated())))
                    .append('}');
        }
        return sb.append(']').toString();
    }

    private static String gaps(List<LeaderKill.Gap> gaps) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < gaps.size(); i++) {
            LeaderKill.Gap g = gaps.get(i);
            sb.append(i == 0 ? "" : ", ").append('{')
                    .append(field("killedLeader", Integer.toString(g.killedLeader()))).append(", ")
                    .append(field("newLeader", Integer.toString(g.newLeader()))).append(", ")
                    .append(field("firstAckMillis", num(g.firstAckMillis()))).append(", ")
                    .append(field("allAckMillis", num(g.allAckMillis()))).append(", ")
                    .append(field("failedWrites", Long.toString(g.failedWrites()))).append(", ")
                    .append(field("firstFailure", g.firstFailure() == null ? "null" : str(g.firstFailure())))
                    .append('}');
        }
        return sb.append(']').toString();
    }

    private static String catchUps(List<CatchUp.Time> times) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < times.size(); i++) {
            CatchUp.Time t = times.get(i);
            sb.append(i == 0 ? "" : ", ").append('{')
                    .append(field("member", Integer.toString(t.member()))).append(", ")
                    .append(field("znodes", Integer.toString(t.znodes()))).append(", ")
                    .append(field("fillSeconds", num(t.fillSeconds()))).append(", ")
                    .append(field("leaderZxid", str(t.zxid()))).append(", ")
                    .append(field("millis", num(t.millis()))).append('}');
        }
        return sb.append(']').toString();
    }

    private static String strs(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(str(values.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String runs(List<CellRun> runs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < runs.size(); i++) {
            CellRun run = runs.get(i);
            sb.append(i == 0 ? "" : ", ").append('{')
                    .append(field("ops", Long.toString(run.ops()))).append(", ")
                    .append(field("seconds", num(run.seconds()))).append(", ")
                    .append(field("opsPerSecond", num(run.opsPerSecond()))).append(", ")
                    .append(field("p50Micros", num(run.p50Micros()))).append(", ")
                    .append(field("p99Micros", num(run.p99Micros()))).append(", ")
                    .append(field("errors", Long.toString(run.errors()))).append(", ")
                    .append(field("firstError", run.firstError() == null ? "null" : str(run.firstError())))
                    .append('}');
        }
        return sb.append(']').toString();
    }

    private static String memory(MemoryBench.Figures f) {
        return "{" + field("znodes", Integer.toString(f.znodes())) + ", "
                + field("watches", Integer.toString(f.watches())) + ", "
                + field("baselineBytes", Long.toString(f.baselineBytes())) + ", "
                + field("withZnodesBytes", Long.toString(f.znodesBytes())) + ", "
                + field("withWatchesBytes", Long.toString(f.watchesBytes())) + ", "
                + field("bytesPerMillionZnodes", num(f.bytesPerMillionZnodes())) + ", "
                + field("bytesPer100kWatches", num(f.bytesPer100kWatches())) + ", "
                + field("createSeconds", num(f.createSeconds())) + "}";
    }

    private static String fanOut(FanOutBench.Figures f) {
        return "{" + field("sessions", Integer.toString(f.sessions())) + ", "
                + field("lastMillis", nums(f.lastMillis())) + ", "
                + field("medianMillis", nums(f.medianMillis())) + ", "
                + field("armMillis", nums(f.armMillis())) + ", "
                + field("connectSeconds", num(f.connectSeconds())) + "}";
    }

    private static String pair(double ours, double zk) {
        return "{" + field("ours", num(ours)) + ", " + field("zookeeper", num(zk)) + "}";
    }

    private static String nums(List<Double> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(num(values.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String field(String name, String jsonValue) {
        return str(name) + ": " + jsonValue;
    }

    /** A JSON number; NaN and infinities (a missing figure) become null. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A JSON string literal. */
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
