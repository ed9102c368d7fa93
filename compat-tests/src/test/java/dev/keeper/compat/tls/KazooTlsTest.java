package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kazoo, the Python client, over TLS with a client certificate (src/test/python/tls_kazoo.py) against ours and
 * against the real ZooKeeper 3.9.5, each a process of its own from the same zoo.cfg: secureClientPort on 127.0.0.1,
 * a JKS key store and trust store, ssl.clientAuth unset (need), and ZooKeeper's Netty connection factory. The script
 * connects with {@code use_ssl=True, ca=, certfile=, keyfile=, verify_certs=True} (Kazoo 2.8 from Debian has these,
 * and {@code keyfile_password}; it has no whoAmI), does CRUD, an x509 ACL and an "auth" ACL, and sees another
 * certificate get NoAuthError and a client without one never connect. Its output is checked line by line.
 *
 * <p>Kazoo is Debian's python3-kazoo under /usr/bin/python3. Without it this test fails, never skips: a
 * compatibility claim that was not checked must not look like a pass.
 */
class KazooTlsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = "compat-tests/src/test/python/tls_kazoo.py";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);
    private static final Map<String, String> PYTHON_ENV = Map.of("PYTHONDONTWRITEBYTECODE", "1");
    private static final String ALICE_DN = "CN=alice,OU=clients,O=Keeper Test,C=US";
    private static final String BOB_DN = "CN=bob,OU=clients,O=Keeper Test,C=US";

    /** What tls_kazoo.py prints against ZooKeeper 3.9.5, %1$s being alice's DN. */
    private static final String EXPECTED = """
            alice connects over TLS: CONNECTED
            alice reads /kazoo-tls/open: b'hello' version 0
            alice sets it: version 1
            alice reads /kazoo-tls/alice-only: b'secret'
            its ACL: x509:%1$s perms=31
            an auth ACL is stored as: x509:%1$s perms=31
            bob connects over TLS: CONNECTED
            bob reads /kazoo-tls/open: b'world'
            bob get /kazoo-tls/alice-only: NoAuthError
            bob set /kazoo-tls/alice-only: NoAuthError
            bob get_acls /kazoo-tls/alice-only: NoAuthError
            a client without a certificate: no connection in 10 s
            alice still reads /kazoo-tls/alice-only: b'secret'
            done
            """;

    private static Path dir;
    private static Store serverKeys;
    private static Store trust;
    private static List<String> pemFiles;

    @BeforeAll
    static void requireKazooAndMakeCertificates() throws Exception {
        requireKazoo();
        dir = Subprocess.REPO.resolve("compat-tests/target/tls/" + KazooTlsTest.class.getSimpleName());
        deleteTree(dir);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Authority ca = Authority.create("CN=Keeper Test CA,O=Keeper Test,C=US");
        Identity server = ca.server("CN=localhost,OU=servers,O=Keeper Test,C=US");
        Identity alice = ca.client(ALICE_DN);
        Identity bob = ca.client(BOB_DN);
        assertEquals(ALICE_DN, alice.subject());
        serverKeys = TestCerts.writeKeyStore(server, StoreType.JKS, certs.resolve("server.jks"), TestCerts.PASSWORD);
        trust = TestCerts.writeTrustStore(StoreType.JKS, certs.resolve("ca.jks"), TestCerts.PASSWORD,
                ca.certificate());
        pemFiles = List.of(
                TestCerts.writeCaPem(certs.resolve("ca.pem"), ca.certificate()).toString(),
                TestCerts.writeCertificatePem(alice, certs.resolve("alice-cert.pem")).toString(),
                TestCerts.writeKeyPem(alice, certs.resolve("alice-key.pem")).toString(),
                TestCerts.writeCertificatePem(bob, certs.resolve("bob-cert.pem")).toString(),
                TestCerts.writeKeyPem(bob, certs.resolve("bob-key.pem")).toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void kazooOverTls_crudAndAnX509Acl(Server s) throws Exception {
        int securePort = LoopbackPorts.unused();
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", "2000");
        cfg.put("admin.enableServer", "false");
        cfg.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        cfg.put("secureClientPort", Integer.toString(securePort));
        cfg.put("secureClientPortAddress", "127.0.0.1");
        cfg.put("ssl.keyStore.location", serverKeys.path().toString());
        cfg.put("ssl.keyStore.password", serverKeys.password());
        cfg.put("ssl.trustStore.location", trust.path().toString());
        cfg.put("ssl.trustStore.password", trust.password());
        Path data = Files.createDirectories(dir.resolve(s + "-data"));
        try (ServerProcess p = ServerProcess.start(dir, data, cfg, "kazoo-" + s, s.mainClass(), List.of())) {
            p.awaitServing();
            awaitListening(p, securePort);
            List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT, "127.0.0.1:" + securePort));
            command.addAll(pemFiles);
            command.add(ALICE_DN);
            Subprocess.Result r = Subprocess.run(SCRIPT_TIMEOUT, PYTHON_ENV, command);
            System.out.printf("[%s] %s%n", s, r.describe());
            String why = s + ":\n" + r.describe() + "\n--- server log (tail)\n" + tail(p);
            assertEquals(EXPECTED.formatted(ALICE_DN), r.stdout(), why);
            assertEquals(0, r.exitCode(), why);
        }
    }

    private static void awaitListening(ServerProcess p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nothing listens on the secureClientPort " + port + " after 30 s:\n" + tail(p));
    }

    private static void requireKazoo() {
        String install = "Kazoo for /usr/bin/python3 is needed: apt-get install -y python3-kazoo "
                + "(bin/test.sh installs it).";
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing. " + install);
        }
        Subprocess.Result r = Subprocess.run(Duration.ofMinutes(1), PYTHON_ENV,
                List.of(PYTHON, "-c", "import kazoo.client"));
        if (r.exitCode() != 0) {
            fail(install + "\n" + r.describe());
        }
    }

    private static String tail(ServerProcess p) {
        String all = p.log();
        return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
