package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.ensemble.lin.History;
import dev.keeper.compat.ensemble.lin.LinearizabilityChecker;
import dev.keeper.compat.ensemble.lin.Operation;
import dev.keeper.compat.ensemble.lin.Register;
import dev.keeper.compat.ensemble.lin.Verdict;
import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.support.JavaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linearizability under faults: an {@link EnsembleUnderTest} of three member processes; six stock clients
 * ({@link RecordingClient}), most sessions pinned to one member, the others with every member listed, write,
 * compare-and-set and sync-then-read three znodes, while members — the leader two times in three — are killed -9
 * and restarted, or frozen with SIGSTOP and resumed (a deposed leader that does not know it yet). Then the
 * {@link LinearizabilityChecker} must find one order of all the operations that explains every answer, each taking
 * effect between its call and its answer (or, when its outcome is unknown, at any time after its call, or never).
 * The checker may also run out of its step budget: that decides nothing, and fails the test rather than passing it.
 *
 * <p>Properties, for soak runs: {@code -Dkeeper.lin.seconds=N} (default 60) of workload,
 * {@code -Dkeeper.lin.faults=N} (default: one every ten seconds) spread over it, {@code -Dkeeper.lin.seed=N} to
 * replay the choices (not the timing); {@code -Dkeeper.lin.server=zookeeper} runs the same against ZooKeeper
 * 3.9.5's QuorumPeerMain ({@code bin/soak.sh} runs longer chunks). A failed run leaves its history in
 * {@code compat-tests/target/lin/} (to be read, or checked again) and its members' directories, with their logs
 * (one per start), in {@code compat-tests/target/ensembles/EnsembleLinearizabilityTest/<seed>/}; a passed run
 * removes both.
 */
