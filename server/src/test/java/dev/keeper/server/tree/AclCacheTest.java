package dev.keeper.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.persist.SnapshotJob;
import dev.keeper.wire.OpCode;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import java.util.zip.CheckedOutputStream;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.server.persistence.FileHeader;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.SetACLTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL numbers: reused once released, so they stay as few as the distinct lists in use; snapshots' numbers (longs,
 * as ZooKeeper writes them, never reused there) mapped onto ours; and snapshots taken after and during reuse
 * restoring every node's ACL.
 */
class AclCacheTest {
    @TempDir
    Path tmp;
    private final DataTree tree = new DataTree(false);
    private final List<Txn> log = new ArrayList<>();
    private long zxid;

    private record Txn(TxnHeader header, Record record) {
    }

    private static List<ACL> digest(String user, int perms) {
        return List.of(new ACL(perms, new Id("digest", user + ":hash")));
    }

    @Test
    void releasedIds_areReused_soMillionsOfListsOverTimeNeedOnlyAFewIds() {
        AclCache cache = new AclCache();
        int[] window = new int[3];
        int highest = 0;
        for (int i = 0; i < 3_000_000; i++) {
            int slot = i % window.length;
            if (i >= window.length) {
                cache.release(window[slot]);
            }
            window[slot] = cache.acquire(digest("u" + i, AclCache.Perms.ALL));
            highest = Math.max(highest, window[slot]);
        }
        assertEquals(window.length, cache.size());
        assertTrue(highest <= window.length + 1, "highest id handed out: " + highest);
        for (int i = 0; i < window.length; i++) {
            int n = 3_000_000 - window.length + i;
            assertEquals(digest("u" + n, AclCache.Perms.ALL), cache.get(window[n % window.length]));
        }
    }

    @Test
    void anIdInUse_isNeverHandedOutAgain_andASharedListKeepsItsId() {
        AclCache cache = new AclCache();
        int a = cache.acquire(digest("a", 1));
        int b = cache.acquire(digest("b", 1));
        assertEquals(a, cache.acquire(digest("a", 1)), "the same list, the same id");
        cache.release(a);
        assertEquals(digest("a", 1), cache.get(a), "still used once");
        cache.release(a);
        int c = cache.acquire(digest("c", 1));
        assertEquals(a, c, "a's id, free again, is reused");
        assertEquals(digest("b", 1), cache.get(b));
        assertEquals(digest("c", 1), cache.get(c));
        assertNotEquals(b, cache.acquire(digest("d", 1)));
    }

    /**
     * A snapshot as ZooKeeper may write one after 2^31 ACL lists over its life: numbers beyond the int range,
     * one of them (2^32 + 5) equal in its low 32 bits to another in the same snapshot (5), and one no node uses.
     */
    @Test
    void snapshotWithIdsBeyondTheIntRange_restoresEveryNodesAcl_underCompactIds() throws IOException {
        Map<Long, List<ACL>> table = new LinkedHashMap<>();
        table.put(3_000_000_000L, digest("alice", AclCache.Perms.ALL));
        table.put((1L << 32) + 5, digest("bob", AclCache.Perms.READ));
        table.put(5L, digest("carol", AclCache.Perms.ALL));
        table.put((1L << 31) + 7, AclCache.READ_ACL_UNSAFE);
        table.put(Long.MAX_VALUE, List.of(new ACL(AclCache.Perms.ALL, new Id("ip", "127.0.0.1"))));
        table.put(4_000_000_000L, digest("unused", AclCache.Perms.ALL));
        Map<String, Long> nodes = new LinkedHashMap<>();
        nodes.put("", -1L);
        nodes.put("/zookeeper", -1L);
        nodes.put("/zookeeper/config", (1L << 31) + 7);
        nodes.put("/zookeeper/quota", -1L);
        nodes.put("/a", 3_000_000_000L);
        nodes.put("/a/x", 3_000_000_000L);
        nodes.put("/b", (1L << 32) + 5);
        nodes.put("/c", 5L);
        nodes.put("/d", -1L);
        nodes.put("/e", Long.MAX_VALUE);
        Path file = tmp.resolve("snapshot.64");
        writeSnapshot(file, table, nodes, 0x64);

        DataTree t = new DataTree(false);
        assertEquals(0x64, SnapshotFile.read(file, t));
        Map<String, List<ACL>> expected = new TreeMap<>();
        nodes.forEach((path, id) -> expected.put(path.isEmpty() ? "/" : path,
                id == -1 ? AclCache.OPEN_ACL_UNSAFE : table.get(id)));
        assertEquals(expected, acls(t));
        assertEquals(5, t.acls().size(), "the unused list is purged");
        for (String path : expected.keySet()) {
            int id = t.find(path).aclId();
            assertTrue(id == AclCache.OPEN_UNSAFE_ID || (id >= 1 && id <= 5), path + " has id " + id);
        }
        // And what we write of it reads back the same.
        assertEquals(expected, acls(readBack(t)));
    }

