package dev.keeper.compat.kazoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.Servers;
import dev.keeper.compat.ops.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kazoo, the Python client, against our server: the watcher walk-through in examples/kazoo (its output checked
 * line by line) and the pytest suite in src/test/python (CRUD, watches, ephemerals, transactions, recipes).
 * Both also run against the real ZooKeeper, which shows the expectations are ZooKeeper's own.
 *
 * <p>Kazoo and pytest are Debian packages run by /usr/bin/python3. Without them these tests fail, never skip:
 * a compatibility claim that was not checked must not look like a pass.
 */
class KazooTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration EXAMPLE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(10);
    private static final Map<String, String> PYTHON_ENV = Map.of("PYTHONDONTWRITEBYTECODE", "1");

    /** What examples/kazoo/watchers.py prints, %s being the server address (also in its README). */
    private static final String EXAMPLE_OUTPUT = """
            subscriber connects to %s
              [session] CONNECTED
            subscriber watches /watcher-demo/config (DataWatch) and /watcher-demo/members (ChildrenWatch)
              [config] initial: no node
              [members] initial: []
            publisher publishes v1 (create)
              [config] CREATED: data=v1 version=0
            publisher publishes v2 (set)
              [config] CHANGED: data=v2 version=1
            publisher joins the group (ephemeral node)
              [members] CHILD: ['publisher']
            subscriber sets a one-shot watch with get(watch=...); publisher publishes v3
              [config] CHANGED: data=v3 version=2
              [one-shot] CHANGED /watcher-demo/config
            publisher publishes v4
              [config] CHANGED: data=v4 version=3
              [one-shot] (nothing: a one-shot watch fires once)
            publisher withdraws the configuration (delete)
              [config] DELETED: no node
            publisher closes its session; its ephemeral node goes with it
              [members] CHILD: []
            subscriber cleans up and stops
              [session] LOST
            done
            """;

    private static Servers.Handle ours;
    private static Servers.Handle zookeeper;

    @BeforeAll
    static void requireKazooAndStartServers() {
        requireKazooAndPytest();
        ours = Servers.ours();
        zookeeper = Servers.zookeeper();
    }

    @AfterAll
    static void stopServers() {
        if (ours != null) {
            ours.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
    }

    @Test
    void watcherExample_printsWhatItsWatchersSee_onOurServer() {
        runExample(ours);
    }

    @Test
    void watcherExample_printsTheSame_onTheRealZooKeeper() {
        runExample(zookeeper);
    }

    @Test
    void pytestSuite_passesOnOurServer() {
        runSuite(ours);
    }

    @Test
    void pytestSuite_passesOnTheRealZooKeeper() {
        runSuite(zookeeper);
    }

    private static void runExample(Servers.Handle server) {
        Subprocess.Result r = Subprocess.run(EXAMPLE_TIMEOUT, PYTHON_ENV,
                List.of(PYTHON, "examples/kazoo/watchers.py", server.connectString()));
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(EXAMPLE_OUTPUT.formatted(server.connectString()), r.stdout(), r.describe());
    }

    private static void runSuite(Servers.Handle server) {
        Path report = Subprocess.REPO.resolve("compat-tests/target/kazoo-pytest-" + server.name() + ".xml");
        Map<String, String> env = new HashMap<>(PYTHON_ENV);
        env.put("ZK_HOSTS", server.connectString());
        Subprocess.Result r = Subprocess.run(SUITE_TIMEOUT, env, List.of(PYTHON, "-m", "pytest", "-q",
                "-p", "no:cacheprovider", "--junitxml=" + report, "compat-tests/src/test/python"));
        System.out.println(r.describe());
        if (r.exitCode() != 0) {
            fail("the Kazoo suite failed against " + server.name() + " (report: " + report + ")\n"
                    + r.describe());
        }
        if (!Files.isRegularFile(report)) {
            fail("pytest wrote no report at " + report);
        }
    }

    private static void requireKazooAndPytest() {
        String install = "Kazoo and pytest for /usr/bin/python3 are needed: "
                + "apt-get install -y python3-kazoo python3-pytest (bin/test.sh installs them).";
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing. " + install);
        }
        Subprocess.Result r = Subprocess.run(Duration.ofMinutes(1), PYTHON_ENV,
                List.of(PYTHON, "-c", "import kazoo.client, pytest"));
        if (r.exitCode() != 0) {
            fail(install + "\n" + r.describe());
        }
    }
}
