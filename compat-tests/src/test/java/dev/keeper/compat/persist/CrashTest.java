package dev.keeper.compat.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.server.persist.DataDir;
import dev.keeper.server.persist.Purge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash consistency, end to end: our server runs as its own process; several clients write to it (creates,
 * sequential creates, setData with rising values — some large —, multis, and writes meant to fail); at a
 * random moment the process gets SIGKILL; it restarts on the same data directory, and what it serves is
 * checked against everything the clients were told:
 * <ul>
 *   <li>every acknowledged write is there, and a value is the latest acknowledged one or a newer attempted one;
 *   <li>nothing reported as failed is there;
 *   <li>each client's writes survive as a prefix of what it sent (no hole), multis whole or not at all;
 *   <li>what a restart showed is never taken back by a later one;
 *   <li>no sequential number is handed out twice, across any number of crashes;
 *   <li>the server's zxid is at least every zxid a client saw acknowledged.
 * </ul>
 * Rounds run on one data directory, so later rounds recover from what earlier crashes and restarts left
 * (snapshots taken mid-run with a small snapCount, half-written snapshot files, rolled logs, purged files).
 * Some rounds also kill the server while it is recovering or writing its start-up snapshot.
 *
 * <p>{@code -Dkeeper.crash.rounds=N} (default 20) for a soak; {@code -Dkeeper.crash.seed=S} replays a run's
 * choices (the seed is logged; thread timing still varies).
 */
class CrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(CrashTest.class);
    private static final int WRITERS = 4;
    private static final int WINDOW = 16;
    /** A version no node here ever reaches: writes conditioned on it fail with BadVersion. */
    private static final int NEVER = 1_000_000_000;
    private static final int SEQ_ROUNDS = 4;

    @TempDir
    Path tmp;

    enum Kind { CREATE, SEQ, SET, MULTI, FAIL_MULTI, FAIL_SET }

    enum Outcome { PENDING, ACKED, FAILED, LOST }

    /** One write a client attempted, and what it was told. */
    static final class Attempt {
        final int round;
        final int writer;
        final long k;
        final Kind kind;
        volatile Outcome outcome = Outcome.PENDING;
        volatile String seqName;
        /** Whether the first restart after the crash showed it applied; later restarts must agree. */
        Boolean applied;

        Attempt(int round, int writer, long k, Kind kind) {
            this.round = round;
            this.writer = writer;
            this.k = k;
            this.kind = kind;
        }

        boolean changesState() {
            return kind != Kind.FAIL_MULTI && kind != Kind.FAIL_SET;
        }

        boolean setsValue() {
            return kind == Kind.SET || kind == Kind.MULTI;
        }

        @Override
        public String toString() {
            return kind + " k=" + k + " (round " + round + ", writer " + writer + ", " + outcome + ")";
        }
    }

    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> ackedSeqNumbers = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> maxSeqBeforeRound = new HashMap<>();
    private final AtomicLong maxAckedZxid = new AtomicLong();

    @Test
    void acknowledgedWritesSurviveSigkill_failedOnesNeverAppear_sequenceNumbersNeverRepeat() throws Exception {
        int rounds = Integer.getInteger("keeper.crash.rounds", 20);
        long seed = Long.getLong("keeper.crash.seed", System.nanoTime());
        LOG.info("CrashTest: {} rounds, seed {} (-Dkeeper.crash.seed={} to replay the choices)", rounds, seed, seed);
        Random rng = new Random(seed);
        Path data = Files.createDirectory(tmp.resolve("data"));
        Map<String, String> cfg = Map.of("snapCount", "200", "preAllocSize", "256", "tickTime", "2000",
                "4lw.commands.whitelist", "srvr");
        int startupKills = 0;
        int partialSnapshotsSeen = 0;
        try {
            for (int round = 0; round <= rounds; round++) {
                if (round > 0 && round < rounds && rng.nextInt(4) == 0) {
                    killDuringStartUp(data, cfg, round, rng.nextInt(60));
                    startupKills++;
                }
                long started = System.nanoTime();
                try (ServerProcess server = ServerProcess.start(tmp, data, cfg, "round-" + round)) {
                    long zxid = server.awaitServing();
                    LOG.info("round {}: serving at zxid 0x{} after {} ms", round, Long.toHexString(zxid),
                            (System.nanoTime() - started) / 1_000_000);
                    ZooKeeper checker = connect(server.connectString());
                    try {
                        verify(checker, zxid, round);
                        if (round == rounds) {
                            // what kills left unfinished is gone; at most a background snapshot is under way
                            assertTrue(countPartialSnapshots(data) <= 1, "partial snapshots pile up");
                            break;
                        }
                        prepareRound(checker, round);
                    } finally {
                        checker.close(2000);
                    }
                    int before = attempts.size();
                    int killAfter = 150 + rng.nextInt(1350);
                    runWritersThenKill(server, round, killAfter, rng.nextLong());
                    LOG.info("round {}: killed {} ms into the writes; {} writes attempted; round took {} ms", round,
                            killAfter, attempts.size() - before, (System.nanoTime() - started) / 1_000_000);
                    assertFalse(server.log().contains("ZkServer - Stopped"), "the server shut down cleanly: not a crash");
                }
                partialSnapshotsSeen += countPartialSnapshots(data);
                if (round % 4 == 3) {
                    try (DataDir dir = DataDir.open(data, null)) {
                        Purge.purge(dir, 3);
                    }
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
        long acked = attempts.stream().filter(a -> a.outcome == Outcome.ACKED).count();
        long lost = attempts.stream().filter(a -> a.outcome != Outcome.ACKED && a.outcome != Outcome.FAILED).count();
        LOG.info("CrashTest seed {}: {} writes attempted, {} acknowledged, {} cut off by a crash, {} start-up kills,"
                + " {} half-written snapshots left by kills", seed, attempts.size(), acked, lost, startupKills,
                partialSnapshotsSeen);
        assertTrue(acked > rounds * 20L, "too few writes acknowledged to prove anything: " + acked);
        assertTrue(lost > 0, "no write was ever cut off by a kill");
    }

    // ---------------------------------------------------------------------------------------------------
    // Crashing

    /** Starts the server and kills it while it recovers or writes its start-up snapshot. */
    private void killDuringStartUp(Path data, Map<String, String> cfg, int round, int delayMs) throws Exception {
        try (ServerProcess server = ServerProcess.start(tmp, data, cfg, "round-" + round + "-startup")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!server.log().contains("Reading snapshot") && server.isAlive()) {
                assertTrue(System.nanoTime() < deadline, "the server never began recovery:\n" + server.log());
                Thread.sleep(2);
            }
            Thread.sleep(delayMs);
            server.kill();
        }
    }

    private void runWritersThenKill(ServerProcess server, int round, int killAfterMs, long seed) throws Exception {
        List<Writer> writers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer(connect(server.connectString()), round, w, new Random(seed + w));
                writers.add(writer);
                Thread t = new Thread(writer, "crash-writer-" + w);
                threads.add(t);
                t.start();
            }
            Thread.sleep(killAfterMs);
            server.kill();
        } finally {
            for (Writer w : writers) {
                w.stop = true;
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            // Closing a client whose server is gone waits for a reconnect attempt to fail: close them together.
            List<Thread> closers = new ArrayList<>();
            for (Writer w : writers) {
                Thread t = new Thread(() -> {
                    try {
                        w.zk.close(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "crash-writer-close-" + w.id);
                closers.add(t);
                t.start();
            }
            for (Thread t : closers) {
                t.join(30_000);
            }
        }
        assertTrue(problems.isEmpty(), "unexpected results: " + problems);
    }

    private static int countPartialSnapshots(Path data) throws Exception {
        try (Stream<Path> files = Files.list(data.resolve(DataDir.VERSION_DIR))) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".partial")).count();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Sequential nodes of {@value #SEQ_ROUNDS} rounds share a parent, so its counter lives through that many
     * crashes; a new parent after that keeps each one's children list well under jute.maxbuffer.
     */
    private static String seqParent(int round) {
        return "/seq/g" + round / SEQ_ROUNDS;
    }

    private static String base(String kind, int round, int writer) {
        return "/" + kind + "/r" + round + "/w" + writer;
    }

    /** The nodes a round writes under, created (and acknowledged) before its writers start. */
    private void prepareRound(ZooKeeper zk, int round) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (String top : new String[] {"/c", "/m", "/f", "/v", "/x", "/seq", seqParent(round)}) {
            if (zk.exists(top, false) == null) {
                ops.add(Op.create(top, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            }
        }
        for (String kind : new String[] {"c", "m", "f", "v", "x"}) {
            ops.add(Op.create("/" + kind + "/r" + round, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT));
            for (int w = 0; w < WRITERS; w++) {
                byte[] init = kind.equals("v") || kind.equals("x") ? "0".getBytes() : new byte[0];
                ops.add(Op.create(base(kind, round, w), init, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            }
        }
        zk.multi(ops);
    }

    /** One client writing as fast as a window of outstanding requests allows, recording every attempt. */
    private final class Writer implements Runnable {
        final ZooKeeper zk;
        final int round;
        final int id;
        final Random rng;
        final Semaphore window = new Semaphore(WINDOW);
        volatile boolean stop;
        long k;

        Writer(ZooKeeper zk, int round, int id, Random rng) {
            this.zk = zk;
            this.round = round;
            this.id = id;
            this.rng = rng;
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    if (window.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                        issue(next());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Attempt next() {
            int p = rng.nextInt(100);
            Kind kind = p < 30 ? Kind.CREATE : p < 55 ? Kind.SEQ : p < 80 ? Kind.SET : p < 90 ? Kind.MULTI
                    : p < 95 ? Kind.FAIL_MULTI : Kind.FAIL_SET;
            Attempt a = new Attempt(round, id, ++k, kind);
            attempts.add(a); // recorded before it is sent: anything applied is in the model
            return a;
        }

        private void issue(Attempt a) {
            String v = base("v", round, id);
            byte[] small = Long.toString(a.k).getBytes(StandardCharsets.US_ASCII);
            switch (a.kind) {
                case CREATE -> zk.create(base("c", round, id) + "/n" + a.k, small, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT, (rc, path, ctx, name) -> done(a, rc, 0), null);
                case SEQ -> zk.create(seqParent(round) + "/w" + id + "-r" + round + "-k" + a.k + "-", small,
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, (rc, path, ctx, name, stat) -> {
                            if (rc == 0) {
                                sequenceNumberHandedOut(a, name);
                            }
                            done(a, rc, stat == null ? 0 : stat.getCzxid());
                        }, null);
                case SET -> zk.setData(v, value(a.k, rng.nextInt(10) == 0), -1,
                        (rc, path, ctx, stat) -> done(a, rc, stat == null ? 0 : stat.getMzxid()), null);
                case MULTI -> zk.multi(List.of(
                        Op.create(base("m", round, id) + "/" + a.k + "-a", small, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT),
                        Op.create(base("m", round, id) + "/" + a.k + "-b", small, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT),
                        Op.setData(v, small, -1)), (rc, path, ctx, results) -> done(a, rc, 0), null);
                case FAIL_MULTI -> zk.multi(List.of(
                        Op.create(base("f", round, id) + "/" + a.k, small, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT),
                        Op.check(v, NEVER)), (rc, path, ctx, results) -> done(a, rc, 0), null);
                case FAIL_SET -> zk.setData(base("x", round, id), small, NEVER,
                        (rc, path, ctx, stat) -> done(a, rc, 0), null);
                default -> throw new IllegalStateException();
            }
        }

        private void done(Attempt a, int rc, long zxid) {
            Code code = Code.get(rc);
            boolean meantToFail = !a.changesState();
            if (code == Code.OK && !meantToFail) {
                a.outcome = Outcome.ACKED;
                maxAckedZxid.accumulateAndGet(zxid, Math::max);
            } else if (code == Code.BADVERSION && meantToFail) {
                a.outcome = Outcome.FAILED;
            } else if (code == Code.CONNECTIONLOSS || code == Code.SESSIONEXPIRED) {
                a.outcome = Outcome.LOST;
            } else {
                problems.add(a + " answered " + code);
            }
            window.release();
        }
    }

    /** A value's bytes: its number, sometimes padded to 40 KB so snapshots take a while to write. */
    private static byte[] value(long k, boolean large) {
        String s = Long.toString(k);
        if (!large) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
        byte[] out = new byte[40_000];
        java.util.Arrays.fill(out, (byte) ' ');
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, out, 0, s.length());
        return out;
    }

    private void sequenceNumberHandedOut(Attempt a, String name) {
        a.seqName = name;
        String number = name.substring(0, name.lastIndexOf('/')) + " " + name.substring(name.length() - 10);
        String before = ackedSeqNumbers.putIfAbsent(number, name);
        if (before != null) {
            problems.add("sequence number " + number + " handed out twice: " + before + " and " + name);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Checking what a restarted server serves against what the clients were told

    private void verify(ZooKeeper zk, long serverZxid, int round) throws Exception {
        assertTrue(serverZxid >= maxAckedZxid.get(), "the server restarted at zxid 0x" + Long.toHexString(serverZxid)
                + " but a client was acknowledged zxid 0x" + Long.toHexString(maxAckedZxid.get()));
        if (round == 0) {
            return;
        }
        Map<String, Integer> seq = new HashMap<>();
        for (int group = 0; group <= round / SEQ_ROUNDS; group++) {
            String parent = "/seq/g" + group;
            if (zk.exists(parent, false) == null) {
                continue;
            }
            Map<String, Integer> numbers = new HashMap<>();
            for (String name : zk.getChildren(parent, false)) {
                numbers.put(name, Integer.parseInt(name.substring(name.length() - 10)));
            }
            assertEquals(numbers.size(), new HashSet<>(numbers.values()).size(),
                    "two sequential nodes under " + parent + " share a number");
            if (group == round / SEQ_ROUNDS) {
                maxSeqBeforeRound.put(round, numbers.values().stream().max(Integer::compare).orElse(-1));
            }
            seq.putAll(numbers);
        }
        Map<String, List<Attempt>> byWriter = new HashMap<>();
        synchronized (attempts) {
            for (Attempt a : attempts) {
                byWriter.computeIfAbsent(a.round + "/" + a.writer, x -> new ArrayList<>()).add(a);
            }
        }
        // "w1-r2-k17-0000000042" was written by writer 1's 17th write of round 2
        Map<String, String> seqByWrite = new HashMap<>();
        for (String name : seq.keySet()) {
            assertTrue(seqByWrite.put(name.substring(0, name.length() - 11), name) == null, "created twice: " + name);
        }
        for (List<Attempt> writes : byWriter.values()) {
            verifyWriter(zk, writes, seqByWrite);
        }
    }

    private void verifyWriter(ZooKeeper zk, List<Attempt> writes, Map<String, String> seqByWrite) throws Exception {
        int round = writes.get(0).round;
        int writer = writes.get(0).writer;
        String where = "round " + round + ", writer " + writer;
        Set<String> created = new HashSet<>(zk.getChildren(base("c", round, writer), false));
        Set<String> multis = new HashSet<>(zk.getChildren(base("m", round, writer), false));
        assertEquals(List.of(), zk.getChildren(base("f", round, writer), false), where + ": a failed multi applied");
        assertEquals("0", new String(zk.getData(base("x", round, writer), false, new Stat())),
                where + ": a failed conditional setData applied");
        long value = Long.parseLong(new String(zk.getData(base("v", round, writer), false, new Stat()),
                StandardCharsets.US_ASCII).trim());
        String seqPrefix = "w" + writer + "-r" + round + "-k";

        writes.sort((a, b) -> Long.compare(a.k, b.k));
        boolean gapSeen = false;
        long maxAckedValue = 0;
        boolean valueWasAttempted = value == 0;
        for (Attempt a : writes) {
            boolean applied = switch (a.kind) {
                case CREATE -> created.contains("n" + a.k);
                case SEQ -> seqByWrite.containsKey(seqPrefix + a.k);
                case SET -> value >= a.k;
                case MULTI -> {
                    boolean first = multis.contains(a.k + "-a");
                    assertEquals(first, multis.contains(a.k + "-b"), where + ": half a multi applied: " + a);
                    yield first;
                }
                default -> false;
            };
            if (a.kind == Kind.MULTI && applied) {
                assertTrue(value >= a.k, where + ": a multi's creates are there but not its setData: " + a);
            }
            if (a.outcome == Outcome.ACKED) {
                assertTrue(applied, where + ": an acknowledged write is missing: " + a);
                if (a.setsValue()) {
                    maxAckedValue = Math.max(maxAckedValue, a.k);
                }
                if (a.kind == Kind.SEQ) {
                    assertEquals(a.seqName.substring(a.seqName.lastIndexOf('/') + 1), seqByWrite.get(seqPrefix + a.k),
                            where + ": a sequential node under another number than acknowledged");
                    int n = Integer.parseInt(a.seqName.substring(a.seqName.length() - 10));
                    Integer maxBefore = maxSeqBeforeRound.get(round);
                    if (maxBefore != null) {
                        assertTrue(n > maxBefore, where + ": number " + n + " handed out again after a restart"
                                + " (numbers up to " + maxBefore + " were already in use)");
                    }
                }
            }
            if (a.setsValue() && a.k == value) {
                valueWasAttempted = true;
            }
            if (a.changesState()) {
                if (applied && gapSeen) {
                    fail(where + ": a write survived although an earlier one of the same client did not: " + a);
                }
                gapSeen |= !applied;
            }
            if (a.applied == null) {
                a.applied = applied;
            } else {
                assertEquals(a.applied, applied, where + ": a restart changed what an earlier one showed: " + a);
            }
        }
        assertTrue(value >= maxAckedValue, where + ": value " + value + " is older than the acknowledged "
                + maxAckedValue);
        assertTrue(valueWasAttempted, where + ": value " + value + " was never written");
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new KeeperException.ConnectionLossException();
        }
        return zk;
    }
}
