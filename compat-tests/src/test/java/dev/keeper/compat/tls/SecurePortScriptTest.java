package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.support.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/zkServer.sh with a zoo.cfg that names only a secure client port: as ZooKeeper's script at release-3.9.5
 * does, {@code status} finds secureClientPort, says "Client SSL: true." and asks over TLS with ZooKeeper's
 * FourLetterWordMain, configured by the client's zookeeper.ssl.* settings in CLIENT_JVMFLAGS; without them it
 * cannot ask, says what to give, and exits 1. {@code start} waits for the server over TLS too, so it answers
 * STARTED once the server serves, not after its timeout.
 */
class SecurePortScriptTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);
    private static final Path SCRIPT = Subprocess.REPO.resolve("bin/zkServer.sh");

    @TempDir
    Path dir;
    private Path pidFile;

    @AfterEach
    void killWhatWasStarted() throws IOException {
        if (pidFile != null && Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(Subprocess::killTree);
        }
    }

    @Test
    void status_asksTheSecurePortOverTls_whenZooCfgHasNoOther() throws Exception {
        TestCerts.Authority ca = TestCerts.Authority.create("CN=Keeper Test CA,O=Keeper Test");
        TestCerts.Store serverKeys = TestCerts.writeKeyStore(ca.server("CN=localhost,O=Keeper Test"),
                TestCerts.StoreType.PKCS12, dir.resolve("server.p12"), TestCerts.PASSWORD);
        TestCerts.Store clientKeys = TestCerts.writeKeyStore(ca.client("CN=operator,O=Keeper Test"),
                TestCerts.StoreType.PKCS12, dir.resolve("client.p12"), TestCerts.PASSWORD);
        TestCerts.Store trust = TestCerts.writeTrustStore(TestCerts.StoreType.PKCS12, dir.resolve("ca.p12"),
                TestCerts.PASSWORD, ca.certificate());
        int port = LoopbackPorts.unused();
        pidFile = dir.resolve("data/zookeeper_server.pid");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, String.join("\n",
                "tickTime=2000",
                "dataDir=" + dir.resolve("data"),
                "secureClientPort=" + port,
                "secureClientPortAddress=127.0.0.1",
                "ssl.keyStore.location=" + serverKeys.path(),
                "ssl.keyStore.password=" + TestCerts.PASSWORD,
                "ssl.trustStore.location=" + trust.path(),
                "ssl.trustStore.password=" + TestCerts.PASSWORD,
                ""));
        String clientTls = String.join(" ",
                "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
                "-Dzookeeper.client.secure=true",
                "-Dzookeeper.ssl.keyStore.location=" + clientKeys.path(),
                "-Dzookeeper.ssl.keyStore.password=" + TestCerts.PASSWORD,
                "-Dzookeeper.ssl.trustStore.location=" + trust.path(),
                "-Dzookeeper.ssl.trustStore.password=" + TestCerts.PASSWORD);

        long startedAt = System.nanoTime();
        Subprocess.Result start = script(cfg, "start", clientTls);
        long startMillis = (System.nanoTime() - startedAt) / 1_000_000;
        assertEquals(0, start.exitCode(), start.describe());
        assertEquals("Starting zookeeper ... STARTED\n", start.stdout(), start.describe());
        assertTrue(startMillis < 100_000, "start answered once the server served, in " + startMillis + " ms");

        Subprocess.Result status = script(cfg, "status", clientTls);
        assertEquals(0, status.exitCode(), status.describe());
        assertEquals("Client port found: " + port + ". Client address: 127.0.0.1. Client SSL: true.\n"
                + "Mode: standalone\n", status.stdout(), status.describe());

        Subprocess.Result blind = script(cfg, "status", "");
        assertEquals(1, blind.exitCode(), blind.describe());
        assertTrue(blind.stdout().startsWith("Client port found: " + port
                + ". Client address: 127.0.0.1. Client SSL: true.\nNote: the secure client port"), blind.describe());
        assertTrue(blind.stdout().endsWith("Error contacting service. It is probably not running.\n"),
                blind.describe());

        Subprocess.Result stop = script(cfg, "stop", clientTls);
        assertEquals(0, stop.exitCode(), stop.describe());
        assertEquals("Stopping zookeeper ... STOPPED\n", stop.stdout(), stop.describe());
    }

    private Subprocess.Result script(Path cfg, String verb, String clientJvmFlags) {
        return Subprocess.run(SCRIPT_TIMEOUT, Map.of("ZOO_LOG_DIR", dir.resolve("logs").toString(),
                "KEEPER_CLASSPATH", System.getProperty("java.class.path"),
                "ZK_SERVER_HEAP", "256",
                "ZOO_START_TIMEOUT", "120",
                "CLIENT_JVMFLAGS", clientJvmFlags), List.of(SCRIPT.toString(), verb, cfg.toString()));
    }
}
