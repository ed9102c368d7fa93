package dev.keeper.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The human-readable result: a markdown page with one table for the load cells and one for the rest. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(Report r) {
        Report.Meta m = r.meta();
        StringBuilder sb = new StringBuilder();
        sb.append("# Keeper vs ZooKeeper 3.9.5: benchmark").append(m.quick() ? " (--quick smoke run)" : "")
                .append("\n\n");
        sb.append("- Started ").append(m.startedAt()).append("; ").append(m.cores()).append(" cores; load average ")
                .append(m.loadBefore()).append(" before, ").append(m.loadAfter()).append(" after.\n");
        sb.append("- Both servers as separate processes on 127.0.0.1, same JVM (").append(m.java())
                .append("), -Xms/-Xmx ").append(m.heap()).append(", tickTime ").append(m.tickTime())
                .append(", fsync ").append(m.fsync() ? "ON (forceSync=yes)" : "OFF (forceSync=no)")
                .append(" in the load, memory and fan-out parts; always ON in the durable, snapshot, start-up and")
                .append(" ensemble parts (whose members have their own heap, below).\n");
        sb.append("- Load: stock ZooKeeper Java client, async API, 100-byte data. Each cell ran ")
                .append(m.repeats()).append(" times per server, alternating which server went first; ")
                .append(m.measureMillis()).append(" ms measured after ").append(m.warmupMillis())
                .append(" ms warm-up; figures are medians over repeats. Latency mode: one request outstanding per"
                        + " session; throughput mode: ")
                .append(m.window()).append(" outstanding per session.\n");
        sb.append("- Ratios are ours/ZooKeeper: above 1 is better for ops/s; below 1 is better for latency,"
                + " memory and time.\n");
        sb.append("- Data directories (and logs: no dataLogDir, so the same directory) of both servers on ")
                .append(m.dataDisk()).append(". 1-minute load average during the run: ").append(m.loadDuring())
                .append(".\n");
        sb.append("- The machine is shared and noisy (other builds and tests run on it): absolute figures vary"
                + " between runs; compare the ratios, and distrust small differences.\n\n");

        if (!r.cells().isEmpty()) {
            sb.append("## Load\n\n");
            cellTable(sb, r.cells(), null);
        }

        if (r.memory() != null || r.fanOut() != null) {
            sb.append("## Memory and fan-out\n\n");
            sb.append("| measure | ours | ZK | ours/ZK |\n");
            sb.append("|---|---:|---:|---:|\n");
            if (r.memory() != null) {
                MemoryBench.Figures o = r.memory().ours();
                MemoryBench.Figures z = r.memory().zookeeper();
                sb.append(row("heap after full GC per 1,000,000 znodes of 100 B (measured with "
                                + count(o.znodes()) + ")",
                        mib(o.bytesPerMillionZnodes()), mib(z.bytesPerMillionZnodes()),
                        Stats.ratio(o.bytesPerMillionZnodes(), z.bytesPerMillionZnodes())));
                sb.append(row("heap after full GC per 100,000 data watches on distinct znodes (measured with "
                                + count(o.watches()) + ")",
                        mib(o.bytesPer100kWatches()), mib(z.bytesPer100kWatches()),
                        Stats.ratio(o.bytesPer100kWatches(), z.bytesPer100kWatches())));
                sb.append(row("empty-server baseline heap after full GC",
                        mib(o.baselineBytes()), mib(z.baselineBytes()),
                        Stats.ratio(o.baselineBytes(), z.baselineBytes())));
                sb.append(row("bulk create of those znodes, ops/s (4 sessions x 200 pipelined, one run)",
                        count(o.createsPerSecond()), count(z.createsPerSecond()),
                        Stats.ratio(o.createsPerSecond(), z.createsPerSecond())));
            }
            if (r.fanOut() != null) {
                FanOutBench.Figures o = r.fanOut().ours();
                FanOutBench.Figures z = r.fanOut().zookeeper();
                String n = count(o.sessions());
                sb.append(row("fan-out: setData sent to last of " + n + " notifications, ms (median of "
                                + o.lastMillis().size() + ")",
                        millis(o.medianLastMillis()), millis(z.medianLastMillis()),
                        Stats.ratio(o.medianLastMillis(), z.medianLastMillis())));
                sb.append(row("fan-out: setData sent to median of " + n + " notifications, ms",
                        millis(o.medianMedianMillis()), millis(z.medianMedianMillis()),
                        Stats.ratio(o.medianMedianMillis(), z.medianMedianMillis())));
                sb.append(row("fan-out: arming " + n + " watches (one getData each, all sent at once), ms",
                        millis(o.medianArmMillis()), millis(z.medianArmMillis()),
                        Stats.ratio(o.medianArmMillis(), z.medianArmMillis())));
                sb.append(row("fan-out: opening " + n + " sessions, s (40 handshakes in flight)",
                        String.format(Locale.ROOT, "%.2f", o.connectSeconds()),
                        String.format(Locale.ROOT, "%.2f", z.connectSeconds()),
                        Stats.ratio(o.connectSeconds(), z.connectSeconds())));
            }
            sb.append('\n');
        }

        if (!r.durable().isEmpty()) {
            durable(sb, r);
        }
        if (r.snapshot() != null) {
            snapshot(sb, r.snapshot());
        }
        if (r.startup() != null) {
            startup(sb, r.startup());
        }
        if (r.flood() != null) {
            flood(sb, r.flood());
        }
        if (r.ensemble() != null) {
            ensemble(sb, r.ensemble(), m);
        }
        if (r.tls() != null) {
            tls(sb, r.tls(), m);
        }
        if (r.observe() != null) {
            observe(sb, r.observe());
        }

        if (!r.notes().isEmpty()) {
            sb.append("## Problems seen during the run\n\n");
            for (String note : r.notes()) {
                sb.append("- ").append(note.replace("\n", "\n  ")).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The ops/s ratio a durable cell should reach: 1.5 at 32 pipelined sessions, 1.0 elsewhere. */
    static double durableTarget(Cell cell) {
        return cell.sessions() >= 32 && cell.mode() == Mode.THROUGHPUT ? 1.5 : 1.0;
    }

    /** The load table; with {@code target} non-null, a last column marks each cell's ops/s ratio against it. */
    private static void cellTable(StringBuilder sb, List<Report.CellRow> rows, ToDoubleFunction<Cell> target) {
        boolean targets = target != null;
        sb.append("| op | sessions | mode | ours ops/s | ZK ops/s | ops/s ours/ZK | p50 µs ours / ZK | p50 ours/ZK"
                + " | p99 µs ours / ZK | p99 ours/ZK | errors ours / ZK |").append(targets ? " target ops/s ratio |" : "")
                .append('\n');
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|").append(targets ? "---|" : "").append('\n');
        for (Report.CellRow c : rows) {
            double opsRatio = Stats.ratio(c.oursOpsPerSecond(), c.zookeeperOpsPerSecond());
            sb.append("| ").append(c.cell().op().label())
                    .append(" | ").append(c.cell().sessions())
                    .append(" | ").append(c.cell().mode().label())
                    .append(" | ").append(count(c.oursOpsPerSecond()))
                    .append(" | ").append(count(c.zookeeperOpsPerSecond()))
                    .append(" | ").append(ratio(opsRatio))
                    .append(" | ").append(micros(c.oursP50())).append(" / ").append(micros(c.zookeeperP50()))
                    .append(" | ").append(ratio(Stats.ratio(c.oursP50(), c.zookeeperP50())))
                    .append(" | ").append(micros(c.oursP99())).append(" / ").append(micros(c.zookeeperP99()))
                    .append(" | ").append(ratio(Stats.ratio(c.oursP99(), c.zookeeperP99())))
                    .append(" | ").append(c.oursErrors()).append(" / ").append(c.zookeeperErrors())
                    .append(" |");
            if (targets) {
                double t = target.applyAsDouble(c.cell());
                sb.append(" ≥ ").append(ratio(t)).append(Double.isNaN(opsRatio) ? " n/a"
                        : opsRatio >= t ? " met" : " **missed**").append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n');
    }

    private static void durable(StringBuilder sb, Report r) {
        sb.append("## Durable writes (fsync on for both: forceSync=yes)\n\n");
        sb.append("- Both servers freshly started with forceSync=yes (whatever --fsync says), their data and log on")
                .append(" the same disk as each other; otherwise as the load cells: the same repeats, spans and")
                .append(" window. Target: ops/s ours/ZooKeeper ≥ 1.0 in every cell, ≥ 1.5 at 32 pipelined")
                .append(" (throughput) sessions.\n\n");
        cellTable(sb, r.durable(), MarkdownReport::durableTarget);
    }

    private static void snapshot(StringBuilder sb, Report.Pair<SnapshotBench.Figures> p) {
        SnapshotBench.Figures o = p.ours();
        SnapshotBench.Figures z = p.zookeeper();
        sb.append("## Write latency while a snapshot of ").append(count(o.fill().znodes()))
                .append(" znodes is written\n\n");
        sb.append("- Each server alone: a fresh server (fsync on, default snapCount) gets ")
                .append(count(o.fill().znodes())).append(" znodes of 100 B, is stopped (SIGTERM), restarted on its")
                .append(" directory with snapCount ").append(o.snapCount()).append(", and carries a steady setData")
                .append(" load of ").append(o.ratePerSecond()).append("/s over ").append(o.sessions())
                .append(" sessions, sent at a fixed rate whatever the replies do (open loop), until ")
                .append(o.snapshots().size()).append(" snapshot(s) that the load's own transactions triggered are")
                .append(" written. Snapshot windows come from the servers' log lines (ours: \"Creating snapshot\" to")
                .append(" \"Snapshot ... written\"; ZooKeeper: \"Snapshotting: 0x..\" to \"Snapshot taken in N")
                .append(" ms\").\n");
        sb.append("- During: every request in flight at some moment from a snapshot's start line to ")
                .append(SnapshotWindows.AFTER_MS).append(" ms after its end line (what the snapshot leaves behind,")
                .append(" its dirty pages and garbage, counts against it), all snapshots pooled. Without: every")
                .append(" request after a ").append(o.warmupMillis()).append(" ms warm-up that was in flight at no")
                .append(" moment from ").append(SnapshotWindows.BEFORE_MS).append(" ms before a snapshot to ")
                .append(SnapshotWindows.AFTER_MS).append(" ms after it. Target for ours: p99 during / without ≤ 2.")
                .append(" Every sample is in snapshot-samples-*.csv in the run directory.\n\n");
        sb.append("| measure | ours | ZK | ours/ZK |\n");
        sb.append("|---|---:|---:|---:|\n");
        SnapshotWindows.Split os = o.split();
        SnapshotWindows.Split zs = z.split();
        sb.append(row("setData p99 without a snapshot, µs", micros(os.p99WithoutUs()), micros(zs.p99WithoutUs()),
                Stats.ratio(os.p99WithoutUs(), zs.p99WithoutUs())));
        sb.append(row("setData p99 during a snapshot, µs", micros(os.p99DuringUs()), micros(zs.p99DuringUs()),
                Stats.ratio(os.p99DuringUs(), zs.p99DuringUs())));
        sb.append(row("p99 during / p99 without (target for ours ≤ 2" + (Double.isNaN(os.ratio()) ? ""
                        : os.ratio() <= 2 ? ": met" : ": **missed**") + ")",
                ratio(os.ratio()), ratio(zs.ratio()), Stats.ratio(os.ratio(), zs.ratio())));
        sb.append(row("slowest setData without / during a snapshot, µs",
                micros(os.maxWithoutUs()) + " / " + micros(os.maxDuringUs()),
                micros(zs.maxWithoutUs()) + " / " + micros(zs.maxDuringUs()),
                Stats.ratio(os.maxDuringUs(), zs.maxDuringUs())));
        sb.append(row("snapshot duration as the server logs it, ms (median of " + o.snapshots().size() + " / "
                        + z.snapshots().size() + ")",
                millis(o.medianServerMillis()), millis(z.medianServerMillis()),
                Stats.ratio(o.medianServerMillis(), z.medianServerMillis())));
        sb.append(row("snapshot window, start line to end line, ms (median)", millis(o.medianWindowMillis()),
                millis(z.medianWindowMillis()), Stats.ratio(o.medianWindowMillis(), z.medianWindowMillis())));
        sb.append(row("samples without / during", count(os.without()) + " / " + count(os.during()),
                count(zs.without()) + " / " + count(zs.during()), Double.NaN));
        sb.append(row("creating the tree with fsync on, ops/s (4 sessions x 200 pipelined, one run)",
                count(o.fill().createsPerSecond()), count(z.fill().createsPerSecond()),
                Stats.ratio(o.fill().createsPerSecond(), z.fill().createsPerSecond())));
        sb.append(row("restart on that tree, launch to Mode: standalone, ms (one start)", millis(o.restartMillis()),
                millis(z.restartMillis()), Stats.ratio(o.restartMillis(), z.restartMillis())));
        sb.append('\n');
        sb.append("Each snapshot: ours ").append(perSnapshot(o)).append("; ZK ").append(perSnapshot(z))
                .append(".\n\n");
    }

    /** The observability part: ours observed against unobserved, then the watch heap by both measures. */
    private static void observe(StringBuilder sb, ObserveBench.Figures f) {
        sb.append("## Observability: throughput while observed, and the watch heap the console shows\n\n");
        ObserveBench.Throughput t = f.throughput();
        if (t != null) {
            sb.append("- Our server alone (ZooKeeper has no console), started with the AdminServer on (loopback, its")
                    .append(" own port) and ZooKeeper's Prometheus provider (`metricsProvider.className=")
                    .append(ObserveBench.PROMETHEUS_PROVIDER).append("`, loopback, its own port). Load: ")
                    .append(t.cell().sessions()).append(" stock-client sessions, ").append(t.window())
                    .append(" requests outstanding each, 9 getData with a watch and 1 setData in every 10 requests")
                    .append(" (100 B, ").append(count(BenchPaths.DATA_NODES)).append(" znodes every session reads")
                    .append(" and writes), so the setData fire watches all along. An unmeasured warm-up of ")
                    .append(t.serverWarmupMillis()).append(" ms with the observers running, then ")
                    .append(t.runs(true).size())
                    .append(" observed and ").append(t.runs(false).size()).append(" unobserved repeats, alternating")
                    .append(" which goes first, each ").append(t.warmupMillis()).append(" ms unmeasured then ")
                    .append(t.measureMillis()).append(" ms measured; medians.\n");
            sb.append("- Observed: from the benchmark's process, a scrape of `/metrics` every ")
                    .append(Observers.SCRAPE_EVERY_MS / 1000).append(" s (the whole body read), `GET ")
                    .append(Observers.EVENTS).append("` held open with every line read, and `")
                    .append(Observers.OVERVIEW).append("` polled every ").append(Observers.OVERVIEW_EVERY_MS / 1000)
                    .append(" s, as the page does; all started before the repeat's unmeasured span. The observers")
                    .append(" share the 2 cores with the server and the load generator. Target: ops/s observed /")
                    .append(" unobserved ≥ ").append(ratio(ObserveBench.THROUGHPUT_TARGET)).append(".\n\n");
            double r = t.ratio();
            sb.append("| measure | observed | unobserved | observed/unobserved |\n");
            sb.append("|---|---:|---:|---:|\n");
            sb.append(row("watchMix ops/s (median); target ≥ " + ratio(ObserveBench.THROUGHPUT_TARGET)
                            + (Double.isNaN(r) ? "" : r >= ObserveBench.THROUGHPUT_TARGET ? " met" : " **missed**"),
                    count(t.medianOpsPerSecond(true)), count(t.medianOpsPerSecond(false)), r));
            sb.append(row("p50 µs (median)", micros(t.medianP50(true)), micros(t.medianP50(false)),
                    Stats.ratio(t.medianP50(true), t.medianP50(false))));
            sb.append(row("p99 µs (median)", micros(t.medianP99(true)), micros(t.medianP99(false)),
                    Stats.ratio(t.medianP99(true), t.medianP99(false))));
            sb.append(row("ops/s of each repeat", perRun(t, true), perRun(t, false), Double.NaN));
            List<String> pairs = new java.util.ArrayList<>();
            for (double p : t.pairRatios()) {
                pairs.add(ratio(p));
            }
            sb.append(row("each repeat's observed / unobserved, back to back (" + String.join(", ", pairs)
                    + "): median", "", "", t.medianPairRatio()));
            sb.append(row("errors", Long.toString(t.errors(true)), Long.toString(t.errors(false)), Double.NaN));
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "Consumed by the observers over the %d observed repeats (%.1f s):"
                            + " %,d scrapes (%s, slowest %.1f ms), %,d overview polls, %,d watch events on the"
                            + " stream (%,d lines, %,d keepalives; median %,.0f events/s), %d failed requests%s.\n\n",
                    t.runs(true).size(), t.observedSeconds(), t.totalScrapes(), mib(t.totalScrapeBytes()),
                    t.slowestScrapeMillis(), t.totalOverviews(), t.totalEvents(), t.totalEventLines(),
                    t.totalKeepalives(), t.medianEventsPerSecond(), t.observerErrors(),
                    t.firstObserverError() == null ? "" : " (first: " + t.firstObserverError() + ")"));
        }
        ObserveBench.WatchHeap o = f.oursHeap();
        ObserveBench.WatchHeap z = f.zookeeperHeap();
        ObserveBench.WatchHeap any = o != null ? o : z;
        if (any == null) {
            return;
        }
        sb.append("### Heap per 1,000,000 watches: the console against a class histogram\n\n");
        sb.append("- A fresh server of each kind (ours with the AdminServer on, for its console), the same flags")
                .append(" as the other parts. ").append(count(any.paths())).append(" znodes; ")
                .append(count(any.sessions())).append(" sessions spoken on raw sockets (no client-side watch")
                .append(" tables) each set a data watch (getData, watch=true) on every one of them: ")
                .append(count(any.watches())).append(" watches. Before that, every session set one watch that")
                .append(" then fired, and the console was read, so what is built lazily is in the baseline.\n");
        sb.append("- Heap by a class histogram: `jcmd <pid> GC.class_histogram` (HotSpot collects in full, then")
                .append(" counts every live object's shallow bytes by class) with the sessions open, before and")
                .append(" after the watches; the difference of its totals. G1's used heap after `jcmd GC.run`")
                .append(" twice (`GC.heap_info`), before and after, as a second reading. The console's figure is")
                .append(" `heapBytes` of `GET ").append(ObserveBench.WATCHES).append("` after the watches. Figures")
                .append(" scaled to 1,000,000 watches. Target: the console within ")
                .append(Math.round(ObserveBench.HEAP_TOLERANCE * 100)).append("% of the histogram's.\n\n");
        sb.append("| measure | ours | ZK | ours/ZK |\n");
        sb.append("|---|---:|---:|---:|\n");
        sb.append(row("watches held (wchs)", o == null ? "n/a" : count(o.held()), z == null ? "n/a" : count(z.held()),
                Double.NaN));
        sb.append(row("heap per 1,000,000 watches, class histogram difference",
                heapCell(o, ObserveBench.WatchHeap::histogramBytes),
                heapCell(z, ObserveBench.WatchHeap::histogramBytes),
                o == null || z == null ? Double.NaN : Stats.ratio(o.histogramBytes(), z.histogramBytes())));
        sb.append(row("heap per 1,000,000 watches, G1 used after full GC difference",
                heapCell(o, ObserveBench.WatchHeap::usedBytes), heapCell(z, ObserveBench.WatchHeap::usedBytes),
                o == null || z == null ? Double.NaN : Stats.ratio(o.usedBytes(), z.usedBytes())));
        if (o != null) {
            ObserveBench.Console c = o.consoleAfter();
            double cr = o.consoleOverHistogram();
            sb.append(row("console: heapBytes per 1,000,000 watches", c == null ? "n/a (" + o.consoleError() + ")"
                    : mib(o.perMillion(o.consoleBytes())) + " (" + bytes(o.consoleBytesPerWatch()) + " B/watch)",
                    "no console", Double.NaN));
            sb.append(row("console heapBytes / class histogram difference; target within "
                            + Math.round(ObserveBench.HEAP_TOLERANCE * 100) + "%" + (Double.isNaN(cr) ? ""
                            : o.consoleWithinTolerance() ? " met" : " **missed**"),
                    ratio3(cr), "", Double.NaN));
            if (c != null) {
                ObserveBench.Console b = o.consoleBefore();
                sb.append(row("console: watches / paths / sessions (overview: watches, watchHeapBytes)",
                        count(c.watches()) + " / " + count(c.paths()) + " / " + count(c.sessions()) + " ("
                                + count(c.overviewWatches()) + ", " + count(c.overviewWatchHeapBytes()) + " B)",
                        "", Double.NaN));
                if (b != null) {
                    sb.append(row("console before the watches: watches, heapBytes",
                            count(b.watches()) + ", " + count(b.heapBytes()) + " B", "", Double.NaN));
                }
            }
        }
        sb.append(row("setting the watches, watches/s (" + ObserveBench.WATCH_THREADS + " threads, "
                        + ObserveBench.WATCH_WINDOW + " pipelined per session)",
                o == null ? "n/a" : count(o.watchesPerSecond()), z == null ? "n/a" : count(z.watchesPerSecond()),
                o == null || z == null ? Double.NaN : Stats.ratio(o.watchesPerSecond(), z.watchesPerSecond())));
        sb.append('\n');
        for (ObserveBench.WatchHeap w : new ObserveBench.WatchHeap[] {o, z}) {
            if (w == null || w.topClasses().isEmpty()) {
                continue;
            }
            sb.append("Classes whose heap grew most with the watches, ").append(w == o ? "ours" : "ZK")
                    .append(" (class histogram difference: bytes, instances): ");
            List<String> items = new java.util.ArrayList<>();
            for (ClassHistogram.Delta d : w.topClasses()) {
                items.add("`" + d.className() + "` " + String.format(Locale.ROOT, "%+,d B, %+,d", d.bytes(),
                        d.instances()));
            }
            sb.append(String.join("; ", items)).append(".\n\n");
        }
    }

    /** "95.3 MiB (100.0 B/watch)" per million watches, or n/a. */
    private static String heapCell(ObserveBench.WatchHeap w,
                                   java.util.function.ToLongFunction<ObserveBench.WatchHeap> f) {
        if (w == null) {
            return "n/a";
        }
        long b = f.applyAsLong(w);
        return mib(w.perMillion(b)) + " (" + bytes((double) b / w.watches()) + " B/watch)";
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String perRun(ObserveBench.Throughput t, boolean observed) {
        List<String> v = new java.util.ArrayList<>();
        for (ObserveBench.Run r : t.runs(observed)) {
            v.add(count(r.run().opsPerSecond()));
        }
        return String.join(", ", v);
    }

    /** "getData, 1 session, one at a time" or "setData, 32 sessions pipelined". */
    static String cellLabel(Cell c) {
        return c.op().label() + ", " + c.sessions() + (c.sessions() == 1 ? " session" : " sessions")
                + (c.mode() == Mode.LATENCY ? ", one at a time" : " pipelined");
    }

    /** "JDK", "OpenSSL", or with the client auth when it is not need: "OpenSSL, clientAuth=none". */
    static String engineLabel(String engine) {
        String provider = TlsBench.providerOf(engine);
        String auth = TlsBench.clientAuthOf(engine);
        return (provider.equals("OPENSSL") ? "OpenSSL" : provider)
                + (auth.equals("need") ? "" : ", clientAuth=" + auth);
    }

    private static void tls(StringBuilder sb, TlsBench.Figures f, Report.Meta m) {
        sb.append("## TLS on the client port: ours against ZooKeeper's Netty TLS\n\n");
        sb.append("- Per engine (ssl.sslProvider, set on both servers), a fresh pair of servers, each with its plain")
                .append(" client port and a TLS port (secureClientPort) from the same zoo.cfg keys: ")
                .append(f.keys()).append(" keys in ").append(f.storeType())
                .append(" stores made at run time with keytool (a CA; a server certificate with SAN IP:127.0.0.1 and")
                .append(" DNS:localhost; a client certificate), ssl.clientAuth=need (ZooKeeper's default: the client")
                .append(" presents its certificate and is authenticated by it as x509) unless the engine column")
                .append(" says otherwise, TLS 1.3 (both servers' default). ZooKeeper runs")
                .append(" serverCnxnFactory=NettyServerCnxnFactory, which its TLS needs, so its plain port is Netty")
                .append(" here too (the load part's ZooKeeper uses its default NIO factory). With OpenSSL both")
                .append(" servers have netty-tcnative-boringssl-static on their class path (ZooKeeper 3.9.5 carries")
                .append(" it as a dependency; ours gets it beside its jar).\n");
        for (TlsBench.EngineSeen e : f.seen()) {
            sb.append("- Server-side TLS engines in a class histogram of each server while its TLS sessions were")
                    .append(" open, ").append(engineLabel(e.engine())).append(" run: ours ").append(e.ours())
                    .append("; ZK ").append(e.zookeeper()).append(".\n");
        }
        sb.append("- Cells: the load part's driver (stock Java client, async API, 100-byte data; ")
                .append(m.measureMillis()).append(" ms measured after ").append(m.warmupMillis())
                .append(" ms warm-up, ").append(m.repeats()).append(" repeats per server alternating which goes")
                .append(" first, medians; pipelined: ").append(m.window()).append(" outstanding per session). Every")
                .append(" session on the client's Netty socket (ClientCnxnSocketNetty), over TLS with the client")
                .append(" certificate and hostname verification, or over plaintext to the plain port of the same")
                .append(" server process; the client side uses the JDK's engine in both runs. Target: ops/s")
                .append(" ours/ZK ≥ 1.0 in every TLS cell, with either engine.\n");
        sb.append("- New connections: each a new TCP connection, a full TLS 1.3 handshake (a fresh client SSL")
                .append(" context per connection, as the stock client's Netty socket builds one per connection: no")
                .append(" session resumption), the four-letter word ruok and its imok, then the server's close;")
                .append(" one lane opening them one after another, and ").append(f.lanes())
                .append(" lanes at once. Counted when complete inside ").append(f.handshakeMillis())
                .append(" ms measured (after an unmeasured span); latency is connect to the server's close. The")
                .append(" same over the plain port is the reference for what TLS adds. Target: TLS connections per")
                .append(" second ours/ZK ≥ 1.0.\n");
        sb.append("- The driver (TLS client side included) shares the machine's ").append(m.cores())
                .append(" cores with the server it measures: client-side TLS costs the same against both, so ratios")
                .append(" are pulled towards 1.\n\n");

        int tlsCells = 0;
        int met = 0;
        sb.append("**Over TLS**, ops/s:\n\n");
        sb.append("| engine | cell | ours ops/s | ZK ops/s | ours/ZK | p50 µs ours / ZK | p99 µs ours / ZK |")
                .append(" errors ours / ZK | target ≥ 1.0 |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (String engine : f.engines()) {
            for (TlsBench.CellRow c : f.cells()) {
                if (!c.engine().equals(engine) || c.transport() != TlsBench.Transport.TLS) {
                    continue;
                }
                Report.CellRow r = c.row();
                double ratio = Stats.ratio(r.oursOpsPerSecond(), r.zookeeperOpsPerSecond());
                tlsCells++;
                if (ratio >= 1.0) {
                    met++;
                }
                sb.append("| ").append(engineLabel(engine)).append(" | ").append(cellLabel(r.cell())).append(" | ")
                        .append(count(r.oursOpsPerSecond())).append(" | ").append(count(r.zookeeperOpsPerSecond()))
                        .append(" | ").append(ratio(ratio)).append(" | ").append(micros(r.oursP50())).append(" / ")
                        .append(micros(r.zookeeperP50())).append(" | ").append(micros(r.oursP99())).append(" / ")
                        .append(micros(r.zookeeperP99())).append(" | ").append(r.oursErrors()).append(" / ")
                        .append(r.zookeeperErrors()).append(" | ")
                        .append(Double.isNaN(ratio) ? "n/a" : ratio >= 1.0 ? "met" : "**missed**").append(" |\n");
            }
        }
        sb.append('\n');

        sb.append("**What TLS costs each server**: ops/s over TLS ÷ ops/s over plaintext, the same server process")
                .append(" and client socket (1.00 = free):\n\n");
        sb.append("| engine | cell | ours plaintext ops/s | ours TLS/plaintext | ZK plaintext ops/s | ZK TLS/plaintext")
                .append(" | plaintext ours/ZK |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (String engine : f.engines()) {
            for (Cell cell : TlsBench.CELLS) {
                Report.CellRow plain = f.cell(engine, TlsBench.Transport.PLAIN, cell);
                if (plain == null) {
                    continue;
                }
                sb.append("| ").append(engineLabel(engine)).append(" | ").append(cellLabel(cell)).append(" | ")
                        .append(count(plain.oursOpsPerSecond())).append(" | ")
                        .append(ratio(f.tlsOverPlain(engine, cell, ServerKind.OURS))).append(" | ")
                        .append(count(plain.zookeeperOpsPerSecond())).append(" | ")
                        .append(ratio(f.tlsOverPlain(engine, cell, ServerKind.ZOOKEEPER))).append(" | ")
                        .append(ratio(Stats.ratio(plain.oursOpsPerSecond(), plain.zookeeperOpsPerSecond())))
                        .append(" |\n");
            }
        }
        sb.append('\n');

        int hsRows = 0;
        int hsMet = 0;
        sb.append("**New connections per second** (ruok each):\n\n");
        sb.append("| engine | connections | ours /s | ZK /s | ours/ZK | p50 ms ours / ZK | errors ours / ZK |")
                .append(" target ≥ 1.0 |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (String engine : f.engines()) {
            for (TlsBench.HandshakeRow h : f.handshakes()) {
                if (!h.engine().equals(engine)) {
                    continue;
                }
                double ratio = Stats.ratio(h.oursPerSecond(), h.zookeeperPerSecond());
                boolean tls = h.transport() == TlsBench.Transport.TLS;
                if (tls) {
                    hsRows++;
                    if (ratio >= 1.0) {
                        hsMet++;
                    }
                }
                sb.append("| ").append(engineLabel(engine)).append(" | ")
                        .append(tls ? "TLS handshake" : "plaintext (reference)").append(", ")
                        .append(h.lanes() == 1 ? "one at a time" : h.lanes() + " at once").append(" | ")
                        .append(String.format(Locale.ROOT, "%,.1f", h.oursPerSecond())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,.1f", h.zookeeperPerSecond())).append(" | ")
                        .append(ratio(ratio)).append(" | ").append(millis(h.oursP50() / 1000)).append(" / ")
                        .append(millis(h.zookeeperP50() / 1000)).append(" | ").append(h.oursErrors()).append(" / ")
                        .append(h.zookeeperErrors()).append(" | ")
                        .append(!tls ? "" : Double.isNaN(ratio) ? "n/a" : ratio >= 1.0 ? "met" : "**missed**")
                        .append(" |\n");
            }
        }
        sb.append('\n');
        List<String> shares = new java.util.ArrayList<>();
        List<String> negotiated = new java.util.ArrayList<>();
        for (String engine : f.engines()) {
            for (int lanes : f.lanes() > 1 ? List.of(1, f.lanes()) : List.of(1)) {
                TlsBench.HandshakeRow t = f.handshake(engine, TlsBench.Transport.TLS, lanes);
                TlsBench.HandshakeRow p = f.handshake(engine, TlsBench.Transport.PLAIN, lanes);
                if (t == null || p == null) {
                    continue;
                }
                shares.add(engineLabel(engine) + ", " + (lanes == 1 ? "one at a time" : lanes + " at once")
                        + ": ours " + ratio(Stats.ratio(t.oursPerSecond(), p.oursPerSecond())) + ", ZK "
                        + ratio(Stats.ratio(t.zookeeperPerSecond(), p.zookeeperPerSecond())));
            }
            TlsBench.HandshakeRow t = f.handshake(engine, TlsBench.Transport.TLS, 1);
            if (t != null) {
                negotiated.add(engineLabel(engine) + ": ours " + t.negotiated(ServerKind.OURS) + ", ZK "
                        + t.negotiated(ServerKind.ZOOKEEPER));
            }
        }
        if (!shares.isEmpty()) {
            sb.append("TLS connections per second as a share of plaintext ones: ").append(String.join("; ", shares))
                    .append(".\n\n");
        }
        if (!negotiated.isEmpty()) {
            sb.append("Negotiated by the connection driver: ").append(String.join("; ", negotiated)).append(".\n\n");
        }
        sb.append("Targets: TLS cells ≥ 1.0 met in ").append(met).append(" of ").append(tlsCells)
                .append("; TLS connections per second ≥ 1.0 met in ").append(hsMet).append(" of ").append(hsRows)
                .append(".\n\n");
    }

    private static String perSnapshot(SnapshotBench.Figures f) {
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < f.snapshots().size(); i++) {
            SnapshotLog.Snapshot s = f.snapshots().get(i);
            parts.add(s.serverMillis() + " ms, p99 during " + micros(f.split().perSnapshotP99Us().get(i)) + " µs");
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static void flood(StringBuilder sb, Report.Pair<FloodBench.Figures> p) {
        FloodBench.Figures o = p.ours();
        FloodBench.Figures z = p.zookeeper();
        sb.append("## Canary latency under a flood of malformed frames\n\n");
        sb.append("- The limits tests' flood (MalformedFloodTest): ").append(count(o.frames()))
                .append(" malformed frames from ").append(o.lanes()).append(" connections at a time")
                .append(o.rate() > 0 ? ", held together to " + count(o.rate()) + " frames a second" : "")
                .append(", each from its")
                .append(" own 127.0.1.x address: bodies that do not decode (answered MarshallingError, the")
                .append(" connection kept), unknown opcodes, lengths over jute.maxbuffer or below zero, garbage")
                .append(" handshakes, cut-off frames (each closing its connection). Meanwhile a canary session (one")
                .append(" stock client) sets a znode's data 1,000 times a second, open loop. Canary p99 over the")
                .append(" requests sent during the flood, and during a quiet span as long, after the flood's")
                .append(" sessions expired. Median of ").append(o.repeats().size())
                .append(" repeats, alternating which server goes first. Target for ours: p99 flooded / quiet ≤ 2.\n\n");
        sb.append("| measure | ours | ZK | ours/ZK |\n");
        sb.append("|---|---:|---:|---:|\n");
        sb.append(row("canary setData p99, quiet, ms", millis(o.medianP99QuietUs() / 1000),
                millis(z.medianP99QuietUs() / 1000), Stats.ratio(o.medianP99QuietUs(), z.medianP99QuietUs())));
        sb.append(row("canary setData p99, during the flood, ms", millis(o.medianP99FloodUs() / 1000),
                millis(z.medianP99FloodUs() / 1000), Stats.ratio(o.medianP99FloodUs(), z.medianP99FloodUs())));
        double or = o.medianRatio();
        sb.append(row("p99 flooded / quiet (median of the repeats' ratios)" + (Double.isNaN(or) ? ""
                        : or <= 2 ? "; target ≤ 2 for ours met" : "; target ≤ 2 for ours **missed**"),
                ratio(or), ratio(z.medianRatio()), Stats.ratio(or, z.medianRatio())));
        sb.append(row("flood duration, s", millis(o.medianFloodSeconds()), millis(z.medianFloodSeconds()),
                Stats.ratio(o.medianFloodSeconds(), z.medianFloodSeconds())));
        sb.append(row("malformed frames answered per second", count(o.medianFramesPerSecond()),
                count(z.medianFramesPerSecond()), Stats.ratio(o.medianFramesPerSecond(), z.medianFramesPerSecond())));
        sb.append(row("server heap after full GC, before the first flood", mib(o.heapBeforeBytes()),
                mib(z.heapBeforeBytes()), Stats.ratio(o.heapBeforeBytes(), z.heapBeforeBytes())));
        sb.append(row("server heap after full GC, after the last flood", mib(o.heapAfterBytes()),
                mib(z.heapAfterBytes()), Stats.ratio(o.heapAfterBytes(), z.heapAfterBytes())));
        sb.append('\n');
        sb.append("Each repeat, p99 quiet → flooded (ms): ours ").append(perRepeat(o)).append("; ZK ")
                .append(perRepeat(z)).append(". Frames not answered as ZooKeeper 3.9.5 answers them: ours ")
                .append(o.problems()).append(", ZK ").append(z.problems()).append("; canary errors: ours ")
                .append(o.canaryErrors()).append(", ZK ").append(z.canaryErrors()).append(".\n\n");
    }

    private static void ensemble(StringBuilder sb, EnsembleBench.Figures f, Report.Meta m) {
        sb.append("## Ensemble of three members (fsync on for both)\n\n");
        sb.append("- Three members of each server, each its own process on 127.0.0.1: -Xms/-Xmx ").append(f.heap())
                .append(" each, the same JVM flags, the same zoo.cfg (tickTime ").append(m.tickTime())
                .append(", initLimit ").append(Ensemble.INIT_LIMIT).append(", syncLimit ").append(Ensemble.SYNC_LIMIT)
                .append(", forceSync=yes, server.N lines with the client port, myid in dataDir). The ensembles")
                .append(" never run at once: each repeat starts a fresh ensemble of one server, runs every cell once")
                .append(" cold (after ").append(f.coldLoadMillis()).append(" ms of load per operation) and once")
                .append(" warm (after ").append(f.warmLoadMillis()).append(" ms more per operation: our members'")
                .append(" JIT takes about two minutes of load to finish on 2 cores), kills its leader, and stops it;")
                .append(" which server goes first alternates. Sessions are spread")
                .append(" round-robin over the members, each with one member's address: the two followers first,")
                .append(" then the leader (one session goes through a follower; 32 give the leader 10).\n");
        sb.append("- mix: 9 getData and 1 setData in every 10 requests; multi: one multi of ")
                .append(Op.MULTI_SIZE).append(" setData on distinct znodes (one op); sync+getData: a sync and a")
                .append(" getData of the same znode sent back to back (one op, timed to the getData's reply).")
                .append(" Target: ops/s ours/ZooKeeper ≥ 1.0 in every cell, warm.\n\n");
        sb.append("Warm:\n\n");
        cellTable(sb, f.cells(), c -> 1.0);
        sb.append("Cold (the same repeats, before the warm-up):\n\n");
        cellTable(sb, f.coldCells(), null);
        List<LeaderKill.Gap> ok = f.kills().ours();
        List<LeaderKill.Gap> zk = f.kills().zookeeper();
        List<CatchUp.Time> oc = f.catchUps().ours();
        List<CatchUp.Time> zc = f.catchUps().zookeeper();
        if (ok.isEmpty() && zk.isEmpty() && oc.isEmpty() && zc.isEmpty()) {
            return;
        }
        sb.append("- Write gap: one writer session per member (that member's address alone, so it reconnects to it),")
                .append(" each setting its own znode's data one request at a time; after ")
                .append(LeaderKill.STEADY_MS).append(" ms the leader (srvr Mode: leader) gets SIGKILL. Timed from")
                .append(" the signal to the first acknowledged write sent after it by a writer whose member was not")
                .append(" the leader, and to every such writer's first; the member is then restarted and the full")
                .append(" ensemble awaited. Target for ours: ≤ ZooKeeper's.\n");
        if (!oc.isEmpty() || !zc.isEmpty()) {
            sb.append("- Catch-up: a follower stopped (SIGTERM) while znodes of 100 B are created through the")
                    .append(" other two (4 sessions, 200 pipelined), then started again on its data; timed from its")
                    .append(" launch to its srvr Zxid reaching the leader's.\n");
        }
        sb.append('\n');
        sb.append("| measure | ours | ZK | ours/ZK |\n");
        sb.append("|---|---:|---:|---:|\n");
        if (!ok.isEmpty() || !zk.isEmpty()) {
            double o1 = EnsembleBench.Figures.medianFirstAck(ok);
            double z1 = EnsembleBench.Figures.medianFirstAck(zk);
            double ratio = Stats.ratio(o1, z1);
            sb.append(row("leader SIGKILLed: kill to the first acknowledged write, ms (median of " + ok.size() + " / "
                    + zk.size() + " kills)" + (Double.isNaN(ratio) ? "" : ratio <= 1.0 ? "; target met"
                    : "; target **missed**"), millis(o1), millis(z1), ratio));
            double oa = EnsembleBench.Figures.medianAllAck(ok);
            double za = EnsembleBench.Figures.medianAllAck(zk);
            sb.append(row("leader SIGKILLed: kill to every surviving writer's first write, ms (median)", millis(oa),
                    millis(za), Stats.ratio(oa, za)));
        }
        if (!oc.isEmpty() || !zc.isEmpty()) {
            int n = (oc.isEmpty() ? zc : oc).get(0).znodes();
            double om = EnsembleBench.Figures.medianCatchUp(oc);
            double zm = EnsembleBench.Figures.medianCatchUp(zc);
            sb.append(row("catch-up after " + count(n) + " znodes were created without the member: launch to its"
                    + " zxid = the leader's, ms (median of " + oc.size() + " / " + zc.size() + ")", millis(om),
                    millis(zm), Stats.ratio(om, zm)));
            double of = Stats.median(oc.stream().map(CatchUp.Time::fillSeconds).toList());
            double zf = Stats.median(zc.stream().map(CatchUp.Time::fillSeconds).toList());
            sb.append(row("creating those znodes with one member away, s (median)", millis(of), millis(zf),
                    Stats.ratio(of, zf)));
        }
        sb.append('\n');
        if (!ok.isEmpty() || !zk.isEmpty()) {
            sb.append("Each kill (killed leader → new leader, kill to first / to every writer's first write, writes")
                    .append(" that failed meanwhile):\n\n- ours: ").append(perKill(ok)).append("\n- ZK: ")
                    .append(perKill(zk)).append("\n\n");
        }
    }

    private static String perKill(List<LeaderKill.Gap> gaps) {
        List<String> parts = new java.util.ArrayList<>();
        for (LeaderKill.Gap g : gaps) {
            parts.add(g.killedLeader() + " → " + g.newLeader() + ", " + millis(g.firstAckMillis()) + " / "
                    + millis(g.allAckMillis()) + " ms, " + g.failedWrites() + " failed"
                    + (g.firstFailure() == null ? "" : " (" + g.firstFailure() + ")"));
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static String perRepeat(FloodBench.Figures f) {
        List<String> parts = new java.util.ArrayList<>();
        for (FloodBench.Repeat r : f.repeats()) {
            parts.add(millis(r.p99QuietUs() / 1000) + " → " + millis(r.p99FloodUs() / 1000));
        }
        return String.join(", ", parts);
    }

    private static void startup(StringBuilder sb, StartupBench.Figures f) {
        ServerKind ours = ServerKind.OURS;
        ServerKind zk = ServerKind.ZOOKEEPER;
        int reps = Math.max(f.runs(ours, ours).size(), f.runs(zk, zk).size());
        sb.append("## Start-up with ").append(count(f.znodes())).append(" znodes\n\n");
        sb.append("- From the directory each server left after the snapshot measurement (stopped with SIGTERM),")
                .append(" reduced to what a start reads (the newest snapshot and the logs after it: ours ")
                .append(mib(f.imageBytes().getOrDefault(ours, -1L))).append(", ZK ")
                .append(mib(f.imageBytes().getOrDefault(zk, -1L)))
                .append("), copied afresh and flushed to disk before each start (so it starts from the page cache);")
                .append(" both servers write a snapshot of the tree before they serve. Timed from process launch")
                .append(" to srvr answering Mode: standalone (polled every 20 ms), and to the first getData reply of")
                .append(" a stock client opened then. Median of ").append(reps)
                .append(" starts; order alternated. Target: ours/ZK ≤ 1.0.\n\n");
        sb.append("| measure | ours | ZK | ours/ZK |\n");
        sb.append("|---|---:|---:|---:|\n");
        startupRows(sb, f, "each on its own directory", ours, zk);
        startupRows(sb, f, "both on ours' directory", ours, ours);
        startupRows(sb, f, "both on ZooKeeper's directory", zk, zk);
        sb.append('\n');
        sb.append("Nodes srvr reported: ours on its own ").append(f.nodes(ours, ours)).append(", on ZK's ")
                .append(f.nodes(ours, zk)).append("; ZK on its own ").append(f.nodes(zk, zk)).append(", on ours' ")
                .append(f.nodes(zk, ours)).append(".\n\n");
    }

    /** Rows for ours started on {@code oursDir}'s directory against ZooKeeper on {@code zkDir}'s. */
    private static void startupRows(StringBuilder sb, StartupBench.Figures f, String what, ServerKind oursDir,
                                    ServerKind zkDir) {
        double or = f.medianReadyMillis(ServerKind.OURS, oursDir);
        double zr = f.medianReadyMillis(ServerKind.ZOOKEEPER, zkDir);
        double od = f.medianReadMillis(ServerKind.OURS, oursDir);
        double zd = f.medianReadMillis(ServerKind.ZOOKEEPER, zkDir);
        sb.append(row("launch to Mode: standalone, " + what + ", ms", millis(or), millis(zr), Stats.ratio(or, zr)));
        sb.append(row("launch to first getData reply, " + what + ", ms", millis(od), millis(zd),
                Stats.ratio(od, zd)));
    }

    private static String row(String what, String ours, String zk, double ratio) {
        return "| " + what + " | " + ours + " | " + zk + " | " + ratio(ratio) + " |\n";
    }

    static String count(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String micros(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String millis(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
