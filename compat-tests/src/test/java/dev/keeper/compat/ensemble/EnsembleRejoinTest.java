package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.compat.support.JavaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    private static final String APPENDER_LOGGER = "org.apache.ratis.grpc.server.GrpcLogAppender";

    @TempDir
    Path dir;

    @Test
    void aRestartedFollower_hearsFromTheLeaderAtOnce_andItsAbsenceCostsTheLeadersLogFewLines() throws Exception {
        try (Members members = new Members(dir, 3, TICK).startAll()) {
            int leader = members.awaitLeader();
            int away = leader % 3 + 1;
            int other = 6 - leader - away;
            members.stop(away);

            ListAppender<ILoggingEvent> warnings = new ListAppender<>();
            Logger appenderLog = (Logger) LoggerFactory.getLogger(APPENDER_LOGGER);
            warnings.start();
            appenderLog.addAppender(warnings);
            try (ZooKeeper zk = JavaClient.connect(members.connectString(leader))) {
                zk.create("/n", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                // One write at a time, each its own log entry, so each one wakes the appender.
                for (int i = 0; i < WRITES; i++) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    zk.setData("/n", new byte[] {(byte) i}, -1, (rc, path, ctx, stat) -> done.complete(null), null);
                    done.get(10, TimeUnit.SECONDS);
                }
            } finally {
                appenderLog.detachAppender(warnings);
            }
            List<String> lines;
            synchronized (warnings) {
                lines = warnings.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .map(ILoggingEvent::getFormattedMessage).toList();
            }
            assertTrue(lines.size() <= 20, WRITES + " writes with a follower stopped cost the leader's log "
                    + lines.size() + " warnings about it; the first: " + lines.stream().limit(3).toList());

            String zxid = zxid(members, leader);
            assertEquals(zxid, zxid(members, other), "the other follower has every write");
            long start = System.nanoTime();
            members.start(away);
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(30);
            while (!zxid.equals(zxid(members, away)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long caughtUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(zxid, zxid(members, away), "the restarted member caught up within 30 s");
            assertTrue(caughtUpMs < 2_000, "the restarted member had the leader's last zxid " + caughtUpMs
                    + " ms after it started (" + TimeUnit.NANOSECONDS.toMillis(started - start)
                    + " ms to start): the leader tried to reach it only every few seconds");
        }
    }

    /** The member's srvr "Zxid: " line, or null when it does not answer or is not serving. */
    private static String zxid(Members members, int id) {
        if (members.server(id) == null) {
            return null;
        }
        try {
            String srvr = FourLetterWord.ask(clientPort(members, id), "srvr");
            for (String line : srvr.split("\n")) {
                if (line.startsWith("Zxid: ")) {
                    return line.substring("Zxid: ".length()).trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int clientPort(Members members, int id) {
        String connect = members.connectString(id);
        return Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1));
    }
}
