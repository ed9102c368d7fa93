package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import dev.keeper.compat.tls.TestCerts.Authority;
import dev.keeper.compat.tls.TestCerts.Identity;
import dev.keeper.compat.tls.TestCerts.Store;
import dev.keeper.compat.tls.TestCerts.StoreType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AdminServer over HTTPS, ours against ZooKeeper 3.9.5's {@code JettyAdminServer}, each a process of its own
 * from the same zoo.cfg. ZooKeeper's admin HTTPS takes its key and trust stores from the quorum TLS settings
 * ({@code ssl.quorum.*}, read through {@code QuorumX509Util}), turns {@code admin.forceHttps} into an SSL-only
 * connector, {@code admin.portUnification} into one that tells TLS from plain HTTP by the first bytes, and
 * {@code admin.needClientAuth} into {@code SslContextFactory.setNeedClientAuth}.
 *
 * <p>The x509 scheme of snapshot's {@code Authorization} header reads the certificate Jetty's
 * {@code SecureRequestCustomizer} puts on the request; ZooKeeper's {@code X509AuthenticationProvider} (registered by
 * {@code authProvider.x509}: without a secureClientPort nothing registers it) checks that chain against the CLIENT
 * trust store {@code ssl.trustStore.*}, ours against the admin (quorum) one: both name the same CA here.
 *
 * <p>Three server pairs: forceHttps, portUnification, and forceHttps with needClientAuth. Their zoo.cfgs differ in
 * those keys alone.
 */
class AdminHttpsDiffTest {
    private static final String X509_PROVIDER = "org.apache.zookeeper.server.auth.X509AuthenticationProvider";
    private static final String SUPER_PASSWORD = "super:admin-secret";
    private static final String ALICE_DN = "CN=alice,OU=clients,O=Keeper Test,C=US";
    private static final String OPERATOR_DN = "CN=operator,OU=operators,O=Keeper Test,C=US";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STILL_OPEN = "<still open>";

    private enum Mode {
        FORCE_HTTPS, PORT_UNIFICATION, NEED_CLIENT_AUTH
    }

    /** A server and its admin port. */
    private record Admin(ServerProcess process, int port) {
        URI uri(String scheme, String path) {
            return URI.create(scheme + "://127.0.0.1:" + port + path);
        }
    }

    private static Path dir;
    private static Store trustCa;
    private static SSLContext anonymous;
    private static SSLContext asAlice;
    private static SSLContext asOperator;
    private static final Map<Mode, Map<Server, Admin>> SERVERS = new EnumMap<>(Mode.class);

    @BeforeAll
    static void makeCertificatesAndStartServers() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/tls/" + AdminHttpsDiffTest.class.getSimpleName());
        TlsDiffTest.deleteTree(dir);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Authority ca = Authority.create("CN=Keeper Admin CA,O=Keeper Test,C=US");
        Identity server = ca.server("CN=localhost,OU=servers,O=Keeper Test,C=US");
        Identity alice = ca.client(ALICE_DN);
        Identity operator = ca.client(OPERATOR_DN);
        assertEquals(ALICE_DN, alice.subject());
        Store serverKeys = TestCerts.writeKeyStore(server, StoreType.JKS, certs.resolve("server.jks"),
                TestCerts.PASSWORD);
        trustCa = TestCerts.writeTrustStore(StoreType.JKS, certs.resolve("ca.jks"), TestCerts.PASSWORD,
                ca.certificate());
        anonymous = clientContext(null);
        asAlice = clientContext(alice);
        asOperator = clientContext(operator);

