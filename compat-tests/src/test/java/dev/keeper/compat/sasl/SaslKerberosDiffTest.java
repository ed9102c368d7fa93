package dev.keeper.compat.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.sasl.SaslDigestDiffTest.Transcript;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.RawClient;
import dev.keeper.compat.support.Server;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.jute.BinaryInputArchive;
import org.apache.kerby.kerberos.kerb.client.KrbConfig;
import org.apache.kerby.kerberos.kerb.server.KdcSetting;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SASL with Kerberos (GSSAPI) on the client port, on ours and on the real ZooKeeper 3.9.5, against a real KDC:
 * Apache Kerby's {@link SimpleKdcServer}, started by this test in this JVM on 127.0.0.1 (TCP only, a port from
 * {@link LoopbackPorts}), realm EXAMPLE.COM, with the principals {@code zookeeper/localhost} (the servers'),
 * {@code alice}, {@code bob}, {@code svc/localhost} (a client principal with a host part) and {@code other/localhost}
 * (a service the servers hold no key for), each with a keytab of its own, and keytabs that cannot log in: one for
 * {@code ghost}, a principal deleted from the KDC after its keytab was exported, and one for {@code carol} with the
 * key she had before the KDC gave her a new one.
 *
 * <p>Both servers are standalone processes started from the same zoo.cfg
 * ({@code authProvider.1=...SASLAuthenticationProvider}, the "sasl" ACL scheme) with the same JVM flags:
 * {@code -Djava.security.krb5.conf} (the krb5.conf written here: the KDC at 127.0.0.1 and its port,
 * {@code udp_preference_limit = 1} for TCP) and {@code -Djava.security.auth.login.config} (section "Server":
 * {@code Krb5LoginModule} with the {@code zookeeper/localhost} keytab); some scenarios add
 * {@code zookeeper.kerberos.removeRealmFromPrincipal} or {@code removeHostFromPrincipal}. Every scenario runs
 * against both and expects what ZooKeeper does.
 *
 * <p>The SASL clients are the stock ZooKeeper Java client ({@link SaslScript}) in a child JVM with the same
 * krb5.conf and a JAAS file of their own (section "Client", {@code Krb5LoginModule} with one keytab), connecting
 * to {@code localhost:PORT}, so that the client asks the KDC for a ticket to {@code zookeeper/localhost}
 * ({@code SaslServerPrincipal}). This JVM never sets {@code java.security.krb5.conf} or
 * {@code java.security.auth.login.config}: JAAS and the Kerberos configuration are JVM-wide, and the test JVM is
 * shared with the other suites. (Kerby's {@code SimpleKdcServer.init} sets {@code java.security.krb5.conf} to a
 * file of its own; the value before it is put back at once.) Its clients without SASL run here, with SASL off.
 */
class SaslKerberosDiffTest {
    private static final String SASL_PROVIDER = SaslDigestDiffTest.SASL_PROVIDER;
    private static final String REALM = "EXAMPLE.COM";
    private static final String SERVICE = "zookeeper/localhost@" + REALM;
    private static final String ALICE = "alice@" + REALM;
    private static final String BOB = "bob@" + REALM;
    private static final String SVC = "svc/localhost@" + REALM;
    /** A service the KDC knows but the servers hold no key for. */
    private static final String OTHER_SERVICE = "other/localhost@" + REALM;
    /** Deleted from the KDC once its keytab is written. */
    private static final String GHOST = "ghost@" + REALM;
    /** Given new keys once its keytab is written. */
    private static final String CAROL = "carol@" + REALM;
    private static final String KRB5_CONF = "java.security.krb5.conf";
    private static final String JAAS_CONF = "java.security.auth.login.config";
    private static final int SESSION_MS = 30_000;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration RAW_WAIT = Duration.ofSeconds(10);
    private static final String ALL = Integer.toString(ZooDefs.Perms.ALL);
    private static final byte[] DATA = "data".getBytes(StandardCharsets.UTF_8);

    private static Path dir;
    private static SimpleKdcServer kdc;
    private static int kdcPort;
    private static Path krb5Conf;
    private static Path serverJaas;
    /** Client JAAS files by principal (the keytab each logs in with). */
    private static final Map<String, Path> CLIENT_JAAS = new LinkedHashMap<>();
    /** The servers the shared scenarios use: Kerberos SASL and the SASL provider, no other flag. */
    private static final Map<Server, ServerProcess> SASL = new EnumMap<>(Server.class);

    @BeforeAll
    static void startKdcAndServers() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/sasl/" + SaslKerberosDiffTest.class.getSimpleName());
        deleteTree(dir);
        Files.createDirectories(dir);
        try {
            startKdc();
            writeKeytabsAndJaas();
            for (Server s : Server.values()) {
                SASL.put(s, start(s, "krb-" + s, List.of()));
            }
            for (ServerProcess p : SASL.values()) {
                p.awaitServing();
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            for (ServerProcess p : SASL.values()) {
                p.close();
            }
            SASL.clear();
        } finally {
            stopKdc();
        }
    }

    // ---------------------------------------------------------------- the KDC

    private static void startKdc() throws Exception {
        Path work = dir.resolve("kdc");
        Files.createDirectories(work);
        kdcPort = LoopbackPorts.unused();
        String krb5Before = System.getProperty(KRB5_CONF);
        // (the constructor without arguments would bind a wildcard port to pick a default one; this one does not)
        kdc = new SimpleKdcServer(new KrbConfig());
        try {
            kdc.setWorkDir(work.toFile());
            kdc.setKdcRealm(REALM);
            kdc.setKdcHost("127.0.0.1");
            kdc.setKdcTcpPort(kdcPort);
            kdc.setAllowUdp(false);
            kdc.init();
            kdc.start();
        } finally {
            // SimpleKdcServer.init sets java.security.krb5.conf (Krb5Conf.initKrb5conf): not in this JVM
            if (krb5Before == null) {
                System.clearProperty(KRB5_CONF);
            } else {
                System.setProperty(KRB5_CONF, krb5Before);
            }
        }
        KdcSetting setting = kdc.getKdcSetting();
        assertEquals("127.0.0.1", setting.getKdcHost());
        assertEquals(kdcPort, setting.getKdcTcpPort());
        assertTrue(setting.allowTcp() && !setting.allowUdp(), "the KDC should be TCP only");
        // Kerby's own krb5.conf names the KDC "localhost", whatever host it was given: the children get one
        // naming 127.0.0.1, and its port, written here
        String kerbys = Files.readString(work.resolve("krb5.conf"));
        assertTrue(kerbys.contains("kdc = localhost:" + kdcPort), kerbys);
        krb5Conf = write(dir.resolve("krb5.conf"), """
                [libdefaults]
                    default_realm = %s
                    udp_preference_limit = 1
                    dns_lookup_kdc = false
                    dns_lookup_realm = false

                [realms]
                    %s = {
                        kdc = 127.0.0.1:%d
                    }
                """.formatted(REALM, REALM, kdcPort));
        assertTrue(listening(kdcPort), "the KDC does not listen on 127.0.0.1:" + kdcPort);
    }

    private static void stopKdc() throws Exception {
        if (kdc == null) {
            return;
        }
        SimpleKdcServer k = kdc;
        kdc = null;
        // Kerby's stop waits for its handlers (each ends within 3 s of its client going quiet); bounded here too
        Thread stopper = new Thread(() -> {
            try {
                k.stop();
            } catch (Exception e) {
                System.err.println("KDC stop: " + e);
            }
        }, "kdc-stop");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(TimeUnit.SECONDS.toMillis(30));
        if (stopper.isAlive()) {
            fail("the KDC did not stop within 30 s");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listening(kdcPort)) {
            if (System.nanoTime() > deadline) {
                fail("the KDC still listens on 127.0.0.1:" + kdcPort + " 10 s after its stop");
            }
            Thread.sleep(50);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refusedOrUnreachable) {
            return false;
        }
    }

    /** Principals, their keytabs, the servers' and the clients' JAAS files. */
    private static void writeKeytabsAndJaas() throws Exception {
        Path keytabs = dir.resolve("keytabs");
        Files.createDirectories(keytabs);
        Map<String, Path> tabs = new LinkedHashMap<>();
        for (String principal : List.of(SERVICE, ALICE, BOB, SVC, GHOST, CAROL)) {
            kdc.createPrincipal(principal);
            Path tab = keytabs.resolve(principal.substring(0, principal.indexOf('@')).replace('/', '_') + ".keytab");
            kdc.exportPrincipal(principal, tab.toFile());
            assertTrue(Files.size(tab) > 0, "empty keytab " + tab);
            tabs.put(principal, tab);
        }
        kdc.createPrincipal(OTHER_SERVICE);
        kdc.deletePrincipal(GHOST);
        kdc.getKadmin().updateKeys(CAROL);

        serverJaas = write(dir.resolve("server.jaas"), krb5Section("Server", tabs.get(SERVICE), SERVICE));
        for (String principal : List.of(ALICE, BOB, SVC, GHOST, CAROL)) {
            CLIENT_JAAS.put(principal, write(dir.resolve("client-" + tabs.get(principal).getFileName() + ".jaas"),
                    krb5Section("Client", tabs.get(principal), principal)));
        }
    }

    /** A JAAS section logging in with the JDK's Krb5LoginModule from a keytab, as ZooKeeper's guide writes it. */
    private static String krb5Section(String section, Path keytab, String principal) {
        return """
                %s {
                  com.sun.security.auth.module.Krb5LoginModule required
                  useKeyTab=true
                  keyTab="%s"
                  storeKey=true
                  useTicketCache=false
                  principal="%s";
                };
                """.formatted(section, keytab, principal);
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file;
    }

    // ---------------------------------------------------------------- servers

    /** A standalone server with the SASL provider, the krb5.conf, the server JAAS file and {@code jvmOptions}. */
    private static ServerProcess start(Server server, String name, List<String> jvmOptions) throws IOException {
        Path data = dir.resolve(name + "-data");
        Files.createDirectories(data);
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", "2000");
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        cfg.put("authProvider.1", SASL_PROVIDER);
        List<String> options = new ArrayList<>(List.of("-D" + KRB5_CONF + "=" + krb5Conf,
                "-D" + JAAS_CONF + "=" + serverJaas));
        options.addAll(jvmOptions);
        options.addAll(debugOptions());
        return ServerProcess.start(dir, data, cfg, name, server.mainClass(), options);
    }

    private static ServerProcess startServing(Server server, String name, List<String> jvmOptions)
            throws Exception {
        ServerProcess p = start(server, name, jvmOptions);
        try {
            p.awaitServing();
            return p;
        } catch (Exception | AssertionError e) {
            p.close();
            throw e;
        }
    }

    /** {@code -Dkeeper.krb5.debug=true} on this JVM turns on the JDK's Kerberos debugging in every child. */
    private static List<String> debugOptions() {
        return Boolean.getBoolean("keeper.krb5.debug") ? List.of("-Dsun.security.krb5.debug=true") : List.of();
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * 1. alice logs in from her keytab and authenticates with GSSAPI: SyncConnected, then SaslAuthenticated;
     * whoAmI lists ip and sasl:alice@EXAMPLE.COM (SaslServerCallbackHandler keeps the realm); a node with ACL
     * sasl:alice@EXAMPLE.COM:cdrwa is hers to read, and an "auth" ACL expands to that id alone. A client without
     * SASL gets NoAuth on both nodes.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void alice_authenticates_andReadsHerNode(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        Transcript t = script(proc, ALICE, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                "create /alice sasl:" + ALICE + ":" + ALL, "get /alice", "getacl /alice",
                "create /alice-auth auth::" + ALL, "getacl /alice-auth", "state", "close");
        System.out.printf("[%s] 1: %s%n", server, t);
        assertTranscript(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:alice@EXAMPLE.COM",
                "create /alice sasl:alice@EXAMPLE.COM:31 => OK /alice",
                "get /alice => OK data",
                "getacl /alice => OK sasl:alice@EXAMPLE.COM:31",
                "create /alice-auth auth::31 => OK /alice-auth",
                "getacl /alice-auth => OK sasl:alice@EXAMPLE.COM:31",
                "state => OK CONNECTED",
                "close => OK"), t, proc);
        assertEquals(List.of("SyncConnected", "SaslAuthenticated", "Closed"), t.states(), t.raw());

        try (ZooKeeper anonymous = SaslDigestDiffTest.connect(proc)) {
            assertEquals(List.of("ip:127.0.0.1"), SaslDigestDiffTest.whoAmI(anonymous));
            for (String path : List.of("/alice", "/alice-auth")) {
                assertEquals(KeeperException.Code.NOAUTH, assertThrows(KeeperException.class,
                        () -> anonymous.getData(path, false, null)).code());
            }
        }
    }

    /**
     * 2. A second principal is refused: bob authenticates too (sasl:bob@EXAMPLE.COM), but alice's node is not his
     * to read (exists, get and getAcl are NoAuth), while the node he makes for himself is.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void bob_authenticates_andIsRefusedAlicesNode(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        Transcript alice = script(proc, ALICE, List.of(), "connect", "await SaslAuthenticated 20000",
                "create /alice-only sasl:" + ALICE + ":" + ALL, "close");
        assertTranscript(List.of("connect => OK", "await SaslAuthenticated 20000 => OK",
                "create /alice-only sasl:alice@EXAMPLE.COM:31 => OK /alice-only", "close => OK"), alice, proc);
        Transcript bob = script(proc, BOB, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                "get /alice-only", "exists /alice-only", "getacl /alice-only", "create /bob sasl:" + BOB + ":" + ALL,
                "get /bob", "state", "close");
        System.out.printf("[%s] 2: %s%n", server, bob);
        assertTranscript(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:bob@EXAMPLE.COM",
                "get /alice-only => ERR NOAUTH -102",
                "exists /alice-only => ERR NOAUTH -102",
                "getacl /alice-only => ERR NOAUTH -102",
                "create /bob sasl:bob@EXAMPLE.COM:31 => OK /bob",
                "get /bob => OK data",
                "state => OK CONNECTED",
                "close => OK"), bob, proc);
        assertEquals(List.of("SyncConnected", "SaslAuthenticated", "Closed"), bob.states(), bob.raw());
    }

    /** 3. A client principal with a host part keeps it by default: sasl:svc/localhost@EXAMPLE.COM. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void hostBasedPrincipal_keepsHostAndRealm(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        Transcript t = script(proc, SVC, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                "create /svc auth::" + ALL, "getacl /svc", "get /svc", "close");
        System.out.printf("[%s] 3: %s%n", server, t);
        assertTranscript(List.of(
                "connect => OK",
                "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:svc/localhost@EXAMPLE.COM",
                "create /svc auth::31 => OK /svc",
                "getacl /svc => OK sasl:svc/localhost@EXAMPLE.COM:31",
                "get /svc => OK data",
                "close => OK"), t, proc);
    }

    /**
     * 4. {@code -Dzookeeper.kerberos.removeRealmFromPrincipal=true}: alice is sasl:alice, an "auth" ACL is
     * sasl:alice, and a node whose ACL names sasl:alice@EXAMPLE.COM is no longer hers to read; svc/localhost keeps
     * its host.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void removeRealmFromPrincipal_shortensTheId(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "norealm-" + server,
                List.of("-Dzookeeper.kerberos.removeRealmFromPrincipal=true"))) {
            Transcript alice = script(proc, ALICE, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                    "create /a sasl:alice:" + ALL, "get /a", "create /a-full sasl:" + ALICE + ":" + ALL,
                    "get /a-full", "create /a-auth auth::" + ALL, "getacl /a-auth", "close");
            System.out.printf("[%s] 4: alice %s%n", server, alice);
            assertTranscript(List.of(
                    "connect => OK",
                    "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:alice",
                    "create /a sasl:alice:31 => OK /a",
                    "get /a => OK data",
                    "create /a-full sasl:alice@EXAMPLE.COM:31 => OK /a-full",
                    "get /a-full => ERR NOAUTH -102",
                    "create /a-auth auth::31 => OK /a-auth",
                    "getacl /a-auth => OK sasl:alice:31",
                    "close => OK"), alice, proc);
            Transcript svc = script(proc, SVC, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                    "close");
            System.out.printf("[%s] 4: svc %s%n", server, svc);
            assertTranscript(List.of("connect => OK", "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:svc/localhost", "close => OK"), svc, proc);
        }
    }

    /**
     * 5. {@code -Dzookeeper.kerberos.removeHostFromPrincipal=true}: svc/localhost@EXAMPLE.COM is
     * sasl:svc@EXAMPLE.COM; alice, without a host, stays sasl:alice@EXAMPLE.COM.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void removeHostFromPrincipal_dropsTheHostOnly(Server server) throws Exception {
        try (ServerProcess proc = startServing(server, "nohost-" + server,
                List.of("-Dzookeeper.kerberos.removeHostFromPrincipal=true"))) {
            Transcript svc = script(proc, SVC, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                    "create /s auth::" + ALL, "getacl /s", "get /s", "close");
            System.out.printf("[%s] 5: svc %s%n", server, svc);
            assertTranscript(List.of(
                    "connect => OK",
                    "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:svc@EXAMPLE.COM",
                    "create /s auth::31 => OK /s",
                    "getacl /s => OK sasl:svc@EXAMPLE.COM:31",
                    "get /s => OK data",
                    "close => OK"), svc, proc);
            Transcript alice = script(proc, ALICE, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                    "close");
            System.out.printf("[%s] 5: alice %s%n", server, alice);
            assertTranscript(List.of("connect => OK", "await SaslAuthenticated 20000 => OK",
                    "whoami => OK ip:127.0.0.1,sasl:alice@EXAMPLE.COM", "close => OK"), alice, proc);
        }
    }

    /**
     * 6. A keytab for a principal the KDC does not know: the client's JAAS login fails ("Client not found in
     * Kerberos database"), so it never starts SASL: AuthFailed at once, then it connects without SASL
     * (SyncConnected, CONNECTED), is only ip:127.0.0.1, gets NoAuth on alice's node, and may do what anyone may.
     * Nothing SASL reaches the server: both must simply serve an unauthenticated client.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void unknownPrincipal_loginFails_clientGoesOnWithoutSasl(Server server) throws Exception {
        assertLoginFailed(server, "6", GHOST, "Client not found in Kerberos database");
    }

    /**
     * 7. A keytab with a key the KDC no longer has: the login fails, the KDC refusing the pre-authentication
     * (Kerby answers KRB_AP_ERR_BAD_INTEGRITY, "Integrity check on decrypted field failed (31) - PREAUTH_FAILED",
     * where an MIT KDC says KDC_ERR_PREAUTH_FAILED, 24), and the client goes on without SASL as in 6.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void wrongKey_loginFails_clientGoesOnWithoutSasl(Server server) throws Exception {
        assertLoginFailed(server, "7", CAROL, "Integrity check on decrypted field failed (31)");
    }

    /**
     * 8. A ticket the server cannot accept: alice logs in, but with {@code zookeeper.sasl.client.username=other}
     * she asks the KDC for a ticket to other/localhost, a service the server holds no key for. The server's
     * GSSAPI refuses her first token: AuthFailed (-115), zxid 0, a null token, and the connection closed, as for a
     * wrong DIGEST-MD5 password. The client, SyncConnected a moment before, gets AuthFailed and gives up:
     * AUTH_FAILED for good, every request AuthFailed without going to the server, no further event. On the wire,
     * a token that is not a GSS-API one (empty, or garbage) gets the same answer.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void ticketForAnotherService_refusedByTheServer(Server server) throws Exception {
        ServerProcess proc = SASL.get(server);
        Transcript t = script(proc, ALICE, List.of("-Dzookeeper.sasl.client.username=other"), "connect",
                "await AuthFailed 20000", "state", "exists /", "get /", "sleep 3000", "state", "exists /", "close");
        System.out.printf("[%s] 8: %s; AuthFailed %d ms after SyncConnected%n", server, t,
                t.at("AuthFailed") - t.at("SyncConnected"));
        assertTranscript(List.of(
                "connect => OK",
                "await AuthFailed 20000 => OK",
                "state => OK AUTH_FAILED",
                "exists / => ERR AUTHFAILED -115",
                "get / => ERR AUTHFAILED -115",
                "sleep 3000 => OK",
                "state => OK AUTH_FAILED",
                "exists / => ERR AUTHFAILED -115",
                "close => OK"), t, proc);
        assertEquals(List.of("SyncConnected", "AuthFailed"), t.states(), t.raw());
        long giveUp = t.at("AuthFailed") - t.at("SyncConnected");
        assertTrue(giveUp >= 0 && giveUp < 5_000, "AuthFailed " + giveUp + " ms after SyncConnected");

        assertEquals(List.of("1 zxid=0 err=-115 null", "closed"), rawSasl(proc, new byte[0]));
        assertEquals(List.of("1 zxid=0 err=-115 null", "closed"),
                rawSasl(proc, "not a GSS-API token".getBytes(StandardCharsets.UTF_8)));
        // and the server still authenticates alice
        Transcript ok = script(proc, ALICE, List.of(), "connect", "await SaslAuthenticated 20000", "whoami",
                "close");
        assertTranscript(List.of("connect => OK", "await SaslAuthenticated 20000 => OK",
                "whoami => OK ip:127.0.0.1,sasl:alice@EXAMPLE.COM", "close => OK"), ok, proc);
    }

    // ---------------------------------------------------------------- shared checks

    /** Scenarios 6 and 7: a client whose Kerberos login fails goes on without SASL. */
    private static void assertLoginFailed(Server server, String label, String principal, String why)
            throws Exception {
        ServerProcess proc = SASL.get(server);
        String node = "/for-alice-" + label;
        try (ZooKeeper anonymous = SaslDigestDiffTest.connect(proc)) {
            anonymous.create(node, DATA, SaslScript.acl("sasl:" + ALICE + ":" + ALL), CreateMode.PERSISTENT);
        }
        String mine = "/open-" + label;
        Transcript t = script(proc, principal, List.of(), "connect", "await SyncConnected 20000", "sleep 1000",
                "state", "whoami", "get " + node, "create " + mine + " world:anyone:" + ALL, "get " + mine,
                "close");
        System.out.printf("[%s] %s: %s %s%n", server, label, principal, t);
        assertTranscript(List.of(
                "connect => OK",
                "await SyncConnected 20000 => OK",
                "sleep 1000 => OK",
                "state => OK CONNECTED",
                "whoami => OK ip:127.0.0.1",
                "get " + node + " => ERR NOAUTH -102",
                "create " + mine + " world:anyone:31 => OK " + mine,
                "get " + mine + " => OK data",
                "close => OK"), t, proc);
        assertEquals(List.of("AuthFailed", "SyncConnected", "Closed"), t.states(), t.raw());
        // the login is what failed, for the reason meant
        assertTrue(t.raw().contains("SASL configuration failed") && t.raw().contains("LoginException")
                && t.raw().contains(why), "the client's login did not fail with \"" + why + "\":\n" + t.raw());
    }

    private static void assertTranscript(List<String> expected, Transcript t, ServerProcess proc) {
        assertEquals(expected, t.results(), () -> t.raw() + "\n--- server log (tail)\n" + tail(proc.log()));
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }

    // ---------------------------------------------------------------- the child JVM

    /**
     * Runs {@link SaslScript} in a child JVM against {@code localhost:PORT} with the krb5.conf, the client JAAS
     * file of {@code principal} and {@code jvmOptions}.
     */
    private static Transcript script(ServerProcess proc, String principal, List<String> jvmOptions,
            String... commands) {
        Path jaas = CLIENT_JAAS.get(principal);
        assertNotNull(jaas, "no client JAAS file for " + principal);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-D" + KRB5_CONF + "=" + krb5Conf,
                "-D" + JAAS_CONF + "=" + jaas));
        command.addAll(jvmOptions);
        command.addAll(debugOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SaslScript.class.getName(),
                "localhost:" + proc.port()));
        command.addAll(List.of(commands));
        Subprocess.Result r = Subprocess.run(CHILD_TIMEOUT, Map.of(), command);
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains(SaslScript.PREFIX + "done"), r.describe());
        return Transcript.parse(r.stdout() + "\n" + r.stderr());
    }

    // ---------------------------------------------------------------- the wire, by hand

    /**
     * The handshake, then one SASL request (xid 1) with {@code token}: "XID zxid=Z err=E token|null|empty" for the
     * reply, then "closed" (or what else came) after an error, or whether the session answers ("alive").
     */
    private static List<String> rawSasl(ServerProcess proc, byte[] token) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient c = RawClient.connect(proc.port())) {
            c.handshake(SESSION_MS);
            c.send(1, ZooDefs.OpCode.sasl, new GetSASLRequest(token));
            RawClient.Next n = c.next(RAW_WAIT);
            if (!(n instanceof RawClient.Frame f)) {
                seen.add(c.describe(n));
                return seen;
            }
            seen.add(f.xid() + " zxid=" + f.zxid() + " err=" + f.err() + " " + saslBody(f));
            seen.add(f.err() == 0 ? c.alive() : c.describe(c.next(RAW_WAIT)));
            return seen;
        }
    }

    private static String saslBody(RawClient.Frame f) throws IOException {
        if (f.body().length == 0) {
            return "empty";
        }
        SetSASLResponse rsp = new SetSASLResponse();
        rsp.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(f.body())), "response");
        return rsp.getToken() == null ? "null" : "token";
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
