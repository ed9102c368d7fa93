package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.ops.Subprocess;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/zkTxnLogToolkit.sh and bin/zkSnapShotToolkit.sh read our files and ZooKeeper's (the format is one) and
 * print them as ZooKeeper's tools do; a damaged log is reported with its offset and exit code 1. The same
 * workload runs on a data directory written by each server, so what the files are expected to hold (four txns,
 * the last zxid 0x4, the CRC of the first entry at offset 16) is shown to be what ZooKeeper writes.
 */
class ToolsTest {
    @TempDir
    Path dir;

    private static Subprocess.Result tool(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Subprocess.REPO.resolve("bin/" + script).toString()));
        cmd.addAll(List.of(args));
        return Subprocess.run(Duration.ofMinutes(2),
                Map.of("KEEPER_CLASSPATH", System.getProperty("java.class.path")), cmd);
    }

    private static ZooKeeper connect(Servers.Handle server) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(server.connectString(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertTrue(up.await(10, TimeUnit.SECONDS), server.name() + " connects");
        return zk;
    }

    private Path only(String prefix) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("version-2"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    /** A server of the kind {@code which} on {@link #dir}, which it keeps when closed. */
    private Servers.Handle start(String which) {
        return which.equals("ours")
                ? Servers.ours(Servers.oursConfig(Servers.Settings.defaults()).dataDir(dir))
                : Servers.zookeeper(Servers.Settings.defaults(), dir.toFile(), false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "zookeeper"})
    void logAndSnapshotToolsPrintTheFiles_andTheLogToolNamesCorruption(String which) throws Exception {
        try (Servers.Handle server = start(which)) {
            ZooKeeper zk = connect(server);
            zk.create("/tools", "hello".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/tools", "again".getBytes(), -1);
            zk.close();
        }
        Path log = only("log.");
        Subprocess.Result dump = tool("zkTxnLogToolkit.sh", log.toString());
        assertEquals(0, dump.exitCode(), dump.describe());
        assertTrue(dump.stdout().contains("createSession"), dump.describe());
        assertTrue(dump.stdout().contains(" create /tools,hello,[31,s{'world,'anyone}],false,1"), dump.describe());
        assertTrue(dump.stdout().contains(" setData /tools,again,1"), dump.describe());
        assertTrue(dump.stdout().contains("closeSession"), dump.describe());
        assertTrue(dump.stdout().contains("EOF reached after 4 txns."), dump.describe());

        try (Servers.Handle server = start(which)) {
            // A restart writes a snapshot holding /tools.
        }
        Subprocess.Result snap = tool("zkSnapShotToolkit.sh", "-d", only("snapshot.").toString());
        assertEquals(0, snap.exitCode(), snap.describe());
        assertTrue(snap.stdout().contains("\n/tools\n"), snap.describe());
        assertTrue(snap.stdout().contains("  data = again\n"), snap.describe());
        assertTrue(snap.stdout().contains("  dataVersion = 1\n"), snap.describe());
        assertTrue(snap.stdout().contains("Last zxid: 0x4"), snap.describe());

        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.seek(16 + 8 + 4 + 3); // inside the first entry's bytes
            int b = f.read();
            f.seek(16 + 8 + 4 + 3);
            f.write(b ^ 0xff);
        }
        Subprocess.Result bad = tool("zkTxnLogToolkit.sh", log.toString());
        assertEquals(1, bad.exitCode(), bad.describe());
        assertTrue(bad.stdout().contains("CRC check failed in " + log + " at offset 16"), bad.describe());
    }
}
