package dev.keeper.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one benchmark run does, from the command line of {@code bench/run.sh}.
 *
 * @param quick            a short smoke run: fewer cells, shorter repeats, smaller memory and fan-out sizes
 * @param fsync            fsync the transaction log on both servers ({@code forceSync=yes}); off by default
 * @param repeats          how often each load cell runs per server; the median is reported
 * @param warmupMillis     unmeasured load before each measured repeat of a cell
 * @param measureMillis    the measured span of each repeat
 * @param serverWarmupMillis unmeasured load per operation on each fresh server before any cell
 * @param ops              the operations measured
 * @param sessionCounts    the session counts measured
 * @param window           requests outstanding per session in throughput mode
 * @param memoryZnodes     znodes created for the memory measurement (scaled to a million in the report)
 * @param memoryWatches    watches set for the memory measurement (scaled to 100,000 in the report)
 * @param fanOutSessions   sessions watching one znode in the fan-out measurement
 * @param fanOutRepeats    fan-out rounds per server; the median is reported
 * @param heap             -Xms and -Xmx of both servers
 * @param tickTime         both servers' tickTime
 * @param bigZnodes        znodes of the tree the snapshot and start-up measurements use
 * @param snapshotRate     setData/s of the steady load during which snapshots are measured
 * @param snapCount        the snapCount both servers run with while snapshots are measured
 * @param snapshots        snapshots measured per server
 * @param snapshotWarmupMillis steady load before samples count
 * @param startupRepeats   starts per server and directory; the median is reported
 * @param floodFrames      malformed frames per flood in the flood part
 * @param floodLanes       connections flooding at once
 * @param floodRate        malformed frames a second the flood is held to; 0: as fast as the lanes go
 * @param ensembleHeap     -Xms and -Xmx of every member in the ensemble part (smaller: three run at once)
 * @param ensembleKills    leader kills per repeat and server in the ensemble part; the median over all is reported
 * @param ensembleWarmupMillis unmeasured load per operation on each fresh ensemble between its cold and its warm
 *                         pass of the cells
 * @param catchupZnodes    znodes written while a member is away in the ensemble part; 0 skips the catch-up
 * @param tlsEngines       the TLS part's variants, in order: an engine (JDK or OPENSSL, ssl.sslProvider), and after a
 *                         slash the ssl.clientAuth when it is not need ("JDK", "OPENSSL/none")
 * @param tlsLanes         connections opened at once in the TLS part's parallel connection runs
 * @param tlsHandshakeMillis measured span of each connection run in the TLS part
 * @param tlsHandshakeWarmupMillis unmeasured connections before each such span
 * @param tlsStoreType     PKCS12 or JKS: the key and trust stores the TLS part generates
 * @param tcnativeClasspathFile file holding netty-tcnative's jars, which both servers get with the OPENSSL engine
 * @param observeRepeats   observed and (as many) unobserved repeats in the observe part
 * @param observeWarmupMillis the observe part's unmeasured warm-up, observers running, before its first repeat
 * @param observeSessions  stock-client sessions of the observe part's watched mix (pipelined, {@code window} each)
 * @param watchHeapWatches watches set for the observe part's watch-heap measurement (scaled to a million)
 * @param watchHeapSessions raw sessions they are set from, each watching its share of paths (every session the
 *                         same paths: watches / sessions znodes)
 * @param phases           which parts run
 * @param serverJar        our shaded server jar
 * @param zookeeperClasspathFile file holding the real ZooKeeper's class path
 * @param outDir           where latest.md, latest.json and latest.csv go
 */
