package dev.keeper.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading snapshot windows from the two servers' log lines, as they print them (copied from real runs). */
class SnapshotLogTest {
    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void ours_startAndWrittenLines_makeOneWindow_andTheStartUpSnapshotWithoutAStartLineIsIgnored() {
        List<String> lines = List.of(
                "2026-11-25T16:31:50.657Z [main] INFO  dev.keeper.server.persist.Recovery - Recovered 21005 nodes,"
                        + " 0 sessions, last zxid 0x5211 (snapshot 0x0 + 21009 transactions) in 445 ms",
                "2026-11-25T16:31:50.802Z [keeper-snapshot] INFO  d.keeper.server.persist.SnapshotJob - Snapshot"
                        + " snapshot.5211 written: 21004 nodes in 132 ms",
                "2026-11-25T16:31:53.509Z [keeper-processor] INFO  d.keeper.server.persist.Snapshotter - Creating"
                        + " snapshot snapshot.5699",
                "2026-11-25T16:31:53.638Z [keeper-log-sync] INFO  d.keeper.server.persist.FileTxnLog - Creating new"
                        + " log file: log.569a",
                "2026-11-25T16:31:53.719Z [keeper-snapshot] INFO  d.keeper.server.persist.SnapshotJob - Snapshot"
                        + " snapshot.5699 written: 21004 nodes in 213 ms");
        SnapshotLog.Parsed p = SnapshotLog.parse(ServerKind.OURS, lines);
        assertEquals(List.of(new SnapshotLog.Snapshot(ms("2026-11-25T16:31:53.509Z"), ms("2026-11-25T16:31:53.719Z"),
                213)), p.snapshots());
        assertEquals(0, p.skipped());
    }

    @Test
    void zookeeper_snapshottingAndTakenLines_makeOneWindow_andAStartWithoutEndIsUnfinished() {
        List<String> lines = List.of(
                "2026-11-25T16:33:25.622Z [main] INFO  o.a.z.s.persistence.FileTxnSnapLog - Snapshotting: 0x0 to"
                        + " /tmp/x/version-2/snapshot.0",
                "2026-11-25T16:33:25.629Z [main] INFO  o.a.z.s.persistence.FileTxnSnapLog - Snapshotting: 0x0 to"
                        + " /tmp/x/version-2/snapshot.0",
                "2026-11-25T16:33:25.630Z [main] INFO  o.a.zookeeper.server.ZooKeeperServer - Snapshot taken in 1 ms",
                "2026-11-25T16:33:45.294Z [Snapshot Thread] INFO  o.a.z.s.persistence.FileTxnSnapLog - Snapshotting:"
                        + " 0x687c to /tmp/x/version-2/snapshot.687c",
                "2026-11-25T16:33:45.351Z [Snapshot Thread] INFO  o.a.zookeeper.server.ZooKeeperServer - Snapshot"
                        + " taken in 57 ms",
                "2026-11-25T16:33:50.100Z [SyncThread:0] WARN  o.a.z.server.SyncRequestProcessor - Too busy to snap,"
                        + " skipping",
                "2026-11-25T16:33:59.000Z [Snapshot Thread] INFO  o.a.z.s.persistence.FileTxnSnapLog - Snapshotting:"
                        + " 0x9000 to /tmp/x/version-2/snapshot.9000");
        SnapshotLog.Parsed p = SnapshotLog.parse(ServerKind.ZOOKEEPER, lines);
        long loadStart = ms("2026-11-25T16:33:40Z");
        assertEquals(List.of(new SnapshotLog.Snapshot(ms("2026-11-25T16:33:45.294Z"), ms("2026-11-25T16:33:45.351Z"),
                57)), p.finishedSince(loadStart));
        assertTrue(p.unfinishedSince(loadStart));
        assertEquals(1, p.skipped());
        // The start-up snapshot logged its start twice: the first counts as one that never finished.
        assertEquals(4, p.snapshots().size());
        assertFalse(p.snapshots().get(0).finished());
    }

    @Test
    void linesWithoutATimestamp_areSkipped() {
        assertEquals(-1, SnapshotLog.time("Exception in thread main"));
        assertEquals(-1, SnapshotLog.time(""));
        assertEquals(ms("2026-11-25T16:33:45.294Z"), SnapshotLog.time("2026-11-25T17:33:45.294+01:00 [x] INFO"));
        SnapshotLog.Parsed p = SnapshotLog.parse(ServerKind.OURS, List.of("Creating snapshot snapshot.5"));
        assertEquals(List.of(), p.snapshots());
    }
}
