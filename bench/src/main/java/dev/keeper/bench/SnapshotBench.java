package dev.keeper.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;

/**
 * Write latency while a snapshot of a large tree is being written, on one server at a time (fsync on).
 *
 * <ol>
 *   <li>{@link #fill}: a fresh server (default snapCount) gets the big tree, then is stopped with SIGTERM; its
 *       data directory stays.</li>
 *   <li>{@link #measure}: the server restarts on that directory with a small snapCount, and a steady setData
 *       load ({@link SteadyWriter}, open loop, a few sessions) runs until the server has logged the wanted
 *       number of finished snapshots that the load's own transactions triggered (both servers snapshot after
 *       snapCount/2 plus a random share of snapCount/2 transactions). The samples are cut by the snapshot
 *       windows the server logged ({@link SnapshotWindows}); then the server is stopped with SIGTERM again,
 *       leaving the directory the start-up measurement reads.</li>
 * </ol>
 */
final class SnapshotBench {
    private static final long START_TIMEOUT_MS = 600_000;
    private static final int SESSIONS = 4;
    private static final long POLL_MS = 200;

    /**
     * How a server took its big tree.
     *
     * @param dataDir  the directory it wrote (kept after the stop)
     * @param znodes   znodes created (beyond their 1,000 parents)
     * @param seconds  how long the pipelined creates took
     * @param stop     how the stop went
     */
    record Fill(Path dataDir, int znodes, double seconds, ServerProcess.Stop stop) {
        double createsPerSecond() {
            return znodes / seconds;
        }
    }

    /**
     * @param fill          the tree the server was measured with
     * @param restartMillis launch to Mode: standalone when restarted on that tree
     * @param ratePerSecond the steady load's setData rate (all sessions together)
     * @param sessions      sessions carrying it
     * @param snapCount     the snapCount the server ran with
     * @param warmupMillis  load before samples count as without-snapshot ones
     * @param snapshots     the snapshots measured, as the server logged them
     * @param split         the latencies cut by those snapshots
     * @param samples       replies received
     * @param errors        replies with an error code
     * @param firstError    the first such, or null
     * @param notSent       sends skipped because too many requests were unanswered
     * @param lateSends     sends the driver made more than 5 ms late
     * @param skipped       "Too busy to snap" lines the server logged
     * @param stop          how the server went down afterwards (its directory is the start-up measurement's)
     * @param problem       why the measurement is incomplete, or null
     */
    record Figures(Fill fill, double restartMillis, int ratePerSecond, int sessions, int snapCount, long warmupMillis,
                   List<SnapshotLog.Snapshot> snapshots, SnapshotWindows.Split split, int samples, long errors,
                   String firstError, long notSent, long lateSends, int skipped, ServerProcess.Stop stop,
                   String problem) {
        double medianServerMillis() {
            return Stats.median(snapshots.stream().map(s -> (double) s.serverMillis()).toList());
        }

        double medianWindowMillis() {
            return Stats.median(snapshots.stream().map(s -> (double) (s.endEpochMs() - s.startEpochMs())).toList());
        }
    }

    private SnapshotBench() {
    }

    /** A fresh server under {@code dir} gets {@code znodes} znodes and is stopped; the directory stays. */
    static Fill fill(ServerKind kind, ServerSetup setup, Path runDir, Path dataDir, ProcessGuard guard, int znodes,
                     byte[] data) throws IOException, InterruptedException {
        double seconds;
        ServerProcess server = ServerProcess.startOn(kind, setup, runDir, "fill", dataDir, START_TIMEOUT_MS, guard);
        try {
            seconds = BigTree.fill(server, znodes, data);
        } finally {
            server.close();
        }
        return new Fill(dataDir, znodes / 4 * 4, seconds, server.stopped());
    }

    static Figures measure(ServerKind kind, ServerSetup setup, Path runDir, Fill fill, ProcessGuard guard,
                           int rate, int wanted, long warmupMillis, byte[] data)
            throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.startOn(kind, setup, runDir, "snapshot", fill.dataDir(),
                START_TIMEOUT_MS, guard);
        SteadyWriter.Samples samples;
        List<SnapshotLog.Snapshot> snaps;
        SnapshotWindows.Split split;
        int skipped;
        long measureFromUs;
        String problem = null;
        try (StockSessions pool = StockSessions.open(server.connectString(), SESSIONS)) {
            List<ZooKeeper> sessions = pool.first(SESSIONS);
            int n = fill.znodes();
            // A stride prime to n visits every znode of the tree once per n requests, spread over all parents.
            SteadyWriter writer = new SteadyWriter(sessions, rate, data, i -> BigTree.node((i * 7919L) % n));
            long loadStartMs = System.currentTimeMillis();
            measureFromUs = TimeUnit.MILLISECONDS.toMicros(loadStartMs + warmupMillis);
            // Each snapshot is due at most snapCount transactions after the previous one's start; allow half
            // as long again for the snapshots themselves, and two minutes for a slow start.
            long timeoutMs = warmupMillis + (long) (wanted * 1.5 * setup.snapCount() * 1000.0 / rate) + 120_000;
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                Thread.sleep(POLL_MS);
                if (!server.alive()) {
                    problem = kind.label() + " died during the steady load:\n" + server.logTail(30);
                    break;
                }
                SnapshotLog.Parsed p = SnapshotLog.parse(kind, readLog(server));
                if (p.finishedSince(loadStartMs).size() >= wanted && !p.unfinishedSince(loadStartMs)) {
                    // Run on past the last one's end, so the after-snapshot margin is covered.
                    Thread.sleep(SnapshotWindows.AFTER_MS + 500);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    problem = kind.label() + ": " + p.finishedSince(loadStartMs).size() + " of " + wanted
                            + " snapshots finished within " + timeoutMs / 1000 + " s of steady load at " + rate
                            + " setData/s with snapCount " + setup.snapCount() + (p.unfinishedSince(loadStartMs)
                            ? " (one started and has not finished)" : "");
                    break;
                }
            }
            samples = writer.stop();
            writeSamples(runDir.resolve("snapshot-samples-" + kind.label() + ".csv"), samples);
            SnapshotLog.Parsed parsed = SnapshotLog.parse(kind, readLog(server));
            snaps = parsed.finishedSince(loadStartMs);
            if (snaps.size() > wanted) {
                snaps = snaps.subList(0, wanted);
            }
            skipped = parsed.skipped();
            split = SnapshotWindows.split(samples, snaps, measureFromUs);
        } finally {
            server.close();
        }
        return new Figures(fill, server.readyMillis(), rate, SESSIONS, setup.snapCount(), warmupMillis,
                List.copyOf(snaps), split, samples.sentUs().length, samples.errors(), samples.firstError(),
                samples.notSent(), samples.lateSends(), skipped, server.stopped(), problem);
    }

    /** Every request of the steady load, for anyone who wants to look at the latencies over time. */
    private static void writeSamples(Path file, SteadyWriter.Samples s) throws IOException {
        StringBuilder sb = new StringBuilder("sent_epoch_us,latency_us\n");
        for (int i = 0; i < s.sentUs().length; i++) {
            sb.append(s.sentUs()[i]).append(',').append(s.repliedUs()[i] - s.sentUs()[i]).append('\n');
        }
        Files.writeString(file, sb);
    }

    /** The server's log so far; undecodable bytes become replacement characters rather than an exception. */
    static List<String> readLog(ServerProcess server) throws IOException {
        return List.of(new String(Files.readAllBytes(server.logFile()), StandardCharsets.UTF_8).split("\n"));
    }
}
