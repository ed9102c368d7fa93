package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.ServerConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.apache.zookeeper.server.persistence.FileTxnLog;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.server.persistence.TxnLog;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory is ZooKeeper's own format, both ways: what our server writes, the real ZooKeeper 3.9.5
 * starts from with identical data, Stats and ACLs, and its own log and snapshot readers accept every file;
 * what ZooKeeper writes, our server starts from just the same.
 */
class DataDirInteropTest {
    @TempDir
    Path dir;

    /** Everything a client can see of a tree: path, data, Stat and ACL of every node. */
    static Map<String, String> dump(ZooKeeper zk) throws Exception {
        Map<String, String> out = new TreeMap<>();
        dump(zk, "/", out);
        return out;
    }

    private static void dump(ZooKeeper zk, String path, Map<String, String> out) throws Exception {
        Stat st = new Stat();
        byte[] data = zk.getData(path, false, st);
        List<ACL> acl = zk.getACL(path, new Stat());
        out.put(path, java.util.HexFormat.of().formatHex(data == null ? new byte[0] : data) + " " + st + " " + acl);
        List<String> kids = new ArrayList<>(zk.getChildren(path, false));
        kids.sort(null);
        for (String k : kids) {
            dump(zk, "/".equals(path) ? "/" + k : path + "/" + k, out);
        }
    }

    static ZooKeeper connect(String cs) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(cs, 30_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertTrue(up.await(15, TimeUnit.SECONDS), "connected to " + cs);
        zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        return zk;
    }

    /**
     * Nested nodes, binary data, sequential, ephemeral and container nodes, digest ACLs, a multi and a failed
     * multi, deletes, and a few thousand transactions — enough to roll the log and take snapshots midway.
     * Leaves the session open so its ephemerals are on disk when the server stops.
     */
    static void workload(ZooKeeper zk) throws Exception {
        Random rnd = new Random(42);
        List<ACL> alice = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret")))));
        zk.create("/app", "app".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/config", new byte[] {0, 1, 2, (byte) 0xff}, alice, CreateMode.PERSISTENT);
        zk.create("/app/readonly", "r".getBytes(), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/app/ephemeral", "e".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create("/app/container", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        zk.create("/app/container/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 40; i++) {
            String p = zk.create("/app/seq-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    i % 2 == 0 ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.EPHEMERAL_SEQUENTIAL);
            if (i % 5 == 0) {
                zk.delete(p, -1);
            }
        }
        zk.multi(List.of(
                Op.create("/app/m1", "one".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/app/m1/m2", "two".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/app", "app2".getBytes(), -1)));
        try {
            zk.multi(List.of(Op.create("/app/never", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT), Op.delete("/app/missing", -1)));
        } catch (org.apache.zookeeper.KeeperException expected) {
            // a failed multi takes a zxid and changes nothing
        }
        for (int i = 0; i < 60; i++) {
            String p = "/app/d" + (i % 6) + "/n" + i;
            if (i < 6) {
                zk.create("/app/d" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            byte[] data = new byte[rnd.nextInt(300)];
            rnd.nextBytes(data);
            zk.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        for (int i = 0; i < 2500; i++) {
            byte[] data = new byte[rnd.nextInt(64)];
            rnd.nextBytes(data);
            zk.setData("/app/d" + (i % 6) + "/n" + (i % 60 - i % 60 % 6 + i % 6), data, -1);
        }
        zk.setACL("/app/m1", alice, -1);
        zk.delete("/app/d5/n59", -1);
    }

    private static long count(Path d, String prefix) throws Exception {
        try (Stream<Path> s = Files.list(d.resolve("version-2"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
        }
    }

    @Test
    void zookeeperStartsFromOurDataDir_withIdenticalTree() throws Exception {
        Map<String, String> ours;
        ZooKeeper zk;
        try (ZkServer server = ZkServer.start(ServerConfig.builder().dataDir(dir).snapCount(1000)
                .maxSessionTimeout(60_000).build())) {
            zk = connect("127.0.0.1:" + server.port());
            workload(zk);
            ours = dump(zk);
        }
        zk.close();
        assertTrue(count(dir, "snapshot.") >= 3, "snapshots were taken while writing");
        assertTrue(count(dir, "log.") >= 2, "the log rolled");

        // ZooKeeper's own readers accept every file we wrote.
        FileTxnSnapLog snapLog = new FileTxnSnapLog(dir.toFile(), dir.toFile());
        DataTree dt = new DataTree();
        Map<Long, Integer> sessions = new HashMap<>();
        long last = snapLog.restore(dt, sessions, (hdr, txn, digest) -> { });
        assertTrue(last > 2500, "ZooKeeper replayed our log to zxid 0x" + Long.toHexString(last));
        snapLog.close();
        long txns = 0;
        try (TxnLog.TxnIterator it = new FileTxnLog(dir.resolve("version-2").toFile()).read(1)) {
            while (it.getHeader() != null) {
                txns++;
                if (!it.next()) {
                    break;
                }
            }
        }
        assertTrue(txns > 2500, "ZooKeeper's log iterator read " + txns + " transactions");

        try (Servers.Handle real = Servers.zookeeper(
                new Servers.Settings(2000, 2000, 60_000, 60), dir.toFile(), false)) {
            ZooKeeper z2 = connect(real.connectString());
            assertEquals(ours, dump(z2));
            z2.close();
        }
    }

    @Test
    void weStartFromZooKeepersDataDir_withIdenticalTree() throws Exception {
        Map<String, String> theirs;
        // ZooKeeper reads snapCount once per JVM, into a static of SyncRequestProcessor.
        int previous = SyncRequestProcessor.getSnapCount();
        SyncRequestProcessor.setSnapCount(1000);
        ZooKeeper zk;
        File zkDir = dir.resolve("zk").toFile();
        try (Servers.Handle real = Servers.zookeeper(new Servers.Settings(2000, 2000, 60_000, 60), zkDir, false)) {
            zk = connect(real.connectString());
            workload(zk);
            theirs = dump(zk);
        } finally {
            SyncRequestProcessor.setSnapCount(previous);
        }
        zk.close();
        assertTrue(count(zkDir.toPath(), "snapshot.") >= 2, "ZooKeeper took snapshots while writing");
        try (ZkServer server = ZkServer.start(ServerConfig.builder().dataDir(zkDir.toPath())
                .maxSessionTimeout(60_000).build())) {
            ZooKeeper z2 = connect("127.0.0.1:" + server.port());
            assertEquals(theirs, dump(z2));
            z2.close();
        }
    }
}
