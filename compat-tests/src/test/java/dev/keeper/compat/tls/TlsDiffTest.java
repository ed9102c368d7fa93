package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.LoopbackPorts;
import dev.keeper.compat.support.Server;
import dev.keeper.compat.tls.TestCerts.Authority;
import dev.keeper.compat.tls.TestCerts.Identity;
import dev.keeper.compat.tls.TestCerts.Store;
import dev.keeper.compat.tls.TestCerts.StoreType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS on the client port and x509 identities, on ours and on the real ZooKeeper 3.9.5, each a standalone server in a
 * process of its own started from the same zoo.cfg: {@code secureClientPort} (or {@code client.portUnification}),
 * the {@code ssl.*} keys, which ZooKeeper turns into {@code zookeeper.ssl.*} system properties, and
 * {@code serverCnxnFactory=NettyServerCnxnFactory}, without which ZooKeeper has no TLS (ours ignores it). Every
 * scenario runs against both and expects what ZooKeeper does, written out in the test.
 *
 * <p>The client is ZooKeeper's own, configured per instance through {@link ZKClientConfig} (Netty socket,
 * {@code zookeeper.client.secure}, {@code zookeeper.ssl.*}, hostname verification on: the server certificate names
 * IP:127.0.0.1), never through this JVM's system properties. A raw {@link SSLSocket} shows what the handshake itself
 * negotiates and which certificate chain the server presents. The certificates are made at test time
 * ({@link TestCerts}).
 *
 * <p>"Never connects" is a bounded wait ({@link #REFUSED_WAIT_MS}) for SyncConnected that must not come, always
 * next to a client that does connect to the same server in the same test, so a server that is merely down cannot
 * pass it.
 *
 * <p>Longer than a file should be: every scenario shares the certificates, the default server pair and the client
 * and raw-handshake plumbing, and splitting them would mean making the certificates and starting that pair again
 * per file.
 */
class TlsDiffTest {
    private static final String NETTY_FACTORY = "org.apache.zookeeper.server.NettyServerCnxnFactory";
    private static final String NETTY_CLIENT = "org.apache.zookeeper.ClientCnxnSocketNetty";
    private static final String X509_PROVIDER = "org.apache.zookeeper.server.auth.X509AuthenticationProvider";
    private static final int SESSION_MS = 30_000;
    private static final long CONNECT_WAIT_MS = 30_000;
    /** How long a client that must be refused is given to reach SyncConnected all the same. */
    private static final long REFUSED_WAIT_MS = 4_000;
    /** How long a rotated key store may take to show in new handshakes (ours watches the file). */
    private static final long ROTATION_WAIT_MS = 20_000;

    private static final String ALICE_DN = "CN=alice,OU=clients,O=Keeper Test,C=US";
    /** emailAddress has no RFC 2253 keyword: Java prints it as an OID and the hex of its DER value. */
    private static final String BOB_DN = "EMAILADDRESS=bob@example.org,CN=bob,OU=clients,O=Keeper Test,C=US";
    private static final String BOB_AS_JAVA_PRINTS_IT =
            "1.2.840.113549.1.9.1=#160f626f62406578616d706c652e6f7267,CN=bob,OU=clients,O=Keeper Test,C=US";
    /** An escaped comma in a value, as RFC 2253 prints it. */
    private static final String ADMIN_DN = "CN=admin,OU=operators,O=Keeper\\, Inc.,C=US";
    private static final String IP = "ip:127.0.0.1";

    private static Path dir;
    private static Path certs;
    private static Authority ca;
    private static Authority rotationCa;
    private static Identity server;
    private static Identity rotatedServer;
    private static Identity alice;
    private static Identity bob;
    private static Identity admin;
    /** Key and trust stores of every type, for the server and the clients. */
    private static final Map<StoreType, Store> SERVER_KEYS = new EnumMap<>(StoreType.class);
    private static final Map<StoreType, Store> ALICE_KEYS = new EnumMap<>(StoreType.class);
    private static final Map<StoreType, Store> TRUST_CA = new EnumMap<>(StoreType.class);
    private static Store bobKeys;
    private static Store adminKeys;
    private static Store expiredAliceKeys;
    private static Store untrustedAliceKeys;
    private static Store trustRotationCa;

    /** The default TLS server (JKS stores, ssl.clientAuth unset: need), one of each, for the scenarios that share it. */
    private static final Map<Server, Running> DEFAULT = new EnumMap<>(Server.class);

    @BeforeAll
    static void makeCertificatesAndStartTheDefaultServers() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/tls/" + TlsDiffTest.class.getSimpleName());
        deleteTree(dir);
        certs = Files.createDirectories(dir.resolve("certs"));
        ca = Authority.create("CN=Keeper Test CA,O=Keeper Test,C=US");
        rotationCa = Authority.create("CN=Keeper Rotation CA,O=Keeper Test,C=US");
        // the trusted CA's very name, with a key of its own: a client's key manager offers what it signs
        Authority untrustedCa = Authority.create("CN=Keeper Test CA,O=Keeper Test,C=US");
        server = ca.server("CN=localhost,OU=servers,O=Keeper Test,C=US");
        rotatedServer = rotationCa.server("CN=localhost,OU=servers rotated,O=Keeper Test,C=US");
        alice = ca.client(ALICE_DN);
        bob = ca.client(BOB_DN);
        admin = ca.client(ADMIN_DN);
        for (StoreType t : StoreType.values()) {
            SERVER_KEYS.put(t, TestCerts.writeKeyStore(server, t, certs.resolve("server" + t.extension),
                    TestCerts.PASSWORD));
            ALICE_KEYS.put(t, TestCerts.writeKeyStore(alice, t, certs.resolve("alice" + t.extension),
                    TestCerts.PASSWORD));
            TRUST_CA.put(t, TestCerts.writeTrustStore(t, certs.resolve("ca" + t.extension), TestCerts.PASSWORD,
                    ca.certificate()));
        }
        bobKeys = TestCerts.writeKeyStore(bob, StoreType.JKS, certs.resolve("bob.jks"), TestCerts.PASSWORD);
        adminKeys = TestCerts.writeKeyStore(admin, StoreType.JKS, certs.resolve("admin.jks"), TestCerts.PASSWORD);
        // alice's own DN, but expired, or signed by a CA the server does not trust
        expiredAliceKeys = TestCerts.writeKeyStore(ca.expiredClient(ALICE_DN), StoreType.JKS,
                certs.resolve("alice-expired.jks"), TestCerts.PASSWORD);
        untrustedAliceKeys = TestCerts.writeKeyStore(untrustedCa.client(ALICE_DN), StoreType.JKS,
                certs.resolve("alice-untrusted.jks"), TestCerts.PASSWORD);
        trustRotationCa = TestCerts.writeTrustStore(StoreType.JKS, certs.resolve("rotation-ca.jks"),
                TestCerts.PASSWORD, rotationCa.certificate());

        assertEquals(ALICE_DN, alice.subject());
        assertEquals(BOB_AS_JAVA_PRINTS_IT, bob.subject());
        assertEquals(ADMIN_DN, admin.subject());
        try {
            for (Server s : Server.values()) {
                Map<String, String> cfg = new LinkedHashMap<>();
                keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
                trustStore(cfg, TRUST_CA.get(StoreType.JKS), false);
                DEFAULT.put(s, start(s, "default-" + s, cfg, true, List.of()));
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (Running r : DEFAULT.values()) {
            r.close();
        }
        DEFAULT.clear();
    }

    // ---------------------------------------------------------------- scenarios

    static Stream<Arguments> serversAndStoreTypes() {
        List<Arguments> all = new ArrayList<>();
        for (Server s : Server.values()) {
            for (StoreType t : StoreType.values()) {
                all.add(Arguments.of(s, t));
            }
        }
        return all.stream();
    }

    /**
     * With the server's key and trust stores as JKS (types guessed from .jks), PKCS12 (the key store's type guessed
     * from .p12, the trust store's named by ssl.trustStore.type and its file named .pkcs12) or PEM (an encrypted
     * PKCS#8 key and the chain in one file, ssl.keyStore.type=PEM; the CA in ca.pem): a client whose stores are of
     * the same type connects to secureClientPort, creates, reads and sets a node; whoAmI lists the client's subject
     * DN under x509, RFC 2253 as Java prints it, and its address under ip. The handshake is TLSv1.3 (ZooKeeper's
     * default ssl.protocol) and the server presents the chain from its key store: its certificate, then the CA's.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndStoreTypes")
    void tlsClient_connectsWithEachStoreType_andIsKnownByItsSubjectDn(Server s, StoreType type) throws Exception {
        Running on;
        if (type == StoreType.JKS) {
            on = DEFAULT.get(s);
        } else {
            Map<String, String> cfg = new LinkedHashMap<>();
            if (type == StoreType.PKCS12) {
                keyStore(cfg, SERVER_KEYS.get(type), false);
                Path trust = certs.resolve("ca-" + s + ".pkcs12");
                Files.copy(TRUST_CA.get(type).path(), trust);
                trustStore(cfg, new Store(trust, TestCerts.PASSWORD, type), true);
            } else {
                keyStore(cfg, SERVER_KEYS.get(type), true);
                trustStore(cfg, TRUST_CA.get(type), false);
            }
            on = start(s, type.name().toLowerCase() + "-" + s, cfg, true, List.of());
        }
        try {
            Handshake h = handshake(on.securePort, null);
            assertEquals("TLSv1.3", h.protocol(), s + " " + type);
            assertEquals(server.chain(), h.peerChain(), s + " " + type + ": the chain the server presents");

            ZKClientConfig cfg = tlsClient(ALICE_KEYS.get(type), TRUST_CA.get(type));
            try (ZooKeeper zk = connect(on, on.secure(), cfg)) {
                String path = "/tls-" + type;
                zk.create(path, bytes("v1"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Stat st = new Stat();
                assertArrayEquals(bytes("v1"), zk.getData(path, false, st));
                assertEquals(0, st.getVersion());
                assertEquals(1, zk.setData(path, bytes("v2"), 0).getVersion());
                assertArrayEquals(bytes("v2"), zk.getData(path, false, null));
                List<String> who = whoAmI(zk);
                System.out.printf("[%s] %s store: handshake %s %s, whoAmI %s%n", s, type, h.protocol(),
                        h.cipherSuite(), who);
                assertEquals(List.of(IP, "x509:CN=alice,OU=clients,O=Keeper Test,C=US"), who);
            }
        } finally {
            if (on != DEFAULT.get(s)) {
                on.close();
            }
        }
    }

    /**
     * The raw handshake on the default server: a client offering TLSv1.3 and TLSv1.2 gets TLSv1.3; one offering
     * only TLSv1.2 is refused, because ZooKeeper enables only ssl.protocol (TLSv1.3) when ssl.enabledProtocols is
     * not set; the chain presented is the configured one.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void rawHandshake_isTls13Only_byDefault_andPresentsTheConfiguredChain(Server s) throws Exception {
        Running on = DEFAULT.get(s);
        Handshake h = handshake(on.securePort, new String[] {"TLSv1.3", "TLSv1.2"});
        assertEquals("TLSv1.3", h.protocol());
        assertEquals(server.chain(), h.peerChain());
        IOException refused = assertThrows(IOException.class,
                () -> handshake(on.securePort, new String[] {"TLSv1.2"}));
        System.out.printf("[%s] raw: %s %s; TLSv1.2 only: %s%n", s, h.protocol(), h.cipherSuite(), refused);
        // the server goes on serving
        try (ZooKeeper zk = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()))) {
            assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(zk));
        }
    }

    /**
     * ACLs on x509 ids. A node whose ACL is x509 with alice's DN: alice reads and writes it; bob (another client
     * certificate from the same CA) gets NoAuth for getData, setData and getACL. The "auth" scheme expands to the
     * creator's x509 id alone (ip is not an authenticated scheme). The id is compared as a string: an ACL naming
     * alice's DN with spaces after the commas is accepted (it parses as an X.500 name) and stored as given, but does
     * not match her; one that does not parse is InvalidACL.
     * whoAmI prints bob's emailAddress RDN as Java does, by OID.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void x509Acl_letsTheOwnerIn_andKeepsAnotherCertificateOut(Server s) throws Exception {
        Running on = DEFAULT.get(s);
        try (ZooKeeper a = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()));
                ZooKeeper b = connect(on, on.secure(), tlsClient(bobKeys, trustCa()))) {
            assertEquals(List.of(IP, "x509:" + BOB_AS_JAVA_PRINTS_IT), whoAmI(b));

            List<ACL> aliceOnly = x509(Perms.ALL, ALICE_DN);
            a.create("/acl-x509", bytes("secret"), aliceOnly, CreateMode.PERSISTENT);
            assertArrayEquals(bytes("secret"), a.getData("/acl-x509", false, null));
            assertEquals(1, a.setData("/acl-x509", bytes("secret2"), -1).getVersion());
            assertEquals(aliceOnly, a.getACL("/acl-x509", new Stat()));
            assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/acl-x509", false, null));
            assertThrows(KeeperException.NoAuthException.class, () -> b.setData("/acl-x509", bytes("x"), -1));
            assertThrows(KeeperException.NoAuthException.class, () -> b.getACL("/acl-x509", new Stat()));

            a.create("/acl-auth", bytes("mine"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            List<ACL> stored = a.getACL("/acl-auth", new Stat());
            System.out.printf("[%s] auth ACL stored as %s%n", s, stored);
            assertEquals(x509(Perms.ALL, ALICE_DN), stored);
            assertArrayEquals(bytes("mine"), a.getData("/acl-auth", false, null));
            assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/acl-auth", false, null));

            String spaced = "CN=alice, OU=clients, O=Keeper Test, C=US";
            List<ACL> spacedAcl = x509(Perms.ALL, spaced);
            // anyone may read the ACL itself (getACL asks for READ or ADMIN), not the data
            spacedAcl.add(new ACL(Perms.ADMIN, Ids.ANYONE_ID_UNSAFE));
            a.create("/acl-spaced", bytes("s"), spacedAcl, CreateMode.PERSISTENT);
            assertEquals(spacedAcl, a.getACL("/acl-spaced", new Stat()), "the ACL is stored as given");
            KeeperException e = assertThrows(KeeperException.NoAuthException.class,
                    () -> a.getData("/acl-spaced", false, null));
            System.out.printf("[%s] spaced DN ACL, alice reads: %s%n", s, e);

            // a DN that does not parse is no x509 id
            assertThrows(KeeperException.InvalidACLException.class, () -> a.create("/acl-bad", bytes("b"),
                    x509(Perms.ALL, "not a dn"), CreateMode.PERSISTENT));
        }
    }

    /**
     * {@code -Dzookeeper.X509AuthenticationProvider.superUser=<admin's DN>} on the server's JVM (and
     * authProvider.x509 named in zoo.cfg): admin reads, writes and reads the ACL of a node only alice may touch; its
     * whoAmI lists "super" with an empty user (ZooKeeper has no provider for the scheme "super", so no user name),
     * its x509 DN and ip; an "auth" ACL it creates holds its x509 id only. Bob stays out; alice is no super user.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void x509SuperUser_readsWhatItsAclExcludes(Server s) throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
        trustStore(cfg, trustCa(), false);
        cfg.put("authProvider.x509", X509_PROVIDER);
        String superUser = "-Dzookeeper.X509AuthenticationProvider.superUser=" + admin.subject();
        try (Running on = start(s, "superuser-" + s, cfg, true, List.of(superUser));
                ZooKeeper a = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()));
                ZooKeeper b = connect(on, on.secure(), tlsClient(bobKeys, trustCa()));
                ZooKeeper root = connect(on, on.secure(), tlsClient(adminKeys, trustCa()))) {
            List<ACL> aliceOnly = x509(Perms.READ | Perms.WRITE, ALICE_DN);
            a.create("/su", bytes("alice's"), aliceOnly, CreateMode.PERSISTENT);

            assertArrayEquals(bytes("alice's"), root.getData("/su", false, null));
            assertEquals(1, root.setData("/su", bytes("admin's"), -1).getVersion());
            assertEquals(aliceOnly, root.getACL("/su", new Stat()));
            assertArrayEquals(bytes("admin's"), a.getData("/su", false, null));
            assertThrows(KeeperException.NoAuthException.class, () -> b.getData("/su", false, null));

            List<String> who = whoAmI(root);
            System.out.printf("[%s] super user whoAmI %s%n", s, who);
            assertEquals(List.of(IP, "super:", "x509:" + ADMIN_DN), who);
            assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(a));

            root.create("/su-auth", bytes("r"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            assertEquals(x509(Perms.ALL, ADMIN_DN), root.getACL("/su-auth", new Stat()));
            assertThrows(KeeperException.NoAuthException.class, () -> a.getData("/su-auth", false, null));
        }
    }

    /**
     * ssl.clientAuth unset (need): a client without a key store never reaches SyncConnected, and neither does one
     * whose certificate has alice's DN but is expired, or is signed by a CA the server does not trust; a client with
     * a valid certificate, on the same server at the same time, does.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void clientAuthNeed_refusesNoCertificate_anExpiredOne_andAnUntrustedOne(Server s) throws Exception {
        Running on = DEFAULT.get(s);
        Map<String, Attempt> attempts = new LinkedHashMap<>();
        attempts.put("no key store", new Attempt(on.secure(), tlsClient(null, trustCa())));
        attempts.put("expired certificate", new Attempt(on.secure(), tlsClient(expiredAliceKeys, trustCa())));
        attempts.put("untrusted CA", new Attempt(on.secure(), tlsClient(untrustedAliceKeys, trustCa())));
        assertNoneConnects(s, on, attempts);
        try (ZooKeeper zk = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()))) {
            assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(zk));
        }
    }

    /** ssl.clientAuth=want: a client without a certificate connects as its ip alone; one with a certificate is x509. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void clientAuthWant_letsAClientWithoutCertificateIn_asItsIpAlone(Server s) throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
        trustStore(cfg, trustCa(), false);
        cfg.put("ssl.clientAuth", "want");
        try (Running on = start(s, "want-" + s, cfg, true, List.of());
                ZooKeeper anonymous = connect(on, on.secure(), tlsClient(null, trustCa()));
                ZooKeeper a = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()))) {
            assertEquals(List.of(IP), whoAmI(anonymous));
            assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(a));
            a.create("/want", bytes("w"), x509(Perms.ALL, ALICE_DN),
                    CreateMode.PERSISTENT);
            assertThrows(KeeperException.NoAuthException.class, () -> anonymous.getData("/want", false, null));
            // an "auth" ACL needs an authenticated id: ip is none
            assertThrows(KeeperException.InvalidACLException.class,
                    () -> anonymous.create("/want-auth", bytes("x"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
        }
    }

    /** ssl.clientAuth=none: no certificate is asked for; both clients connect, and neither has an x509 id. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void clientAuthNone_asksForNoCertificate(Server s) throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
        trustStore(cfg, trustCa(), false);
        cfg.put("ssl.clientAuth", "none");
        try (Running on = start(s, "none-" + s, cfg, true, List.of());
                ZooKeeper anonymous = connect(on, on.secure(), tlsClient(null, trustCa()));
                ZooKeeper a = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()))) {
            assertEquals(List.of(IP), whoAmI(anonymous));
            assertEquals(List.of(IP), whoAmI(a));
            anonymous.create("/none", bytes("n"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertArrayEquals(bytes("n"), a.getData("/none", false, null));
        }
    }

    /**
     * Without client.portUnification each port speaks one language: a plaintext client on the TLS port never
     * connects, nor a TLS client on the plaintext port; the server goes on serving a TLS client on the TLS port and
     * a plaintext one on the plaintext port, which see the same tree.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void eachPortSpeaksOneLanguage_withoutPortUnification(Server s) throws Exception {
        Running on = DEFAULT.get(s);
        Map<String, Attempt> attempts = new LinkedHashMap<>();
        attempts.put("plaintext on the TLS port", new Attempt(on.secure(), new ZKClientConfig()));
        attempts.put("TLS on the plaintext port",
                new Attempt(on.plain(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa())));
        assertNoneConnects(s, on, attempts);
        try (ZooKeeper tls = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()));
                ZooKeeper plain = connect(on, on.plain(), new ZKClientConfig())) {
            tls.create("/ports", bytes("p"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertArrayEquals(bytes("p"), plain.getData("/ports", false, null));
            assertEquals(List.of(IP), whoAmI(plain));
            assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(tls));
        }
    }

    /**
     * client.portUnification=true and no secureClientPort: on the one clientPort a TLS client connects (with its
     * x509 id) and so does a plaintext one (ip alone); the handshake there is the configured one; a TLS client
     * without a certificate is still refused (need).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void portUnification_servesTlsAndPlaintext_onTheClientPort(Server s) throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
        trustStore(cfg, trustCa(), false);
        cfg.put("client.portUnification", "true");
        // ZooKeeper 3.9.5 registers its x509 provider itself only when secureClientPort is set: without this line it
        // closes every TLS client that presents a certificate ("X509 Auth provider not found: x509")
        cfg.put("authProvider.x509", X509_PROVIDER);
        try (Running on = start(s, "unified-" + s, cfg, false, List.of())) {
            Handshake h = handshake(on.process.port(), null);
            assertEquals("TLSv1.3", h.protocol());
            assertEquals(server.chain(), h.peerChain());
            assertNoneConnects(s, on, Map.of("TLS without a certificate", new Attempt(on.plain(),
                    tlsClient(null, trustCa()))));
            try (ZooKeeper tls = connect(on, on.plain(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()));
                    ZooKeeper plain = connect(on, on.plain(), new ZKClientConfig())) {
                assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(tls));
                assertEquals(List.of(IP), whoAmI(plain));
                tls.create("/unified", bytes("u"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertArrayEquals(bytes("u"), plain.getData("/unified", false, null));
                tls.create("/unified-x509", bytes("x"), x509(Perms.ALL, ALICE_DN),
                        CreateMode.PERSISTENT);
                assertThrows(KeeperException.NoAuthException.class,
                        () -> plain.getData("/unified-x509", false, null));
            }
        }
    }

    static Stream<Arguments> serversAndProtocolKeys() {
        List<Arguments> all = new ArrayList<>();
        for (Server s : Server.values()) {
            for (String key : List.of("ssl.enabledProtocols", "ssl.protocol")) {
                all.add(Arguments.of(s, key));
            }
        }
        return all.stream();
    }

    /**
     * The server restricted to TLSv1.2, by ssl.enabledProtocols or by ssl.protocol alone (ZooKeeper enables just
     * ssl.protocol when ssl.enabledProtocols is unset), with ssl.ciphersuites naming one suite: a raw handshake
     * offering TLSv1.3 and TLSv1.2 gets TLSv1.2 and that suite; one offering only TLSv1.3 is refused. A client
     * restricted to TLSv1.3 (zookeeper.ssl.enabledProtocols) never connects, nor one on TLSv1.2 with only another
     * suite; a client on TLSv1.2 does.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serversAndProtocolKeys")
    void protocolsAndSuites_limitWhatTheHandshakeMayUse(Server s, String protocolKey) throws Exception {
        String suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, SERVER_KEYS.get(StoreType.JKS), false);
        trustStore(cfg, trustCa(), false);
        cfg.put(protocolKey, "TLSv1.2");
        cfg.put("ssl.ciphersuites", suite);
        String name = "tls12-" + protocolKey.substring(4) + "-" + s;
        try (Running on = start(s, name, cfg, true, List.of())) {
            Handshake h = handshake(on.securePort, new String[] {"TLSv1.3", "TLSv1.2"});
            assertEquals("TLSv1.2", h.protocol());
            assertEquals(suite, h.cipherSuite());
            assertEquals(server.chain(), h.peerChain());
            IOException refused = assertThrows(IOException.class,
                    () -> handshake(on.securePort, new String[] {"TLSv1.3"}));
            System.out.printf("[%s] %s=TLSv1.2: raw %s %s; TLSv1.3 only: %s%n", s, protocolKey, h.protocol(),
                    h.cipherSuite(), refused);

            Store aliceKeys = ALICE_KEYS.get(StoreType.JKS);
            Map<String, Attempt> attempts = new LinkedHashMap<>();
            attempts.put("client on TLSv1.3 only", new Attempt(on.secure(),
                    tlsClient(aliceKeys, trustCa(), "zookeeper.ssl.enabledProtocols", "TLSv1.3")));
            attempts.put("client on TLSv1.2 with another suite", new Attempt(on.secure(),
                    tlsClient(aliceKeys, trustCa(), "zookeeper.ssl.enabledProtocols", "TLSv1.2",
                            "zookeeper.ssl.ciphersuites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")));
            assertNoneConnects(s, on, attempts);
            try (ZooKeeper zk = connect(on, on.secure(),
                    tlsClient(aliceKeys, trustCa(), "zookeeper.ssl.enabledProtocols", "TLSv1.2"))) {
                assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(zk));
            }
        }
    }

    /**
     * Certificate rotation (client.certReload=true in both zoo.cfgs; ZooKeeper 3.9.5 needs it not, as it builds
     * its SslContext from the key store file for every new connection, in NettyServerCnxnFactory.initSSL). The key
     * store file is overwritten in place with one holding a certificate from another CA. Within
     * {@link #ROTATION_WAIT_MS} new handshakes present the new chain; then a client that trusts only the new CA
     * connects and one that trusts only the old CA does not; the session opened before goes on, on its connection.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void rotatedKeyStore_isPresentedToNewConnections_whileOldOnesGoOn(Server s) throws Exception {
        Path rotationDir = Files.createDirectories(dir.resolve("rotation-" + s));
        Store keys = TestCerts.writeKeyStore(server, StoreType.JKS, rotationDir.resolve("server.jks"),
                TestCerts.PASSWORD);
        Store next = TestCerts.writeKeyStore(rotatedServer, StoreType.JKS, rotationDir.resolve("next.jks.tmp"),
                TestCerts.PASSWORD);
        Map<String, String> cfg = new LinkedHashMap<>();
        keyStore(cfg, keys, false);
        trustStore(cfg, trustCa(), false);
        cfg.put("client.certReload", "true");
        try (Running on = start(s, "rotation-" + s, cfg, true, List.of())) {
            List<KeeperState> oldEvents = new CopyOnWriteArrayList<>();
            try (ZooKeeper old = connect(on, on.secure(), tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()),
                    oldEvents)) {
                long session = old.getSessionId();
                old.create("/rotation", bytes("before"), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertEquals(server.chain(), handshake(on.securePort, null).peerChain());

                // in place, as cp does: same path, same inode
                Files.write(keys.path(), Files.readAllBytes(next.path()));
                long started = System.nanoTime();
                List<X509Certificate> seen = handshake(on.securePort, null).peerChain();
                while (!seen.equals(rotatedServer.chain())
                        && System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(ROTATION_WAIT_MS)) {
                    Thread.sleep(200);
                    seen = handshake(on.securePort, null).peerChain();
                }
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("[%s] rotation: new handshakes present %s after %d ms%n", s,
                        seen.get(0).getSubjectX500Principal().getName(), tookMs);
                assertEquals(rotatedServer.chain(), seen, s + ": new handshakes still present the old chain after "
                        + tookMs + " ms:\n" + tail(on));

                assertNoneConnects(s, on, Map.of("client trusting only the old CA", new Attempt(on.secure(),
                        tlsClient(ALICE_KEYS.get(StoreType.JKS), trustCa()))));
                try (ZooKeeper fresh = connect(on, on.secure(),
                        tlsClient(ALICE_KEYS.get(StoreType.JKS), trustRotationCa))) {
                    assertArrayEquals(bytes("before"), fresh.getData("/rotation", false, null));
                    assertEquals(List.of(IP, "x509:" + ALICE_DN), whoAmI(fresh));
                    fresh.setData("/rotation", bytes("after"), -1);
                }
                assertArrayEquals(bytes("after"), old.getData("/rotation", false, null));
                assertEquals(2, old.setData("/rotation", bytes("old"), -1).getVersion());
                assertEquals(session, old.getSessionId());
                assertEquals(List.of(KeeperState.SyncConnected), oldEvents,
                        "the connection opened before the rotation was interrupted");
            }
        }
    }

    // ---------------------------------------------------------------- servers

    /** One server process: its plaintext clientPort (ServerProcess's) and its secureClientPort, if any. */
    record Running(ServerProcess process, int securePort) implements AutoCloseable {
        String secure() {
            return "127.0.0.1:" + securePort;
        }

        String plain() {
            return process.connectString();
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    /**
     * The same standalone zoo.cfg for both: {@code settings} plus the Netty connection factory ZooKeeper needs for
     * TLS, secureClientPort on 127.0.0.1 when {@code secure}, and what ServerProcess adds (dataDir, clientPort,
     * clientPortAddress=127.0.0.1). Returns once both ports accept connections.
     */
    private static Running start(Server server, String name, Map<String, String> settings, boolean secure,
            List<String> jvmOptions) throws IOException, InterruptedException {
        return start(dir, server, name, settings, secure, jvmOptions);
    }

    /** As {@link #start(Server, String, Map, boolean, List)}, with the zoo.cfg, data and log in {@code dir}. */
    static Running start(Path dir, Server server, String name, Map<String, String> settings, boolean secure,
            List<String> jvmOptions) throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve(name + "-data"));
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", "2000");
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        cfg.put("serverCnxnFactory", NETTY_FACTORY);
        int securePort = -1;
        if (secure) {
            securePort = LoopbackPorts.unused();
            cfg.put("secureClientPort", Integer.toString(securePort));
            cfg.put("secureClientPortAddress", "127.0.0.1");
        }
        cfg.putAll(settings);
        ServerProcess p = ServerProcess.start(dir, data, cfg, name, server.mainClass(), jvmOptions);
        Running r = new Running(p, securePort);
        try {
            p.awaitServing();
            if (secure) {
                awaitListening(r, securePort);
            }
        } catch (Exception | AssertionError e) {
            r.close();
            throw e;
        }
        return r;
    }

    static void keyStore(Map<String, String> cfg, Store store, boolean namedType) {
        cfg.put("ssl.keyStore.location", store.path().toString());
        if (store.password() != null) {
            cfg.put("ssl.keyStore.password", store.password());
        }
        if (namedType) {
            cfg.put("ssl.keyStore.type", store.type().name());
        }
    }

    static void trustStore(Map<String, String> cfg, Store store, boolean namedType) {
        cfg.put("ssl.trustStore.location", store.path().toString());
        if (store.password() != null) {
            cfg.put("ssl.trustStore.password", store.password());
        }
        if (namedType) {
            cfg.put("ssl.trustStore.type", store.type().name());
        }
    }

    private static void awaitListening(Running r, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on the secureClientPort " + port + " after 30 s:\n" + tail(r));
    }

    // ---------------------------------------------------------------- clients

    private static Store trustCa() {
        return TRUST_CA.get(StoreType.JKS);
    }

    /**
     * ZooKeeper's client over TLS (the Netty socket), with {@code keys} (none if null) and {@code trust}, hostname
     * verification on, and more {@code zookeeper.*} settings as key, value pairs.
     */
    static ZKClientConfig tlsClient(Store keys, Store trust, String... more) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, NETTY_CLIENT);
        c.setProperty("zookeeper.ssl.hostnameVerification", "true");
        if (keys != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", keys.path().toString());
            c.setProperty("zookeeper.ssl.keyStore.password", keys.password());
            c.setProperty("zookeeper.ssl.keyStore.type", keys.type().name());
        }
        c.setProperty("zookeeper.ssl.trustStore.location", trust.path().toString());
        if (trust.password() != null) {
            c.setProperty("zookeeper.ssl.trustStore.password", trust.password());
        }
        c.setProperty("zookeeper.ssl.trustStore.type", trust.type().name());
        for (int i = 0; i < more.length; i += 2) {
            c.setProperty(more[i], more[i + 1]);
        }
        return c;
    }

    private static ZooKeeper connect(Running on, String hosts, ZKClientConfig cfg) throws Exception {
        return connect(on, hosts, cfg, new CopyOnWriteArrayList<>());
    }

    /** A connected client; {@code states} collects every connection state its watcher sees. */
    private static ZooKeeper connect(Running on, String hosts, ZKClientConfig cfg, List<KeeperState> states)
            throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(hosts, SESSION_MS, event -> {
            if (event.getPath() == null) {
                states.add(event.getState());
            }
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, cfg);
        if (!connected.await(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + hosts + " in " + CONNECT_WAIT_MS + " ms:\n" + tail(on));
        }
        return zk;
    }

    /** A client that is expected never to connect. */
    record Attempt(String hosts, ZKClientConfig config) {
    }

    /**
     * Starts every attempt at once and gives them {@link #REFUSED_WAIT_MS} together; fails naming those that
     * reached SyncConnected.
     */
    private static void assertNoneConnects(Server s, Running on, Map<String, Attempt> attempts) throws Exception {
        Map<String, CountDownLatch> latches = new LinkedHashMap<>();
        Map<String, ZooKeeper> clients = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Attempt> a : attempts.entrySet()) {
                CountDownLatch connected = new CountDownLatch(1);
                latches.put(a.getKey(), connected);
                clients.put(a.getKey(), new ZooKeeper(a.getValue().hosts(), SESSION_MS, event -> {
                    if (event.getState() == KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                }, a.getValue().config()));
            }
            Thread.sleep(REFUSED_WAIT_MS);
        } finally {
            for (ZooKeeper zk : clients.values()) {
                zk.close();
            }
        }
        List<String> connected = new ArrayList<>();
        latches.forEach((what, latch) -> {
            if (latch.getCount() == 0) {
                connected.add(what);
            }
        });
        System.out.printf("[%s] refused in %d ms: %s; connected all the same: %s%n", s, REFUSED_WAIT_MS,
                attempts.keySet(), connected);
        assertTrue(connected.isEmpty(), s + ": these connected, where ZooKeeper refuses them: " + connected + "\n"
                + tail(on));
        assertTrue(on.process.isAlive(), s + " exited:\n" + tail(on));
    }

    /**
     * An ACL of one x509 entry, in a list that may be asked whether it contains null (ZooKeeper.validateACL asks;
     * List.of throws).
     */
    static List<ACL> x509(int perms, String dn) {
        List<ACL> acl = new ArrayList<>();
        acl.add(new ACL(perms, new Id("x509", dn)));
        return acl;
    }

    /** whoAmI as "scheme:user", sorted: ZooKeeper keeps a connection's ids in a hash set, in no set order. */
    static List<String> whoAmI(ZooKeeper zk) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (ClientInfo ci : zk.whoAmI()) {
            out.add(ci.getAuthScheme() + ":" + ci.getUser());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    // ---------------------------------------------------------------- raw handshake

    /** What a handshake negotiated, and the chain the server presented (its certificate first). */
    record Handshake(String protocol, String cipherSuite, List<X509Certificate> peerChain) {
    }

    /**
     * A TLS handshake with a plain {@link SSLSocket}, presenting alice's certificate, offering {@code protocols}
     * (the JDK's defaults if null), and accepting whatever chain the server presents, which it returns.
     */
    private static Handshake handshake(int port, String[] protocols) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = TestCerts.PASSWORD.toCharArray();
        ks.setKeyEntry("alice", alice.key(), pw, alice.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] {new AcceptAny()}, null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            if (protocols != null) {
                socket.setEnabledProtocols(protocols);
            }
            socket.startHandshake();
            SSLSession session = socket.getSession();
            List<X509Certificate> chain = new ArrayList<>();
            for (java.security.cert.Certificate c : session.getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return new Handshake(session.getProtocol(), session.getCipherSuite(), chain);
        }
    }

    /** Trusts any server: the raw handshake reports the chain rather than judging it. */
    private static final class AcceptAny extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String tail(Running r) {
        String all = r.process.log();
        return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
