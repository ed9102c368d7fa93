package dev.keeper.compat.ensemble;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One member's whole tree as a stock client reads it after a {@code sync}: every path with its data and every
 * field of its {@link Stat} (but the mtime of {@code /zookeeper/config}, which is each member's own), so two
 * members' dumps are equal exactly when they hold the same tree.
 */
final class TreeDump {
    private static final String CONFIG = "/zookeeper/config";

    private TreeDump() {
    }

    /** Path -> data and Stat, from the member {@code zk} is attached to. */
    static Map<String, String> of(ZooKeeper zk) throws Exception {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        zk.sync("/", (rc, p, ctx) -> synced.complete(rc), null);
        int rc = synced.get(60, TimeUnit.SECONDS);
        if (rc != 0) {
            throw KeeperException.create(KeeperException.Code.get(rc), "/");
        }
        Map<String, String> tree = new TreeMap<>();
        walk(zk, "/", tree);
        return tree;
    }

    private static void walk(ZooKeeper zk, String path, Map<String, String> tree) throws Exception {
        Stat st = new Stat();
        byte[] data;
        List<String> children;
        try {
            data = zk.getData(path, false, st);
            children = zk.getChildren(path, false);
        } catch (KeeperException.NoNodeException gone) {
            return; // deleted while walking: the dumps are compared again until they settle
        }
        if (path.equals(CONFIG)) {
            // each member sets this node's mtime from its own clock at start-up, outside the log, as ZooKeeper's
            // ZKDatabase.initConfigInZKDatabase does: the one field members need not share
            st.setMtime(0);
        }
        tree.put(path, Base64.getEncoder().encodeToString(data == null ? new byte[0] : data) + " " + st);
        for (String c : children) {
            walk(zk, path.equals("/") ? "/" + c : path + "/" + c, tree);
        }
    }

    /** The data of {@code path} as text, or null when the dump has no such node. */
    static String data(Map<String, String> tree, String path) {
        String entry = tree.get(path);
        if (entry == null) {
            return null;
        }
        return new String(Base64.getDecoder().decode(entry.substring(0, entry.indexOf(' '))), StandardCharsets.UTF_8);
    }
}
