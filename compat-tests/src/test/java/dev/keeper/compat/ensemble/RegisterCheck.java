package dev.keeper.compat.ensemble;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stale-read and lost-write check on one register, a znode: a writer updates it through some members, a
 * reader reads it with {@code sync} then {@code getData} through another, and
 * <ul>
 *   <li>every read is held to the writes acknowledged before its {@code sync} was sent: ZooKeeper promises that a
 *   read after a {@code sync} sees every write completed before the sync was issued. The register's
 *   {@code Stat.version} counts its writes, so a read whose version is below the highest version acknowledged
 *   before the sync is stale. Versions make the check immune to writes that ended in ConnectionLoss and landed
 *   later (their outcome is unknown; they raise the version too);</li>
 *   <li>each write is a {@code multi} of the register's {@code setData} and the create of a child named by its
 *   number, so after the test every acknowledged write is a node that must be in every member's tree
 *   ({@link #lostWrites}).</li>
 * </ul>
 * Both clients reconnect as the stock client does; a session that expires is replaced. Reads are counted by
 * phase (a label the test moves on), so a test can insist on reads checked after a fault as well as before. Both
 * loops pause a few milliseconds between requests, to leave the loaded machine's cores to the members.
 */
final class RegisterCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegisterCheck.class);
    /** How long a loop waits for a new session before trying again (and looking whether it should stop). */
    private static final Duration RECONNECT = Duration.ofSeconds(3);
    private static final int PAUSE_MS = 10;

    private final String path;
    private final String writerConnect;
    private final String readerConnect;
    private final int sessionTimeoutMs;
    private final AtomicLong ackedVersion = new AtomicLong(-1);
    private final Set<Long> acked = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> readsByPhase = new ConcurrentHashMap<>();
    private final List<String> staleReads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile String phase = "start";

    /** A register at {@code path}, written through {@code writerConnect}, read through {@code readerConnect}. */
    RegisterCheck(String path, String writerConnect, String readerConnect, int sessionTimeoutMs) {
        this.path = path;
        this.writerConnect = writerConnect;
        this.readerConnect = readerConnect;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** Creates the register and starts the writer and the reader. */
    RegisterCheck start() throws Exception {
        try (AttachedClient zk = AttachedClient.connect(writerConnect, sessionTimeoutMs)) {
            zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        threads.add(thread("register-writer", this::writeLoop));
        threads.add(thread("register-reader", this::readLoop));
        return this;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    String path() {
        return path;
    }

    void phase(String name) {
        phase = name;
    }

    /** The highest register version a write was acknowledged with. */
    long acknowledgedVersion() {
        return ackedVersion.get();
    }

    int writes() {
        return acked.size();
    }

    int reads(String phaseName) {
        AtomicInteger n = readsByPhase.get(phaseName);
        return n == null ? 0 : n.get();
    }

    synchronized List<String> staleReads() {
        return new ArrayList<>(staleReads);
    }

    /** The acknowledged writes whose child node {@code tree} (a {@link TreeDump}) lacks, as paths. */
    List<String> lostWrites(Map<String, String> tree) {
        return acked.stream().sorted().map(n -> path + "/" + n).filter(p -> !tree.containsKey(p)).toList();
    }

    /** Waits (at most {@code limit}) for {@code condition}; false if it did not come. */
    static boolean await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void writeLoop() {
        long n = 0;
        while (!stop.get()) {
            try (AttachedClient zk = AttachedClient.connect(writerConnect, sessionTimeoutMs, RECONNECT)) {
                while (!stop.get()) {
                    long mine = n++;
                    try {
                        List<OpResult> results = zk.multi(List.of(
                                Op.setData(path, Long.toString(mine).getBytes(StandardCharsets.UTF_8), -1),
                                Op.create(path + "/" + mine, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                        CreateMode.PERSISTENT)));
                        Stat st = ((OpResult.SetDataResult) results.get(0)).getStat();
                        ackedVersion.accumulateAndGet(st.getVersion(), Math::max);
                        acked.add(mine);
                    } catch (KeeperException.SessionExpiredException e) {
                        break;
                    } catch (KeeperException e) {
                        // ConnectionLoss: unknown outcome, the client reconnects; the next write has a new number
                    }
                    Thread.sleep(PAUSE_MS);
                }
            } catch (Exception | AssertionError e) {
                LOG.info("register writer: {}", e.toString());
            }
        }
    }

    private void readLoop() {
        while (!stop.get()) {
            try (AttachedClient zk = AttachedClient.connect(readerConnect, sessionTimeoutMs, RECONNECT)) {
                while (!stop.get()) {
                    readOnce(zk);
                    Thread.sleep(PAUSE_MS);
                }
            } catch (KeeperException.SessionExpiredException e) {
                LOG.info("register reader: session expired, a new one");
            } catch (Exception | AssertionError e) {
                LOG.info("register reader: {}", e.toString());
            }
        }
    }

    /** One sync + getData, held to the writes acknowledged before it; ConnectionLoss is no read. */
    private void readOnce(AttachedClient zk) throws KeeperException, InterruptedException {
        String now = phase;
        long floor = ackedVersion.get();
        Stat st = new Stat();
        try {
            zk.syncAndGet(path, st);
        } catch (KeeperException.SessionExpiredException e) {
            throw e;
        } catch (KeeperException e) {
            return;
        }
        readsByPhase.computeIfAbsent(now, k -> new AtomicInteger()).incrementAndGet();
        if (st.getVersion() < floor) {
            stale("phase " + now + ": sync+read through port " + zk.serverPort() + " returned version "
                    + st.getVersion() + " (mzxid 0x" + Long.toHexString(st.getMzxid()) + ") after version " + floor
                    + " was acknowledged");
        }
    }

    /** Records a stale read found outside the loops (a probe the test sent itself). */
    synchronized void stale(String what) {
        LOG.warn("STALE READ: {}", what);
        staleReads.add(what);
    }

    /** Stops both loops (each ends its current request first, bounded by the client's timeouts). */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }
    }
}
