package dev.keeper.server.persist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * autopurge ({@code PurgeTxnLog}): keeps the newest {@code snapRetainCount} valid snapshots and the logs that
 * recovering from the oldest of them needs — every log starting after it, and the one it falls within — and
 * deletes older snapshots and logs. Touches only files older than anything the server still writes.
 */
public final class Purge {
    private static final Logger LOG = LoggerFactory.getLogger(Purge.class);

    private Purge() {
    }

    public static List<Path> purge(DataDir dir, int retain) throws IOException {
        List<Path> valid = new ArrayList<>();
        for (Path s : dir.snapshots()) {
            if (SnapshotFile.looksComplete(s)) {
                valid.add(s);
                if (valid.size() == retain) {
                    break;
                }
            }
        }
        List<Path> deleted = new ArrayList<>();
        if (valid.size() < retain) {
            return deleted;
        }
        long keepFrom = DataDir.zxidOf(valid.get(valid.size() - 1), DataDir.SNAP_PREFIX);
        List<Path> logs = dir.logs();
        Set<Path> keepLogs = new HashSet<>(TxnLogReader.relevant(logs, keepFrom - 1));
        for (Path log : logs) {
            if (!keepLogs.contains(log) && DataDir.zxidOf(log, DataDir.LOG_PREFIX) < keepFrom) {
                deleted.add(log);
            }
        }
        for (Path s : dir.snapshots()) {
            if (DataDir.zxidOf(s, DataDir.SNAP_PREFIX) < keepFrom) {
                deleted.add(s);
            }
        }
        for (Path p : deleted) {
            LOG.info("Removing {}", p);
            dir.disk().delete(p);
        }
        return deleted;
    }
}