record Options(
        boolean quick,
        boolean fsync,
        int repeats,
        long warmupMillis,
        long measureMillis,
        long serverWarmupMillis,
        List<Op> ops,
        List<Integer> sessionCounts,
        int window,
        int memoryZnodes,
        int memoryWatches,
        int fanOutSessions,
        int fanOutRepeats,
        String heap,
        int tickTime,
        int bigZnodes,
        int snapshotRate,
        int snapCount,
        int snapshots,
        long snapshotWarmupMillis,
        int startupRepeats,
        long floodFrames,
        int floodLanes,
        long floodRate,
        String ensembleHeap,
        int ensembleKills,
        long ensembleWarmupMillis,
        int catchupZnodes,
        List<String> tlsEngines,
        int tlsLanes,
        long tlsHandshakeMillis,
        long tlsHandshakeWarmupMillis,
        String tlsStoreType,
        Path tcnativeClasspathFile,
        int observeRepeats,
        long observeWarmupMillis,
        int observeSessions,
        int watchHeapWatches,
        int watchHeapSessions,
        Set<Phase> phases,
        Path serverJar,
        Path zookeeperClasspathFile,
        Path outDir) {

    /**
     * The parts of a run; {@code --only=load,memory} picks some. DURABLE: create and setData cells with fsync on;
     * SNAPSHOT: write latency while a snapshot of the big tree is written; STARTUP: start-up on the big tree;
     * FLOOD: a canary session's latency while malformed frames flood the server; ENSEMBLE: three members of each
     * server, load spread over them, a leader killed; TLS: reads, writes and new connections over TLS (JDK and
     * OpenSSL engines) against plaintext on the same servers; OBSERVE: our server's throughput with a Prometheus scrape
     * and the web console's live feed open against without, and the watch heap the console shows against a class
     * histogram's.
     */
    enum Phase { LOAD, MEMORY, FANOUT, DURABLE, SNAPSHOT, STARTUP, FLOOD, ENSEMBLE, TLS, OBSERVE }

    static Options parse(String... args) {
        boolean quick = false;
        for (String a : args) {
            if (a.equals("--quick")) {
                quick = true;
            }
        }
        // Full-run sizes are those of the brief: 1, 8 and 32 sessions; a million znodes; 100,000 watches;
        // 10,000 watching sessions. The window of 16 keeps 32 sessions under ZooKeeper's default
        // globalOutstandingLimit of 1000, past which ZooKeeper stops reading from its sockets.
        boolean fsync = false;
        int repeats = quick ? 2 : 3;
        long warmup = quick ? 300 : 1000;
        long measure = quick ? 700 : 3000;
        long serverWarmup = quick ? 500 : 2000;
        List<Op> ops = Op.SINGLE;
        List<Integer> sessions = quick ? List.of(1, 8) : List.of(1, 8, 32);
        int window = 16;
        int znodes = quick ? 50_000 : 1_000_000;
        int watches = quick ? 20_000 : 100_000;
        int fanOut = quick ? 500 : 10_000;
        int fanOutRepeats = quick ? 3 : 5;
        String heap = "2g";
        int tickTime = 2000;
        // A snapshot is due after snapCount/2 plus a random share of snapCount/2 transactions: at 1,000 setData/s
        // and snapCount 20,000, 10 to 20 s of quiet load before each one.
        int bigZnodes = quick ? 100_000 : 1_000_000;
        int snapshotRate = 1000;
        int snapCount = quick ? 6_000 : 20_000;
        int snapshots = quick ? 1 : 3;
        long snapshotWarmup = quick ? 1000 : 3000;
        int startupRepeats = quick ? 1 : 3;
        // The limits tests' flood: 100,000 malformed frames from 100 connections at a time.
        long floodFrames = quick ? 20_000 : 100_000;
        int floodLanes = 100;
        long floodRate = 0;
        String ensembleHeap = "512m";
        int ensembleKills = 1;
        // Our members' JIT needs about two minutes of load on 2 cores to finish (Ratis, gRPC and protobuf are a
        // lot of code): 30 s per operation, five operations.
        long ensembleWarmup = quick ? 2_000 : 30_000;
        int catchupZnodes = quick ? 10_000 : 100_000;
        String tlsEngineItems = "jdk,openssl";
        String tlsClientAuth = "need";
        int tlsLanes = 4;
        long tlsHandshake = quick ? 1000 : 3000;
        long tlsHandshakeWarmup = quick ? 200 : 500;
        String tlsStoreType = "PKCS12";
        Path tcnative = Path.of("bench/target/tcnative.classpath");
        int observeRepeats = quick ? 3 : 5;
        // A first run with 2 s of warm-up climbed from repeat to repeat: the HTTP, feed and watch paths on both
        // sides of the socket were still being compiled.
        long observeWarmup = quick ? 3_000 : 10_000;
        int observeSessions = 32;
        int watchHeapWatches = quick ? 200_000 : 1_000_000;
        int watchHeapSessions = 100;
        Set<Phase> phases = EnumSet.allOf(Phase.class);
        Path serverJar = Path.of("server/target/keeper-server-0.1.0-SNAPSHOT-all.jar");
        Path zkClasspath = Path.of("bench/target/zookeeper.classpath");
        Path out = Path.of("bench/results");
        for (String a : args) {
            if (a.equals("--quick")) {
                continue;
            }
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unknown argument " + a + "\n" + usage());
            }
            String key = a.substring(2, eq);
            String v = a.substring(eq + 1);
            switch (key) {
                case "fsync" -> fsync = onOff(v);
                case "repeats" -> repeats = positive(key, v);
                case "warmup-ms" -> warmup = nonNegative(key, v);
                case "measure-ms" -> measure = positive(key, v);
                case "server-warmup-ms" -> serverWarmup = nonNegative(key, v);
                case "ops" -> ops = listOf(v, Op::parse);
                case "sessions" -> sessions = listOf(v, s -> positive("sessions", s));
                case "window" -> window = positive(key, v);
                case "znodes" -> znodes = positive(key, v);
                case "watches" -> watches = positive(key, v);
                case "fanout-sessions" -> fanOut = positive(key, v);
                case "fanout-repeats" -> fanOutRepeats = positive(key, v);
                case "heap" -> heap = v;
                case "tick-time" -> tickTime = positive(key, v);
                case "big-znodes" -> bigZnodes = positive(key, v);
                case "snapshot-rate" -> snapshotRate = positive(key, v);
                case "snap-count" -> snapCount = positive(key, v);
                case "snapshots" -> snapshots = positive(key, v);
                case "snapshot-warmup-ms" -> snapshotWarmup = nonNegative(key, v);
                case "startup-repeats" -> startupRepeats = positive(key, v);
                case "flood-frames" -> floodFrames = positive(key, v);
                case "flood-lanes" -> floodLanes = positive(key, v);
                case "flood-rate" -> floodRate = nonNegative(key, v);
                case "ensemble-heap" -> ensembleHeap = v;
                case "ensemble-kills" -> ensembleKills = (int) Math.min(Integer.MAX_VALUE, nonNegative(key, v));
                case "ensemble-warmup-ms" -> ensembleWarmup = nonNegative(key, v);
                case "catchup-znodes" -> catchupZnodes = (int) Math.min(Integer.MAX_VALUE, nonNegative(key, v));
                case "tls-engines" -> tlsEngineItems = v;
                case "tls-client-auth" -> tlsClientAuth = clientAuth(v);
                case "tls-lanes" -> tlsLanes = positive(key, v);
                case "tls-handshake-ms" -> tlsHandshake = positive(key, v);
                case "tls-handshake-warmup-ms" -> tlsHandshakeWarmup = nonNegative(key, v);
                case "tls-store-type" -> tlsStoreType = storeType(v);
                case "tcnative-classpath-file" -> tcnative = Path.of(v);
                case "observe-repeats" -> observeRepeats = positive(key, v);
                case "observe-warmup-ms" -> observeWarmup = nonNegative(key, v);
                case "observe-sessions" -> observeSessions = positive(key, v);
                case "watch-heap-watches" -> watchHeapWatches = positive(key, v);
                case "watch-heap-sessions" -> watchHeapSessions = positive(key, v);
                case "only" -> phases = EnumSet.copyOf(Options.<Phase>listOf(v, p -> Phase.valueOf(p.toUpperCase())));
                case "server-jar" -> serverJar = Path.of(v);
                case "zk-classpath-file" -> zkClasspath = Path.of(v);
                case "out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option --" + key + "\n" + usage());
            }
        }
        String auth = tlsClientAuth;
        List<String> tlsEngines = listOf(tlsEngineItems, item -> engine(item, auth));
        if (snapCount < 4) {
            throw new IllegalArgumentException("--snap-count must be at least 4");
        }
        if (bigZnodes < 4) {
            throw new IllegalArgumentException("--big-znodes must be at least 4");
        }
        if (watchHeapWatches % watchHeapSessions != 0) {
            throw new IllegalArgumentException("--watch-heap-watches must be a multiple of --watch-heap-sessions:"
                    + " every session watches the same watches / sessions znodes");
        }
        if (watches > znodes) {
            throw new IllegalArgumentException("--watches must not exceed --znodes: each watch is on its own znode");
        }
        return new Options(quick, fsync, repeats, warmup, measure, serverWarmup, ops, sessions, window, znodes,
                watches, fanOut, fanOutRepeats, heap, tickTime, bigZnodes, snapshotRate, snapCount, snapshots,
                snapshotWarmup, startupRepeats, floodFrames, floodLanes, floodRate, ensembleHeap, ensembleKills,
                ensembleWarmup, catchupZnodes, tlsEngines, tlsLanes, tlsHandshake, tlsHandshakeWarmup, tlsStoreType,
                tcnative, observeRepeats, observeWarmup, observeSessions, watchHeapWatches, watchHeapSessions, phases,
                serverJar, zkClasspath, out);
    }

    static String usage() {
        return """
                usage: bench/run.sh [--quick] [--fsync=on|off] [--repeats=N] [--warmup-ms=N] [--measure-ms=N]
                                    [--server-warmup-ms=N] [--ops=create,setData,getData,exists]
                                    [--sessions=1,8,32] [--window=N] [--znodes=N] [--watches=N]
                                    [--fanout-sessions=N] [--fanout-repeats=N] [--heap=2g] [--tick-time=N]
                                    [--big-znodes=N] [--snapshot-rate=N] [--snap-count=N] [--snapshots=N]
                                    [--snapshot-warmup-ms=N] [--startup-repeats=N] [--flood-frames=N]
                                    [--flood-lanes=N] [--flood-rate=N] [--ensemble-heap=512m] [--ensemble-kills=N]
                                    [--ensemble-warmup-ms=N] [--catchup-znodes=N] [--tls-engines=jdk,openssl[:need|want|none]]
                                    [--tls-client-auth=need|want|none] [--tls-lanes=N]
                                    [--tls-handshake-ms=N] [--tls-handshake-warmup-ms=N] [--tls-store-type=pkcs12|jks]
                                    [--tcnative-classpath-file=FILE] [--observe-repeats=N]
                                    [--observe-warmup-ms=N] [--observe-sessions=N] [--watch-heap-watches=N] [--watch-heap-sessions=N]
                                    [--only=load,memory,fanout,durable,snapshot,startup,flood,ensemble,tls,observe]
                                    [--out=DIR]""";
    }

    private static boolean onOff(String v) {
        return switch (v) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("--fsync takes on or off, got " + v);
        };
    }

    /**
     * A TLS variant's key: JDK or OPENSSL (as ssl.sslProvider names them), then "/" and the client auth when it is
     * not need; an item "openssl:none" names its own client auth, a bare "openssl" takes {@code clientAuth}.
     */
    private static String engine(String item, String clientAuth) {
        int colon = item.indexOf(':');
        String e = (colon < 0 ? item : item.substring(0, colon)).trim().toUpperCase(java.util.Locale.ROOT);
        if (!e.equals("JDK") && !e.equals("OPENSSL")) {
            throw new IllegalArgumentException("--tls-engines takes jdk and/or openssl (each optionally :need, :want"
                    + " or :none), got " + item);
        }
        String auth = colon < 0 ? clientAuth : clientAuth(item.substring(colon + 1).trim());
        return auth.equals("need") ? e : e + "/" + auth;
    }

    private static String clientAuth(String v) {
        String a = v.toLowerCase(java.util.Locale.ROOT);
        if (!a.equals("need") && !a.equals("want") && !a.equals("none")) {
            throw new IllegalArgumentException("ssl.clientAuth is need, want or none, got " + v);
        }
        return a;
    }

    private static String storeType(String v) {
        String t = v.toUpperCase(java.util.Locale.ROOT);
        if (!t.equals("PKCS12") && !t.equals("JKS")) {
            throw new IllegalArgumentException("--tls-store-type takes pkcs12 or jks, got " + v);
        }
        return t;
    }

    private static int positive(String key, String v) {
        long n = nonNegative(key, v);
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--" + key + " must be a positive int, got " + v);
        }
        return (int) n;
    }

    private static long nonNegative(String key, String v) {
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a non-negative number, got " + v);
        }
    }

    private static <T> List<T> listOf(String v, java.util.function.Function<String, T> item) {
        List<T> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(item.apply(s.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list: " + v);
        }
        return List.copyOf(out);
    }
}
