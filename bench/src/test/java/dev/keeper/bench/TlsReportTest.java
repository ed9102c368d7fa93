package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TLS part: how both servers are configured for it, its figures, and where they are reported. */
class TlsReportTest {
    private static final Report.Meta META = new Report.Meta("2026-01-01T00:00:00Z", false, false, 3, 1000, 3000,
            16, "2g", 2000, "TestVM 17", 2, "0.5 0.4 0.3", "0.6 0.5 0.4", "min 0.50, median 0.60, max 0.70",
            "/dev/vda (ext4)");
    private static final TlsCerts.Stores STORES = new TlsCerts.Stores(Path.of("/run/tls/server.p12"),
            Path.of("/run/tls/client.p12"), Path.of("/run/tls/trust.p12"), "pw", "PKCS12", "RSA 2048");
    private static final Cell GET1 = new Cell(Op.GET_DATA, 1, Mode.LATENCY);
    private static final Cell SET32 = new Cell(Op.SET_DATA, 32, Mode.THROUGHPUT);

    private static ServerSetup setup(ServerSetup.Tls tls) {
        return new ServerSetup(Path.of("server.jar"), "/zk.jar:/lib/netty-tcnative-classes-2.0.74.Final.jar", "2g",
                2000, false, 0, Path.of("lb.xml")).withTls(tls);
    }

    private static List<CellRun> runs(double... opsPerSecond) {
        List<CellRun> out = new java.util.ArrayList<>();
        for (double v : opsPerSecond) {
            out.add(new CellRun((long) (v * 2), 2.0, 100, 900, 0, null));
        }
        return out;
    }

    private static List<Handshakes.Run> conns(double... perSecond) {
        List<Handshakes.Run> out = new java.util.ArrayList<>();
        for (double v : perSecond) {
            out.add(new Handshakes.Run((long) (v * 3), 3.0, 2000, 9000, 0, null, "TLSv1.3 TLS_AES_256_GCM_SHA384"));
        }
        return out;
    }

    private static TlsBench.Figures figures() {
        List<TlsBench.CellRow> cells = List.of(
                new TlsBench.CellRow("JDK", TlsBench.Transport.TLS,
                        new Report.CellRow(GET1, runs(900, 1000, 1100), runs(500, 400, 600))),
                new TlsBench.CellRow("JDK", TlsBench.Transport.PLAIN,
                        new Report.CellRow(GET1, runs(2000, 2000, 2000), runs(1000, 1000, 1000))),
                new TlsBench.CellRow("OPENSSL", TlsBench.Transport.TLS,
                        new Report.CellRow(SET32, runs(800, 800, 800), runs(1000, 1000, 1000))),
                new TlsBench.CellRow("OPENSSL", TlsBench.Transport.PLAIN,
                        new Report.CellRow(SET32, runs(1600, 1600, 1600), runs(1250, 1250, 1250))));
        List<TlsBench.HandshakeRow> hs = List.of(
                new TlsBench.HandshakeRow("JDK", TlsBench.Transport.TLS, 1, conns(100, 120, 110), conns(50, 55, 60)),
                new TlsBench.HandshakeRow("JDK", TlsBench.Transport.PLAIN, 1, conns(1000, 1100, 1200),
                        conns(1000, 1000, 1000)));
        return new TlsBench.Figures("RSA 2048", "PKCS12", "need", 4, 3000, cells, hs,
                List.of(new TlsBench.EngineSeen("JDK", "JDK (33 engines)", "JDK (32 engines)")));
    }

    private static Report report() {
        return new Report(META, List.of(), null, null, List.of(), null, null, null, null, figures(), List.of());
    }

    @Test
    void zooCfg_carriesTheSameTlsKeysForBothServers() {
        String cfg = setup(new ServerSetup.Tls("OPENSSL", STORES, "need", List.of())).zooCfg(2181, 2281,
                Path.of("/data"));
        for (String line : List.of("clientPort=2181", "secureClientPort=2281", "secureClientPortAddress=127.0.0.1",
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location=/run/tls/server.p12", "ssl.keyStore.password=pw",
                "ssl.trustStore.location=/run/tls/trust.p12", "ssl.trustStore.password=pw", "ssl.clientAuth=need",
                "ssl.sslProvider=OPENSSL")) {
            assertTrue(cfg.contains("\n" + line + "\n"), line + " in\n" + cfg);
        }
        assertThrows(IllegalArgumentException.class,
                () -> setup(new ServerSetup.Tls("JDK", STORES, "need", List.of())).zooCfg(1, Path.of("/d")));
        assertTrue(!setup(null).zooCfg(1, Path.of("/d")).contains("ssl."));
    }

