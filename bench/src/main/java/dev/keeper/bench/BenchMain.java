package dev.keeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the benchmark: our server and the real ZooKeeper 3.9.5 as two processes started alike, the same load on
 * each, and one report of ratios. Started by {@code bench/run.sh}, which builds the jars and class paths first.
 * Exits 0 when both servers got through every measurement without error, 1 when the report lists problems,
 * 2 on bad arguments.
 */
public final class BenchMain {
    private static final java.time.format.DateTimeFormatter CLOCK =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");
    private final Options options;
    private final List<String> notes = new ArrayList<>();
    private String loadDuring = "unknown";

    private BenchMain(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new BenchMain(options).run());
    }

    private int run() throws IOException, InterruptedException {
        Options o = options;
        String startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadBefore = loadAverage();
        if (!Files.isRegularFile(o.serverJar())) {
            throw new IOException("our server jar " + o.serverJar().toAbsolutePath() + " is missing; build it with"
                    + " mvn -q -B -pl server -am package -DskipTests");
        }
        String zkClasspath = Files.readString(o.zookeeperClasspathFile(), StandardCharsets.UTF_8).trim();
        Path runDir = Files.createTempDirectory("keeper-bench-");
        Path logback = runDir.resolve("server-logback.xml");
        Files.writeString(logback, ServerSetup.logbackXml(false));
        Path persistenceLogback = runDir.resolve("server-logback-persistence.xml");
        Files.writeString(persistenceLogback, ServerSetup.logbackXml(true));
        ServerSetup setup = new ServerSetup(o.serverJar(), zkClasspath, o.heap(), o.tickTime(), o.fsync(), 0,
                logback);
        // The durability parts always fsync, whatever --fsync says for the others.
        ServerSetup durableSetup = setup.withFsync(true);
        ServerSetup bigTreeSetup = durableSetup.withLogback(persistenceLogback);
        byte[] data = payload(100);
        String disk = describeDisk(runDir);
        log("run directory (server configs, logs and data directories, all on " + disk + "): " + runDir);

        List<Report.CellRow> cells = List.of();
        List<Report.CellRow> durable = List.of();
        Report.Pair<MemoryBench.Figures> memory = null;
        Report.Pair<FanOutBench.Figures> fanOut = null;
        Report.Pair<SnapshotBench.Figures> snapshot = null;
        StartupBench.Figures startup = null;
        Report.Pair<FloodBench.Figures> flood = null;
        EnsembleBench.Figures ensemble = null;
        TlsBench.Figures tls = null;
        ObserveBench.Figures observe = null;
        try (ProcessGuard guard = new ProcessGuard(); LoadSampler sampler = new LoadSampler()) {
            if (o.phases().contains(Options.Phase.LOAD)) {
                cells = runLoad("load", setup, o.ops(), runDir, guard, data);
            }
            if (o.phases().contains(Options.Phase.MEMORY)) {
                memory = runMemory(setup, runDir, guard, data);
            }
            if (o.phases().contains(Options.Phase.FANOUT)) {
                fanOut = runFanOut(setup, runDir, guard);
            }
            if (o.phases().contains(Options.Phase.DURABLE)) {
                durable = runLoad("durable", durableSetup, List.of(Op.CREATE, Op.SET_DATA), runDir, guard, data);
            }
            if (o.phases().contains(Options.Phase.SNAPSHOT) || o.phases().contains(Options.Phase.STARTUP)) {
                BigTreeResults big = runBigTree(bigTreeSetup, runDir, guard, data);
                snapshot = big.snapshot();
                startup = big.startup();
            }
            if (o.phases().contains(Options.Phase.FLOOD)) {
                flood = runFlood(setup, runDir, guard);
            }
            if (o.phases().contains(Options.Phase.ENSEMBLE)) {
                // Three members of each server, fsync on (a quorum's durability is what the part measures), a
                // smaller heap each; the ensembles take turns, never running at once.
                log("ensemble: members with -Xmx" + o.ensembleHeap() + ", fsync on, " + o.repeats() + " repeats, "
                        + o.ensembleKills() + " leader kill(s) per repeat, catch-up of " + o.catchupZnodes()
                        + " znodes; load average " + loadAverage());
                ensemble = new EnsembleBench(o, durableSetup.withHeap(o.ensembleHeap()), runDir, guard, data,
                        BenchMain::log, this::note).measure();
            }
            if (o.phases().contains(Options.Phase.TLS)) {
                tls = runTls(setup, runDir, guard, data);
            }
            if (o.phases().contains(Options.Phase.OBSERVE)) {
                observe = runObserve(setup, runDir, guard, data);
            }
            loadDuring = sampler.summary();
        }
        Report.Meta meta = new Report.Meta(startedAt, o.quick(), o.fsync(), o.repeats(), o.warmupMillis(),
                o.measureMillis(), o.window(), o.heap(), o.tickTime(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(), loadDuring, disk);
        Report report = new Report(meta, cells, memory, fanOut, durable, snapshot, startup, flood, ensemble, tls,
                observe, List.copyOf(notes));
        String md = MarkdownReport.render(report);
        Files.createDirectories(o.outDir());
        System.out.println(md);
        if (o.phases().equals(EnumSet.allOf(Options.Phase.class))) {
            Files.writeString(o.outDir().resolve("latest.md"), md);
            Files.writeString(o.outDir().resolve("latest.json"), RawResults.json(report));
            Files.writeString(o.outDir().resolve("latest.csv"), RawResults.csv(report));
            log("written " + o.outDir().resolve("latest.md") + ", latest.json and latest.csv");
        } else {
            // A partial run keeps its own files, and updates latest.md's sections for what it re-ran only.
            String name = "only-" + String.join("-", o.phases().stream()
                    .map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
            Files.writeString(o.outDir().resolve(name + ".md"), md);
            Files.writeString(o.outDir().resolve(name + ".json"), RawResults.json(report));
            Files.writeString(o.outDir().resolve(name + ".csv"), RawResults.csv(report));
            Path latest = o.outDir().resolve("latest.md");
            String previous = Files.isRegularFile(latest) ? Files.readString(latest) : null;
            Files.writeString(latest, ReportMerge.merge(md, previous, o.phases()));
            log("written " + o.outDir().resolve(name + ".md") + " (.json, .csv), and its sections into " + latest
                    + " (latest.json and latest.csv stay those of the last full run)");
        }
        return notes.isEmpty() ? 0 : 1;
    }

    private List<Report.CellRow> runLoad(String phase, ServerSetup setup, List<Op> ops, Path runDir,
                                         ProcessGuard guard, byte[] data) throws IOException, InterruptedException {
        Options o = options;
        log(phase + ": fsync " + (setup.fsync() ? "on" : "off") + ", load average " + loadAverage());
        int maxSessions = o.sessionCounts().stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Report.CellRow> rows = new ArrayList<>();
        Map<ServerKind, ServerProcess> servers = new EnumMap<>(ServerKind.class);
        Map<ServerKind, LoadTarget> targets = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                ServerProcess server = ServerProcess.start(kind, setup, runDir, guard);
                servers.put(kind, server);
                log(phase + ": started " + server);
                targets.put(kind, LoadTarget.open(server, maxSessions, data, o.window()));
            }
            for (ServerKind kind : ServerKind.values()) {
                log(phase + ": warming up " + kind.label());
                targets.get(kind).warmUp(ops, o.serverWarmupMillis());
            }
            for (Op op : ops) {
                for (int sessions : o.sessionCounts()) {
                    for (Mode mode : Mode.values()) {
                        Cell cell = new Cell(op, sessions, mode);
                        Map<ServerKind, List<CellRun>> runs = new EnumMap<>(ServerKind.class);
                        for (ServerKind kind : ServerKind.values()) {
                            runs.put(kind, new ArrayList<>());
                        }
                        for (int rep = 0; rep < o.repeats(); rep++) {
                            for (ServerKind kind : order(rep)) {
                                ServerProcess server = servers.get(kind);
                                if (!server.alive()) {
                                    throw new IOException(kind.label() + " died during the " + phase + " phase:\n"
                                            + server.logTail(40));
                                }
                                CellRun run = runOne(targets.get(kind), cell, kind, phase);
                                runs.get(kind).add(run);
                                log(String.format(Locale.ROOT, "%s %-28s rep %d/%d %-9s %,10.0f ops/s  p50 %8.1f us"
                                                + "  p99 %9.1f us%s", phase, cell, rep + 1, o.repeats(), kind.label(),
                                        run.opsPerSecond(), run.p50Micros(), run.p99Micros(),
                                        run.errors() > 0 ? "  errors " + run.errors() + " (" + run.firstError()
                                                + ")" : ""));
                            }
                        }
                        rows.add(new Report.CellRow(cell, runs.get(ServerKind.OURS),
                                runs.get(ServerKind.ZOOKEEPER)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            note(phase + " phase stopped: " + e.getMessage());
        } finally {
            for (LoadTarget t : targets.values()) {
                t.close();
            }
            for (ServerProcess s : servers.values()) {
                s.close();
            }
        }
        return rows;
    }

    /** Alternates which server goes first, so drift in the machine's load does not favour one side. */
    static List<ServerKind> order(int rep) {
        return rep % 2 == 0 ? List.of(ServerKind.OURS, ServerKind.ZOOKEEPER)
                : List.of(ServerKind.ZOOKEEPER, ServerKind.OURS);
    }

    private CellRun runOne(LoadTarget target, Cell cell, ServerKind kind, String phase) throws InterruptedException {
        try {
            CellRun run = target.run(cell, options.warmupMillis(), options.measureMillis());
            if (run.errors() > 0) {
                note(phase + ", " + kind.label() + ", " + cell + ": " + run.errors() + " requests failed, first with "
                        + run.firstError());
            }
            return run;
        } catch (IllegalStateException e) {
            note(phase + ", " + kind.label() + ", " + cell + ": " + e.getMessage() + "; server alive: "
                    + target.alive());
            return new CellRun(0, options.measureMillis() / 1000.0, Double.NaN, Double.NaN, 1, "FAILED");
        }
    }

    private Report.Pair<MemoryBench.Figures> runMemory(ServerSetup setup, Path runDir, ProcessGuard guard,
                                                      byte[] data) throws InterruptedException {
        Map<ServerKind, MemoryBench.Figures> figures = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            try (ServerProcess server = ServerProcess.start(kind, setup, runDir, guard)) {
                log("memory: " + server + ", " + options.memoryZnodes() + " znodes, " + options.memoryWatches()
                        + " watches");
                MemoryBench.Figures f = MemoryBench.measure(server, options.memoryZnodes(),
                        options.memoryWatches(), data);
                log(String.format(Locale.ROOT, "memory: %s baseline %s, +znodes %s, +watches %s, creates %,.0f/s",
                        kind.label(), MarkdownReport.mib(f.baselineBytes()), MarkdownReport.mib(f.znodesBytes()),
                        MarkdownReport.mib(f.watchesBytes()), f.createsPerSecond()));
                figures.put(kind, f);
            } catch (IOException | RuntimeException e) {
                note("memory, " + kind.label() + ": " + e.getMessage());
                return null;
            }
        }
        return new Report.Pair<>(figures.get(ServerKind.OURS), figures.get(ServerKind.ZOOKEEPER));
    }

    private Report.Pair<FanOutBench.Figures> runFanOut(ServerSetup setup, Path runDir, ProcessGuard guard)
            throws InterruptedException {
        Map<ServerKind, ServerProcess> servers = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                ServerProcess server = ServerProcess.start(kind, setup, runDir, guard);
                servers.put(kind, server);
                log("fan-out: " + server + ", " + options.fanOutSessions() + " sessions");
            }
            Map<ServerKind, FanOutBench.Figures> figures = FanOutBench.measure(servers, options.fanOutSessions(),
                    options.fanOutRepeats(), runDir, guard);
            for (Map.Entry<ServerKind, FanOutBench.Figures> e : figures.entrySet()) {
                FanOutBench.Figures f = e.getValue();
                log(String.format(Locale.ROOT, "fan-out: %s connect %.2f s, arm ms %s, last notification ms %s,"
                                + " median ms %s", e.getKey().label(), f.connectSeconds(), rounded(f.armMillis()),
                        rounded(f.lastMillis()), rounded(f.medianMillis())));
            }
            return new Report.Pair<>(figures.get(ServerKind.OURS), figures.get(ServerKind.ZOOKEEPER));
        } catch (IOException | RuntimeException e) {
            StringBuilder msg = new StringBuilder("fan-out: " + e.getMessage());
            for (ServerProcess s : servers.values()) {
                msg.append("\n").append(s).append(s.alive() ? " alive" : " DEAD, log tail:\n" + s.logTail(20));
            }
            note(msg.toString());
            return null;
        } finally {
            for (ServerProcess s : servers.values()) {
                s.close();
            }
        }
    }

    private Report.Pair<FloodBench.Figures> runFlood(ServerSetup setup, Path runDir, ProcessGuard guard)
            throws InterruptedException {
        Map<ServerKind, ServerProcess> servers = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                ServerProcess server = ServerProcess.start(kind, setup, runDir, guard);
                servers.put(kind, server);
                log("flood: " + server + ", " + options.floodFrames() + " malformed frames from "
                        + options.floodLanes() + " connections, " + options.repeats() + " repeats; load average "
                        + loadAverage());
            }
            Map<ServerKind, FloodBench.Figures> figures = FloodBench.measure(servers, options.floodFrames(),
                    options.floodLanes(), options.floodRate(), options.repeats(), BenchMain::log);
            for (Map.Entry<ServerKind, FloodBench.Figures> e : figures.entrySet()) {
                FloodBench.Figures f = e.getValue();
                if (f.problems() > 0) {
                    note("flood, " + e.getKey().label() + ": " + f.problems() + " malformed frames not answered as"
                            + " ZooKeeper 3.9.5 answers them, first: " + f.repeats().stream()
                            .flatMap(r -> r.flood().problems().stream()).findFirst().orElse("?"));
                }
                if (f.canaryErrors() > 0) {
                    note("flood, " + e.getKey().label() + ": " + f.canaryErrors() + " canary writes failed");
                }
            }
            return new Report.Pair<>(figures.get(ServerKind.OURS), figures.get(ServerKind.ZOOKEEPER));
        } catch (IOException | RuntimeException e) {
            StringBuilder msg = new StringBuilder("flood: " + e.getMessage());
            for (ServerProcess s : servers.values()) {
                msg.append("\n").append(s).append(s.alive() ? " alive" : " DEAD, log tail:\n" + s.logTail(20));
            }
            note(msg.toString());
            return null;
        } finally {
            for (ServerProcess s : servers.values()) {
                s.close();
            }
        }
    }

    /**
     * The TLS part: certificates made with keytool in the run directory, then each engine in turn on a fresh pair of
     * servers (fsync as --fsync says, as the load cells).
     */
    private TlsBench.Figures runTls(ServerSetup setup, Path runDir, ProcessGuard guard, byte[] data)
            throws InterruptedException {
        Options o = options;
        TlsCerts.Stores stores;
        try {
            stores = TlsCerts.generate(runDir.resolve("tls"), o.tlsStoreType());
        } catch (IOException | RuntimeException e) {
            note("tls: could not make the certificates with keytool: " + e.getMessage());
            return null;
        }
        List<Path> tcnative = List.of();
        if (o.tlsEngines().stream().anyMatch(e -> TlsBench.providerOf(e).equals("OPENSSL"))) {
            try {
                tcnative = classpathFile(o.tcnativeClasspathFile());
            } catch (IOException e) {
                note("tls: no netty-tcnative class path (" + e.getMessage() + "); the OPENSSL engine is measured"
                        + " without it, so our server fails to start with it");
            }
        }
        log("tls: " + stores.keys() + " keys in " + stores.type() + " stores (" + stores.serverKeyStore().getParent()
                + "), engines (/ssl.clientAuth when not need) " + o.tlsEngines() + ", netty-tcnative "
                + tcnative.stream().map(p -> p.getFileName().toString()).toList() + "; load average " + loadAverage());
        return new TlsBench(o, setup, stores, tcnative, runDir, guard, data, BenchMain::log, this::note).measure();
    }

    /**
     * The observability part: ours alone with the AdminServer and the Prometheus provider on, observed against
     * unobserved; then the watch heap on a fresh server of each kind (ours with the AdminServer, for its console).
     */
    private ObserveBench.Figures runObserve(ServerSetup setup, Path runDir, ProcessGuard guard, byte[] data)
            throws InterruptedException {
        Options o = options;
        ObserveBench.Throughput throughput = null;
        Map<ServerKind, ObserveBench.WatchHeap> heaps = new EnumMap<>(ServerKind.class);
        try {
            int[] ports = ServerProcess.freePorts(2);
            ServerSetup observed = setup.withCfg(ObserveBench.adminCfg(ports[0]))
                    .withCfg(ObserveBench.prometheusCfg(ports[1]));
            try (ServerProcess server = ServerProcess.start(ServerKind.OURS, observed, runDir, guard)) {
                log("observe: " + server + ", AdminServer on port " + ports[0] + ", Prometheus on port " + ports[1]
                        + "; " + o.observeSessions() + " sessions x " + o.window() + " pipelined, " + o.observeRepeats()
                        + " observed and " + o.observeRepeats() + " unobserved repeats; load average "
                        + loadAverage());
                throughput = ObserveBench.throughput(server, ports[1], ports[0], o.observeSessions(), o.window(),
                        data, o.observeWarmupMillis(), o.warmupMillis(), o.measureMillis(), o.observeRepeats(),
                        BenchMain::log, this::note);
            }
            log(String.format(Locale.ROOT, "observe: median ops/s observed %,.0f, unobserved %,.0f, ratio %.3f"
                            + " (target >= %.2f; median of the repeats' own ratios %.3f); %d scrapes, %d overviews,"
                            + " %,d watch events consumed",
                    throughput.medianOpsPerSecond(true), throughput.medianOpsPerSecond(false), throughput.ratio(),
                    ObserveBench.THROUGHPUT_TARGET, throughput.medianPairRatio(), throughput.totalScrapes(), throughput.totalOverviews(),
                    throughput.totalEvents()));
            if (throughput.observerErrors() > 0) {
                note("observe: " + throughput.observerErrors() + " observer requests failed, first: "
                        + throughput.firstObserverError());
            }
            if (throughput.totalEvents() == 0) {
                note("observe: the console's event stream carried no watch event during the observed repeats");
            }
            for (boolean obs : new boolean[] {true, false}) {
                if (throughput.errors(obs) > 0) {
                    note("observe, " + (obs ? "observed" : "unobserved") + ": " + throughput.errors(obs)
                            + " requests failed");
                }
            }
        } catch (IOException | RuntimeException e) {
            note("observe (throughput): " + e.getMessage());
        }
        int sessions = o.watchHeapSessions();
        int paths = o.watchHeapWatches() / sessions;
        for (ServerKind kind : ServerKind.values()) {
            try {
                int adminPort = kind == ServerKind.OURS ? ServerProcess.freePorts(1)[0] : -1;
                ServerSetup s = kind == ServerKind.OURS ? setup.withCfg(ObserveBench.adminCfg(adminPort)) : setup;
                try (ServerProcess server = ServerProcess.start(kind, s, runDir, guard)) {
                    log("observe: watch heap on " + server + ": " + sessions + " raw sessions x " + paths
                            + " znodes; load average " + loadAverage());
                    ObserveBench.WatchHeap w = ObserveBench.watchHeap(server, adminPort, sessions, paths,
                            BenchMain::log);
                    heaps.put(kind, w);
                    if (w.held() != w.watches()) {
                        note("observe, " + kind.label() + ": the server holds " + w.held() + " watches (wchs) after "
                                + w.watches() + " getData calls with watch=true");
                    }
                    if (kind == ServerKind.OURS) {
                        if (w.consoleAfter() == null) {
                            note("observe: no console figures from ours: " + w.consoleError());
                        } else {
                            if (w.consoleAfter().watches() != w.watches()) {
                                note("observe: the console shows " + w.consoleAfter().watches() + " watches, "
                                        + w.watches() + " were set");
                            }
                            if (!w.consoleWithinTolerance()) {
                                // A missed target is a figure (the table marks it), not a failure of the run.
                                log(String.format(Locale.ROOT, "observe: the console's heapBytes (%,d) is %.3f of"
                                                + " the class histogram's difference (%,d); target within %.0f%%",
                                        w.consoleAfter().heapBytes(), w.consoleOverHistogram(), w.histogramBytes(),
                                        ObserveBench.HEAP_TOLERANCE * 100));
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                note("observe (watch heap), " + kind.label() + ": " + e.getMessage());
            }
        }
        return new ObserveBench.Figures(throughput, heaps.get(ServerKind.OURS), heaps.get(ServerKind.ZOOKEEPER));
    }

    /** The jars a class path file (one line, separated by the path separator) names; each must exist. */
    static List<Path> classpathFile(Path file) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String entry : Files.readString(file, StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry.trim());
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " (named in " + file + ") is missing");
            }
            out.add(p);
        }
        if (out.isEmpty()) {
            throw new IOException(file + " names no jar");
        }
        return out;
    }

    private record BigTreeResults(Report.Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup) {
    }

    /**
     * The snapshot and start-up measurements share one big tree per server: each server fills its own directory
     * (fsync on), is stopped, restarted with a small snapCount under a steady load for the snapshot figures,
     * stopped again; the directories it leaves are what the start-up measurement starts from. One server at a
     * time, ours first: on two cores, the other's idle process would still take memory bandwidth and page cache.
     */
    private BigTreeResults runBigTree(ServerSetup setup, Path runDir, ProcessGuard guard, byte[] data)
            throws InterruptedException {
        Options o = options;
        boolean snapshots = o.phases().contains(Options.Phase.SNAPSHOT);
        Map<ServerKind, SnapshotBench.Figures> figures = new EnumMap<>(ServerKind.class);
        Map<ServerKind, Path> dirs = new EnumMap<>(ServerKind.class);
        StartupBench.Figures startup = null;
        try {
            for (ServerKind kind : ServerKind.values()) {
                Path dir = runDir.resolve("big-" + kind.label() + "-data");
                dirs.put(kind, dir);
                log("big tree: " + kind.label() + " creates " + String.format(Locale.ROOT, "%,d", o.bigZnodes())
                        + " znodes of 100 B (fsync on, default snapCount), load average " + loadAverage());
                SnapshotBench.Fill fill;
                try {
                    fill = SnapshotBench.fill(kind, setup, runDir, dir, guard, o.bigZnodes(), data);
                } catch (IOException | RuntimeException e) {
                    note("big tree, " + kind.label() + ": " + e.getMessage());
                    dirs.remove(kind);
                    ServerProcess.deleteTree(dir);
                    continue;
                }
                log(String.format(Locale.ROOT, "big tree: %s created them in %.1f s (%,.0f/s); stopped in %.0f ms%s",
                        kind.label(), fill.seconds(), fill.createsPerSecond(), fill.stop().millis(),
                        fill.stop().forced() ? ", KILLED after the grace time" : ""));
                if (fill.stop().forced()) {
                    note("big tree: " + kind.label() + " did not stop within the grace time after SIGTERM");
                }
                if (!snapshots) {
                    continue;
                }
                log("snapshot: " + kind.label() + " restarts on that tree with snapCount " + o.snapCount()
                        + "; steady setData at " + o.snapshotRate() + "/s until " + o.snapshots()
                        + " snapshot(s) are written; load average " + loadAverage());
                SnapshotBench.Figures f;
                try {
                    f = SnapshotBench.measure(kind, setup.withSnapCount(o.snapCount()), runDir, fill, guard,
                            o.snapshotRate(), o.snapshots(), o.snapshotWarmupMillis(), data);
                } catch (IOException | RuntimeException e) {
                    // The directory may still serve the start-up measurement: it was stopped like any other.
                    note("snapshot, " + kind.label() + ": " + e.getMessage());
                    continue;
                }
                figures.put(kind, f);
                SnapshotWindows.Split sp = f.split();
                log(String.format(Locale.ROOT, "snapshot: %s restart %.0f ms; %d snapshots %s; p99 without %.0f us"
                                + " (%d samples), during %.0f us (%d samples), ratio %.2f; max without %.0f us,"
                                + " during %.0f us; errors %d",
                        kind.label(), f.restartMillis(), f.snapshots().size(),
                        f.snapshots().stream().map(x -> x.serverMillis() + " ms").toList(), sp.p99WithoutUs(),
                        sp.without(), sp.p99DuringUs(), sp.during(), sp.ratio(), sp.maxWithoutUs(),
                        sp.maxDuringUs(), f.errors()));
                if (f.problem() != null) {
                    note("snapshot: " + f.problem());
                }
                if (f.errors() > 0) {
                    note("snapshot, " + kind.label() + ": " + f.errors() + " setData requests failed, first with "
                            + f.firstError());
                }
                if (f.notSent() > 0) {
                    note("snapshot, " + kind.label() + ": " + f.notSent() + " sends skipped with "
                            + SteadyWriter.MAX_OUTSTANDING + " requests unanswered (the server stalled)");
                }
                if (f.skipped() > 0) {
                    note("snapshot, " + kind.label() + ": the server logged 'Too busy to snap' " + f.skipped()
                            + " times");
                }
                if (f.stop() != null && f.stop().forced()) {
                    note("snapshot: " + kind.label() + " did not stop within the grace time after SIGTERM");
                }
            }
            if (o.phases().contains(Options.Phase.STARTUP)) {
                log("start-up: " + o.startupRepeats() + " start(s) per server and directory, load average "
                        + loadAverage());
                if (dirs.isEmpty()) {
                    note("start-up: no server got its big tree; nothing to start from");
                } else {
                    startup = StartupBench.measure(dirs, setup, runDir, guard, o.startupRepeats(), o.bigZnodes(),
                            notes);
                }
            }
        } catch (IOException | RuntimeException e) {
            note("big tree (snapshot/start-up): " + e.getMessage());
        } finally {
            for (Path dir : dirs.values()) {
                ServerProcess.deleteTree(dir);
            }
        }
        Report.Pair<SnapshotBench.Figures> pair = figures.size() == 2
                ? new Report.Pair<>(figures.get(ServerKind.OURS), figures.get(ServerKind.ZOOKEEPER)) : null;
        return new BigTreeResults(pair, startup);
    }

    /** The device and file system type of the directory both servers' data and logs are in. */
    private static String describeDisk(Path dir) {
        try {
            java.nio.file.FileStore store = Files.getFileStore(dir);
            return store.name() + " (" + store.type() + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String rounded(List<Double> values) {
        List<String> out = new ArrayList<>();
        for (double v : values) {
            out.add(String.format(Locale.ROOT, "%.1f", v));
        }
        return out.toString();
    }

    private void note(String problem) {
        notes.add(problem);
        log("PROBLEM: " + problem);
    }

    private static void log(String line) {
        System.err.println("[bench " + java.time.LocalTime.now().format(CLOCK) + "] " + line);
    }

    /** 100 bytes of printable, non-repeating-per-byte data (no compression anywhere, but keep it honest). */
    private static byte[] payload(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + (i * 7) % 26);
        }
        return b;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(f, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
