package dev.keeper.bench;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshots a server's log says it took, read from the lines each server writes at INFO (see
 * {@link ServerSetup#logbackXml}), each line starting with an ISO date-time with offset.
 *
 * <ul>
 *   <li>Ours: {@code Snapshotter} logs "Creating snapshot snapshot.X" right after it rolls the log and starts
 *       the job; {@code SnapshotJob} logs "Snapshot snapshot.X written: N nodes in M ms" once the file is renamed
 *       into place.</li>
 *   <li>ZooKeeper 3.9.5: {@code FileTxnSnapLog.save} logs "Snapshotting: 0xZ to FILE" as the snapshot thread
 *       starts writing (the log was rolled just before, in {@code SyncRequestProcessor}; its "Creating new log
 *       file" line comes later, at the next append); {@code ZooKeeperServer.takeSnapshot} logs
 *       "Snapshot taken in M ms" once the file is written and synced.</li>
 *   <li>Both: "Too busy to snap, skipping" when a snapshot is due while the previous one is still running.</li>
 * </ul>
 */
final class SnapshotLog {
    private static final Pattern OURS_START = Pattern.compile("Creating snapshot (\\S+)");
    private static final Pattern OURS_END = Pattern.compile("Snapshot (\\S+) written: (\\d+) nodes in (\\d+) ms");
    private static final Pattern ZK_START = Pattern.compile("Snapshotting: 0x\\p{XDigit}+ to (\\S+)");
    private static final Pattern ZK_END = Pattern.compile("Snapshot taken in (\\d+) ms");
    private static final String TOO_BUSY = "Too busy to snap, skipping";

    /**
     * One snapshot, its start and end as the server logged them.
     *
     * @param startEpochMs  time of the start line
     * @param endEpochMs    time of the end line, or -1 while it is still being written
     * @param serverMillis  the duration the server itself reports, or -1 while it is still being written
     */
    record Snapshot(long startEpochMs, long endEpochMs, long serverMillis) {
        boolean finished() {
            return endEpochMs >= 0;
        }
    }

    /**
     * @param snapshots  in log order
     * @param skipped    "Too busy to snap" lines
     */
    record Parsed(List<Snapshot> snapshots, int skipped) {
        /** Finished snapshots that started at or after {@code epochMs}. */
        List<Snapshot> finishedSince(long epochMs) {
            List<Snapshot> out = new ArrayList<>();
            for (Snapshot s : snapshots) {
                if (s.finished() && s.startEpochMs() >= epochMs) {
                    out.add(s);
                }
            }
            return out;
        }

        /** Whether a snapshot that started at or after {@code epochMs} is still being written. */
        boolean unfinishedSince(long epochMs) {
            return snapshots.stream().anyMatch(s -> !s.finished() && s.startEpochMs() >= epochMs);
        }
    }

    private SnapshotLog() {
    }

    static Parsed parse(ServerKind kind, List<String> lines) {
        List<Snapshot> out = new ArrayList<>();
        int skipped = 0;
        long openStart = -1;
        for (String line : lines) {
            if (line.contains(TOO_BUSY)) {
                skipped++;
                continue;
            }
            Matcher start = (kind == ServerKind.OURS ? OURS_START : ZK_START).matcher(line);
            Matcher end = (kind == ServerKind.OURS ? OURS_END : ZK_END).matcher(line);
            if (start.find()) {
                long t = time(line);
                if (t >= 0) {
                    if (openStart >= 0) { // a start without an end: the earlier one never finished
                        out.add(new Snapshot(openStart, -1, -1));
                    }
                    openStart = t;
                }
            } else if (end.find() && openStart >= 0) {
                long t = time(line);
                long ms = Long.parseLong(kind == ServerKind.OURS ? end.group(3) : end.group(1));
                if (t >= 0) {
                    out.add(new Snapshot(openStart, t, ms));
                    openStart = -1;
                }
            }
        }
        if (openStart >= 0) {
            out.add(new Snapshot(openStart, -1, -1));
        }
        return new Parsed(List.copyOf(out), skipped);
    }

    /** The epoch milliseconds of the line's leading timestamp, or -1 when it has none. */
    static long time(String line) {
        int space = line.indexOf(' ');
        if (space <= 0) {
            return -1;
        }
        try {
            return OffsetDateTime.parse(line.substring(0, space)).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
