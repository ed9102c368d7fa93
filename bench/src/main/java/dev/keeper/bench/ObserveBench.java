package dev.keeper.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The observability part ({@code --only=observe}): what watching our server costs it, and whether the heap its web
 * console says the watches take is what a heap histogram counts.
 *
 * <ul>
 *   <li>Throughput: our server alone, with the AdminServer (and its console) and ZooKeeper's Prometheus provider on,
 *   carries the {@link Op#WATCH_MIX} load; repeats with {@link Observers} running (a scrape every second, the
 *   console's event stream held open, its overview polled every 2 s) alternate with repeats without. Target:
 *   median ops/s observed / unobserved at least {@link #THROUGHPUT_TARGET}.</li>
 *   <li>Watch heap: on a fresh server, {@code sessions} raw sessions each set a data watch on every one of
 *   {@code paths} znodes; the heap they take is the difference of two class histograms
 *   ({@link ClassHistogram}), before and after. On ours, the console's {@code heapBytes} must be within
 *   {@link #HEAP_TOLERANCE} of it; ZooKeeper 3.9.5's is measured alike, for context.</li>
 * </ul>
 */
final class ObserveBench {
    static final String PROMETHEUS_PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    static final String WATCHES = "/console/api/watches";
    static final double THROUGHPUT_TARGET = 0.95;
    static final double HEAP_TOLERANCE = 0.10;
    static final String ROOT = "/wh";
    private static final String WARM = "/whwarm";
    private static final int RAW_TIMEOUT_MS = 30_000;
    static final int WATCH_THREADS = 4;
    /** getData requests written at a time per raw session; 4 threads x 250 stay within globalOutstandingLimit. */
    static final int WATCH_WINDOW = 250;
    private static final int TOP_CLASSES = 8;
    private static final int HTTP_TIMEOUT_MS = 30_000;
    private static final long BULK_TIMEOUT_MS = 300_000;
    private static final Set<KeeperException.Code> OK = EnumSet.of(KeeperException.Code.OK);

    private ObserveBench() {
    }

    /** One repeat: observed or not, the load's figures, and what the observers consumed (null unobserved). */
    record Run(boolean observed, CellRun run, Observers.Counts counts) {
    }

    /**
     * The throughput measurement.
     *
     * @param cell          the load: {@link Op#WATCH_MIX}, sessions, throughput mode
     * @param window        requests outstanding per session
     * @param serverWarmupMillis the unmeasured warm-up before the first repeat, observers running
     * @param warmupMillis  unmeasured load before each repeat's measured span (observers already running)
     * @param measureMillis each repeat's measured span
     * @param runs          every repeat, in the order run
     */
    record Throughput(Cell cell, int window, long serverWarmupMillis, long warmupMillis, long measureMillis,
                      List<Run> runs) {
        Throughput {
            runs = List.copyOf(runs);
        }

        List<Run> runs(boolean observed) {
            return runs.stream().filter(r -> r.observed() == observed).toList();
        }

        double medianOpsPerSecond(boolean observed) {
            return median(runs(observed), r -> r.run().opsPerSecond());
        }

        double medianP50(boolean observed) {
            return median(runs(observed), r -> r.run().p50Micros());
        }

        double medianP99(boolean observed) {
            return median(runs(observed), r -> r.run().p99Micros());
        }

        /** Median ops/s observed over median ops/s unobserved. */
        double ratio() {
            return Stats.ratio(medianOpsPerSecond(true), medianOpsPerSecond(false));
        }

        /**
         * Each repeat's own ratio, observed ops/s over the unobserved run beside it (repeat i's pair ran back to
         * back), in order: less moved by drift over the run than the ratio of medians.
         */
        List<Double> pairRatios() {
            List<Run> o = runs(true);
            List<Run> u = runs(false);
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < Math.min(o.size(), u.size()); i++) {
                out.add(Stats.ratio(o.get(i).run().opsPerSecond(), u.get(i).run().opsPerSecond()));
            }
            return out;
        }

        double medianPairRatio() {
            return Stats.median(pairRatios());
        }

        long errors(boolean observed) {
            return runs(observed).stream().mapToLong(r -> r.run().errors()).sum();
        }

        private List<Observers.Counts> counts() {
            return runs(true).stream().map(Run::counts).filter(c -> c != null).toList();
        }

        long totalScrapes() {
            return counts().stream().mapToLong(Observers.Counts::scrapes).sum();
        }

        long totalScrapeBytes() {
            return counts().stream().mapToLong(Observers.Counts::scrapeBytes).sum();
        }

        double slowestScrapeMillis() {
            return counts().stream().mapToDouble(Observers.Counts::slowestScrapeMillis).max().orElse(Double.NaN);
        }

        long totalOverviews() {
            return counts().stream().mapToLong(Observers.Counts::overviews).sum();
        }

        long totalEvents() {
            return counts().stream().mapToLong(Observers.Counts::events).sum();
        }

        long totalEventLines() {
            return counts().stream().mapToLong(Observers.Counts::eventLines).sum();
        }

        long totalKeepalives() {
            return counts().stream().mapToLong(Observers.Counts::keepalives).sum();
        }

        double observedSeconds() {
            return counts().stream().mapToDouble(Observers.Counts::seconds).sum();
        }

        double medianEventsPerSecond() {
            return Stats.median(counts().stream().map(Observers.Counts::eventsPerSecond).toList());
        }

        long observerErrors() {
            return counts().stream().mapToLong(Observers.Counts::errors).sum();
        }

        String firstObserverError() {
            return counts().stream().map(Observers.Counts::firstError).filter(e -> e != null).findFirst()
                    .orElse(null);
        }

        /** Observed repeats whose event stream never answered 200 as text/event-stream. */
        long streamsNotConnected() {
            return counts().stream().filter(c -> !c.eventsConnected()).count();
        }
    }

    /**
     * The console's watch figures at one moment.
     *
     * @param watches                {@code /console/api/watches}'s {@code watches}
     * @param paths                  its {@code paths}
     * @param sessions               its {@code sessions}
     * @param heapBytes              its {@code heapBytes}: the server's estimate of its watch tables' heap
     * @param overviewWatches        {@code /console/api/overview}'s {@code watches}
     * @param overviewWatchHeapBytes its {@code watchHeapBytes}
     */
    record Console(long watches, long paths, long sessions, long heapBytes, long overviewWatches,
                   long overviewWatchHeapBytes) {
    }

    /**
     * The watch-heap measurement on one server.
     *
     * @param sessions             raw sessions, each watching every path
     * @param paths                znodes watched
     * @param held                 the server's own count ({@code wchs} "Total watches") after
     * @param histogramBeforeBytes class histogram total before the watches (sessions open)
     * @param histogramAfterBytes  the same after
     * @param usedBeforeBytes      G1's used heap after full collections ({@link HeapProbe}) before
     * @param usedAfterBytes       the same after
     * @param setSeconds           setting every watch took
     * @param consoleBefore        the console's figures before (null: no console, or it failed)
     * @param consoleAfter         the console's figures after
     * @param consoleError         why the console's figures are missing on a server that should have them, or null
     * @param topClasses           the classes whose bytes grew most
     */
    record WatchHeap(int sessions, int paths, long held, long histogramBeforeBytes, long histogramAfterBytes,
                     long usedBeforeBytes, long usedAfterBytes, double setSeconds, Console consoleBefore,
                     Console consoleAfter, String consoleError, List<ClassHistogram.Delta> topClasses) {
        WatchHeap {
            topClasses = List.copyOf(topClasses);
        }

        long watches() {
            return (long) sessions * paths;
        }

        /** What the class histogram says the watches take. */
        long histogramBytes() {
            return histogramAfterBytes - histogramBeforeBytes;
        }

        long usedBytes() {
            return usedAfterBytes - usedBeforeBytes;
        }

        double histogramBytesPerWatch() {
            return (double) histogramBytes() / watches();
        }

        double perMillion(double bytes) {
            return bytes * (1_000_000.0 / watches());
        }

        /** The console's heapBytes after, or NaN without it. */
        double consoleBytes() {
            return consoleAfter == null || consoleAfter.heapBytes() < 0 ? Double.NaN : consoleAfter.heapBytes();
        }

        double consoleBytesPerWatch() {
            return consoleBytes() / watches();
        }

        /** Console heapBytes over the histogram's difference: 1 is exact. */
        double consoleOverHistogram() {
            return Stats.ratio(consoleBytes(), histogramBytes());
        }

        boolean consoleWithinTolerance() {
            double r = consoleOverHistogram();
            return !Double.isNaN(r) && Math.abs(r - 1) <= HEAP_TOLERANCE;
        }

        double watchesPerSecond() {
            return setSeconds > 0 ? watches() / setSeconds : Double.NaN;
        }
    }

    /**
     * The part's figures; each null when its measurement failed (the report's problems say why).
     *
     * @param throughput    ours observed against unobserved
     * @param oursHeap      ours: histogram and console
     * @param zookeeperHeap ZooKeeper 3.9.5: histogram only
     */
    record Figures(Throughput throughput, WatchHeap oursHeap, WatchHeap zookeeperHeap) {
    }

    /** The zoo.cfg lines that turn the AdminServer on (loopback, {@code adminPort}). */
    static String[] adminCfg(int adminPort) {
        return new String[] {"admin.enableServer=true", "admin.serverAddress=127.0.0.1",
                "admin.serverPort=" + adminPort};
    }

    /** The zoo.cfg lines of ZooKeeper's Prometheus provider on loopback, {@code metricsPort}. */
    static String[] prometheusCfg(int metricsPort) {
        return new String[] {"metricsProvider.className=" + PROMETHEUS_PROVIDER, "metricsProvider.httpHost=127.0.0.1",
                "metricsProvider.httpPort=" + metricsPort};
    }

    /**
     * Runs the watched mix on {@code server} (ours, started with {@link #adminCfg} and {@link #prometheusCfg}):
     * an unmeasured warm-up with the observers running, then {@code repeats} observed and {@code repeats}
     * unobserved repeats, alternating which goes first.
     */
    static Throughput throughput(ServerProcess server, int metricsPort, int adminPort, int sessions, int window,
                                 byte[] data, long serverWarmupMs, long warmupMs, long measureMs, int repeats,
                                 Consumer<String> log, Consumer<String> note)
            throws IOException, InterruptedException {
        for (String[] endpoint : new String[][] {{Integer.toString(metricsPort), Observers.METRICS},
                {Integer.toString(adminPort), Observers.OVERVIEW}}) {
            try {
                MiniHttp.Fetched f = MiniHttp.get(Integer.parseInt(endpoint[0]), endpoint[1], HTTP_TIMEOUT_MS);
                log.accept("observe: GET " + endpoint[1] + " on port " + endpoint[0] + ": " + f.status() + ", "
                        + f.body().length + " bytes");
                if (f.status() != 200) {
                    note.accept("observe: GET " + endpoint[1] + " answered " + f.status() + " before the load");
                }
            } catch (IOException e) {
                note.accept("observe: GET " + endpoint[1] + " on port " + endpoint[0] + " failed before the load: "
                        + e);
            }
        }
        Cell cell = new Cell(Op.WATCH_MIX, sessions, Mode.THROUGHPUT);
        List<Run> runs = new ArrayList<>();
        try (LoadTarget target = LoadTarget.open(server, sessions, data, window)) {
            // The observers run through the warm-up, so the server's HTTP paths are compiled too.
            Observers warm = Observers.start(metricsPort, adminPort);
            try {
                target.warmUp(List.of(Op.WATCH_MIX), serverWarmupMs);
            } finally {
                Observers.Counts c = warm.stop();
                log.accept(String.format(Locale.ROOT, "observe: warm-up with observers: %d scrapes, %d overviews,"
                        + " %d watch events%s", c.scrapes(), c.overviews(), c.events(),
                        c.errors() > 0 ? ", " + c.errors() + " errors (" + c.firstError() + ")" : ""));
            }
            for (int rep = 0; rep < repeats; rep++) {
                for (boolean observed : rep % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    if (!server.alive()) {
                        throw new IOException("ours died during the observe part:\n" + server.logTail(40));
                    }
                    Observers obs = observed ? Observers.start(metricsPort, adminPort) : null;
                    CellRun run;
                    Observers.Counts counts = null;
                    try {
                        run = target.run(cell, warmupMs, measureMs);
                    } finally {
                        if (obs != null) {
                            counts = obs.stop();
                        }
                    }
                    runs.add(new Run(observed, run, counts));
                    log.accept(String.format(Locale.ROOT, "observe %s rep %d/%d %-10s %,10.0f ops/s  p50 %8.1f us"
                                    + "  p99 %9.1f us%s%s", cell, rep + 1, repeats,
                            observed ? "observed" : "unobserved", run.opsPerSecond(), run.p50Micros(),
                            run.p99Micros(), counts == null ? "" : String.format(Locale.ROOT,
                                    "  [%d scrapes, %,d B; %d overviews; %,d events, %,d lines%s]", counts.scrapes(),
                                    counts.scrapeBytes(), counts.overviews(), counts.events(), counts.eventLines(),
                                    counts.errors() > 0 ? "; " + counts.errors() + " errors: " + counts.firstError()
                                            : ""),
                            run.errors() > 0 ? "  errors " + run.errors() + " (" + run.firstError() + ")" : ""));
                }
            }
        }
        return new Throughput(cell, window, serverWarmupMs, warmupMs, measureMs, runs);
    }

    /**
     * Sets {@code sessions} x {@code paths} data watches on a fresh {@code server} and measures their heap;
     * {@code adminPort} &gt; 0 reads the console's figures too (ours).
     */
    static WatchHeap watchHeap(ServerProcess server, int adminPort, int sessions, int paths, Consumer<String> log)
            throws IOException, InterruptedException {
        List<String> nodes = new ArrayList<>(paths);
        for (int i = 0; i < paths; i++) {
            nodes.add(ROOT + "/n" + i);
        }
        try (StockSessions pool = StockSessions.open(server.connectString(), 1)) {
            List<ZooKeeper> one = pool.first(1);
            String[] top = {ROOT, WARM};
            Pipeline.run("create " + ROOT, one, top.length, 1, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create(top[(int) i], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            Pipeline.run("create watched znodes", one, paths, 200, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                    zk.create(nodes.get((int) i), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> done.accept(rc), null));
            try (RawWatchSessions raw = RawWatchSessions.open(server.port(), sessions, RAW_TIMEOUT_MS)) {
                raw.startPinging();
                // Every session sets one watch that then fires, and the console is read once: whatever the server
                // builds lazily for a session's first watch, or for the console, is there before the baseline.
                raw.watchAll(List.of(WARM), WATCH_THREADS, 1);
                Pipeline.run("fire the warm-up watches", one, 1, 1, OK, BULK_TIMEOUT_MS, (zk, s, i, done) ->
                        zk.setData(WARM, new byte[1], -1, (rc, path, ctx, stat) -> done.accept(rc), null));
                Thread.sleep(500);
                String consoleError = null;
                Console before = null;
                if (adminPort > 0) {
                    try {
                        console(adminPort);
                        before = console(adminPort);
                    } catch (IOException e) {
                        consoleError = e.getMessage();
                    }
                }
                long usedBefore = HeapProbe.usedAfterFullGc(server.pid());
                ClassHistogram.Histogram histBefore = ClassHistogram.take(server.pid());
                log.accept(String.format(Locale.ROOT, "observe: %s, %d sessions open, before the watches: histogram"
                                + " %s, G1 used %s%s", server.kind().label(), raw.size(),
                        MarkdownReport.mib(histBefore.totalBytes()), MarkdownReport.mib(usedBefore),
                        before == null ? "" : ", console " + before));

                long t0 = System.nanoTime();
                raw.watchAll(nodes, WATCH_THREADS, WATCH_WINDOW);
                double setSeconds = (System.nanoTime() - t0) / 1e9;

                long usedAfter = HeapProbe.usedAfterFullGc(server.pid());
                ClassHistogram.Histogram histAfter = ClassHistogram.take(server.pid());
                long held = MemoryBench.watchesReported(server.fourLetterWord("wchs"));
                Console after = null;
                if (adminPort > 0 && consoleError == null) {
                    try {
                        after = console(adminPort);
                    } catch (IOException e) {
                        consoleError = e.getMessage();
                    }
                }
                if (raw.pingFailure() != null) {
                    throw new IOException(raw.pingFailure());
                }
                WatchHeap w = new WatchHeap(sessions, paths, held, histBefore.totalBytes(), histAfter.totalBytes(),
                        usedBefore, usedAfter, setSeconds, before, after, consoleError,
                        ClassHistogram.top(histBefore, histAfter, TOP_CLASSES));
                log.accept(String.format(Locale.ROOT, "observe: %s, %,d watches set in %.1f s (wchs: %,d):"
                                + " histogram +%s (%.1f B/watch), G1 used +%s%s", server.kind().label(),
                        w.watches(), setSeconds, held, MarkdownReport.mib(w.histogramBytes()),
                        w.histogramBytesPerWatch(), MarkdownReport.mib(w.usedBytes()),
                        after == null ? (consoleError == null ? "" : "; console: " + consoleError)
                                : String.format(Locale.ROOT, "; console heapBytes %s (%.1f B/watch, %.3f of the"
                                        + " histogram's), watches %,d", MarkdownReport.mib(after.heapBytes()),
                                w.consoleBytesPerWatch(), w.consoleOverHistogram(), after.watches())));
                for (ClassHistogram.Delta d : w.topClasses()) {
                    log.accept(String.format(Locale.ROOT, "observe: %s   %+,14d B %+,11d instances  %s",
                            server.kind().label(), d.bytes(), d.instances(), d.className()));
                }
                return w;
            }
        }
    }

    /** The console's watch figures: {@code /console/api/watches} and {@code /console/api/overview}. */
    static Console console(int adminPort) throws IOException {
        MiniHttp.Fetched w = MiniHttp.get(adminPort, WATCHES + "?limit=5", HTTP_TIMEOUT_MS);
        if (w.status() != 200) {
            throw new IOException("GET " + WATCHES + " answered " + w.status() + ": " + snippet(w.text()));
        }
        MiniHttp.Fetched o = MiniHttp.get(adminPort, Observers.OVERVIEW, HTTP_TIMEOUT_MS);
        if (o.status() != 200) {
            throw new IOException("GET " + Observers.OVERVIEW + " answered " + o.status() + ": " + snippet(o.text()));
        }
        String wj = w.text();
        String oj = o.text();
        return new Console(JsonFields.number(wj, "watches"), JsonFields.number(wj, "paths"),
                JsonFields.number(wj, "sessions"), JsonFields.number(wj, "heapBytes"),
                JsonFields.number(oj, "watches"), JsonFields.number(oj, "watchHeapBytes"));
    }

    private static String snippet(String s) {
        String t = s.strip().replace('\n', ' ');
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run r : runs) {
            v.add(f.applyAsDouble(r));
        }
        return Stats.median(v);
    }
}