    @Test
    void snapshotTakenAfterIdsWereReused_restoresEveryNodesAcl() throws IOException {
        for (int i = 0; i < 20; i++) {
            create("/n" + i, digest("u" + i, AclCache.Perms.ALL));
        }
        Set<Integer> freed = new HashSet<>();
        for (int i = 0; i < 20; i += 2) {
            freed.add(tree.find("/n" + i).aclId());
            apply(OpCode.DELETE, new DeleteTxn("/n" + i));
        }
        for (int i = 1; i < 10; i += 2) {
            freed.add(tree.find("/n" + i).aclId());
            apply(OpCode.SET_ACL, new SetACLTxn("/n" + i, digest("v" + i, AclCache.Perms.READ), 1));
        }
        for (int i = 0; i < 10; i++) {
            create("/m" + i, digest("w" + i, AclCache.Perms.WRITE));
        }
        Set<Integer> inUse = new HashSet<>();
        acls(tree).keySet().forEach(p -> inUse.add(tree.find(p).aclId()));
        assertTrue(inUse.containsAll(freed), "every freed id is in use again: " + freed + " within " + inUse);
        assertEquals(acls(tree), acls(readBack(tree)));
    }

    /**
     * The fuzzy case: the snapshot's ACL table is copied when the walk starts, the nodes are written later. Ids
     * freed after the copy and handed to other lists before their nodes are walked make the image name the wrong
     * list for those nodes, and each of them was given that id by a transaction after the snapshot's zxid, which
     * replay applies again: snapshot plus replay gives back every node's ACL.
     */
    @Test
    void idsFreedAndReusedDuringTheWalk_areSetRightByReplayingTheLog() throws Exception {
        create("/x", digest("a", AclCache.Perms.ALL));
        create("/p", digest("p", AclCache.Perms.ALL));
        for (int i = 0; i < 10; i++) {
            create("/y" + i, digest("b" + i, AclCache.Perms.ALL));
            create("/p/c" + i, digest("c" + i, AclCache.Perms.ALL));
        }
        Map<Long, List<ACL>> tableAtStart = tree.acls().entries();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (DataDir dir = DataDir.open(tmp, null)) {
            SnapshotJob job = new SnapshotJob(tree, dir, writer, SnapshotJob.Durability.ALREADY);
            int fromTxn = log.size();
            apply(OpCode.DELETE, new DeleteTxn("/x")); // frees a's id
            apply(OpCode.SET_ACL, new SetACLTxn("/y3", digest("new3", AclCache.Perms.READ), 1)); // frees b3's
            create("/p/new", digest("new", AclCache.Perms.READ)); // listed when /p is walked, after this
            apply(OpCode.DELETE, new DeleteTxn("/y5"));
            create("/y5", digest("again5", AclCache.Perms.READ));
            for (String p : List.of("/y3", "/p/new", "/y5")) {
                int id = tree.find(p).aclId();
                assertNotEquals(tree.aclOf(tree.find(p)), tableAtStart.get((long) id),
                        p + "'s id " + id + " meant another list when the walk started");
            }
            int steps = 0;
            while (!job.step(2, Long.MAX_VALUE)) {
                if (++steps == 3) {
                    apply(OpCode.SET_ACL, new SetACLTxn("/y7", digest("a", AclCache.Perms.ALL), 1));
                    apply(OpCode.SET_ACL, new SetACLTxn("/p/c8", digest("b3", AclCache.Perms.ALL), 1));
                    apply(OpCode.DELETE, new DeleteTxn("/p/c9"));
                    create("/p/c9", digest("later9", AclCache.Perms.ALL));
                }
                assertTrue(steps < 1000);
            }
            writer.shutdown();
            assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
            assertEquals(null, job.failure());

            DataTree image = new DataTree(false);
            SnapshotFile.read(job.file(), image);
            assertNotEquals(acls(tree), acls(image), "the image alone is stale");
            for (Txn t : log.subList(fromTxn, log.size())) {
                assertTrue(t.header().getZxid() > job.zxid());
                image.apply(t.header(), t.record());
            }
            assertEquals(acls(tree), acls(image));
        }
    }

