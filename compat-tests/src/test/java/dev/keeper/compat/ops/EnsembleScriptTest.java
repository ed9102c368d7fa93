package dev.keeper.compat.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.support.JavaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members started with {@code bin/zkServer.sh} and ordinary zoo.cfg files — {@code server.N} lines and a
 * {@code myid} in each dataDir, the client port given in the member's own server line — as an operator starts a
 * ZooKeeper ensemble: {@code status} says one is the leader and the others follow, a stock client with all three
 * in its connect string writes through one and reads through each, and {@code stop} stops them.
 */
class EnsembleScriptTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);
    private static final Path SCRIPT = Subprocess.REPO.resolve("bin/zkServer.sh");
    private static final int SIZE = 3;

    @TempDir
    Path dir;
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killWhatWasStarted() throws IOException {
        for (int id = 1; id <= SIZE; id++) {
            Path pid = data(id).resolve("zookeeper_server.pid");
            if (Files.exists(pid)) {
                started.add(Long.parseLong(Files.readString(pid).trim()));
            }
        }
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(Subprocess::killTree);
        }
    }

    private Path data(int id) {
        return dir.resolve("m" + id).resolve("data");
    }

    private Path cfg(int id) {
        return dir.resolve("m" + id).resolve("zoo.cfg");
    }

    @Test
    void threeMembers_startedByTheScript_electALeader_serveClients_andStop() throws Exception {
        int[] client = new int[SIZE + 1];
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            client[id] = freePort();
            servers.append("server.").append(id).append("=127.0.0.1:").append(freePort()).append(':')
                    .append(freePort()).append(":participant;127.0.0.1:").append(client[id]).append('\n');
        }
        for (int id = 1; id <= SIZE; id++) {
            Files.createDirectories(data(id));
            Files.writeString(data(id).resolve("myid"), id + "\n");
            Files.writeString(cfg(id), "tickTime=200\ninitLimit=10\nsyncLimit=5\ndataDir=" + data(id)
                    + "\n4lw.commands.whitelist=*\n" + servers);
        }
        for (int id = 1; id <= SIZE; id++) {
            Subprocess.Result start = script(id, "start");
            assertEquals(0, start.exitCode(), start.describe());
            assertEquals("Starting zookeeper ... STARTED\n", start.stdout(), start.describe());
        }
        int leaders = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> modes = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            modes.clear();
            leaders = 0;
            for (int id = 1; id <= SIZE; id++) {
                Subprocess.Result status = script(id, "status");
                String mode = status.exitCode() == 0 ? status.stdout().lines().filter(l -> l.startsWith("Mode: "))
                        .findFirst().orElse("") : "";
                modes.add(mode);
                if (mode.equals("Mode: leader")) {
                    leaders++;
                }
            }
            if (leaders == 1 && modes.stream().allMatch(m -> m.equals("Mode: leader") || m.equals("Mode: follower"))) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(1, leaders, "one leader, the others following: " + modes);

        StringBuilder connect = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            connect.append(id > 1 ? "," : "").append("127.0.0.1:").append(client[id]);
        }
        ZooKeeper zk = JavaClient.connect(connect.toString());
        try {
            zk.create("/ensemble", "hello".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
        } finally {
            zk.close();
        }
        for (int id = 1; id <= SIZE; id++) {
            ZooKeeper one = JavaClient.connect("127.0.0.1:" + client[id]);
            try {
                one.sync("/ensemble", (rc, path, ctx) -> { }, null);
                assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), one.getData("/ensemble", false, null),
                        "member " + id);
            } finally {
                one.close();
            }
        }
        for (int id = 1; id <= SIZE; id++) {
            Subprocess.Result stop = script(id, "stop");
            assertEquals(0, stop.exitCode(), stop.describe());
        }
        for (int id = 1; id <= SIZE; id++) {
            assertTrue(!Files.exists(data(id).resolve("zookeeper_server.pid")), "stop removed the pid file");
        }
    }

    private Subprocess.Result script(int id, String verb) {
        return Subprocess.run(SCRIPT_TIMEOUT, Map.of("ZOO_LOG_DIR", dir.resolve("m" + id).resolve("logs").toString(),
                "KEEPER_CLASSPATH", System.getProperty("java.class.path"),
                "ZK_SERVER_HEAP", "256",
                "ZOO_START_TIMEOUT", "120"), List.of(SCRIPT.toString(), verb, cfg(id).toString()));
    }

    private static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }
}
