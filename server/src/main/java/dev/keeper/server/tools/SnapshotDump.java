package dev.keeper.server.tools;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.SnapshotFile;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/zkSnapShotToolkit.sh}: prints a snapshot file (ours or ZooKeeper's) as ZooKeeper's
 * SnapshotFormatter does: every znode with its stat, then the sessions, then the last zxid. With {@code -d},
 * node data too.
 */
public final class SnapshotDump {
    private SnapshotDump() {
    }

    public static void main(String[] args) throws IOException {
        boolean data = false;
        String file = null;
        for (String a : args) {
            if ("-d".equals(a) || "-dumpData".equals(a)) {
                data = true;
            } else {
                file = a;
            }
        }
        if (file == null) {
            System.err.println("usage: zkSnapShotToolkit.sh [-d] <snapshot file>");
            System.exit(2);
        }
        try {
            dump(Path.of(file), data, System.out);
        } catch (IOException e) {
            System.out.println("Invalid snapshot " + file + ": " + e.getMessage());
            System.exit(1);
        }
    }

    public static void dump(Path file, boolean withData, PrintStream out) throws IOException {
        DataTree tree = new DataTree(true);
        long recorded = SnapshotFile.read(file, tree);
        out.println("ZNode Details (count=" + tree.reportedNodeCount() + "):");
        print(tree, "/", tree.root(), withData, out);
        out.println("Session Details (sid, timeout, ephemeralCount):");
        for (Map.Entry<Long, Integer> e : tree.sessions().entrySet()) {
            out.println(String.format("%#016x, %d, %d", e.getKey(), e.getValue(), tree.ephemerals(e.getKey()).size()));
        }
        long nameZxid = DataDir.zxidOf(file, DataDir.SNAP_PREFIX);
        out.println(String.format("----%nLast zxid: 0x%s", Long.toHexString(Math.max(nameZxid, recorded))));
    }

    private static void print(DataTree tree, String path, Znode z, boolean withData, PrintStream out) {
        out.println("----");
        out.println(path);
        out.println("  cZxid = 0x" + Long.toHexString(z.czxid()));
        out.println("  ctime = " + new Date(z.ctime()));
        out.println("  mZxid = 0x" + Long.toHexString(z.mzxid()));
        out.println("  mtime = " + new Date(z.mtime()));
        out.println("  pZxid = 0x" + Long.toHexString(z.pzxid()));
        out.println("  cversion = " + z.cversion());
        out.println("  dataVersion = " + z.version());
        out.println("  aclVersion = " + z.aversion());
        out.println("  ephemeralOwner = 0x" + Long.toHexString(z.ephemeralOwner()));
        byte[] d = z.data();
        if (withData) {
            out.println("  data = " + (d == null ? "" : new String(d, StandardCharsets.UTF_8)));
        }
        out.println("  dataLength = " + (d == null ? 0 : d.length));
        List<String> names = new ArrayList<>(tree.childNames(z));
        names.sort(null);
        for (String n : names) {
            String child = "/".equals(path) ? "/" + n : path + "/" + n;
            print(tree, child, tree.find(child), withData, out);
        }
    }
}
