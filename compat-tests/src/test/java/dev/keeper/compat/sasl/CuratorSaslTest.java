package dev.keeper.compat.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.sasl.SaslDigestDiffTest.Transcript;
import dev.keeper.compat.support.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Apache Curator 5.9.0 with SASL DIGEST-MD5, on ours and on the real ZooKeeper 3.9.5, each a standalone server in a
 * process of its own from the same zoo.cfg and flags: the JAAS file of {@link SaslDigestDiffTest} (users super and
 * bob), {@code authProvider.1=...SASLAuthenticationProvider} and {@code -Dzookeeper.superUser=super}.
 *
 * <p>The SASL application is {@link CuratorSaslScript} in a child JVM with bob's client JAAS file and
 * {@code -Dzookeeper.fips-mode=false} ({@link SaslDigestDiffTest#script(Class, String, Path, String...)}): its
 * ACLProvider gives every node it creates sasl:bob, parents and lock nodes included; bob reads, writes and locks.
 * Then a Curator client in this JVM, without SASL ({@code zookeeper.sasl.client=false} in its own ZKClientConfig;
 * this JVM never sets a JAAS file), gets NoAuth on each of those nodes and is served on a world-readable one.
 * Each step's outcome is ZooKeeper's, written out here.
 */
class CuratorSaslTest {
    private static final String BASE = "/curator-sasl";

    private static Path dir;
    private static Path bobJaas;
    private static final Map<Server, ServerProcess> SERVERS = new EnumMap<>(Server.class);

    @BeforeAll
    static void startBoth() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/sasl/" + CuratorSaslTest.class.getSimpleName());
        SaslDigestDiffTest.deleteTree(dir);
        Files.createDirectories(dir);
        Path serverJaas = SaslDigestDiffTest.writeServerJaas(dir);
        bobJaas = SaslDigestDiffTest.writeClientJaas(dir, "bob", "bobsecret");
        try {
            for (Server s : Server.values()) {
                SERVERS.put(s, SaslDigestDiffTest.startServing(dir, serverJaas, s, "curator-sasl-" + s,
                        Map.of("authProvider.1", SaslDigestDiffTest.SASL_PROVIDER),
                        List.of("-Dzookeeper.superUser=super")));
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (ServerProcess p : SERVERS.values()) {
            p.close();
        }
        SERVERS.clear();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void curatorWithSasl_aclProviderGivesSaslBob_bobReads_unauthenticatedCuratorGetsNoAuth(Server s)
            throws Exception {
        ServerProcess proc = SERVERS.get(s);
        Transcript t = SaslDigestDiffTest.script(CuratorSaslScript.class, proc.connectString(), bobJaas, BASE,
                "bob");
        System.out.printf("[%s] curator sasl: %s%n", s, t);
        String bob = "sasl:bob:31";
        assertEquals(List.of(
                "start => OK true",
                "await SaslAuthenticated => OK",
                "whoami => OK ip:127.0.0.1,sasl:bob",
                "create /curator-sasl/app/config => OK /curator-sasl/app/config",
                "get /curator-sasl/app/config => OK v1",
                "set /curator-sasl/app/config => OK version 1",
                "get /curator-sasl/app/config => OK v2",
                "ls /curator-sasl/app => OK [config]",
                "getacl /curator-sasl => OK " + bob,
                "getacl /curator-sasl/app => OK " + bob,
                "getacl /curator-sasl/app/config => OK " + bob,
                "acquire /curator-sasl/lock => OK true",
                "lock nodes' acl => OK " + bob + " [" + bob + "]",
                "release /curator-sasl/lock => OK []",
                "close => OK"), t.results(), t.raw() + "\n--- server log\n" + tail(proc));
        assertEquals(List.of("SyncConnected", "SaslAuthenticated"), t.states().subList(0,
                Math.min(2, t.states().size())), t.raw());

        ZKClientConfig noSasl = new ZKClientConfig();
        noSasl.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        try (CuratorFramework anonymous = CuratorFrameworkFactory.builder()
                .connectString(proc.connectString())
                .sessionTimeoutMs(30_000)
                .connectionTimeoutMs(15_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .zkClientConfig(noSasl)
                .build()) {
            anonymous.start();
            if (!anonymous.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new AssertionError(s + ": Curator did not connect in 30 s:\n" + tail(proc));
            }
            assertEquals(List.of("ip:127.0.0.1"),
                    SaslDigestDiffTest.whoAmI(anonymous.getZookeeperClient().getZooKeeper()));
            // served where the ACL is open
            anonymous.create().withACL(Ids.OPEN_ACL_UNSAFE).forPath("/curator-sasl-open", bytes("open"));
            assertArrayEquals(bytes("open"), anonymous.getData().forPath("/curator-sasl-open"));
            String config = BASE + "/app/config";
            assertNoAuth(s, "getData", () -> anonymous.getData().forPath(config));
            assertNoAuth(s, "exists", () -> anonymous.checkExists().forPath(config));
            assertNoAuth(s, "getChildren", () -> anonymous.getChildren().forPath(BASE + "/app"));
            assertNoAuth(s, "getACL", () -> anonymous.getACL().forPath(config));
            assertNoAuth(s, "setData", () -> anonymous.setData().forPath(config, bytes("x")));
            assertNoAuth(s, "create", () -> anonymous.create().forPath(BASE + "/app/anon", bytes("x")));
            assertNoAuth(s, "delete", () -> anonymous.delete().forPath(config));
            assertNoAuth(s, "lock", () -> new org.apache.curator.framework.recipes.locks.InterProcessMutex(
                    anonymous, BASE + "/lock").acquire(5, TimeUnit.SECONDS));
        }
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static void assertNoAuth(Server s, String what, Call call) {
        KeeperException e = assertThrows(KeeperException.class, call::call, s + ": " + what);
        assertEquals(KeeperException.Code.NOAUTH, e.code(), s + ": " + what + ": " + e);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String tail(ServerProcess proc) {
        String all = proc.log();
        return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }
}
