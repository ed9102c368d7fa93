package dev.keeper.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Reads, writes and new connections over TLS on both servers, with the JDK's TLS engine and with OpenSSL
 * (netty-tcnative's BoringSSL), against the same over plaintext on the same server processes.
 *
 * <p>Per engine, both servers are started in turn (as the load part starts them) with the plain client port and a
 * TLS port ({@code secureClientPort}, {@code ssl.sslProvider} set to the engine on both; ZooKeeper with its Netty
 * connection factory, which its TLS needs). Each gets two pools of stock-client sessions, both on the Netty client
 * socket: one over TLS (client certificate, hostname verification), one over plaintext. Cells (getData and setData,
 * 1 session one request at a time, 32 sessions pipelined) run on the load part's machinery, TLS and plaintext in
 * turn, repeats alternating which server goes first. Then new connections ({@link Handshakes}): one lane and
 * several at once, over TLS and over plaintext.
 */
final class TlsBench {
    /** The cells of the TLS part. */
    static final List<Cell> CELLS = List.of(
            new Cell(Op.GET_DATA, 1, Mode.LATENCY),
            new Cell(Op.GET_DATA, 32, Mode.THROUGHPUT),
            new Cell(Op.SET_DATA, 1, Mode.LATENCY),
            new Cell(Op.SET_DATA, 32, Mode.THROUGHPUT));
    private static final long SECURE_PORT_TIMEOUT_MS = 30_000;
    /** A server-side TLS engine in a class histogram line: "  12:   33   5280  io.netty.handler.ssl.OpenSslEngine". */
    private static final Pattern ENGINE_LINE = Pattern.compile(
            "(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(io\\.netty\\.handler\\.ssl\\.(?:ReferenceCounted)?OpenSslEngine"
                    + "|sun\\.security\\.ssl\\.SSLEngineImpl)(?:\\s|$)");

    /** Over TLS or over the plain client port. */
    enum Transport {
        TLS("TLS"),
        PLAIN("plaintext");

        private final String label;

        Transport(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** One cell with one engine (a variant key: "JDK", "OPENSSL/none") over one transport. */
    record CellRow(String engine, Transport transport, Report.CellRow row) {
    }

    /**
     * New connections with one engine over one transport, {@code lanes} at once; every repeat per server.
     */
    record HandshakeRow(String engine, Transport transport, int lanes, List<Handshakes.Run> ours,
                        List<Handshakes.Run> zookeeper) {
        HandshakeRow {
            ours = List.copyOf(ours);
            zookeeper = List.copyOf(zookeeper);
        }

        double oursPerSecond() {
            return median(ours, Handshakes.Run::perSecond);
        }

        double zookeeperPerSecond() {
            return median(zookeeper, Handshakes.Run::perSecond);
        }

        double oursP50() {
            return median(ours, Handshakes.Run::p50Micros);
        }

        double zookeeperP50() {
            return median(zookeeper, Handshakes.Run::p50Micros);
        }

        long oursErrors() {
            return ours.stream().mapToLong(Handshakes.Run::errors).sum();
        }

        long zookeeperErrors() {
            return zookeeper.stream().mapToLong(Handshakes.Run::errors).sum();
        }

        String negotiated(ServerKind kind) {
            List<Handshakes.Run> runs = kind == ServerKind.OURS ? ours : zookeeper;
            return runs.stream().map(Handshakes.Run::negotiated).distinct().reduce((a, b) -> a + ", " + b)
                    .orElse("none");
        }

        private static double median(List<Handshakes.Run> runs, ToDoubleFunction<Handshakes.Run> f) {
            List<Double> v = new ArrayList<>();
            for (Handshakes.Run r : runs) {
                v.add(f.applyAsDouble(r));
            }
            return Stats.median(v);
        }
    }

    /**
     * The server-side TLS engines each server held while the TLS sessions were open, from a class histogram.
     *
     * @param engine    the engine asked for
     * @param ours      e.g. "OpenSSL (33 engines)"
     * @param zookeeper likewise
     */
    record EngineSeen(String engine, String ours, String zookeeper) {
    }

    /**
     * The TLS part's figures.
     *
     * @param keys           the keys' algorithm and size
     * @param storeType      PKCS12 or JKS
     * @param clientAuth     the ssl.clientAuth settings of the variants ("need", "need, none")
     * @param lanes          connections at once in the parallel handshake runs
     * @param handshakeMillis measured span of each handshake run
     * @param cells          every cell, engine and transport
     * @param handshakes     every handshake run
     * @param seen           the engines the servers were seen to use
     */
    record Figures(String keys, String storeType, String clientAuth, int lanes, long handshakeMillis,
                   List<CellRow> cells, List<HandshakeRow> handshakes, List<EngineSeen> seen) {
        Figures {
            cells = List.copyOf(cells);
            handshakes = List.copyOf(handshakes);
            seen = List.copyOf(seen);
        }

        /** The engines measured, in the order they ran. */
        List<String> engines() {
            List<String> out = new ArrayList<>();
            for (CellRow c : cells) {
                if (!out.contains(c.engine())) {
                    out.add(c.engine());
                }
            }
            for (HandshakeRow h : handshakes) {
                if (!out.contains(h.engine())) {
                    out.add(h.engine());
                }
            }
            return out;
        }

        Report.CellRow cell(String engine, Transport transport, Cell cell) {
            for (CellRow c : cells) {
                if (c.engine().equals(engine) && c.transport() == transport && c.row().cell().equals(cell)) {
                    return c.row();
                }
            }
            return null;
        }

        HandshakeRow handshake(String engine, Transport transport, int lanes) {
            for (HandshakeRow h : handshakes) {
                if (h.engine().equals(engine) && h.transport() == transport && h.lanes() == lanes) {
                    return h;
                }
            }
            return null;
        }

        /** TLS ops/s over plaintext ops/s of one cell on one server (medians of each); NaN when either is missing. */
        double tlsOverPlain(String engine, Cell cell, ServerKind kind) {
            Report.CellRow tls = cell(engine, Transport.TLS, cell);
            Report.CellRow plain = cell(engine, Transport.PLAIN, cell);
            if (tls == null || plain == null) {
                return Double.NaN;
            }
            return kind == ServerKind.OURS ? Stats.ratio(tls.oursOpsPerSecond(), plain.oursOpsPerSecond())
                    : Stats.ratio(tls.zookeeperOpsPerSecond(), plain.zookeeperOpsPerSecond());
        }
    }

    private final Options options;
    private final ServerSetup base;
    private final TlsCerts.Stores stores;
    private final List<Path> tcnative;
    private final Path runDir;
    private final ProcessGuard guard;
    private final byte[] data;
    private final Consumer<String> log;
    private final Consumer<String> note;

    TlsBench(Options options, ServerSetup base, TlsCerts.Stores stores, List<Path> tcnative, Path runDir,
             ProcessGuard guard, byte[] data, Consumer<String> log, Consumer<String> note) {
        this.options = options;
        this.base = base;
        this.stores = stores;
        this.tcnative = List.copyOf(tcnative);
        this.runDir = runDir;
        this.guard = guard;
        this.data = data;
        this.log = log;
        this.note = note;
    }

    Figures measure() throws InterruptedException {
        Handshakes.Client client;
        try {
            client = new Handshakes.Client(stores);
        } catch (IOException | GeneralSecurityException e) {
            note.accept("tls: cannot load the client's stores: " + e);
            return null;
        }
        List<CellRow> cells = new ArrayList<>();
        List<HandshakeRow> handshakes = new ArrayList<>();
        List<EngineSeen> seen = new ArrayList<>();
        for (String engine : options.tlsEngines()) {
            measureEngine(engine, client, cells, handshakes, seen);
        }
        String auths = String.join(", ", options.tlsEngines().stream().map(TlsBench::clientAuthOf).distinct()
                .toList());
        return new Figures(stores.keys(), stores.type(), auths, options.tlsLanes(), options.tlsHandshakeMillis(),
                cells, handshakes, seen);
    }

    /** The engine of a variant key ("OPENSSL/none": OPENSSL). */
    static String providerOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    /** The ssl.clientAuth of a variant key ("OPENSSL/none": none; "JDK": need). */
    static String clientAuthOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "need" : key.substring(slash + 1);
    }

    private void measureEngine(String engine, Handshakes.Client client, List<CellRow> cells,
                               List<HandshakeRow> handshakes, List<EngineSeen> seen) throws InterruptedException {
        Options o = options;
        String provider = providerOf(engine);
        List<Path> extra = provider.equals("OPENSSL") ? tcnative : List.of();
        ServerSetup setup = base.withTls(new ServerSetup.Tls(provider, stores, clientAuthOf(engine), extra));
        String phase = "tls " + engine;
        int sessions = CELLS.stream().mapToInt(Cell::sessions).max().orElseThrow();
        Map<ServerKind, ServerProcess> servers = new EnumMap<>(ServerKind.class);
        Map<ServerKind, Map<Transport, LoadTarget>> targets = new EnumMap<>(ServerKind.class);
        try {
            for (ServerKind kind : ServerKind.values()) {
                ServerProcess server = ServerProcess.start(kind, setup, runDir, guard);
                servers.put(kind, server);
                log.accept(phase + ": started " + server + "; load average " + BenchMain.loadAverage());
                awaitSecurePort(server, client);
                Map<Transport, LoadTarget> t = new EnumMap<>(Transport.class);
                targets.put(kind, t);
                t.put(Transport.PLAIN, LoadTarget.open(server, server.connectString(), sessions, data, o.window(),
                        TlsBench::plainClient, true));
                t.put(Transport.TLS, LoadTarget.open(server, server.secureConnectString(), sessions, data,
                        o.window(), this::tlsClient, false));
            }
            Map<ServerKind, String> engines = new EnumMap<>(ServerKind.class);
            for (ServerKind kind : ServerKind.values()) {
                engines.put(kind, engineSeen(servers.get(kind)));
                log.accept(phase + ": " + kind.label() + " holds server-side TLS engines: " + engines.get(kind));
                if (!engines.get(kind).startsWith(provider.equals("OPENSSL") ? "OpenSSL" : "JDK")) {
                    note.accept(phase + ": " + kind.label() + " was asked for the " + engine + " engine but holds "
                            + engines.get(kind));
                }
            }
            seen.add(new EngineSeen(engine, engines.get(ServerKind.OURS), engines.get(ServerKind.ZOOKEEPER)));
            List<Op> ops = CELLS.stream().map(Cell::op).distinct().toList();
            for (ServerKind kind : ServerKind.values()) {
                log.accept(phase + ": warming up " + kind.label());
                for (Transport transport : Transport.values()) {
                    targets.get(kind).get(transport).warmUp(ops, o.serverWarmupMillis());
                }
                // The handshake paths too: a span of new TLS connections, several at once, unmeasured.
                Handshakes.measure(client, servers.get(kind).securePort(), o.tlsLanes(),
                        Math.max(500, o.serverWarmupMillis()), 0);
            }
            for (Cell cell : CELLS) {
                for (Transport transport : Transport.values()) {
                    Map<ServerKind, List<CellRun>> runs = new EnumMap<>(ServerKind.class);
                    for (ServerKind kind : ServerKind.values()) {
                        runs.put(kind, new ArrayList<>());
                    }
                    for (int rep = 0; rep < o.repeats(); rep++) {
                        for (ServerKind kind : BenchMain.order(rep)) {
                            alive(servers.get(kind), phase);
                            CellRun run = runOne(targets.get(kind).get(transport), cell, kind,
                                    phase + " " + transport.label());
                            runs.get(kind).add(run);
                            log.accept(String.format(Locale.ROOT, "%s %-9s %-24s rep %d/%d %-9s %,10.0f ops/s"
                                            + "  p50 %8.1f us  p99 %9.1f us%s", phase, transport.label(), cell,
                                    rep + 1, o.repeats(), kind.label(), run.opsPerSecond(), run.p50Micros(),
                                    run.p99Micros(), run.errors() > 0 ? "  errors " + run.errors() + " ("
                                            + run.firstError() + ")" : ""));
                        }
                    }
                    cells.add(new CellRow(engine, transport, new Report.CellRow(cell, runs.get(ServerKind.OURS),
                            runs.get(ServerKind.ZOOKEEPER))));
                }
            }
            // Connections: the TLS port and, for what a connection costs without TLS, the plain port.
            for (Transport transport : Transport.values()) {
                for (int lanes : lanes()) {
                    Map<ServerKind, List<Handshakes.Run>> runs = new EnumMap<>(ServerKind.class);
                    for (ServerKind kind : ServerKind.values()) {
                        runs.put(kind, new ArrayList<>());
                    }
                    for (int rep = 0; rep < o.repeats(); rep++) {
                        for (ServerKind kind : BenchMain.order(rep)) {
                            ServerProcess server = servers.get(kind);
                            alive(server, phase);
                            Handshakes.Run run = Handshakes.measure(transport == Transport.TLS ? client : null,
                                    transport == Transport.TLS ? server.securePort() : server.port(), lanes,
                                    o.tlsHandshakeWarmupMillis(), o.tlsHandshakeMillis());
                            runs.get(kind).add(run);
                            log.accept(String.format(Locale.ROOT, "%s %-9s connections, %d lane(s) rep %d/%d %-9s"
                                            + " %,8.1f /s  p50 %8.1f us  p99 %9.1f us  %s%s", phase, transport.label(),
                                    lanes, rep + 1, o.repeats(), kind.label(), run.perSecond(), run.p50Micros(),
                                    run.p99Micros(), run.negotiated(), run.errors() > 0 ? "  errors " + run.errors()
                                            + " (" + run.firstError() + ")" : ""));
                            if (run.errors() > 0) {
                                note.accept(phase + ", " + kind.label() + ", " + transport.label() + " connections ("
                                        + lanes + " lanes): " + run.errors() + " failed, first with "
                                        + run.firstError());
                            }
                        }
                    }
                    handshakes.add(new HandshakeRow(engine, transport, lanes, runs.get(ServerKind.OURS),
                            runs.get(ServerKind.ZOOKEEPER)));
                }
            }
        } catch (IOException | RuntimeException e) {
            StringBuilder msg = new StringBuilder(phase + " stopped: " + e);
            for (ServerProcess s : servers.values()) {
                msg.append("\n").append(s).append(s.alive() ? " alive" : " DEAD, log tail:\n" + s.logTail(20));
            }
            note.accept(msg.toString());
        } finally {
            for (Map<Transport, LoadTarget> m : targets.values()) {
                for (LoadTarget t : m.values()) {
                    t.close();
                }
            }
            for (ServerProcess s : servers.values()) {
                s.close();
            }
        }
    }

    /** One lane, and {@link Options#tlsLanes} at once (unless that is one too). */
    private List<Integer> lanes() {
        return options.tlsLanes() > 1 ? List.of(1, options.tlsLanes()) : List.of(1);
    }

    private static void alive(ServerProcess server, String phase) throws IOException {
        if (!server.alive()) {
            throw new IOException(server.kind().label() + " died during the " + phase + " part:\n"
                    + server.logTail(40));
        }
    }

    private CellRun runOne(LoadTarget target, Cell cell, ServerKind kind, String what) throws InterruptedException {
        try {
            CellRun run = target.run(cell, options.warmupMillis(), options.measureMillis());
            if (run.errors() > 0) {
                note.accept(what + ", " + kind.label() + ", " + cell + ": " + run.errors()
                        + " requests failed, first with " + run.firstError());
            }
            return run;
        } catch (IllegalStateException e) {
            note.accept(what + ", " + kind.label() + ", " + cell + ": " + e.getMessage() + "; server alive: "
                    + target.alive());
            return new CellRun(0, options.measureMillis() / 1000.0, Double.NaN, Double.NaN, 1, "FAILED");
        }
    }

    /** The TLS port answers ruok over TLS: ZooKeeper opens it just after the plain port starts serving. */
    private static void awaitSecurePort(ServerProcess server, Handshakes.Client client)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SECURE_PORT_TIMEOUT_MS * 1_000_000;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.alive()) {
                throw new IOException(server + " exited while starting:\n" + server.logTail(40));
            }
            try {
                Handshakes.ruok(client, server.securePort());
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IOException(server + ": the TLS port did not answer ruok within " + SECURE_PORT_TIMEOUT_MS
                + " ms (" + last + "); the last lines of its log:\n" + server.logTail(5));
    }

    /** The stock client on its Netty socket, plaintext: the same client as over TLS, less TLS. */
    static ZKClientConfig plainClient() {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        return c;
    }

    /** The stock client over TLS: Netty socket, the client's certificate, the CA as its trust store. */
    ZKClientConfig tlsClient() {
        return tlsClient(stores);
    }

    static ZKClientConfig tlsClient(TlsCerts.Stores stores) {
        ZKClientConfig c = plainClient();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty("zookeeper.ssl.keyStore.location", stores.clientKeyStore().toAbsolutePath().toString());
        c.setProperty("zookeeper.ssl.keyStore.password", stores.password());
        c.setProperty("zookeeper.ssl.trustStore.location", stores.trustStore().toAbsolutePath().toString());
        c.setProperty("zookeeper.ssl.trustStore.password", stores.password());
        return c;
    }

    /** What a class histogram of the server shows of server-side TLS engines. */
    private String engineSeen(ServerProcess server) {
        try {
            return engineIn(HeapProbe.jcmd(server.pid(), "GC.class_histogram"));
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** "OpenSSL (n engines)", "JDK (n engines)", both, or "none" from a class histogram. */
    static String engineIn(String histogram) {
        long openssl = 0;
        long jdk = 0;
        Matcher m = ENGINE_LINE.matcher(histogram);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            if (m.group(2).startsWith("sun.")) {
                jdk += n;
            } else {
                openssl += n;
            }
        }
        List<String> parts = new ArrayList<>();
        if (openssl > 0) {
            parts.add("OpenSSL (" + openssl + " engines)");
        }
        if (jdk > 0) {
            parts.add("JDK (" + jdk + " engines)");
        }
        return parts.isEmpty() ? "none" : String.join(" and ", parts);
    }
}
