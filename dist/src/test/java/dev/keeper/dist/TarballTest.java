package dev.keeper.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as an operator gets it: unpacked into an empty directory, run with a JDK alone on the PATH and
 * an empty home directory (no Maven, no ~/.m2), on a zoo.cfg of its own (loopback, a free port): zkServer.sh start,
 * status says standalone, Debian's Kazoo writes and reads a znode, the AdminServer answers, stop.
 */
class TarballTest {
    private static final long TIMEOUT_S = 120;

    @TempDir
    Path dir;

    private record Result(int exit, String out) {
    }

    private Result run(Path home, Map<String, String> env, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unpacked_runsWithJavaAlone() throws Exception {
        Path tarball = Path.of(System.getProperty("keeper.tarball"));
        assertTrue(Files.isRegularFile(tarball), tarball + " was not built");
        Path unpackTo = Files.createDirectories(dir.resolve("install"));
        Result untar = run(unpackTo, Map.of("PATH", "/usr/bin:/bin"), List.of("tar", "xzf", tarball.toString()));
        assertEquals(0, untar.exit(), untar.out());
        Path home;
        try (var entries = Files.list(unpackTo)) {
            home = entries.findFirst().orElseThrow();
        }
        for (String f : List.of("bin/zkServer.sh", "bin/zkEnv.sh", "conf/zoo.cfg", "conf/logback.xml")) {
            assertTrue(Files.exists(home.resolve(f)), f);
        }
        try (var jars = Files.list(home.resolve("lib"))) {
            assertTrue(jars.anyMatch(j -> j.getFileName().toString().matches("keeper-server-.*-all\\.jar")));
        }

        int port = freePort();
        int adminPort = freePort();
        Files.writeString(home.resolve("conf/zoo.cfg"), String.join("\n",
                "tickTime=2000", "dataDir=" + dir.resolve("data"), "clientPort=" + port,
                "clientPortAddress=127.0.0.1", "admin.serverAddress=127.0.0.1", "admin.serverPort=" + adminPort,
                "4lw.commands.whitelist=*", ""));
        // only a JDK's bin and the system's on the PATH, and a home without ~/.m2: no Maven to fall back on
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        Path emptyHome = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = Map.of("PATH", javaBin + ":/usr/bin:/bin", "HOME", emptyHome.toString(),
                "ZOO_LOG_DIR", dir.resolve("logs").toString(), "ZK_SERVER_HEAP", "256",
                "ZOO_START_TIMEOUT", "90");
        String script = home.resolve("bin/zkServer.sh").toString();
        Result start = run(home, env, List.of(script, "start"));
        try {
            assertEquals(0, start.exit(), start.out());
            assertTrue(start.out().contains("STARTED"), start.out());
            Result status = run(home, env, List.of(script, "status"));
            assertEquals(0, status.exit(), status.out());
            assertTrue(status.out().contains("Mode: standalone"), status.out());

            Path kazoo = dir.resolve("tarball_client.py"); // not kazoo.py, which would shadow the module
            Files.writeString(kazoo, String.join("\n",
                    "import sys",
                    "from kazoo.client import KazooClient",
                    "zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=30)",
                    "zk.create('/from-the-tarball', b'hello')",
                    "print(zk.get('/from-the-tarball')[0].decode())",
                    "zk.stop()", ""));
            Result client = run(home, Map.of("PATH", "/usr/bin:/bin", "HOME", emptyHome.toString(),
                    "PYTHONDONTWRITEBYTECODE", "1"), List.of("/usr/bin/python3", kazoo.toString(),
                    "127.0.0.1:" + port));
            assertEquals(0, client.exit(), "Kazoo (apt-get install -y python3-kazoo):\n" + client.out());
            assertTrue(client.out().contains("hello"), client.out());

            Result admin = run(home, Map.of("PATH", "/usr/bin:/bin"), List.of("/usr/bin/python3", "-c",
                    "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:" + adminPort
                            + "/commands/ruok', timeout=30).read().decode())"));
            assertTrue(admin.out().contains("\"command\" : \"ruok\""), admin.out());
            assertTrue(Files.exists(emptyHome) && !Files.exists(emptyHome.resolve(".m2")), "nothing fetched");
        } finally {
            Result stop = run(home, env, List.of(script, "stop"));
            assertEquals(0, stop.exit(), stop.out());
            assertTrue(stop.out().contains("STOPPED"), stop.out());
        }
        assertTrue(new String(Files.readAllBytes(home.resolve("conf/zoo.cfg")), StandardCharsets.UTF_8)
                .contains("clientPort=" + port));
    }
}
