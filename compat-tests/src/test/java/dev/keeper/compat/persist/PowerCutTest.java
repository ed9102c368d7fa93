package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.server.persist.Disk;
import dev.keeper.server.persist.FileTxnLog;
import dev.keeper.server.testing.LogCapture;
import dev.keeper.server.testing.PowerCut;
import dev.keeper.server.testing.PowerCut.Data;
import dev.keeper.server.testing.PowerCut.Names;
import dev.keeper.server.testing.RecordingDisk;
import dev.keeper.server.testing.RecordingDisk.Force;
import dev.keeper.server.testing.RecordingDisk.Op;
import dev.keeper.server.testing.RecordingDisk.Rename;
import dev.keeper.server.testing.RecordingDisk.SyncDir;
import dev.keeper.server.tree.DataTree;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Power cuts, which a kill -9 cannot stand in for: after a kill the page cache still holds every write the
 * process made, so a missing fsync goes unseen. Here our server runs on a {@link RecordingDisk} while stock
 * clients write to it ({@link PowerCutWorkload}); then, for many cut points across the journal — at random, and
 * just before and after every force, rename and directory fsync — {@link PowerCut} rebuilds on disk what the
 * machine could come back to (forced data; some, none or all of the rest, in torn and reordered pages;
 * directory entries only where the directory was fsynced, or some of the rest), and {@link PowerCutCheck}
 * recovers it and compares it with what the clients were told. Some images are then served by our server,
 * written to by a client, and cut again ({@link PowerCutAgain}).
 *
 * <p>{@code -Dkeeper.powercut.cuts=N} (default 200) random cut points per run besides those at every force,
 * rename and directory fsync; {@code -Dkeeper.powercut.runs=N} (default 1) runs of writes;
 * {@code -Dkeeper.powercut.seed=S} replays the choices (logged; the server's timing still varies). bin/soak.sh
 * runs many.
 */
class PowerCutTest {
    private static final Logger LOG = LoggerFactory.getLogger(PowerCutTest.class);
    private static final int SERVE_EVERY = 25;
    private static final int SECOND_CUTS = 6;

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveAPowerCutAnywhere_nothingUnsentAppears_andRecoveryNeverFails() throws Exception {
        int runs = Integer.getInteger("keeper.powercut.runs", 1);
        int cuts = Integer.getInteger("keeper.powercut.cuts", 200);
        long seed = Long.getLong("keeper.powercut.seed", System.nanoTime());
        LOG.info("PowerCutTest: {} run(s), {} cuts each besides those at every force, rename and directory fsync,"
                + " seed {} (-Dkeeper.powercut.seed={} replays the choices)", runs, cuts, seed, seed);
        Random rng = new Random(seed);
        Tally total = new Tally();
        for (int run = 0; run < runs; run++) {
            long started = System.nanoTime();
            Path live = Files.createDirectories(tmp.resolve("run" + run));
            RecordingDisk disk = new RecordingDisk();
            PowerCutWorkload w = PowerCutWorkload.run(live.resolve("data"), disk, disk, FileTxnLog.Syncer.FSYNC, 4,
                    600, rng);
            List<Op> journal = disk.journal();
            long writesDone = System.nanoTime();
            assertEquals(List.of(), PowerCutCheck.journalOrder(journal, w), "seed " + seed);
            Tally tally = new Tally();
            for (long cut : cutPoints(journal, cuts, rng)) {
                Data data = pick(rng, Data.SYNCED, Data.SOME, Data.SOME, Data.SOME, Data.ALL);
                Names names = pick(rng, Names.STRICT, Names.SOME);
                List<String> problems = check(journal, cut, live, data, names, w, rng, tally);
                if (!problems.isEmpty()) {
                    fail("seed " + seed + ", run " + run + ": power cut before journal op " + cut + " ("
                            + (cut < journal.size() ? journal.get((int) cut) : "the end") + "), data " + data
                            + ", names " + names + ":\n  " + String.join("\n  ", problems.subList(0,
                            Math.min(10, problems.size()))));
                }
            }
            LOG.info("PowerCutTest run {}: {} writes by {} sessions, {} journal ops ({} forces, {} directory fsyncs)"
                    + " in {} ms; {} in {} ms", run, w.writers.stream().mapToInt(x -> x.sent.size()).sum(),
                    w.writers.size(), journal.size(), count(journal, Force.class), count(journal, SyncDir.class),
                    (writesDone - started) / 1_000_000, tally, (System.nanoTime() - writesDone) / 1_000_000);
            total.add(tally);
            deleteTree(live);
        }
        LOG.info("PowerCutTest seed {}, {} run(s): {}; no acknowledged write lost, nothing unsent appeared", seed, runs,
                total);
    }

    /** What the cuts of a run came to. */
    private static final class Tally {
        int cuts;
        int served;
        int tornTails;
        int lostSectors;
        int keptUnacknowledged;
        long imageMs;
        long checkMs;

        void add(Tally t) {
            cuts += t.cuts;
            served += t.served;
            tornTails += t.tornTails;
            lostSectors += t.lostSectors;
            keptUnacknowledged += t.keptUnacknowledged;
            imageMs += t.imageMs;
            checkMs += t.checkMs;
        }

        @Override
        public String toString() {
            return cuts + " power cuts recovered and checked (" + served + " also served to a client, then cut "
                    + SECOND_CUTS + " times more; "
                    + keptUnacknowledged + " kept writes not yet acknowledged at the cut; recovery dropped a torn"
                    + " last entry in " + tornTails + " and a batch with a lost sector in " + lostSectors
                    + "; images built in " + imageMs + " ms, checked in " + checkMs + " ms)";
        }
    }

    /**
     * One cut: the image, its recovery and checks; every {@value #SERVE_EVERY}th is then served, written to and
     * cut again ({@link PowerCutAgain}).
     */
    private List<String> check(List<Op> journal, long cut, Path live, Data data, Names names, PowerCutWorkload w,
            Random rng, Tally tally) throws Exception {
        long t0 = System.nanoTime();
        Path image = imageAt(journal, cut, live, data, names, rng);
        long t1 = System.nanoTime();
        List<String> problems;
        DataTree first;
        try (LogCapture logs = new LogCapture()) {
            PowerCutCheck.Verdict verdict = PowerCutCheck.image(image.resolve("data"), w, cut);
            problems = verdict.problems();
            first = verdict.tree();
            tally.keptUnacknowledged += verdict.unacknowledgedKept() > 0 ? 1 : 0;
            List<String> warnings = logs.warnings();
            tally.tornTails += warnings.stream().anyMatch(m -> m.startsWith("Dropping the torn last entry")) ? 1 : 0;
            tally.lostSectors += warnings.stream().anyMatch(m -> m.contains("never reached the disk")) ? 1 : 0;
        }
        if (problems.isEmpty() && tally.cuts % SERVE_EVERY == SERVE_EVERY / 2) {
            problems = PowerCutAgain.serveAndCutAgain(image, tmp, first, w, cut, SECOND_CUTS, rng);
            tally.served++;
        }
        tally.cuts++;
        tally.imageMs += (t1 - t0) / 1_000_000;
        tally.checkMs += (System.nanoTime() - t1) / 1_000_000;
        return problems;
    }

    /**
     * The test can fail: with a log that is never forced (the replies go out after a write, not an fsync),
     * images holding only what was forced lose acknowledged writes — which a kill -9 would never show.
     */
    @Test
    void aLogThatIsNeverForced_losesAcknowledgedWritesToSomeCut() throws Exception {
        Random rng = new Random();
        RecordingDisk disk = new RecordingDisk();
        Path live = Files.createDirectories(tmp.resolve("unforced"));
        PowerCutWorkload w = PowerCutWorkload.run(live.resolve("data"), disk, disk, channel -> { }, 2, 150, rng);
        List<Op> journal = disk.journal();
        int lost = 0;
        for (long cut : cutPoints(journal, 20, rng)) {
            Path image = imageAt(journal, cut, live, Data.SYNCED, Names.STRICT, rng);
            if (PowerCutCheck.image(image.resolve("data"), w, cut).problems().stream()
                    .anyMatch(p -> p.contains("lost"))) {
                lost++;
            }
        }
        assertTrue(lost > 0, "no cut lost an acknowledged write of a log that is never forced");
    }

    /**
     * The test can fail: a disk that forgets directory fsyncs leaves new log files, and the data directory
     * itself, only in the page cache; the journal shows acknowledgements before any directory fsync, and a cut
     * that keeps only what was made durable loses acknowledged writes.
     */
    @Test
    void directoriesNeverFsynced_areCaughtByTheJournalOrderAndByTheCuts() throws Exception {
        Random rng = new Random();
        RecordingDisk disk = new RecordingDisk();
        Disk forgetful = new Disk() {
            @Override
            public FileChannel create(Path file) throws IOException {
                return disk.create(file);
            }

            @Override
            public void rename(Path from, Path to) throws IOException {
                disk.rename(from, to);
            }

            @Override
            public boolean delete(Path file) throws IOException {
                return disk.delete(file);
            }

            @Override
            public void createDirectories(Path dir) throws IOException {
                disk.createDirectories(dir);
            }

            @Override
            public void fsyncDirectory(Path dir) {
            }
        };
        Path live = Files.createDirectories(tmp.resolve("forgetful"));
        PowerCutWorkload w = PowerCutWorkload.run(live.resolve("data"), disk, forgetful, FileTxnLog.Syncer.FSYNC,
                2, 150, rng);
        List<Op> journal = disk.journal();
        assertTrue(PowerCutCheck.journalOrder(journal, w).stream().anyMatch(p -> p.contains("(never)")),
                "the journal shows no acknowledgement before a directory fsync");
        long lastAck = w.writers.stream().flatMap(x -> x.sent.stream()).mapToLong(s -> s.ackSeq).max().orElseThrow();
        Path image = imageAt(journal, lastAck, live, Data.ALL, Names.STRICT, rng);
        assertTrue(PowerCutCheck.image(image.resolve("data"), w, lastAck).problems().stream()
                .anyMatch(p -> p.contains("lost")),
                "a cut after the last acknowledgement lost nothing");
    }

    /**
     * Where to cut: just before and just after every force, rename and directory fsync, and {@code n} more
     * anywhere in the journal.
     */
    static List<Long> cutPoints(List<Op> journal, int n, Random rng) {
        Set<Long> points = new TreeSet<>();
        for (Op op : journal) {
            if (op instanceof Force || op instanceof Rename || op instanceof SyncDir) {
                points.add(op.seq());
                points.add(op.seq() + 1);
            }
        }
        int target = Math.min(points.size() + n, journal.size() + 1);
        while (points.size() < target) {
            points.add((long) rng.nextInt(journal.size() + 1));
        }
        return new ArrayList<>(points);
    }

    @SafeVarargs
    private static <T> T pick(Random rng, T... choices) {
        return choices[rng.nextInt(choices.length)];
    }

    private Path imageAt(List<Op> journal, long cut, Path live, Data data, Names names, Random rng)
            throws IOException {
        Path image = tmp.resolve("image");
        deleteTree(image);
        Files.createDirectories(image);
        PowerCut.image(journal, cut, live, image, data, names, rng);
        return image;
    }

    private static long count(List<Op> journal, Class<? extends Op> kind) {
        return journal.stream().filter(kind::isInstance).count();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