        String superDigest = DigestAuthenticationProvider.generateDigest(SUPER_PASSWORD);
        List<String> jvm = List.of("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + superDigest,
                "-Dzookeeper.X509AuthenticationProvider.superUser=" + OPERATOR_DN,
                "-Dlogback.configurationFile=" + writeLogConfig());
        try {
            // all six start at once; each is waited for after
            for (Mode m : Mode.values()) {
                Map<Server, Admin> pair = new EnumMap<>(Server.class);
                SERVERS.put(m, pair);
                for (Server s : Server.values()) {
                    int port = LoopbackPorts.unused();
                    String name = m.name().toLowerCase() + "-" + s;
                    Path data = Files.createDirectories(dir.resolve(name + "-data"));
                    pair.put(s, new Admin(ServerProcess.start(dir, data, config(m, port, serverKeys), name,
                            s.mainClass(), jvm), port));
                }
            }
            for (Map<Server, Admin> pair : SERVERS.values()) {
                for (Admin a : pair.values()) {
                    a.process().awaitServing();
                    awaitListening(a);
                }
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    /**
     * The test class path's logging, plus ZooKeeper's auth providers and admin commands at INFO: its
     * X509AuthenticationProvider logs the ids it grants ("Authenticated Id ... for scheme 'x509'", "... as super
     * user") only there, and the server logs are the evidence of which path an answer took.
     */
    private static Path writeLogConfig() throws IOException {
        return Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger{24} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.zookeeper" level="WARN"/>
                  <logger name="org.apache.zookeeper.server.auth" level="INFO"/>
                  <logger name="org.apache.zookeeper.server.admin" level="INFO"/>
                  <logger name="dev.keeper" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
    }

    /** The same zoo.cfg for both servers of a mode. */
    private static Map<String, String> config(Mode m, int port, Store serverKeys) {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("admin.enableServer", "true");
        cfg.put("admin.serverAddress", "127.0.0.1");
        cfg.put("admin.serverPort", Integer.toString(port));
        switch (m) {
            case FORCE_HTTPS -> cfg.put("admin.forceHttps", "true");
            case PORT_UNIFICATION -> cfg.put("admin.portUnification", "true");
            case NEED_CLIENT_AUTH -> {
                cfg.put("admin.forceHttps", "true");
                cfg.put("admin.needClientAuth", "true");
            }
            default -> throw new IllegalArgumentException(m.name());
        }
        // the admin HTTPS stores: JettyAdminServer reads the quorum's
        for (String prefix : List.of("ssl.quorum.", "ssl.")) {
            // "ssl.": the client trust store X509AuthenticationProvider checks an x509 caller's chain against (its
            // key store only silences a warning)
            cfg.put(prefix + "keyStore.location", serverKeys.path().toString());
            cfg.put(prefix + "keyStore.password", serverKeys.password());
            cfg.put(prefix + "keyStore.type", "JKS");
            cfg.put(prefix + "trustStore.location", trustCa.path().toString());
            cfg.put(prefix + "trustStore.password", trustCa.password());
            cfg.put(prefix + "trustStore.type", "JKS");
        }
        cfg.put("authProvider.x509", X509_PROVIDER);
        return cfg;
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (Map<Server, Admin> pair : SERVERS.values()) {
            for (Admin a : pair.values()) {
                a.process().close();
            }
        }
        SERVERS.clear();
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * forceHttps: ruok over HTTPS is 200 with the command's JSON; plain HTTP on the same port gets no HTTP answer and
     * the connection is closed, and the port serves HTTPS on. The bytes before the close differ, and are printed, not
     * compared: Jetty hands the request line to the JDK's SSLEngine, which answers with a fatal internal_error alert
     * (15 03 03 00 02 02 50); Netty's SslHandler sees the first bytes are no TLS record (NotSslRecordException) before
     * any engine does, and closes without a byte, as ZooKeeper's own Netty client port does.
     */
    @Test
    void forceHttps_servesHttps_andClosesOnPlainHttp() throws Exception {
        Map<Server, String> plainOutcome = new EnumMap<>(Server.class);
        Map<Server, String> rawReply = new EnumMap<>(Server.class);
        for (Server s : Server.values()) {
            Admin a = SERVERS.get(Mode.FORCE_HTTPS).get(s);
            assertRuok(s, send(anonymous, a.uri("https", "/commands/ruok"), null));

            IOException refused = assertThrows(IOException.class,
                    () -> send(null, a.uri("http", "/commands/ruok"), null), s + ": plain HTTP was answered");
            plainOutcome.put(s, refused.toString());
            String raw = describe(rawHttp(a.port()));
            rawReply.put(s, raw);
            assertFalse(raw.contains("HTTP/"), s + ": plain HTTP got an HTTP answer: " + raw);
            assertFalse(raw.contains(STILL_OPEN), s + ": the connection stays open after plain HTTP: " + raw);
            assertRuok(s, send(anonymous, a.uri("https", "/commands/ruok"), null));
        }
        System.out.printf("[forceHttps] plain HTTP via HttpClient: %s%n[forceHttps] raw plain HTTP reply: %s%n",
                plainOutcome, rawReply);
    }

    /**
     * The admin HTTPS port takes TLSv1.2 as well as TLSv1.3: JettyAdminServer gives its SslContextFactory the quorum
     * key and trust stores and nothing else, so Jetty's defaults (the JDK's protocols less SSL*) apply, whatever
     * ssl.quorum.protocol (TLSv1.3 by default, for the quorum port) and ssl.quorum.enabledProtocols say. A default
     * client gets TLSv1.3; one that offers only TLSv1.2 gets ruok over TLSv1.2.
     */
    @Test
    void adminHttps_acceptsTls12_asJettysDefaultsDo() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Mode m : List.of(Mode.FORCE_HTTPS, Mode.PORT_UNIFICATION)) {
            for (Server s : Server.values()) {
                Admin a = SERVERS.get(m).get(s);
                Answer dflt = send(anonymous, a.uri("https", "/commands/ruok"), null);
                assertRuok(s, dflt);
                assertEquals("TLSv1.3", dflt.response().sslSession().orElseThrow().getProtocol(), m + " " + s);
                try {
                    Answer tls12 = send(anonymous, a.uri("https", "/commands/ruok"), null, "TLSv1.2");
                    assertRuok(s, tls12);
                    assertEquals("TLSv1.2", tls12.response().sslSession().orElseThrow().getProtocol(), m + " " + s);
                } catch (IOException e) {
                    failures.add(m + " " + s + ": a TLSv1.2 client is refused: " + e);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** portUnification: the one port answers ruok over http:// and https:// alike. */
    @Test
    void portUnification_answersHttpAndHttpsOnOnePort() throws Exception {
        for (Server s : Server.values()) {
            Admin a = SERVERS.get(Mode.PORT_UNIFICATION).get(s);
            assertRuok(s, send(anonymous, a.uri("https", "/commands/ruok"), null));
            assertRuok(s, send(null, a.uri("http", "/commands/ruok"), null));
        }
    }

    /**
     * needClientAuth (with forceHttps): a client without a certificate never gets an answer (the server ends the
     * handshake: TLS 1.3 reports it on the client's first read); with a certificate from the trusted CA, ruok is 200.
     */
    @Test
    void needClientAuth_refusesAClientWithoutCertificate() throws Exception {
        Map<Server, String> refusals = new EnumMap<>(Server.class);
        for (Server s : Server.values()) {
            Admin a = SERVERS.get(Mode.NEED_CLIENT_AUTH).get(s);
            IOException refused = assertThrows(IOException.class,
                    () -> send(anonymous, a.uri("https", "/commands/ruok"), null), s + ": no certificate, answered");
            refusals.put(s, refused.toString());
            assertRuok(s, send(asAlice, a.uri("https", "/commands/ruok"), null));
        }
        System.out.printf("[needClientAuth] without a certificate: %s%n", refusals);
    }

    /**
     * snapshot with "Authorization: x509" over HTTPS with alice's certificate: 200 while "/" is open to the world;
     * with "/" set to x509:alice alone (by the digest super user), x509 is still 200 and "digest other:pw" is 403
     * "Not authorized" ({@code Commands.handleAuthorization}); a certificate that is the x509 superUser is 200 too.
     */
    @Test
    void x509Snapshot_isAllowedByTheCertificatesAclEntry() throws Exception {
        Map<Server, Admin> pair = SERVERS.get(Mode.NEED_CLIENT_AUTH);
        for (Server s : Server.values()) {
            assertSnapshot(s, send(asAlice, pair.get(s).uri("https", "/commands/snapshot"), "x509"));
        }
        for (Server s : Server.values()) {
            setRootAcl(pair.get(s), List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", ALICE_DN))));
        }
        Thread.sleep(400); // ZooKeeper allows one snapshot per 300 ms
        for (Server s : Server.values()) {
            Admin a = pair.get(s);
            assertSnapshot(s, send(asAlice, a.uri("https", "/commands/snapshot"), "x509"));
            Answer refused = send(asAlice, a.uri("https", "/commands/snapshot"), "digest other:pw");
            assertError(s, refused, 403, "Not authorized");
        }
        Thread.sleep(400);
        for (Server s : Server.values()) {
            // zookeeper.X509AuthenticationProvider.superUser: "super:<DN>" beside "x509:<DN>"
            assertSnapshot(s, send(asOperator, pair.get(s).uri("https", "/commands/snapshot"), "x509"));
        }
    }

    /**
     * The x509 scheme without a certificate to read: forceHttps without needClientAuth asks for none, so there is
     * no chain and the header proves nothing, 401 "Not authenticated"; over plain HTTP on the unified port the same.
     */
    @Test
    void x509Snapshot_withoutAClientCertificate_isNotAuthenticated() throws Exception {
        for (Server s : Server.values()) {
            Admin forced = SERVERS.get(Mode.FORCE_HTTPS).get(s);
            assertError(s, send(asAlice, forced.uri("https", "/commands/snapshot"), "x509"), 401,
                    "Not authenticated");
            Admin unified = SERVERS.get(Mode.PORT_UNIFICATION).get(s);
            assertError(s, send(null, unified.uri("http", "/commands/snapshot"), "x509"), 401, "Not authenticated");
        }
    }


    // ---------------------------------------------------------------- helpers

    private record Answer(int status, HttpResponse<byte[]> response) {
        String body() {
            return new String(response.body(), StandardCharsets.UTF_8);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(response.body());
        }
    }

    /**
     * GET {@code uri}, HTTP/1.1, over TLS with {@code tls} (plain HTTP if null), offering only {@code protocols} if
     * any are named; a fresh client each time, so no connection is shared.
     */
    private static Answer send(SSLContext tls, URI uri, String authorization, String... protocols)
            throws IOException, InterruptedException {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
            if (protocols.length > 0) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setProtocols(protocols);
                b.sslParameters(p);
            }
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET();
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpResponse<byte[]> resp = b.build().send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(resp.statusCode(), resp);
    }

    private static void assertRuok(Server s, Answer a) throws IOException {
        assertEquals(200, a.status(), s + ": " + a.body());
        JsonNode json = a.json();
        assertEquals("ruok", json.get("command").asText(), s + ": " + json);
        assertTrue(json.get("error").isNull(), s + ": " + json);
    }

    private static void assertError(Server s, Answer a, int status, String error) throws IOException {
        assertEquals(status, a.status(), s + ": " + a.body());
        assertEquals("snapshot", a.json().get("command").asText(), s + ": " + a.body());
        assertEquals(error, a.json().get("error").asText(), s + ": " + a.body());
    }

    /** A snapshot: 200, the zxid and size headers, ZooKeeper's snapshot magic ("ZKSN") first. */
    private static void assertSnapshot(Server s, Answer a) {
        assertEquals(200, a.status(), s + ": " + a.body());
        assertTrue(a.response().headers().firstValue("last_zxid").orElse("").startsWith("0x"), s.toString());
        assertEquals(Long.toString(a.response().body().length),
                a.response().headers().firstValue("snapshot_size").orElse(""), s.toString());
        assertEquals("5a4b534e", HexFormat.of().formatHex(a.response().body(), 0, 4), s + ": snapshot magic");
    }

    /** Sets "/"'s ACL as the digest super user, over the plaintext client port. */
    private static void setRootAcl(Admin a, List<ACL> acl) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        try (ZooKeeper zk = new ZooKeeper(a.process().connectString(), 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        })) {
            assertTrue(connected.await(30, TimeUnit.SECONDS), "no session with " + a.process().connectString());
            zk.addAuthInfo("digest", SUPER_PASSWORD.getBytes(StandardCharsets.UTF_8));
            zk.setACL("/", new ArrayList<>(acl), -1);
            assertEquals(acl, zk.getACL("/", null));
        }
    }

    /**
     * A plaintext HTTP request on a raw socket, and what comes back before the server closes the connection (or 3 s
     * pass).
     */
    private static byte[] rawHttp(int port) throws IOException {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            raw.setSoTimeout(3_000);
            OutputStream out = raw.getOutputStream();
            out.write("GET /commands/ruok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = raw.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[512];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException open) {
                got.write(STILL_OPEN.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException reset) {
                got.write(("<" + reset.getMessage() + ">").getBytes(StandardCharsets.US_ASCII));
            }
            return got.toByteArray();
        }
    }

    private static String describe(byte[] raw) {
        return raw.length == 0 ? "nothing, then EOF" : raw.length + " bytes: "
                + HexFormat.of().formatHex(raw, 0, Math.min(raw.length, 32)) + " \""
                + new String(raw, 0, Math.min(raw.length, 64), StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", ".")
                + "\"";
    }

    /**
     * A client TLS context: trusts the test CA (the server certificate names IP:127.0.0.1, so HttpClient's host
     * check passes) and presents {@code id}'s certificate, or none if null.
     */
    private static SSLContext clientContext(Identity id) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("JKS");
        try (InputStream in = Files.newInputStream(trustCa.path())) {
            trust.load(in, trustCa.password().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (id != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = TestCerts.PASSWORD.toCharArray();
            ks.setKeyEntry("client", id.key(), pw, id.chain().toArray(new X509Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void awaitListening(Admin a) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", a.port()), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on the admin port " + a.port() + " after 30 s:\n" + a.process().log());
    }
}
