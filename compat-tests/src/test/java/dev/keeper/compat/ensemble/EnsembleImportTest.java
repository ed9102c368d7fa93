package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.JavaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZooKeeper 3.9.5 server's data directory becomes an ensemble's: given to one member at its first start, it is
 * proposed through the log in pieces and every member takes the same tree from it — nodes, data, Stats and zxids as
 * ZooKeeper left them. Into an ensemble that holds data already, nothing is imported.
 */
class EnsembleImportTest {
    private static final int TICK = 200;
    private static final int CHILDREN = 3_000;

    @TempDir
    Path dir;

    /** What ZooKeeper wrote: 3,000 children of 200 bytes (some 600 KB of snapshot, three pieces), and their Stats. */
    private record Written(Stat app, Stat child, byte[] childData, String sequential) {
    }

    private Written writeWithZooKeeper(Path zkDir) throws Exception {
        try (Servers.Handle real = Servers.zookeeper(Servers.Settings.defaults(), zkDir.toFile(), false)) {
            ZooKeeper zk = JavaClient.connect(real.connectString());
            try {
                zk.create("/app", "root".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                Semaphore window = new Semaphore(200);
                AtomicInteger failed = new AtomicInteger();
                for (int i = 0; i < CHILDREN; i++) {
                    window.acquire();
                    zk.create("/app/c" + i, new byte[200], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> {
                                if (rc != 0) {
                                    failed.incrementAndGet();
                                }
                                window.release();
                            }, null);
                }
                window.acquire(200);
                assertEquals(0, failed.get());
                zk.setData("/app/c7", "seven".getBytes(), -1);
                zk.setData("/app/c7", "seven!".getBytes(), -1);
                String sequential = zk.create("/app/s-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL);
                Stat app = zk.exists("/app", false);
                Stat child = new Stat();
                byte[] data = zk.getData("/app/c7", false, child);
                return new Written(app, child, data, sequential);
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void aZooKeeperDataDirGivenToOneMember_becomesEveryMembersTree_withZooKeepersStats() throws Exception {
        Written written = writeWithZooKeeper(dir.resolve("zookeeper"));
        try (Members members = new Members(dir.resolve("ensemble"), 3, TICK)) {
            copyVersion2(dir.resolve("zookeeper"), members.dir(1));
            members.startAll();
            members.awaitLeader();
            assertImported(members, written);

            // the ensemble goes on from ZooKeeper's last zxid, and keeps it all across a restart of every member
            Stat made = new Stat();
            ZooKeeper zk = JavaClient.connect(members.connectString(2));
            try {
                zk.create("/after", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, made);
            } finally {
                zk.close();
            }
            assertTrue(made.getCzxid() > written.app().getPzxid(), "zxids go on rising: 0x"
                    + Long.toHexString(made.getCzxid()));
            for (int id = 1; id <= 3; id++) {
                members.stop(id);
            }
            for (int id = 1; id <= 3; id++) {
                members.start(id);
            }
            members.awaitLeader();
            assertImported(members, written);
        }
    }

    @Test
    void aDataDirGivenToAMemberOfAnEnsembleThatHoldsData_isNotImported() throws Exception {
        writeWithZooKeeper(dir.resolve("zookeeper"));
        try (Members members = new Members(dir.resolve("ensemble"), 3, TICK).startAll()) {
            members.awaitLeader();
            ZooKeeper zk = JavaClient.connect(members.connectString(1));
            try {
                zk.create("/ours", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } finally {
                zk.close();
            }
            // member 3 comes back as a new machine would: its Raft state gone, a ZooKeeper data directory instead
            members.stop(3);
            deleteTree(members.dir(3).resolve("ratis"));
            deleteTree(members.dir(3).resolve("version-2"));
            copyVersion2(dir.resolve("zookeeper"), members.dir(3));
            members.start(3);
            members.awaitLeader();
            for (int id = 1; id <= 3; id++) {
                ZooKeeper c = JavaClient.connect(members.connectString(id));
                try {
                    sync(c);
                    assertTrue(c.exists("/ours", false) != null, "member " + id + " has the ensemble's data");
                    assertNull(c.exists("/app", false), "member " + id + " has nothing of the import");
                } finally {
                    c.close();
                }
            }
        }
    }

    /** Every member, after a sync, has what ZooKeeper wrote, with ZooKeeper's Stats. */
    private static void assertImported(Members members, Written written) throws Exception {
        for (int id = 1; id <= 3; id++) {
            ZooKeeper zk = JavaClient.connect(members.connectString(id));
            try {
                sync(zk);
                assertEquals(written.app(), zk.exists("/app", false), "member " + id + ": /app's Stat");
                Stat child = new Stat();
                assertArrayEquals(written.childData(), zk.getData("/app/c7", false, child));
                assertEquals(written.child(), child, "member " + id + ": /app/c7's Stat");
                List<String> children = new ArrayList<>(zk.getChildren("/app", false));
                assertEquals(CHILDREN + 1, children.size());
                assertTrue(children.contains(written.sequential().substring("/app/".length())));
            } finally {
                zk.close();
            }
        }
    }

    private static void sync(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync("/", (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(0, done.get(60, TimeUnit.SECONDS));
    }

    private static void copyVersion2(Path from, Path dataDir) throws IOException {
        Path to = dataDir.resolve("version-2");
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from.resolve("version-2"))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
