package dev.keeper.compat;

import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Starts the two servers every compatibility test runs against, configured alike and both on 127.0.0.1:
 * ours ({@link ZkServer}, in this process, port 0) and the real ZooKeeper 3.9.5 (curator-test's
 * {@link TestingServer}, in this process). Each is stopped by closing its handle.
 */
public final class Servers {
    private Servers() {
    }

    /** A running server: where to connect, and how to stop it. */
    public interface Handle extends AutoCloseable {
        /** "ours" or "zookeeper", for messages. */
        String name();

        String connectString();

        int port();

        @Override
        void close();
    }

    /** The settings both servers get. ZooKeeper's TestingServer sets minSessionTimeout to one tick. */
    public record Settings(int tickTime, int minSessionTimeout, int maxSessionTimeout, int maxClientCnxns) {
        public static Settings defaults() {
            return new Settings(2000, 2000, 40000, 60);
        }

        public Settings withTickTime(int tick) {
            return new Settings(tick, tick, tick * 20, maxClientCnxns);
        }

        public Settings withMaxClientCnxns(int max) {
            return new Settings(tickTime, minSessionTimeout, maxSessionTimeout, max);
        }
    }

    public static Handle ours() {
        return ours(Settings.defaults());
    }

    public static Handle ours(Settings s) {
        return ours(oursConfig(s));
    }

    /**
     * Our server configured with {@code s} as {@link #ours(Settings)} starts it (every four-letter word enabled,
     * as ZooKeeper gets them), for a caller to add settings only ours has.
     */
    public static ServerConfig.Builder oursConfig(Settings s) {
        return ServerConfig.builder()
                .tickTime(s.tickTime())
                .minSessionTimeout(s.minSessionTimeout())
                .maxSessionTimeout(s.maxSessionTimeout())
                .maxClientCnxns(s.maxClientCnxns())
                .fourLetterWords(Set.of("*"));
    }

    /**
     * Our server with {@code config}, on 127.0.0.1 and a free port. Unless the config names a data directory, it
     * gets a fresh temporary one, removed on close: the suites run with the disk on, fsync included, as the real
     * ZooKeeper they are compared with does.
     */
    public static Handle ours(ServerConfig.Builder config) {
        Path temp = null;
        try {
            ServerConfig built = config.clientPortAddress("127.0.0.1").clientPort(0).build();
            if (built.dataDir() == null) {
                temp = Files.createTempDirectory("keeper-data");
                built = built.toBuilder().dataDir(temp).build();
            }
            ZkServer server = ZkServer.start(built);
            Path dataDir = temp;
            return new Handle() {
                @Override
                public String name() {
                    return "ours";
                }

                @Override
                public String connectString() {
                    return "127.0.0.1:" + server.port();
                }

                @Override
                public int port() {
                    return server.port();
                }

                @Override
                public void close() {
                    server.close();
                    deleteTree(dataDir);
                }
            };
        } catch (IOException e) {
            deleteTree(temp);
            throw new IllegalStateException("our server did not start", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    public static Handle zookeeper() {
        return zookeeper(Settings.defaults());
    }

    public static Handle zookeeper(Settings s) {
        try {
            return zookeeper(s, Files.createTempDirectory("real-zk").toFile(), true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real ZooKeeper on a given data directory, which is kept unless {@code deleteOnClose}. */
    public static Handle zookeeper(Settings s, File dir, boolean deleteOnClose) {
        try {
            Map<String, Object> props = new HashMap<>();
            props.put("clientPortAddress", "127.0.0.1");
            props.put("maxSessionTimeout", Integer.toString(s.maxSessionTimeout()));
            props.put("minSessionTimeout", Integer.toString(s.minSessionTimeout()));
            props.put("4lw.commands.whitelist", "*");
            props.put("admin.enableServer", "false");
            InstanceSpec spec = new InstanceSpec(dir, -1, -1, -1, deleteOnClose, 1, s.tickTime(), s.maxClientCnxns(),
                    props, "127.0.0.1");
            TestingServer server = new TestingServer(spec, true);
            return new Handle() {
                @Override
                public String name() {
                    return "zookeeper";
                }

                @Override
                public String connectString() {
                    return "127.0.0.1:" + server.getPort();
                }

                @Override
                public int port() {
                    return server.getPort();
                }

                @Override
                public void close() {
                    try {
                        server.close();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        } catch (Exception e) {
            throw new IllegalStateException("the real ZooKeeper did not start", e);
        }
    }
}
