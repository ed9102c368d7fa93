package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.persist.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ZKConfig;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three members as separate processes under write load from several stock clients, while members — the leader
 * more often than not — are killed with SIGKILL and restarted, or frozen with SIGSTOP and resumed. A ledger of
 * what each client was told: afterwards every member holds every acknowledged write, no write appears twice
 * (each sequential create carries its own data, which must sit on exactly one node), a write refused with an error
 * other than ConnectionLoss never appears, and all members hold the same tree with the same Stats.
 *
 * <p>{@code -Dkeeper.ensemble.faults=N} (default 6) sets how many faults; the soak runs more.
 */
class EnsembleFaultTest {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleFaultTest.class);
    private static final int SIZE = 3;
    private static final int WRITERS = 4;
    private static final int TICK = 200;

    @TempDir
    Path dir;

    private final Map<String, String> acked = new ConcurrentHashMap<>(); // sequential path -> its data
    private final Set<String> ackedPlain = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet(); // data of creates refused for good
    private final AtomicLong lost = new AtomicLong();

    @Test
    void killsAndPausesUnderLoad_loseNothingAcknowledged_duplicateNothing_andLeaveEqualMembers() throws Exception {
        int faults = Integer.getInteger("keeper.ensemble.faults", 6);
        long seed = Long.getLong("keeper.ensemble.seed", System.nanoTime());
        LOG.info("EnsembleFaultTest: {} faults, seed {}", faults, seed);
        Random rng = new Random(seed);
        Map<String, String> settings = new HashMap<>();
        settings.put("tickTime", Integer.toString(TICK));
        settings.put("initLimit", "10");
        settings.put("syncLimit", "5");
        settings.put("4lw.commands.whitelist", "*");
        for (int id = 1; id <= SIZE; id++) {
            settings.put("server." + id, "127.0.0.1:" + freePort() + ":" + freePort());
        }
        ServerProcess[] members = new ServerProcess[SIZE + 1];
        try {
            for (int id = 1; id <= SIZE; id++) {
                members[id] = start(id, settings, 0);
            }
            for (int id = 1; id <= SIZE; id++) {
                members[id].awaitServing();
            }
            String connect = connectString(members);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(connect, writer, stop), "writer-" + w);
                t.start();
                writers.add(t);
            }
            int generation = 1;
            for (int f = 0; f < faults; f++) {
                Thread.sleep(1500 + rng.nextInt(1000));
                int victim = rng.nextInt(3) < 2 ? leader(members) : 1 + rng.nextInt(SIZE);
                if (victim < 1) {
                    victim = 1 + rng.nextInt(SIZE);
                }
                if (rng.nextBoolean()) {
                    LOG.info("fault {}: kill -9 member {}", f, victim);
                    members[victim].kill();
                    Thread.sleep(500 + rng.nextInt(1500));
                    members[victim] = start(victim, settings, generation++);
                } else {
                    LOG.info("fault {}: SIGSTOP member {}", f, victim);
                    members[victim].pause();
                    Thread.sleep(500 + rng.nextInt(2000));
                    members[victim].resume();
                }
            }
            Thread.sleep(1500);
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
            }
            for (int id = 1; id <= SIZE; id++) {
                members[id].awaitServing();
            }
            assertTrue(acked.size() > 100, "enough writes were acknowledged to prove anything: " + acked.size());
            check(members);
        } finally {
            for (int id = 1; id <= SIZE; id++) {
                if (members[id] != null) {
                    members[id].close();
                }
            }
        }
    }

    private ServerProcess start(int id, Map<String, String> settings, int generation) throws IOException {
        Path data = dir.resolve("m" + id);
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), id + "\n");
        return ServerProcess.start(dir, data, settings, "m" + id + "-" + generation);
    }

    private static String connectString(ServerProcess[] members) {
        StringBuilder b = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            b.append(id > 1 ? "," : "").append(members[id].connectString());
        }
        return b.toString();
    }

    /** The member srvr calls leader, or -1. */
    private static int leader(ServerProcess[] members) {
        for (int id = 1; id <= SIZE; id++) {
            String srvr = members[id].fourLetterWord("srvr");
            if (srvr != null && srvr.contains("Mode: leader")) {
                return id;
            }
        }
        return -1;
    }

    /**
     * One client, reconnecting as ZooKeeper's client does, pipelining sequential and plain creates (up to 50 in
     * flight); records what it was told. A session that expires is replaced.
     */
    private void write(String connect, int writer, AtomicBoolean stop) {
        long n = 0;
        while (!stop.get()) {
            ZooKeeper zk = null;
            try {
                CountDownLatch up = new CountDownLatch(1);
                AtomicBoolean expired = new AtomicBoolean();
                zk = new ZooKeeper(connect, 4000, e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        up.countDown();
                    } else if (e.getState() == Watcher.Event.KeeperState.Expired) {
                        expired.set(true);
                    }
                });
                if (!up.await(30, TimeUnit.SECONDS)) {
                    continue;
                }
                ensure(zk, "/seq");
                ensure(zk, "/plain");
                Semaphore window = new Semaphore(50);
                while (!stop.get() && !expired.get()) {
                    if (!window.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    String data = "w" + writer + "-" + n++;
                    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
                    if (n % 2 == 0) {
                        zk.create("/seq/n-", bytes, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL,
                                (rc, path, ctx, name) -> {
                                    record(rc, data, () -> acked.put(name, data));
                                    window.release();
                                }, null);
                    } else {
                        String path = "/plain/" + data;
                        zk.create(path, bytes, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                                (rc, p, ctx, name) -> {
                                    record(rc, data, () -> ackedPlain.add(p));
                                    window.release();
                                }, null);
                    }
                }
            } catch (Exception e) {
                LOG.info("writer {}: {}", writer, e.toString());
            } finally {
                if (zk != null) {
                    try {
                        zk.close(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private void record(int rc, String data, Runnable ok) {
        if (rc == 0) {
            ok.run();
        } else if (rc == KeeperException.Code.CONNECTIONLOSS.intValue()
                || rc == KeeperException.Code.SESSIONEXPIRED.intValue()) {
            lost.incrementAndGet(); // may or may not have happened: ZooKeeper's own answer too
        } else {
            refused.add(data);
        }
    }

    private static void ensure(ZooKeeper zk, String path) throws Exception {
        try {
            zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException fine) {
            // another writer made it
        }
    }

    /**
     * The ledger's checks on every member, then that the members converge on one tree: a write its client gave up
     * on may still be retried into the log by its member's Raft client after the writers stopped, so the trees are
     * compared again (at most 30 s) until they agree; a difference that lasts is a divergence.
     */
    private void check(ServerProcess[] members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Lost connections get a window of their own: one round of reads can itself take most of the 30 s when an
        // election is slow (a CI run lost its last retry so).
        long reconnectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            List<Map<String, Stat>> trees;
            try {
                trees = readAndCheck(members);
            } catch (KeeperException.ConnectionLossException e) {
                // a member dropped the checker's connection (a leader election on a loaded machine, after the
                // faults): the reads are what is checked here, not availability, so they are made again
                if (System.nanoTime() > reconnectDeadline) {
                    throw e;
                }
                LOG.info("EnsembleFaultTest: the check lost its connection ({}); reading again", e.toString());
                Thread.sleep(1000);
                continue;
            }
            boolean same = true;
            for (int i = 1; i < trees.size(); i++) {
                same &= trees.get(0).equals(trees.get(i));
            }
            if (same || System.nanoTime() > deadline) {
                for (int i = 1; i < trees.size(); i++) {
                    assertEquals(trees.get(0), trees.get(i), "member " + (i + 1) + " holds the same tree as member 1");
                }
                LOG.info("EnsembleFaultTest: {} sequential and {} plain creates acknowledged, {} outcomes unknown,"
                        + " {} refused; {} nodes alike on every member", acked.size(), ackedPlain.size(), lost.get(),
                        refused.size(), trees.get(0).size());
                return;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * The checker's client takes replies of up to 64 MB. The writers may create some 70,000 sequential nodes during
     * the faults (a CI run did), and the listing of /seq then passes the client's default jute.maxbuffer of 1 MB:
     * the stock client drops the connection on such a reply ("Packet len ... is out of range"), from ZooKeeper as
     * from ours.
     */
    private static ZKClientConfig checkerConfig() {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKConfig.JUTE_MAXBUFFER, Integer.toString(64 << 20));
        return config;
    }

    private List<Map<String, Stat>> readAndCheck(ServerProcess[] members) throws Exception {
        List<Map<String, Stat>> trees = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            ZooKeeper zk;
            try {
                zk = dev.keeper.compat.support.JavaClient.connect(members[id].connectString(), checkerConfig());
            } catch (AssertionError e) {
                String log = members[id].log();
                throw new AssertionError("member " + id + " takes no client; its log ends:\n"
                        + log.substring(Math.max(0, log.length() - 20_000)), e);
            }
            try {
                CompletableFuture<Integer> synced = new CompletableFuture<>();
                zk.sync("/", (rc, p, ctx) -> synced.complete(rc), null);
                assertEquals(0, synced.get(60, TimeUnit.SECONDS));
                Map<String, Stat> tree = new TreeMap<>();
                Map<String, String> dataOfSeq = new HashMap<>();
                Set<String> seenData = new HashSet<>();
                for (String name : zk.getChildren("/seq", false)) {
                    Stat st = new Stat();
                    String data = new String(zk.getData("/seq/" + name, false, st), StandardCharsets.UTF_8);
                    tree.put("/seq/" + name, st);
                    dataOfSeq.put("/seq/" + name, data);
                    assertTrue(seenData.add(data), "member " + id + ": one create applied twice: " + data);
                    assertTrue(!refused.contains(data), "member " + id + ": a refused create appears: " + data);
                }
                for (String name : zk.getChildren("/plain", false)) {
                    Stat st = zk.exists("/plain/" + name, false);
                    tree.put("/plain/" + name, st);
                    assertTrue(!refused.contains(name), "member " + id + ": a refused create appears: " + name);
                }
                for (Map.Entry<String, String> a : acked.entrySet()) {
                    assertEquals(a.getValue(), dataOfSeq.get(a.getKey()), "member " + id + ": acknowledged "
                            + a.getKey() + " lost or changed");
                }
                for (String p : ackedPlain) {
                    assertTrue(tree.containsKey(p), "member " + id + ": acknowledged " + p + " lost");
                }
                trees.add(tree);
            } finally {
                zk.close();
            }
        }
        return trees;
    }

    private static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }
}
