package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keeper.compat.support.JavaClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A follower that was stopped while the others went on writing is found by the leader as soon as it starts again,
 * and while it is away the leader does not log every write it could not send it (quorum/PromptCommitAppender).
 *
 * <p>Ratis 3.1.3's appender, after some thirty failed calls to a stopped follower, waited five seconds (2.5 to 7.5
 * with its jitter) between tries once the writes stopped; a member restarted then waited that long before hearing
 * from its leader (3.6 and 5.9 s here, in two runs without the fix; 0.3 s with it). And while writes went on it
 * tried once per write, each failure a WARN line: 100 writes, about 100 lines. ZooKeeper's follower connects to its
 * leader as soon as it starts. The bound on rejoining is two seconds from the member's start, below the old
 * policy's shortest wait and the member's own election timeout, and no figure of speed: the probe comes every
 * twentieth of a tick. (Past a thousand failures Ratis's policy stops waiting, so more writes would hide the wait.)
 */
class EnsembleRejoinTest {
    private static final int TICK = 2000;
    private static final int WRITES = 100;
    private static final List<String> APPENDER_LOGGERS = List.of("org.apache.ratis.grpc.server.GrpcLogAppender",
            "org.apache.ratis.server.leader.LogAppenderDaemon");

    @TempDir
    Path dir;

    @Test
    void aRestartedFollower_hearsFromTheLeaderAtOnce_andItsAbsenceCostsTheLeadersLogFewLines() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            int away = leader % 3 + 1;
            members.stop(away);
            List<String> lines;
            try (Warnings warnings = new Warnings()) {
                try (ZooKeeper zk = JavaClient.connect(members.connectString(leader))) {
                    zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    // One write at a time, each its own log entry, so each one wakes the appender.
                    for (int i = 0; i < WRITES; i++) {
                        setData(zk, i);
                    }
                }
                lines = warnings.lines();
            }
            assertTrue(lines.size() <= 20, WRITES + " writes with a follower stopped cost the leader's log "
                    + lines.size() + " warnings about it; the first: " + lines.stream().limit(3).toList());

            String zxid = members.zxid(leader);
            long start = System.nanoTime();
            members.start(away);
            long started = System.nanoTime();
            long caughtUpMs = awaitZxid(members, away, zxid, started);
            assertTrue(caughtUpMs < 2_000, "the restarted member had the leader's last zxid " + caughtUpMs
                    + " ms after it started (" + TimeUnit.NANOSECONDS.toMillis(started - start)
                    + " ms to start): the leader tried to reach it only every few seconds");
        }
    }

    /**
     * Snapshots every 200 transactions and the log purged behind them: the leader's log soon starts after the
     * stopped follower's place, and Ratis's appender would send it the snapshot instead, again and again to a member
     * that is not there (under a million znodes, 1,539 failed sends in seven minutes, and a 512 MB leader out of
     * heap). It is sent once the member is back and answers.
     */
    @Test
    void aStoppedFollowerBehindThePurgedLog_isSentNoSnapshotUntilItAnswers_thenCatchesUpFromOne() throws Exception {
        try (Members members = new Members(dir, 3, TICK, 200).startAll()) {
            int leader = members.awaitLeader();
            int away = leader % 3 + 1;
            members.stop(away);
            List<String> lines;
            try (Warnings warnings = new Warnings();
                    ZooKeeper zk = JavaClient.connect(members.connectString(leader))) {
                zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int i = 0; i < 1_000; i++) {
                    setData(zk, i);
                }
                // the appender wakes every twentieth of a tick: time for several looks past the purged log
                Thread.sleep(3 * TICK);
                lines = warnings.lines();
            }
            List<String> snapshots = lines.stream().filter(l -> l.contains("InstallSnapshot")
                    || l.contains("LogAppenderDaemon")).toList();
            assertTrue(snapshots.isEmpty(), "the leader tried to send the stopped member a snapshot: "
                    + snapshots.size() + " warnings, the first: " + snapshots.stream().limit(3).toList());

            String zxid = members.zxid(leader);
            members.start(away);
            awaitZxid(members, away, zxid, System.nanoTime());
        }
    }

    private static void setData(ZooKeeper zk, int i) throws Exception {
        zk.setData("/n", new byte[] {(byte) i}, -1);
    }

    /** Waits (at most 30 s) until member {@code id}'s zxid is {@code zxid}; the milliseconds since {@code from}. */
    private static long awaitZxid(Members members, int id, String zxid, long from) throws InterruptedException {
        long deadline = from + TimeUnit.SECONDS.toNanos(30);
        while (!zxid.equals(members.zxid(id)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        assertEquals(zxid, members.zxid(id), "the restarted member caught up within 30 s");
        return ms;
    }

    /** WARN and ERROR lines of Ratis's log appender classes while open. */
    private static final class Warnings implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final List<Logger> loggers = APPENDER_LOGGERS.stream()
                .map(name -> (Logger) LoggerFactory.getLogger(name)).toList();

        Warnings() {
            appender.start();
            loggers.forEach(l -> l.addAppender(appender));
        }

        List<String> lines() {
            synchronized (appender) {
                return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
            }
        }

        @Override
        public void close() {
            loggers.forEach(l -> l.detachAppender(appender));
        }
    }
}
