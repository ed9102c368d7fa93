package dev.keeper.compat.persist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The stock ZooKeeper Java client in a JVM of its own, for {@link LargeNodeRestartTest}:
 * {@code LargeNodeClient <host:port> <jute.maxbuffer> <command>...}, where a command is {@code create:<path>},
 * {@code set:<path>:<file>}, {@code multi:<path>:<file>} (a multi of create and setData) or
 * {@code get:<path>:<file>} (writes the node's data to the file). Exits 0 once every command succeeded.
 *
 * <p>Why its own JVM: the client takes the largest frame it reads from its {@link ZKClientConfig}, but decodes
 * each reply with {@code BinaryInputArchive.getArchive} ({@code ClientCnxn.readResponse}), whose limit on a
 * field is the JVM-wide {@code jute.maxbuffer} system property, fixed when jute's class is first loaded. A
 * 2.5 MB getData reply needs that property; set in the test's JVM it would also lift the limit for the server
 * under test, and hide the very defect the test is about.
 */
public final class LargeNodeClient {
    private LargeNodeClient() {
    }

    public static void main(String[] args) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.JUTE_MAXBUFFER, args[1]);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(args[0], 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not connected to " + args[0]);
            }
            for (int i = 2; i < args.length; i++) {
                run(zk, args[i].split(":", 3));
                System.out.println("done " + args[i]);
            }
        } finally {
            zk.close();
        }
    }

    private static void run(ZooKeeper zk, String[] c) throws Exception {
        switch (c[0]) {
            case "create" -> zk.create(c[1], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            case "set" -> zk.setData(c[1], Files.readAllBytes(Path.of(c[2])), -1);
            case "multi" -> zk.multi(List.of(
                    Op.create(c[1], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData(c[1], Files.readAllBytes(Path.of(c[2])), 0)));
            case "get" -> Files.write(Path.of(c[2]), zk.getData(c[1], false, null));
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        }
    }
}
