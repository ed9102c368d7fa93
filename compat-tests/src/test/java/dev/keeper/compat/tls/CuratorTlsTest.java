package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.support.Server;
import dev.keeper.compat.tls.TestCerts.Authority;
import dev.keeper.compat.tls.TestCerts.Store;
import dev.keeper.compat.tls.TestCerts.StoreType;
import dev.keeper.compat.tls.TlsDiffTest.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Apache Curator 5.9.0 over TLS with a client certificate, on ours and on the real ZooKeeper 3.9.5, each a
 * standalone server in a process of its own from the same zoo.cfg ({@link TlsDiffTest#start}: secureClientPort on
 * 127.0.0.1, JKS key and trust stores, ssl.clientAuth unset, i.e. need, the Netty connection factory).
 *
 * <p>Curator's ZooKeeper client is configured per client, as an application that talks to more than one ensemble
 * does: {@code CuratorFrameworkFactory.builder().zkClientConfig(...)} with {@code zookeeper.client.secure},
 * {@code ClientCnxnSocketNetty} and the {@code zookeeper.ssl.keyStore/trustStore.*} settings
 * ({@link TlsDiffTest#tlsClient}), never this JVM's system properties. Its {@link ACLProvider} gives every node it
 * creates (parents and recipe nodes included) the ACL {@code x509:<the client's subject DN>:cdrwa}. A second
 * certificate from the same CA (bob) connects, but gets NoAuth on those nodes. Every scenario expects what
 * ZooKeeper does, written out here.
 */
class CuratorTlsTest {
    private static final String ALICE_DN = "CN=alice,OU=clients,O=Keeper Test,C=US";
    private static final String BOB_DN = "CN=bob,OU=clients,O=Keeper Test,C=US";
    private static final String IP = "ip:127.0.0.1";
    private static final int WAIT_S = 30;

    private static Path dir;
    private static Store aliceKeys;
    private static Store bobKeys;
    private static Store trust;
    private static final Map<Server, Running> SERVERS = new EnumMap<>(Server.class);

    @BeforeAll
    static void makeCertificatesAndStartBoth() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/tls/" + CuratorTlsTest.class.getSimpleName());
        TlsDiffTest.deleteTree(dir);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Authority ca = Authority.create("CN=Keeper Test CA,O=Keeper Test,C=US");
        Store serverKeys = TestCerts.writeKeyStore(ca.server("CN=localhost,OU=servers,O=Keeper Test,C=US"),
                StoreType.JKS, certs.resolve("server.jks"), TestCerts.PASSWORD);
        aliceKeys = TestCerts.writeKeyStore(ca.client(ALICE_DN), StoreType.JKS, certs.resolve("alice.jks"),
                TestCerts.PASSWORD);
        bobKeys = TestCerts.writeKeyStore(ca.client(BOB_DN), StoreType.JKS, certs.resolve("bob.jks"),
                TestCerts.PASSWORD);
        trust = TestCerts.writeTrustStore(StoreType.JKS, certs.resolve("ca.jks"), TestCerts.PASSWORD,
                ca.certificate());
        try {
            for (Server s : Server.values()) {
                Map<String, String> cfg = new LinkedHashMap<>();
                TlsDiffTest.keyStore(cfg, serverKeys, false);
                TlsDiffTest.trustStore(cfg, trust, false);
                SERVERS.put(s, TlsDiffTest.start(dir, s, "curator-tls-" + s, cfg, true, List.of()));
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (Running r : SERVERS.values()) {
            r.close();
        }
        SERVERS.clear();
    }

    /**
     * Curator with alice's certificate and an ACLProvider of x509:alice creates /curator-tls/app/config with
     * creatingParentsIfNeeded: the parents it makes get the provider's ACL too. Alice reads and sets the node, and
     * whoAmI lists her subject DN. Bob (another certificate from the same CA, Curator with its default ACLs)
     * connects and reads a world-readable node, but every read or write of alice's nodes is NoAuth: getData,
     * exists (ZooKeeper 3.9 checks READ for it), getChildren, getACL, setData, create under them and delete.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void aclProviderGivesX509Acls_ownerReadsAndWrites_anotherCertificateGetsNoAuth(Server s) throws Exception {
        Running on = SERVERS.get(s);
        try (CuratorFramework alice = curator(on, aliceKeys, x509Provider(ALICE_DN));
                CuratorFramework bob = curator(on, bobKeys, null)) {
            assertEquals(List.of(IP, "x509:" + ALICE_DN), TlsDiffTest.whoAmI(zk(alice)));
            assertEquals(List.of(IP, "x509:" + BOB_DN), TlsDiffTest.whoAmI(zk(bob)));

            String config = "/curator-tls/app/config";
            assertEquals(config, alice.create().creatingParentsIfNeeded().forPath(config, bytes("v1")));
            alice.create().withACL(Ids.OPEN_ACL_UNSAFE).forPath("/curator-tls/app/open", bytes("open"));
            Stat st = new Stat();
            assertArrayEquals(bytes("v1"), alice.getData().storingStatIn(st).forPath(config));
            assertEquals(0, st.getVersion());
            assertEquals(1, alice.setData().withVersion(0).forPath(config, bytes("v2")).getVersion());
            assertArrayEquals(bytes("v2"), alice.getData().forPath(config));
            List<ACL> aliceAll = TlsDiffTest.x509(Perms.ALL, ALICE_DN);
            for (String p : List.of("/curator-tls", "/curator-tls/app", config)) {
                assertEquals(aliceAll, alice.getACL().forPath(p), s + ": the ACL of " + p);
            }
            assertEquals(Ids.OPEN_ACL_UNSAFE, alice.getACL().forPath("/curator-tls/app/open"));
            assertEquals(List.of("config", "open"), sorted(alice.getChildren().forPath("/curator-tls/app")));

            // bob is connected and served: a world-readable node is his to read
            assertArrayEquals(bytes("open"), bob.getData().forPath("/curator-tls/app/open"));
            assertNoAuth(s, "getData", () -> bob.getData().forPath(config));
            assertNoAuth(s, "exists", () -> bob.checkExists().forPath(config));
            assertNoAuth(s, "getChildren", () -> bob.getChildren().forPath("/curator-tls/app"));
            assertNoAuth(s, "getACL", () -> bob.getACL().forPath(config));
            assertNoAuth(s, "setData", () -> bob.setData().forPath(config, bytes("bob")));
            assertNoAuth(s, "create", () -> bob.create().forPath("/curator-tls/app/bob", bytes("b")));
            assertNoAuth(s, "delete", () -> bob.delete().forPath("/curator-tls/app/open"));
            // and none of it changed anything
            assertArrayEquals(bytes("v2"), alice.getData().forPath(config));
            assertEquals(List.of("config", "open"), sorted(alice.getChildren().forPath("/curator-tls/app")));
            System.out.printf("[%s] curator over TLS: alice %s, bob NoAuth on x509:alice nodes%n", s,
                    TlsDiffTest.whoAmI(zk(alice)));
        }
    }

    /**
     * InterProcessMutex over TLS: two Curator clients with alice's certificate share a lock, its nodes (the lock
     * path and each contender's ephemeral sequential node) created with the provider's x509:alice ACL. The first
     * holds it; the second does not get it in 500 ms and leaves no node behind; after the first releases, the
     * second gets it. Bob's mutex on the same path cannot even contend: NoAuth creating his node under it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void interProcessMutex_worksOverTls_andTheLockIsClosedToAnotherCertificate(Server s) throws Exception {
        Running on = SERVERS.get(s);
        String lockPath = "/curator-tls-lock";
        ACLProvider aliceAcl = x509Provider(ALICE_DN);
        try (CuratorFramework first = curator(on, aliceKeys, aliceAcl);
                CuratorFramework second = curator(on, aliceKeys, aliceAcl);
                CuratorFramework bob = curator(on, bobKeys, x509Provider(BOB_DN))) {
            InterProcessMutex m1 = new InterProcessMutex(first, lockPath);
            InterProcessMutex m2 = new InterProcessMutex(second, lockPath);
            assertTrue(m1.acquire(WAIT_S, TimeUnit.SECONDS), s + ": the first client did not get a free lock");
            assertTrue(m1.isAcquiredInThisProcess());
            assertFalse(m2.acquire(500, TimeUnit.MILLISECONDS), s + ": the second got a held lock");
            List<String> nodes = first.getChildren().forPath(lockPath);
            assertEquals(1, nodes.size(), s + ": the lock's nodes while held " + nodes);
            List<ACL> aliceAll = TlsDiffTest.x509(Perms.ALL, ALICE_DN);
            assertEquals(aliceAll, first.getACL().forPath(lockPath));
            assertEquals(aliceAll, first.getACL().forPath(lockPath + "/" + nodes.get(0)));

            InterProcessMutex bobs = new InterProcessMutex(bob, lockPath);
            assertNoAuth(s, "bob's acquire", () -> bobs.acquire(5, TimeUnit.SECONDS));
            assertEquals(nodes, first.getChildren().forPath(lockPath), s + ": bob left a node");

            m1.release();
            assertTrue(m2.acquire(WAIT_S, TimeUnit.SECONDS), s + ": the second did not get the released lock");
            assertEquals(1, second.getChildren().forPath(lockPath).size());
            m2.release();
            assertEquals(List.of(), first.getChildren().forPath(lockPath));
            System.out.printf("[%s] InterProcessMutex over TLS: held, refused in 500 ms, handed over; bob NoAuth%n",
                    s);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A started Curator client over TLS with {@code keys}, connected (bounded wait) before it is returned. */
    private static CuratorFramework curator(Running on, Store keys, ACLProvider acl) throws InterruptedException {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(on.secure())
                .sessionTimeoutMs(30_000)
                .connectionTimeoutMs(15_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .zkClientConfig(TlsDiffTest.tlsClient(keys, trust));
        if (acl != null) {
            b.aclProvider(acl);
        }
        CuratorFramework c = b.build();
        c.start();
        if (!c.blockUntilConnected(WAIT_S, TimeUnit.SECONDS)) {
            c.close();
            throw new AssertionError("Curator did not connect to " + on.secure() + " over TLS in " + WAIT_S
                    + " s:\n" + TlsDiffTest.tail(on));
        }
        return c;
    }

    /** Every node's ACL: x509 with this subject DN, all permissions. */
    private static ACLProvider x509Provider(String dn) {
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return TlsDiffTest.x509(Perms.ALL, dn);
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return TlsDiffTest.x509(Perms.ALL, dn);
            }
        };
    }

    private static org.apache.zookeeper.ZooKeeper zk(CuratorFramework c) throws Exception {
        return c.getZookeeperClient().getZooKeeper();
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static void assertNoAuth(Server s, String what, Call call) {
        KeeperException e = assertThrows(KeeperException.class, call::call, s + ": " + what);
        assertEquals(KeeperException.Code.NOAUTH, e.code(), s + ": " + what + ": " + e);
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
