package dev.keeper.server.persist;

import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: the newest valid snapshot, then the log after it ({@code FileTxnSnapLog.restore}).
 *
 * <p>Partial snapshot files a crash left behind are deleted first (nothing writes snapshots yet).
 *
 * <p>An incomplete or unreadable snapshot is passed over for the next older one, as ZooKeeper does. A
 * directory with log files but no snapshot is refused — ZooKeeper refuses it too, since the log alone may not
 * reach back to the empty tree — unless {@code zookeeper.snapshot.trust.empty} says it does. Corruption or a
 * gap in the log stops start-up with the file and offset ({@link TxnLogReader}).
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    public static DataTree recover(DataDir dir, boolean extendedTypes, boolean trustEmptySnapshot)
            throws IOException {
        long start = System.nanoTime();
        for (Path partial : dir.removePartialSnapshots()) {
            LOG.info("Removed {}, a snapshot a crash left unfinished", partial.getFileName());
        }
        DataTree tree = null;
        long snapZxid = -1;
        for (Path snap : dir.snapshots()) {
            if (!SnapshotFile.looksComplete(snap)) {
                LOG.warn("Skipping incomplete snapshot {}", snap.getFileName());
                continue;
            }
            DataTree candidate = new DataTree(extendedTypes);
            try {
                LOG.info("Reading snapshot {}", snap);
                SnapshotFile.read(snap, candidate);
                tree = candidate;
                snapZxid = DataDir.zxidOf(snap, DataDir.SNAP_PREFIX);
                break;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Problem reading snapshot {}: {}; trying an older one", snap.getFileName(), e.toString());
            }
        }
        List<Path> logs = dir.logs();
        if (tree == null) {
            if (!dir.snapshots().isEmpty()) {
                throw new IOException("Not able to find valid snapshots in " + dir.snapDir());
            }
            // Any log file counts, even one with no entries: its name is a zxid the server reached, so the
            // history before it is missing (FileTxnLog.getLastLoggedZxid returns that name's zxid).
            if (!logs.isEmpty() && !trustEmptySnapshot) {
                throw new IOException("No snapshot found, but there are log entries in " + dir.logDir()
                        + ". Something is broken! (set zookeeper.snapshot.trust.empty=true only when upgrading"
                        + " from a 3.4 server)");
            }
            tree = new DataTree(extendedTypes);
            snapZxid = 0;
        }
        tree.setLastZxid(snapZxid);
        DataTree t = tree;
        long[] replayed = {0};
        long last = TxnLogReader.replay(logs, snapZxid, (entry, file, offset) -> {
            t.apply(entry.header(), entry.txn());
            replayed[0]++;
        });
        tree.setLastZxid(Math.max(last, snapZxid));
        tree.killDeadSessions();
        LOG.info("Recovered {} nodes, {} sessions, last zxid 0x{} (snapshot 0x{} + {} transactions) in {} ms",
                tree.nodeCount(), tree.sessions().size(), Long.toHexString(tree.lastZxid()),
                Long.toHexString(snapZxid), replayed[0], (System.nanoTime() - start) / 1_000_000);
        return tree;
    }
}