    @Test
    void openSsl_putsTcnativeBesideOurJar_andOnZooKeepersPathOnlyWhereMissing() {
        List<Path> tcnative = List.of(Path.of("/m2/netty-tcnative-classes-2.0.74.Final.jar"),
                Path.of("/m2/netty-tcnative-boringssl-static-2.0.74.Final-linux-x86_64.jar"));
        ServerSetup s = setup(new ServerSetup.Tls("OPENSSL", STORES, "need", tcnative));
        Path java = Path.of("/jdk/bin/java");
        Path cfg = Path.of("/run/zoo.cfg");
        List<String> ours = s.command(ServerKind.OURS, java, cfg);
        List<String> zk = s.command(ServerKind.ZOOKEEPER, java, cfg);
        int flags = s.jvmFlags().size();
        assertEquals(ours.subList(0, 1 + flags), zk.subList(0, 1 + flags));
        assertEquals(List.of("-cp", Path.of("server.jar").toAbsolutePath() + ":/m2/netty-tcnative-classes-2.0.74.Final.jar"
                        + ":/m2/netty-tcnative-boringssl-static-2.0.74.Final-linux-x86_64.jar", ServerSetup.OUR_MAIN,
                "/run/zoo.cfg"), ours.subList(2 + flags, ours.size()));
        assertEquals(List.of("-cp", "/zk.jar:/lib/netty-tcnative-classes-2.0.74.Final.jar"
                        + ":/m2/netty-tcnative-boringssl-static-2.0.74.Final-linux-x86_64.jar",
                ServerSetup.ZOOKEEPER_MAIN, "/run/zoo.cfg"), zk.subList(2 + flags, zk.size()));
        // The JDK engine: ours from its jar alone, as in every other part.
        List<String> jdk = setup(new ServerSetup.Tls("JDK", STORES, "need", List.of()))
                .command(ServerKind.OURS, java, cfg);
        assertEquals("-jar", jdk.get(2 + flags));
    }

