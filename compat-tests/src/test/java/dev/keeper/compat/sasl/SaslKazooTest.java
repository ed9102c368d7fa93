package dev.keeper.compat.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kazoo's SASL (Debian's Kazoo 2.8 on /usr/bin/python3, DIGEST-MD5 through pure-sasl) against ours and against
 * the real ZooKeeper 3.9.5, each a standalone server in a process of its own started from the same zoo.cfg and
 * flags, running src/test/python/sasl_kazoo.py and comparing its transcript with ZooKeeper's:
 * <ul>
 * <li>with SASL configured (the JAAS file of {@link SaslDigestDiffTest}, the SASL provider,
 * {@code -Dzookeeper.superUser=super}): {@code sasl_options} and the legacy {@code auth_data=[('sasl', ...)]}
 * both authenticate bob; a wrong password and an unknown user end in AUTH_FAILED within moments, from the
 * server's AuthFailed reply;</li>
 * <li>without SASL (no JAAS file): a Kazoo client set up for SASL connects and then goes round its DIGEST-MD5
 * exchange, each empty token answered OK with a null token, until its session expires (timeout 4 s, tickTime 2 s)
 * and the server closes the connection: AUTH_FAILED, "Connection dropped in SASL".</li>
 * </ul>
 * Kazoo and pure-sasl missing fail the test, never skip it.
 */
class SaslKazooTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = "compat-tests/src/test/python/sasl_kazoo.py";
    private static final Map<String, String> PYTHON_ENV = Map.of("PYTHONDONTWRITEBYTECODE", "1");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);
    /** The SASL client's session timeout against a server without SASL, in seconds. */
    private static final int NOSASL_SESSION_S = 4;
    private static final int TICK_MS = 2000;

    /** What sasl_kazoo.py prints against ZooKeeper 3.9.5 with SASL. */
    private static final String SASL_TRANSCRIPT = """
            bob (sasl_options): CONNECTED
            create /kazoo-sasl sasl:bob -> '/kazoo-sasl'
            get /kazoo-sasl -> b'kazoo'
            acl /kazoo-sasl -> sasl:bob:31
            create /kazoo-sasl-auth auth -> '/kazoo-sasl-auth'
            acl /kazoo-sasl-auth -> sasl:bob:31
            bob states ['CONNECTED']
            no auth: get /kazoo-sasl -> NoAuthError
            digest bob: get /kazoo-sasl -> NoAuthError
            legacy auth_data sasl: warned ['DeprecationWarning']
            legacy: get /kazoo-sasl -> b'kazoo'
            legacy: create /kazoo-sasl-legacy auth -> '/kazoo-sasl-legacy'
            legacy: acl /kazoo-sasl-legacy -> sasl:bob:31
            super: get /kazoo-sasl-auth -> b'auth'
            wrong_password: states ['CONNECTED', 'LOST'], lost True, client_state CLOSED
            wrong_password: reason ['AUTH_FAILED closing: ']
            wrong_password: get / -> ConnectionClosedError
            unknown_user: states ['CONNECTED', 'LOST'], lost True, client_state CLOSED
            unknown_user: reason ['AUTH_FAILED closing: ']
            unknown_user: get / -> ConnectionClosedError
            done
            """;

    /** What sasl_kazoo.py prints against ZooKeeper 3.9.5 without SASL. */
    private static final String NOSASL_TRANSCRIPT = """
            no sasl client: create /plain -> '/plain'
            sasl client: connected True, states ['CONNECTED', 'LOST'], lost True, client_state CLOSED
            sasl client: reason ['AUTH_FAILED closing: Connection dropped in SASL']
            sasl client: rounds more than 10
            sasl client: get / -> ConnectionClosedError
            done
            """;

    private static Path dir;
    private static Path serverJaas;

    @BeforeAll
    static void requireKazooAndPureSasl() throws IOException {
        String install = "Kazoo and pure-sasl (Kazoo's SASL) for /usr/bin/python3 are needed: "
                + "apt-get install -y python3-kazoo python3-pure-sasl";
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing. " + install);
        }
        Subprocess.Result r = Subprocess.run(Duration.ofMinutes(1), PYTHON_ENV,
                List.of(PYTHON, "-c", "import kazoo.client, puresasl.client"));
        if (r.exitCode() != 0) {
            fail(install + "\n" + r.describe());
        }
        dir = Subprocess.REPO.resolve("compat-tests/target/sasl/" + SaslKazooTest.class.getSimpleName());
        deleteTree(dir);
        Files.createDirectories(dir);
        serverJaas = SaslDigestDiffTest.writeServerJaas(dir);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void kazooSasl_bobAuthenticates_wrongPasswordAndUnknownUserFail(Server server) throws Exception {
        Map<String, String> cfg = Map.of("authProvider.1", SaslDigestDiffTest.SASL_PROVIDER);
        try (ServerProcess proc = start(server, "sasl-" + server, cfg,
                List.of("-Djava.security.auth.login.config=" + serverJaas, "-Dzookeeper.superUser=super"))) {
            Run run = run(proc, "sasl", proc.connectString());
            System.out.printf("[%s] kazoo sasl: %s%n", server, run.timings());
            assertEquals(SASL_TRANSCRIPT, run.transcript(), run.describe());
            for (String label : List.of("wrong_password", "unknown_user")) {
                double s = run.timing(label + "_connected_to_lost");
                assertTrue(s >= 0 && s < 5, label + ": LOST " + s + " s after CONNECTED\n" + run.describe());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void kazooSasl_againstAServerWithoutSasl_givesUpWhenItsSessionExpires(Server server) throws Exception {
        try (ServerProcess proc = start(server, "nosasl-" + server, Map.of(), List.of())) {
            Run run = run(proc, "nosasl", proc.connectString(), Integer.toString(NOSASL_SESSION_S));
            System.out.printf("[%s] kazoo sasl without sasl: %s%n", server, run.timings());
            assertEquals(NOSASL_TRANSCRIPT, run.transcript(), run.describe());
            // the session's expiry, rounded up to the next tick, ends it
            double s = run.timing("nosasl_connected_to_lost");
            assertTrue(s >= NOSASL_SESSION_S - 0.5 && s <= NOSASL_SESSION_S + 2.0 * TICK_MS / 1000 + 2,
                    "LOST " + s + " s after CONNECTED, session timeout " + NOSASL_SESSION_S + " s\n"
                            + run.describe());
        }
    }

    /** The script's output: the transcript (every line but the timings) and the timings by name. */
    record Run(String transcript, Map<String, Double> timings, Subprocess.Result result) {
        double timing(String name) {
            Double v = timings.get(name);
            if (v == null) {
                throw new AssertionError("no timing " + name + "\n" + describe());
            }
            return v;
        }

        String describe() {
            return result.describe();
        }
    }

    private static Run run(ServerProcess proc, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT));
        command.addAll(List.of(args));
        Subprocess.Result r = Subprocess.run(SCRIPT_TIMEOUT, new HashMap<>(PYTHON_ENV), command);
        if (r.exitCode() != 0) {
            fail("sasl_kazoo.py failed\n" + r.describe() + "\n--- server log tail\n" + tail(proc));
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        String transcript = r.stdout().lines().filter(l -> {
            if (l.startsWith("timing ")) {
                String[] f = l.split(" ");
                timings.put(f[1], Double.parseDouble(f[2]));
                return false;
            }
            return true;
        }).map(l -> l + "\n").collect(Collectors.joining());
        return new Run(transcript, timings, r);
    }

    private static ServerProcess start(Server server, String name, Map<String, String> settings,
            List<String> jvmOptions) throws Exception {
        Path data = dir.resolve(name + "-data");
        Files.createDirectories(data);
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", Integer.toString(TICK_MS));
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        cfg.putAll(settings);
        ServerProcess p = ServerProcess.start(dir, data, cfg, name, server.mainClass(), jvmOptions);
        try {
            p.awaitServing();
            return p;
        } catch (Exception | AssertionError e) {
            p.close();
            throw e;
        }
    }

    private static String tail(ServerProcess proc) {
        String all = proc.log();
        return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