    /** A create whose parent cversion apply derives (-1). */
    private void create(String path, List<ACL> acl) {
        apply(OpCode.CREATE, new CreateTxn(path, new byte[0], acl, false, -1));
    }

    private void apply(int type, Record txn) {
        zxid++;
        TxnHeader h = new TxnHeader(0x55, (int) zxid, zxid, 1000 + zxid, type);
        log.add(new Txn(h, txn));
        Applied a = tree.apply(h, txn);
        assertEquals(0, a.err(), "txn " + zxid);
    }

    /** Every node's path and ACL. */
    private static Map<String, List<ACL>> acls(DataTree t) {
        Map<String, List<ACL>> out = new TreeMap<>();
        collect(t, "/", t.root(), out);
        return out;
    }

    private static void collect(DataTree t, String path, Znode z, Map<String, List<ACL>> out) {
        out.put(path, t.aclOf(z));
        for (String name : t.childNames(z)) {
            String child = "/".equals(path) ? "/" + name : path + "/" + name;
            collect(t, child, t.find(child), out);
        }
    }

    /** Writes {@code t} as the server does at start-up and reads it into a fresh tree. */
    private DataTree readBack(DataTree t) throws IOException {
        Path d = Files.createTempDirectory(tmp, "snap");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (DataDir dir = DataDir.open(d, null)) {
            Path file = SnapshotJob.takeNow(t, dir, writer);
            DataTree back = new DataTree(false);
            SnapshotFile.read(file, back);
            return back;
        } finally {
            writer.shutdown();
        }
    }

    /** A snapshot in ZooKeeper's format ({@code FileSnap}), with the ACL table and nodes given. */
    private static void writeSnapshot(Path file, Map<Long, List<ACL>> table, Map<String, Long> nodes, long zxid)
            throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
                CheckedOutputStream checked = new CheckedOutputStream(raw, new Adler32())) {
            BinaryOutputArchive oa = new BinaryOutputArchive(new DataOutputStream(checked));
            new FileHeader(0x5a4b534e, 2, -1).serialize(oa, "fileheader");
            oa.writeInt(0, "count");
            oa.writeInt(table.size(), "map");
            for (Map.Entry<Long, List<ACL>> e : table.entrySet()) {
                oa.writeLong(e.getKey(), "long");
                oa.startVector(e.getValue(), "acls");
                for (ACL a : e.getValue()) {
                    a.serialize(oa, "acl");
                }
                oa.endVector(e.getValue(), "acls");
            }
            Map<String, Integer> children = new HashMap<>();
            nodes.keySet().forEach(p -> children.merge(p.isEmpty() ? "-" : parentOf(p), 1, Integer::sum));
            for (Map.Entry<String, Long> e : nodes.entrySet()) {
                oa.writeString(e.getKey(), "path");
                oa.writeBuffer(new byte[0], "data");
                oa.writeLong(e.getValue(), "acl");
                int kids = children.getOrDefault(e.getKey(), 0);
                new StatPersisted(1, 1, 0, 0, 0, kids, 0, 0, 1).serialize(oa, "statpersisted");
            }
            oa.writeString("/", "path");
            seal(oa, checked);
            oa.writeLong(0, "zxid");
            oa.writeInt(2, "digestVersion");
            oa.writeLong(0, "digest");
            seal(oa, checked);
            oa.writeLong(zxid, "lastZxid");
            seal(oa, checked);
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "" : path.substring(0, slash);
    }

    private static void seal(BinaryOutputArchive oa, CheckedOutputStream checked) throws IOException {
        oa.writeLong(checked.getChecksum().getValue(), "val");
        oa.writeString("/", "path");
    }
}
