package dev.keeper.compat.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * bin/zkCli.sh, unchanged, configured as an operator would, through CLIENT_JVMFLAGS alone (README "Security"),
 * against ours and the real ZooKeeper 3.9.5, each a standalone server process from the same zoo.cfg: a
 * secureClientPort with JKS stores (ssl.clientAuth unset: need), the SASL provider and a JAAS file with a "Server"
 * section (bob/bobsecret) in the server JVM's flags ({@link TlsDiffTest#start}).
 *
 * <p>Each zkCli is one process fed its whole command list on stdin ({@code -waitforconnection}, so the commands run
 * once connected). What it prints is compared line by line, ours against ZooKeeper's, after normalising what is
 * the server's own (its port), and ZooKeeper's lines are also asserted as written here, so a ZooKeeper that printed
 * something else fails the test rather than redefining it. Normalised: the port in the prompt and in "Connecting
 * to", the time stamp of a log line, the JLine "dumb terminal" warning on stderr (the client's own terminal, with
 * a date), and, with SASL, the SaslAuthenticated event, which the CLI's event thread prints whenever it comes,
 * possibly between a prompt and what follows it: it is cut out and counted apart.
 *
 * <p>Both scenarios share the two servers; the TLS one runs first, so its {@code ls /} sees its own node alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZkCliSecureTest {
    private static final String CLI = Subprocess.REPO.resolve("bin/zkCli.sh").toString();
    private static final String NETTY_CLIENT = "org.apache.zookeeper.ClientCnxnSocketNetty";
    private static final String SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";
    private static final String ALICE_DN = "CN=alice,OU=clients,O=Keeper Test,C=US";
    /** One zkCli run, JVM start included; the class path is cached in bin/zkcli/target after the first run. */
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final String P = "[zk: 127.0.0.1:PORT(CONNECTED) ";
    /** What every zkCli here prints first, once connected (-waitforconnection). */
    private static final List<String> CONNECTED = List.of(
            "Connecting to 127.0.0.1:PORT",
            "",
            "WATCHER::",
            "",
            "WatchedEvent state:SyncConnected type:None path:null zxid: -1",
            "Welcome to ZooKeeper!",
            "JLine support is enabled");
    /** The CLI's event thread prints an event as two println calls of "\n" + text. */
    private static final String WATCHER = "\nWATCHER::\n";
    private static final String SASL_AUTHENTICATED =
            "\nWatchedEvent state:SaslAuthenticated type:None path:null zxid: -1\n";

    private static Path dir;
    private static Store aliceKeys;
    private static Store trust;
    private static Path bobJaas;
    private static final Map<Server, Running> SERVERS = new EnumMap<>(Server.class);

    @BeforeAll
    static void makeCertificatesAndStartBoth() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/tls/" + ZkCliSecureTest.class.getSimpleName());
        TlsDiffTest.deleteTree(dir);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Authority ca = Authority.create("CN=Keeper Test CA,O=Keeper Test,C=US");
        Store serverKeys = TestCerts.writeKeyStore(ca.server("CN=localhost,OU=servers,O=Keeper Test,C=US"),
                StoreType.JKS, certs.resolve("server.jks"), TestCerts.PASSWORD);
        Store serverTrust = TestCerts.writeTrustStore(StoreType.JKS, certs.resolve("ca.jks"), TestCerts.PASSWORD,
                ca.certificate());
        // the client's stores as the README shows them: PKCS12, the type guessed from .p12
        aliceKeys = TestCerts.writeKeyStore(ca.client(ALICE_DN), StoreType.PKCS12, certs.resolve("alice.p12"),
                TestCerts.PASSWORD);
        trust = TestCerts.writeTrustStore(StoreType.PKCS12, certs.resolve("ca.p12"), TestCerts.PASSWORD,
                ca.certificate());
        Path serverJaas = Files.writeString(dir.resolve("server.jaas"), """
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_super="adminsecret"
                  user_bob="bobsecret";
                };
                """);
        bobJaas = Files.writeString(dir.resolve("client-bob.jaas"), """
                Client {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="bob"
                  password="bobsecret";
                };
                """);
        try {
            for (Server s : Server.values()) {
                Map<String, String> cfg = new LinkedHashMap<>();
                TlsDiffTest.keyStore(cfg, serverKeys, false);
                TlsDiffTest.trustStore(cfg, serverTrust, false);
                cfg.put("authProvider.1", SASL_PROVIDER);
                SERVERS.put(s, TlsDiffTest.start(dir, s, "zkcli-secure-" + s, cfg, true,
                        List.of("-Djava.security.auth.login.config=" + serverJaas)));
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
     * Over TLS to the secureClientPort with alice's certificate: whoami lists her x509 subject DN (and the ip),
     * create, get and ls work; every line ours prints is ZooKeeper's.
     */
    @Test
    @Order(1)
    void tls_whoamiShowsTheCertificate_andCreateGetLsWork() throws Exception {
        String flags = String.join(" ",
                "-Dzookeeper.client.secure=true",
                "-Dzookeeper.clientCnxnSocket=" + NETTY_CLIENT,
                "-Dzookeeper.ssl.keyStore.location=" + aliceKeys.path(),
                "-Dzookeeper.ssl.keyStore.password=" + aliceKeys.password(),
                "-Dzookeeper.ssl.trustStore.location=" + trust.path(),
                "-Dzookeeper.ssl.trustStore.password=" + trust.password());
        Map<Server, Cli> runs = new EnumMap<>(Server.class);
        for (Server s : Server.values()) {
            Running on = SERVERS.get(s);
            runs.put(s, cli(on, on.secure(), flags, false, "whoami", "create /n data", "get /n", "ls /"));
        }
        compare(runs, 0, lines(CONNECTED,
                P + "0] Auth scheme: User",
                "x509: " + ALICE_DN,
                "ip: 127.0.0.1",
                P + "1] " + P + "2] data",
                P + "3] [n, zookeeper]",
                P + "4] JLine support is disabled",
                ""), List.of("Created /n", ""));
    }

    /**
     * SASL DIGEST-MD5 on the plain clientPort, bob from the client JAAS file: whoami shows sasl bob; a node
     * created with ACL sasl:bob:cdrwa is his to get. The same get from a zkCli without SASL is refused with
     * ZooKeeper's "Insufficient permission" line, on both servers.
     */
    @Test
    @Order(2)
    void sasl_bobCreatesASaslNode_andAZkCliWithoutSaslIsRefused() throws Exception {
        String flags = "-Djava.security.auth.login.config=" + bobJaas + " -Dzookeeper.fips-mode=false";
        Map<Server, Cli> bob = new EnumMap<>(Server.class);
        Map<Server, Cli> anonymous = new EnumMap<>(Server.class);
        for (Server s : Server.values()) {
            Running on = SERVERS.get(s);
            bob.put(s, cli(on, on.plain(), flags, true, "whoami", "create /s secret sasl:bob:cdrwa", "get /s",
                    "getAcl /s"));
            anonymous.put(s, cli(on, on.plain(), "", false, "get /s"));
        }
        compare(bob, 0, lines(CONNECTED,
                P + "0] Auth scheme: User",
                "sasl: bob",
                "ip: 127.0.0.1",
                P + "1] " + P + "2] secret",
                P + "3] 'sasl,'bob",
                ": cdrwa",
                P + "4] JLine support is disabled",
                ""), List.of("Created /s", ""));
        // ZooKeeperMain exits with the last command's code: 1 for the refused get
        compare(anonymous, 1, lines(CONNECTED,
                P + "0] " + P + "1] JLine support is disabled",
                "TIME - ERROR [main:o.a.z.u.ServiceUtils] - Exiting JVM with code 1",
                ""), List.of("Insufficient permission : /s", ""));
    }

    // ---------------------------------------------------------------- zkCli

    /** What one zkCli printed and its exit code; {@code hosts} is the connect string it was given. */
    record Cli(String hosts, int exitCode, String stdout, String stderr) {
        String describe() {
            return "zkCli -server " + hosts + ": exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n"
                    + stderr;
        }

        List<String> stdoutLines() {
            return normalise(stdout);
        }

        /** stderr without JLine's "dumb terminal" warning. */
        List<String> stderrLines() {
            return normalise(stderr).stream()
                    .filter(l -> !l.contains("org.jline.utils.Log")
                            && !l.startsWith("WARNING: Unable to create a system terminal"))
                    .collect(Collectors.toList());
        }

        private List<String> normalise(String text) {
            String port = hosts.substring(hosts.lastIndexOf(':') + 1);
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n", -1)) {
                lines.add(TIME.matcher(line.replace("127.0.0.1:" + port, "127.0.0.1:PORT")).replaceFirst("TIME"));
            }
            return lines;
        }
    }

    private static final Pattern TIME = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}");

    private static List<String> lines(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * ZooKeeper's run printed {@code stdout} and {@code stderr} (normalised) and exited with {@code exitCode};
     * ours printed the same, line by line, and exited the same.
     */
    private static void compare(Map<Server, Cli> runs, int exitCode, List<String> stdout, List<String> stderr) {
        Cli zk = runs.get(Server.ZOOKEEPER);
        Cli ours = runs.get(Server.OURS);
        System.out.println("[zookeeper] " + zk.describe());
        System.out.println("[ours] " + ours.describe());
        String both = "\n[zookeeper] " + zk.describe() + "\n[ours] " + ours.describe();
        assertEquals(stdout, zk.stdoutLines(), "ZooKeeper's stdout is not what this test expects" + both);
        assertEquals(stderr, zk.stderrLines(), "ZooKeeper's stderr is not what this test expects" + both);
        assertEquals(exitCode, zk.exitCode(), "ZooKeeper's exit code" + both);
        List<String> zkOut = zk.stdoutLines();
        List<String> ourOut = ours.stdoutLines();
        for (int i = 0; i < Math.min(zkOut.size(), ourOut.size()); i++) {
            assertEquals(zkOut.get(i), ourOut.get(i), "stdout line " + (i + 1) + both);
        }
        assertEquals(zkOut, ourOut, "stdout" + both);
        assertEquals(zk.stderrLines(), ours.stderrLines(), "stderr" + both);
        assertEquals(zk.exitCode(), ours.exitCode(), "exit code" + both);
    }

    /**
     * bin/zkCli.sh -waitforconnection -server {@code hosts}, with {@code flags} as CLIENT_JVMFLAGS and the
     * commands on stdin, one a line, then end of file; bounded by {@link #CLI_TIMEOUT}, killed with all it
     * started if it overruns.
     */
    private static Cli cli(Running on, String hosts, String flags, boolean sasl, String... commands)
            throws Exception {
        Path in = Files.createTempFile(dir, "zkcli", ".in");
        Path out = Files.createTempFile(dir, "zkcli", ".out");
        Path err = Files.createTempFile(dir, "zkcli", ".err");
        Files.writeString(in, String.join("\n", commands) + "\n");
        ProcessBuilder pb = new ProcessBuilder(CLI, "-waitforconnection", "-server", hosts)
                .directory(Subprocess.REPO.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("CLIENT_JVMFLAGS", flags);
        pb.environment().remove("JVMFLAGS");
        Process p = pb.start();
        if (!p.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            Subprocess.killTree(p.toHandle());
            throw new AssertionError("zkCli " + List.of(commands) + " did not finish within " + CLI_TIMEOUT
                    + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err)
                    + "--- server\n" + TlsDiffTest.tail(on));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        Cli raw = new Cli(hosts, p.exitValue(), stdout, Files.readString(err, StandardCharsets.UTF_8));
        // SASL or not, as configured: one SaslAuthenticated event with SASL (after SyncConnected's, whose
        // WATCHER:: comes first), none without; the event's two writes are cut out wherever they landed
        assertEquals(sasl ? 1 : 0, count(stdout, SASL_AUTHENTICATED),
                "SaslAuthenticated events\n" + raw.describe());
        assertEquals(sasl ? 2 : 1, count(stdout, WATCHER), "WATCHER:: lines\n" + raw.describe());
        if (sasl) {
            int at = stdout.lastIndexOf(WATCHER);
            stdout = stdout.substring(0, at) + stdout.substring(at + WATCHER.length());
            stdout = stdout.replace(SASL_AUTHENTICATED, "");
        }
        return new Cli(hosts, raw.exitCode(), stdout, raw.stderr());
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