class EnsembleLinearizabilityTest {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleLinearizabilityTest.class);
    private static final int CLIENTS = 6;
    private static final List<String> KEYS = List.of("/lin-0", "/lin-1", "/lin-2");
    /**
     * Search steps per znode. A 60-second run's znodes take some thousands each; the budget is there for the soak's
     * longer runs, and for a violation, whose proof is a search that exhausts every order.
     */
    private static final long BUDGET = 50_000_000;

    @Test
    void writesCasAndSyncedReads_underKillsAndPauses_areLinearizable() throws Exception {
        int seconds = Integer.getInteger("keeper.lin.seconds", 60);
        int faults = Integer.getInteger("keeper.lin.faults", Math.max(1, seconds / 10));
        long seed = Long.getLong("keeper.lin.seed", System.nanoTime());
        EnsembleUnderTest.Server server = "zookeeper".equals(System.getProperty("keeper.lin.server"))
                ? EnsembleUnderTest.Server.ZOOKEEPER : EnsembleUnderTest.Server.OURS;
        LOG.info("EnsembleLinearizabilityTest: {} s, {} faults, seed {}, {}", seconds, faults, seed, server);
        Random rng = new Random(seed);
        History history = new History();
        AtomicLong sessions = new AtomicLong();
        int injected = 0;
        long started = System.nanoTime();
        Path dir = freshDir(seed);
        try (EnsembleUnderTest ensemble = EnsembleUnderTest.launch(server, dir)) {
            ensemble.awaitLeader();
            createKeys(ensemble, history);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread t = new Thread(new RecordingClient(c, KEYS, id -> id == 0 ? ensemble.connectString()
                        : ensemble.connectString(id), ensemble.size(), history, stop, seed + c, sessions),
                        "lin-client-" + c);
                t.start();
                clients.add(t);
            }
            try {
                injected = injectFaults(ensemble, rng, faults, TimeUnit.SECONDS.toMillis(seconds));
            } finally {
                stop.set(true);
                for (Thread t : clients) {
                    t.join(60_000);
                }
            }
        }
        long ran = System.nanoTime() - started;
        Path kept = keep(history, seed);
        long checking = System.nanoTime();
        Verdict v = new LinearizabilityChecker(BUDGET).check(history);
        LOG.info("EnsembleLinearizabilityTest: {} operations checked ({}), {} faults, {} sessions, {} search steps;"
                + " {} s running, {} ms checking: {}", v.operations(), counts(history), injected, sessions.get(),
                v.steps(), TimeUnit.NANOSECONDS.toSeconds(ran),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checking), v.result());
        String where = server + ", seed " + seed + ", history in " + kept + ", members in " + dir + "\n";
        assertNotEquals(Verdict.Result.UNKNOWN, v.result(), () -> "undecided, which is no pass: the checker's budget"
                + " ran out; run fewer seconds (-Dkeeper.lin.seconds) or raise the budget. " + where + v);
        assertEquals(Verdict.Result.LINEARIZABLE, v.result(), () -> where + v);
        long reads = history.operations().stream().filter(op -> op.kind() == Operation.Kind.READ).count();
        assertTrue(reads > 100 && history.size() - reads > 200, "enough operations to prove anything: "
                + counts(history));
        Files.delete(kept);
        deleteTree(dir);
    }

    /** compat-tests/target/ensembles/EnsembleLinearizabilityTest/&lt;seed&gt;, empty. */
    private static Path freshDir(long seed) throws IOException {
        Path dir = Subprocess.REPO.resolve("compat-tests/target/ensembles/EnsembleLinearizabilityTest")
                .resolve(Long.toString(seed));
        deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void createKeys(EnsembleUnderTest ensemble, History history) throws Exception {
        ZooKeeper zk = JavaClient.connect(ensemble.connectString());
        try {
            for (String key : KEYS) {
                zk.create(key, "init".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                history.start(key, new Register("init", 0));
            }
        } finally {
            zk.close();
        }
    }

    /**
     * {@code faults} faults spread over {@code millis}: a kill -9 and restart (two in three), or a SIGSTOP and
     * SIGCONT, each of the leader two times in three, and each waiting for the ensemble to be whole again (every
     * member serving, one leader) before the next. Returns how many it injected before the time was up.
     */
    private static int injectFaults(EnsembleUnderTest ensemble, Random rng, int faults, long millis)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long gap = millis / (faults + 1);
        int f = 0;
        for (; f < faults && System.nanoTime() < end; f++) {
            Thread.sleep(gap / 2 + rng.nextLong(gap / 2 + 1));
            int victim = rng.nextInt(3) < 2 ? leader(ensemble) : -1;
            if (victim < 1) {
                victim = 1 + rng.nextInt(ensemble.size());
            }
            if (rng.nextInt(3) < 2) {
                LOG.info("fault {}: kill -9 member {}", f, victim);
                ensemble.kill(victim);
                Thread.sleep(300 + rng.nextInt(1500));
                ensemble.start(victim);
            } else {
                LOG.info("fault {}: SIGSTOP member {}", f, victim);
                signal(ensemble, victim, "STOP");
                try {
                    Thread.sleep(300 + rng.nextInt(2500));
                } finally {
                    signal(ensemble, victim, "CONT");
                }
            }
            int leader = ensemble.awaitLeader();
            LOG.info("fault {}: member {} back, leader {}", f, victim, leader);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left > 0) {
            Thread.sleep(left);
        }
        return f;
    }

    /** The member whose srvr says leader, or -1. */
    private static int leader(EnsembleUnderTest ensemble) {
        for (int id = 1; id <= ensemble.size(); id++) {
            String srvr = ensemble.fourLetterWord(id, "srvr");
            if (srvr != null && srvr.contains("Mode: leader")) {
                return id;
            }
        }
        return -1;
    }

    /** {@code kill -STOP} or {@code -CONT}: the process freezes with its sockets open, as in a long GC pause. */
    private static void signal(EnsembleUnderTest ensemble, int id, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(ensemble.pid(id))).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + name + " member " + id + " failed: " + ensemble);
        }
    }

    private static String counts(History history) {
        long writes = 0;
        long cas = 0;
        long badVersion = 0;
        long reads = 0;
        long unknown = 0;
        for (Operation op : history.operations()) {
            switch (op.kind()) {
                case WRITE -> writes++;
                case CAS -> cas++;
                case READ -> reads++;
            }
            badVersion += op.outcome() == Operation.Outcome.BAD_VERSION ? 1 : 0;
            unknown += op.outcome() == Operation.Outcome.UNKNOWN ? 1 : 0;
        }
        return writes + " writes, " + cas + " CAS of which " + badVersion + " BadVersion, " + reads
                + " synced reads, " + unknown + " outcomes unknown";
    }

    /** Writes the history to compat-tests/target/lin/, where a failed run's stays to be read or checked again. */
    private static Path keep(History history, long seed) throws IOException {
        Path out = Subprocess.REPO.resolve("compat-tests/target/lin");
        Files.createDirectories(out);
        Path file = out.resolve("EnsembleLinearizabilityTest-" + seed + ".txt");
        history.write(file);
        return file;
    }
}
