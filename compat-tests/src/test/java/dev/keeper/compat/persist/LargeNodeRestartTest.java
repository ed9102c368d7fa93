package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code jute.maxbuffer} configured at 4 MiB, znodes of 2.5 MB — over the 2 MB jute allows a field when the
 * system property is unset, as it is in this JVM — written by setData and by a multi, are acknowledged, survive a
 * restart (replayed from the log) and a start from the snapshot alone, and read back byte for byte through the
 * stock Java client.
 */
class LargeNodeRestartTest {
    private static final int MAX_BUFFER = 4 << 20;
    private static final int SIZE = 2_500_000;
    @TempDir
    Path tmp;

    @Test
    void largeNodes_surviveRestartFromTheLog_andFromASnapshot() throws Exception {
        assertNull(System.getProperty("jute.maxbuffer"), "the server under test must not be helped by the property");
        byte[] viaSet = pattern(1);
        byte[] viaMulti = pattern(2);
        Path setFile = Files.write(tmp.resolve("set.bin"), viaSet);
        Path multiFile = Files.write(tmp.resolve("multi.bin"), viaMulti);
        Path data = tmp.resolve("data");
        ServerConfig cfg = ServerConfig.builder().dataDir(data).juteMaxBuffer(MAX_BUFFER).build();

        try (ZkServer s = ZkServer.start(cfg)) {
            client(s.port(), "create:/big", "set:/big:" + setFile, "multi:/m:" + multiFile);
            assertReadsBack(s.port(), viaSet, viaMulti, "before any restart");
        }
        // The restart replays the log; start-up then writes a snapshot holding both nodes.
        try (ZkServer s = ZkServer.start(cfg)) {
            assertReadsBack(s.port(), viaSet, viaMulti, "after a restart from the log");
        }
        Path snapshot = newestSnapshot(data);
        assertTrue(Files.size(snapshot) > 2L * SIZE, snapshot + " holds both nodes");
        // A directory holding that snapshot and no log: both nodes come from the snapshot alone.
        Path fromSnapshot = tmp.resolve("snapshot-only");
        Files.createDirectories(fromSnapshot.resolve("version-2"));
        Files.copy(snapshot, fromSnapshot.resolve("version-2").resolve(snapshot.getFileName()));
        try (ZkServer s = ZkServer.start(cfg.toBuilder().dataDir(fromSnapshot).build())) {
            assertReadsBack(s.port(), viaSet, viaMulti, "from " + snapshot.getFileName() + " alone");
        }
    }

    private void assertReadsBack(int port, byte[] viaSet, byte[] viaMulti, String when) throws IOException {
        Path big = tmp.resolve("big.out");
        Path m = tmp.resolve("m.out");
        Files.deleteIfExists(big);
        Files.deleteIfExists(m);
        client(port, "get:/big:" + big, "get:/m:" + m);
        assertArrayEquals(viaSet, Files.readAllBytes(big), "/big " + when);
        assertArrayEquals(viaMulti, Files.readAllBytes(m), "/m " + when);
    }

    /** Runs {@link LargeNodeClient} in its own JVM, whose jute.maxbuffer property allows the large replies. */
    private static void client(int port, String... commands) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djute.maxbuffer=" + MAX_BUFFER, "-cp", System.getProperty("java.class.path"),
                LargeNodeClient.class.getName(), "127.0.0.1:" + port, Integer.toString(MAX_BUFFER)));
        cmd.addAll(List.of(commands));
        Subprocess.Result r = Subprocess.run(Duration.ofSeconds(120), Map.of(), cmd);
        assertEquals(0, r.exitCode(), r.describe());
    }

    private static Path newestSnapshot(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("version-2"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("snapshot."))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString()
                            .substring("snapshot.".length()), 16)))
                    .orElseThrow();
        }
    }

    private static byte[] pattern(int seed) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 131 + seed * 7 + (i >> 16));
        }
        return b;
    }
}
