package dev.keeper.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.FourLetterWord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/zkServer.sh, run for real: the verbs, stdout messages and exit codes of ZooKeeper's own script
 * (bin/zkServer.sh at release-3.9.5), on a config of our own (127.0.0.1, a free port, a temp dataDir and
 * ZOO_LOG_DIR). The server runs from this JVM's class path (KEEPER_CLASSPATH), so it is the code under test
 * rather than whatever jar was last built. Every process a test starts is killed by pid afterwards.
 */
class ZkServerScriptTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);
    private static final Path SCRIPT = Subprocess.REPO.resolve("bin/zkServer.sh");

    @TempDir
    Path dir;
    private Path cfg;
    private Path pidFile;
    private Path logDir;
    private int port;
    private final Set<Long> started = new HashSet<>();
    private final List<Process> foreground = new ArrayList<>();

    @BeforeEach
    void writeConfig() throws IOException {
        port = freePort();
        logDir = dir.resolve("logs");
        pidFile = dir.resolve("data/zookeeper_server.pid");
        cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, String.join("\n",
                "tickTime=2000",
                "dataDir=" + dir.resolve("data"),
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                ""));
    }

    @AfterEach
    void killWhatWasStarted() throws IOException {
        if (Files.exists(pidFile)) {
            started.add(Long.parseLong(Files.readString(pidFile).trim()));
        }
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(Subprocess::killTree);
        }
        for (Process p : foreground) {
            Subprocess.killTree(p.toHandle());
        }
    }

    @Test
    void start_status_stop_followZooKeepersMessagesAndExitCodes() throws IOException {
        Subprocess.Result start = script("start");
        assertEquals(0, start.exitCode(), start.describe());
        assertEquals("Starting zookeeper ... STARTED\n", start.stdout(), start.describe());
        assertTrue(start.stderr().contains("Using config: " + cfg), start.describe());
        long pid = pidInFile();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid file names a live process");

        Subprocess.Result status = script("status");
        assertEquals(0, status.exitCode(), status.describe());
        assertEquals("Client port found: " + port + ". Client address: 127.0.0.1. Client SSL: false.\n"
                + "Mode: standalone\n", status.stdout(), status.describe());

        Subprocess.Result again = script("start");
        assertEquals(1, again.exitCode(), again.describe());
        assertEquals("Starting zookeeper ... already running as process " + pid + ".\n", again.stdout(),
                again.describe());
        assertEquals(pid, pidInFile(), "the running server keeps its pid file");

        Subprocess.Result stop = script("stop");
        assertEquals(0, stop.exitCode(), stop.describe());
        assertEquals("Stopping zookeeper ... STOPPED\n", stop.stdout(), stop.describe());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server is gone");
        assertFalse(Files.exists(pidFile), "stop removes the pid file");

        Subprocess.Result down = script("status");
        assertEquals(1, down.exitCode(), down.describe());
        assertEquals("Client port found: " + port + ". Client address: 127.0.0.1. Client SSL: false.\n"
                + "Error contacting service. It is probably not running.\n", down.stdout(), down.describe());

        Subprocess.Result stopAgain = script("stop");
        assertEquals(0, stopAgain.exitCode(), stopAgain.describe());
        assertEquals("Stopping zookeeper ... no zookeeper to stop (could not find file " + pidFile + ")\n",
                stopAgain.stdout(), stopAgain.describe());
    }

    @Test
    void start_writesTheLogToARollingFileInZooLogDir() throws IOException {
        Subprocess.Result start = script("start");
        assertEquals(0, start.exitCode(), start.describe());
        try (var files = Files.list(logDir)) {
            Path log = files.filter(f -> f.getFileName().toString().matches("zookeeper-.+-server-.+\\.log"))
                    .findFirst().orElseThrow(() -> new AssertionError(
                            "no zookeeper-<user>-server-<host>.log in " + logDir));
            String text = Files.readString(log);
            assertTrue(text.contains("Serving on /127.0.0.1:" + port), text);
        }
        assertEquals(0, script("stop").exitCode());
    }

    @Test
    void restart_replacesTheServer() throws IOException {
        assertEquals(0, script("start").exitCode());
        long first = pidInFile();
        started.add(first);
        Subprocess.Result restart = script("restart");
        assertEquals(0, restart.exitCode(), restart.describe());
        assertEquals("Stopping zookeeper ... STOPPED\nStarting zookeeper ... STARTED\n", restart.stdout(),
                restart.describe());
        long second = pidInFile();
        assertNotEquals(first, second);
        assertFalse(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(srvr().contains("Mode: standalone"));
        assertEquals(0, script("stop").exitCode());
    }

    @Test
    void start_withABadConfig_reportsFailedToStart() throws IOException {
        Files.writeString(cfg, "tickTime=2000\ndataDir=" + dir.resolve("data") + "\nclientPort=not-a-port\n");
        Subprocess.Result start = script("start");
        assertEquals(1, start.exitCode(), start.describe());
        assertEquals("Starting zookeeper ... FAILED TO START\n", start.stdout(), start.describe());
        assertFalse(Files.exists(pidFile), "no pid file is left for a server that is not running");
    }

    @Test
    void startForeground_logsToTheConsoleAndServesUntilStopped() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "start-foreground", cfg.toString())
                .directory(Subprocess.REPO.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("fg.out").toFile());
        pb.environment().putAll(env());
        Process p = pb.start();
        foreground.add(p);
        String out = "";
        for (int i = 0; i < 1200 && !out.contains("Serving on"); i++) {
            assertTrue(p.isAlive(), () -> "start-foreground exited:\n" + read(dir.resolve("fg.out")));
            Thread.sleep(100);
            out = read(dir.resolve("fg.out"));
        }
        assertTrue(out.contains("Serving on /127.0.0.1:" + port), out);
        assertTrue(srvr().contains("Mode: standalone"));
        assertEquals(List.of(), logFiles(), "start-foreground writes no log file");
        p.destroy(); // SIGTERM, as Ctrl-C or a service manager would stop it
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server exits on SIGTERM");
        // ZooKeeper's JVM ends by the signal (143); ours stops cleanly on it — every request taken in answered
        // and on disk — and exits 0 (README, "Where we differ from ZooKeeper on purpose")
        assertEquals(0, p.exitValue(), "a clean stop on SIGTERM exits 0");
    }

    @Test
    void version_printsTheZooKeeperVersionSpoken() {
        Subprocess.Result version = script("version");
        assertEquals(0, version.exitCode(), version.describe());
        assertTrue(version.stdout().matches("Keeper \\(Apache ZooKeeper 3\\.9\\.5 compatible\\), version "
                + "3\\.9\\.5-\\S+, built on .+\n"), version.describe());
    }

    /**
     * JMXPORT, as ZooKeeper's script reads it: its messages on stderr, and remote JMX on that port serving
     * ZooKeeper's server MBean. (JVMFLAGS keeps the JMX and RMI ports on loopback.)
     */
    @Test
    void jmxPort_servesZooKeepersMBeansRemotely() throws Exception {
        int jmxPort = freePort();
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("JMXPORT", Integer.toString(jmxPort));
        env.put("JVMFLAGS", "-Dcom.sun.management.jmxremote.host=127.0.0.1 -Djava.rmi.server.hostname=127.0.0.1"
                + " -Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
        Subprocess.Result start = Subprocess.run(SCRIPT_TIMEOUT, env, List.of(SCRIPT.toString(), "start",
                cfg.toString()));
        assertEquals(0, start.exitCode(), start.describe());
        pidInFile();
        assertTrue(start.stderr().contains("ZooKeeper JMX enabled by default\nZooKeeper remote JMX Port set to "
                + jmxPort + "\nZooKeeper remote JMX authenticate set to false\n"), start.describe());
        javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(url)) {
            Object clientPort = jmx.getMBeanServerConnection().getAttribute(new javax.management.ObjectName(
                    "org.apache.ZooKeeperService:name0=StandaloneServer_port" + port), "ClientPort");
            assertEquals(Integer.toString(port), clientPort);
        }
        assertEquals(0, script("stop").exitCode());
    }

    @Test
    void unknownVerb_printsUsage() {
        Subprocess.Result usage = script("bogus");
        assertEquals(1, usage.exitCode(), usage.describe());
        assertTrue(usage.stderr().startsWith("Usage: "), usage.describe());
    }

    private Subprocess.Result script(String verb) {
        return Subprocess.run(SCRIPT_TIMEOUT, env(), List.of(SCRIPT.toString(), verb, cfg.toString()));
    }

    private Map<String, String> env() {
        // ZOO_START_TIMEOUT: on a loaded machine the JVM may take long to bind; start must still wait for it,
        // so that the status right after it is a fair check.
        return Map.of("ZOO_LOG_DIR", logDir.toString(),
                "KEEPER_CLASSPATH", System.getProperty("java.class.path"),
                "ZK_SERVER_HEAP", "256",
                "ZOO_START_TIMEOUT", "120");
    }

    private long pidInFile() throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        started.add(pid);
        return pid;
    }

    private String srvr() throws IOException {
        return FourLetterWord.ask(port, "srvr");
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private List<Path> logFiles() throws IOException {
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        try (var files = Files.list(logDir)) {
            return files.filter(f -> f.toString().endsWith(".log")).toList();
        }
    }

    private static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }
}