    @Test
    void engineIn_readsTheServerSideEnginesOfAClassHistogram() {
        String histogram = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:         12345         987654  [B (java.base@17.0.15)
                  80:            33           5280  io.netty.handler.ssl.OpenSslEngine
                  81:             2            320  org.apache.ratis.thirdparty.io.netty.handler.ssl.OpenSslEngine
                  90:             1            100  io.netty.handler.ssl.ReferenceCountedOpenSslEngine$1
                """;
        assertEquals("OpenSSL (33 engines)", TlsBench.engineIn(histogram));
        assertEquals("JDK (32 engines)", TlsBench.engineIn(
                "  45:            32           5120  sun.security.ssl.SSLEngineImpl (java.base@17.0.15)\n"));
        assertEquals("none", TlsBench.engineIn("  1:  5  80  java.lang.String (java.base@17.0.15)\n"));
    }

    @Test
    void figures_mediansAndTheCostOfTls() {
        TlsBench.Figures f = figures();
        assertEquals(List.of("JDK", "OPENSSL"), f.engines());
        assertEquals(0.5, f.tlsOverPlain("JDK", GET1, ServerKind.OURS));
        assertEquals(0.5, f.tlsOverPlain("JDK", GET1, ServerKind.ZOOKEEPER));
        assertEquals(0.5, f.tlsOverPlain("OPENSSL", SET32, ServerKind.OURS));
        assertEquals(0.8, f.tlsOverPlain("OPENSSL", SET32, ServerKind.ZOOKEEPER));
        assertTrue(Double.isNaN(f.tlsOverPlain("OPENSSL", GET1, ServerKind.OURS)));
        TlsBench.HandshakeRow h = f.handshake("JDK", TlsBench.Transport.TLS, 1);
        assertEquals(110, h.oursPerSecond(), 1e-9);
        assertEquals(55, h.zookeeperPerSecond(), 1e-9);
    }

    @Test
    void markdown_hasTheTlsTables_andMarksTheTargets() {
        String md = MarkdownReport.render(report());
        assertTrue(md.contains("## TLS on the client port: ours against ZooKeeper's Netty TLS"), md);
        assertTrue(md.contains("| JDK | getData, 1 session, one at a time | 1,000 | 500 | 2.00 | 100 / 100 | 900 / 900"
                + " | 0 / 0 | met |"), md);
        assertTrue(md.contains("| OpenSSL | setData, 32 sessions pipelined | 800 | 1,000 | 0.80 |"), md);
        assertTrue(md.contains("| **missed** |"), md);
        assertTrue(md.contains("| JDK | getData, 1 session, one at a time | 2,000 | 0.50 | 1,000 | 0.50 | 2.00 |"), md);
        assertTrue(md.contains("| OpenSSL | setData, 32 sessions pipelined | 1,600 | 0.50 | 1,250 | 0.80 | 1.28 |"),
                md);
        assertTrue(md.contains("| JDK | TLS handshake, one at a time | 110.0 | 55.0 | 2.00 | 2.0 / 2.0 | 0 / 0 | met |"),
                md);
        assertTrue(md.contains("| JDK | plaintext (reference), one at a time | 1,100.0 | 1,000.0 | 1.10 |"), md);
        assertTrue(md.contains("JDK, one at a time: ours 0.10, ZK 0.06"), md);
        assertTrue(md.contains("ours JDK (33 engines); ZK JDK (32 engines)"), md);
        assertTrue(md.contains("Targets: TLS cells ≥ 1.0 met in 1 of 2; TLS connections per second ≥ 1.0 met in 1 of 1."),
                md);
        assertEquals(EnumSet.of(Options.Phase.TLS), ReportMerge.phasesOf(
                md.substring(md.indexOf("## TLS on the client port"))));
    }

    @Test
    void rawResults_carryEveryRepeat() {
        String csv = RawResults.csv(report());
        assertTrue(csv.contains("\ntls-jdk,getData,1,latency,ours,2,2000,2,1000,100,900,0,\n"), csv);
        assertTrue(csv.contains("\ntls-jdk-plaintext,getData,1,latency,zookeeper,3,2000,2,1000,100,900,0,\n"), csv);
        assertTrue(csv.contains("\ntls-openssl,setData,32,throughput,ours,1,1600,2,800,100,900,0,\n"), csv);
        assertTrue(csv.contains("\ntls-jdk-connections,ruok,1,sequential,zookeeper,2,165,3,55,2000,9000,0,\n"), csv);
        assertTrue(csv.contains("\ntls-jdk-plaintext-connections,ruok,1,sequential,ours,1,3000,3,1000,2000,9000,0,\n"),
                csv);
        String json = RawResults.json(report());
        assertTrue(json.contains("\"tls\": {\"keys\": \"RSA 2048\", \"storeType\": \"PKCS12\", \"clientAuth\": \"need\""),
                json);
        assertTrue(json.contains("{\"engine\": \"JDK\", \"transport\": \"TLS\", \"op\": \"getData\", \"sessions\": 1"),
                json);
        assertTrue(json.contains("\"medianPerSecond\": {\"ours\": 110, \"zookeeper\": 55}"), json);
        assertTrue(json.contains("\"negotiated\": \"TLSv1.3 TLS_AES_256_GCM_SHA384\""), json);
        assertTrue(RawResults.json(new Report(META, List.of(), null, null, List.of())).contains("\"tls\": null"));
    }

    @Test
    void options_tlsPart() {
        Options o = Options.parse("--only=tls", "--tls-engines=openssl", "--tls-lanes=8", "--tls-handshake-ms=2000",
                "--tls-store-type=jks");
        assertEquals(EnumSet.of(Options.Phase.TLS), o.phases());
        assertEquals(List.of("OPENSSL"), o.tlsEngines());
        assertEquals(8, o.tlsLanes());
        assertEquals(2000, o.tlsHandshakeMillis());
        assertEquals("JKS", o.tlsStoreType());
        Options d = Options.parse();
        assertEquals(List.of("JDK", "OPENSSL"), d.tlsEngines());
        assertEquals("PKCS12", d.tlsStoreType());
        assertEquals(List.of("JDK", "JDK/none", "OPENSSL/none"),
                Options.parse("--tls-engines=jdk,jdk:none,openssl:none").tlsEngines());
        assertEquals(List.of("JDK/want", "OPENSSL"),
                Options.parse("--tls-client-auth=want", "--tls-engines=jdk,openssl:need").tlsEngines());
        assertEquals("OPENSSL", TlsBench.providerOf("OPENSSL/none"));
        assertEquals("none", TlsBench.clientAuthOf("OPENSSL/none"));
        assertEquals("need", TlsBench.clientAuthOf("JDK"));
        assertEquals("OpenSSL, clientAuth=none", MarkdownReport.engineLabel("OPENSSL/none"));
        assertEquals("tls-openssl-none-plaintext", RawResults.tlsSet("OPENSSL/none", TlsBench.Transport.PLAIN, ""));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--tls-engines=jdk:maybe"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--tls-engines=boringssl"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--tls-store-type=pem"));
    }
}
