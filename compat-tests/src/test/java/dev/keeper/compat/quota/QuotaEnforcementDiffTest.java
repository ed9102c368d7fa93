package dev.keeper.compat.quota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.persist.ServerProcess;
import dev.keeper.compat.support.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code zookeeper.enforceQuota=true} on ours and on the real ZooKeeper 3.9.5, each a standalone server in a
 * process of its own (ZooKeeper reads the flag once per JVM, in {@code ZooKeeperServer}'s static initializer, so
 * no server in this JVM could be trusted to see it), started from the same zoo.cfg with the same JVM flag. Quotas
 * are set with the writes zkCli's {@code setquota} makes ({@code SetQuotaCommand.createQuota}); every scenario runs
 * against both servers and expects what ZooKeeper does: past a hard limit ({@code -N}/{@code -B}) a create or
 * setData is refused with QuotaExceeded (-125) and leaves nothing behind; past a soft one ({@code -n}/{@code -b}) it
 * goes ahead and "Quota exceeded" is logged; without the flag nothing is refused.
 *
 * <p>The soft-limit scenario runs first on each server, before anything else there exceeds a quota, so that what
 * it reads in the log is that scenario's own line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaEnforcementDiffTest {
    private static final String ENFORCE = "-Dzookeeper.enforceQuota=true";
    private static final int SESSION_MS = 30_000;
    private static final byte[] NO_DATA = new byte[0];
    /** How long a log line may take to reach the process's output file. */
    private static final long LOG_WAIT_MS = 10_000;

    private static Path dir;
    private static final Map<Server, ServerProcess> ENFORCING = new EnumMap<>(Server.class);

    @BeforeAll
    static void startBothWithTheFlag() throws Exception {
        dir = Subprocess.REPO.resolve("compat-tests/target/quota/" + QuotaEnforcementDiffTest.class.getSimpleName());
        deleteTree(dir);
        Files.createDirectories(dir);
        try {
            for (Server s : Server.values()) {
                ENFORCING.put(s, start(s, "enforcing-" + s, List.of(ENFORCE)));
            }
            for (ServerProcess p : ENFORCING.values()) {
                p.awaitServing();
            }
        } catch (Exception | AssertionError e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (ServerProcess p : ENFORCING.values()) {
            p.close();
        }
        ENFORCING.clear();
    }

    /** The same standalone zoo.cfg for both (dataDir, clientPort and clientPortAddress=127.0.0.1 added). */
    private static ServerProcess start(Server server, String name, List<String> jvmOptions) throws IOException {
        Path data = dir.resolve(name + "-data");
        Files.createDirectories(data);
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("tickTime", "2000");
        cfg.put("4lw.commands.whitelist", "*");
        cfg.put("admin.enableServer", "false");
        return ServerProcess.start(dir, data, cfg, name, server.mainClass(), jvmOptions);
    }

    // ---------------------------------------------------------------- scenarios

    /** 2. {@code setquota -n 2 /b}: creates past it go ahead; the server logs "Quota exceeded". */
    @Order(1)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void softCountLimit_createsGoAhead_andQuotaExceededIsLogged(Server server) throws Exception {
        ServerProcess proc = ENFORCING.get(server);
        try (ZooKeeper zk = connect(proc)) {
            zk.create("/b", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/b", 2, -1, -1, -1);
            assertEquals(1, stats(zk, "/b").getCount(), "/b counts itself");
            for (int i = 1; i <= 3; i++) {
                zk.create("/b/c" + i, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            assertEquals(List.of("c1", "c2", "c3"), sorted(zk.getChildren("/b", false)));
            StatsTrack st = stats(zk, "/b");
            assertEquals(4, st.getCount());
            assertEquals(0, st.getBytes());
            String line = "Quota exceeded: /b [current count=3, softCountLimit=2]";
            assertTrue(awaitLog(proc, line), server + " logged no '" + line + "':\n" + tail(proc));
            assertFalse(proc.log().contains("count=2, softCountLimit"), "the create within the limit was logged");
        }
    }

    /**
     * 2b. ZooKeeper's RateLogger writes a quota message at once whenever it differs from the previous one (each
     * create past a soft limit has its own count in the message): two creates past {@code setquota -n 1 /b2}, one
     * right after the other, are both logged.
     */
    @Order(2)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void softCountLimit_eachDistinctExceedanceIsLogged_evenInQuickSuccession(Server server) throws Exception {
        ServerProcess proc = ENFORCING.get(server);
        try (ZooKeeper zk = connect(proc)) {
            zk.create("/b2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/b2", 1, -1, -1, -1);
            zk.create("/b2/x1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/b2/x2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(3, stats(zk, "/b2").getCount());
            String first = "Quota exceeded: /b2 [current count=2, softCountLimit=1]";
            String second = "Quota exceeded: /b2 [current count=3, softCountLimit=1]";
            // ZooKeeper writes them in this order: once the second is there (or not, in time), so is the first
            boolean secondLogged = awaitLog(proc, second);
            boolean firstLogged = proc.log().contains(first);
            System.out.printf("[%s] 2b: '%s' logged=%s, '%s' logged=%s%n", server, first, firstLogged, second,
                    secondLogged);
            assertTrue(firstLogged && secondLogged, server + " logged first=" + firstLogged + " second="
                    + secondLogged + ":\n" + tail(proc));
        }
    }

    /**
     * 1. {@code setquota -N 3 /a}: /a counts as one, so /a/c1 and /a/c2 are created and /a/c3 is refused with
     * QuotaExceeded (-125), leaving nothing; once /a/c1 is deleted there is room for /a/c3.
     */
    @Order(3)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void hardCountLimit_refusesTheCreatePastIt(Server server) throws Exception {
        try (ZooKeeper zk = connect(ENFORCING.get(server))) {
            zk.create("/a", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/zx1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/a", -1, -1, 3, -1);
            StatsTrack limits = new StatsTrack(zk.getData("/zookeeper/quota/a/zookeeper_limits", false, null));
            assertEquals(3, limits.getCountHardLimit());
            assertEquals(-1, limits.getCount());
            assertEquals(1, stats(zk, "/a").getCount(), "/a counts itself");

            zk.create("/a/c1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/a/c2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            long before = czxid(zk, "/zx1/before");
            KeeperException e = assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.create("/a/c3", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            long after = czxid(zk, "/zx1/after");
            assertEquals(KeeperException.Code.QUOTAEXCEEDED, e.code());
            assertEquals(-125, e.code().intValue());
            System.out.printf("[%s] 1: refused create: %s; czxid before=%#x after=%#x (diff %d)%n", server, e,
                    before, after, after - before);
            assertNull(zk.exists("/a/c3", false), "the refused create left /a/c3");
            assertEquals(List.of("c1", "c2"), sorted(zk.getChildren("/a", false)));
            assertEquals(3, stats(zk, "/a").getCount());
            assertEquals(2, after - before, "the refused create takes a zxid of its own (an error txn)");

            // a sequential create is refused the same way, and leaves /a as it was (cversion, pzxid: an error txn)
            Stat parentBefore = zk.exists("/a", false);
            assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.create("/a/s-", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
            Stat parentAfter = zk.exists("/a", false);
            assertEquals(parentBefore.getCversion(), parentAfter.getCversion());
            assertEquals(parentBefore.getPzxid(), parentAfter.getPzxid());
            assertEquals(parentBefore.getNumChildren(), parentAfter.getNumChildren());

            zk.delete("/a/c1", -1);
            assertEquals(2, stats(zk, "/a").getCount());
            zk.create("/a/c3", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(List.of("c2", "c3"), sorted(zk.getChildren("/a", false)));
            assertEquals(3, stats(zk, "/a").getCount());
            // NodeExists is checked before the quota (create's checks, then checkQuota)
            assertThrows(KeeperException.NodeExistsException.class,
                    () -> zk.create("/a/c3", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            // a setData (count unchanged) is never refused by a count limit
            assertNotNull(zk.setData("/a/c3", "x".getBytes(StandardCharsets.UTF_8), -1));
        }
    }

    /**
     * 3. {@code setquota -B 10 /d}: setData /d to 8 bytes goes ahead; a child of 3 bytes, and setData /d to 11
     * bytes, are refused with QuotaExceeded, the node's version unchanged; the quota is checked before the version.
     */
    @Order(4)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void hardByteLimit_refusesCreateAndSetDataPastIt(Server server) throws Exception {
        try (ZooKeeper zk = connect(ENFORCING.get(server))) {
            zk.create("/d", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/d", -1, -1, -1, 10);
            assertEquals(0, stats(zk, "/d").getBytes());

            Stat set = zk.setData("/d", bytes(8), -1);
            assertEquals(1, set.getVersion());
            assertEquals(8, stats(zk, "/d").getBytes());

            KeeperException child = assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.create("/d/x", bytes(3), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            assertEquals(-125, child.code().intValue());
            assertNull(zk.exists("/d/x", false));

            KeeperException grow = assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.setData("/d", bytes(11), -1));
            assertEquals(-125, grow.code().intValue());
            Stat st = new Stat();
            assertArrayEquals(bytes(8), zk.getData("/d", false, st), "the refused setData changed /d's data");
            assertEquals(1, st.getVersion(), "the refused setData changed /d's version");
            assertEquals(8, stats(zk, "/d").getBytes());

            // checkQuota comes before the version check: a wrong version past the limit is QuotaExceeded
            assertThrows(KeeperException.QuotaExceededException.class, () -> zk.setData("/d", bytes(11), 99));
            // and within the limit it is BadVersion
            assertThrows(KeeperException.BadVersionException.class, () -> zk.setData("/d", bytes(9), 99));
            System.out.printf("[%s] 3: child create: %s; setData 11 bytes: %s; version after: %d%n", server, child,
                    grow, st.getVersion());

            // exactly at the limit is allowed; a setData that does not grow is not checked
            zk.create("/d/y", bytes(2), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(10, stats(zk, "/d").getBytes());
            assertEquals(2, zk.setData("/d", bytes(8), -1).getVersion());
            assertEquals(3, zk.setData("/d", bytes(7), -1).getVersion());
            assertEquals(9, stats(zk, "/d").getBytes());
            // an empty child adds no bytes, and there is no count limit
            zk.create("/d/z", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(List.of("y", "z"), sorted(zk.getChildren("/d", false)));
        }
    }

    /**
     * 4. A multi with a create past a hard count limit fails with QuotaExceeded: the results name that op (-125),
     * the ops before it OK (0) and the ones after it RuntimeInconsistency (-2), and nothing of it is applied; the
     * failed multi takes a zxid, as ZooKeeper's error txn does.
     */
    @Order(5)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void multiWithACreatePastAHardLimit_failsWhole(Server server) throws Exception {
        try (ZooKeeper zk = connect(ENFORCING.get(server))) {
            zk.create("/m", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/free", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/m", -1, -1, 3, -1);
            zk.create("/m/p1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/m/p2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(3, stats(zk, "/m").getCount(), "/m is at its hard limit");

            long before = czxid(zk, "/free/before");
            KeeperException e = assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.multi(List.of(
                            Op.create("/free/x", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                            Op.create("/m/x1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                            Op.create("/free/y", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
            long after = czxid(zk, "/free/after");
            List<String> results = describe(e.getResults());
            System.out.printf("[%s] 4: multi failed: %s; results %s; czxid before=%#x after=%#x (diff %d)%n",
                    server, e, results, before, after, after - before);
            assertEquals(-125, e.code().intValue());
            assertEquals(List.of("error 0", "error -125", "error -2"), results);
            assertNull(zk.exists("/free/x", false), "the failed multi's first create was applied");
            assertNull(zk.exists("/m/x1", false));
            assertNull(zk.exists("/free/y", false));
            assertEquals(List.of("after", "before"), sorted(zk.getChildren("/free", false)));
            assertEquals(3, stats(zk, "/m").getCount());
            assertEquals(2, after - before, "the failed multi takes a zxid of its own");

            // create + create, both under /m: the first is refused, the second is not tried
            KeeperException both = assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.multi(List.of(
                            Op.create("/m/y1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                            Op.create("/m/y2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
            assertEquals(List.of("error -125", "error -2"), describe(both.getResults()));
            assertEquals(List.of("p1", "p2"), sorted(zk.getChildren("/m", false)));
        }
    }

    /**
     * 4b. ZooKeeper checks each create of a multi against the quota's stats node as the tree has it before the
     * multi (a multi's earlier ops do not update it): create + create that together, not singly, go past the hard
     * limit both go ahead, and the subtree ends past it; the next single create is refused.
     */
    @Order(6)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void multiWhoseCreatesCrossAHardLimitOnlyTogether_goesAhead(Server server) throws Exception {
        try (ZooKeeper zk = connect(ENFORCING.get(server))) {
            zk.create("/n", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setQuota(zk, "/n", -1, -1, 3, -1);
            zk.create("/n/p1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(2, stats(zk, "/n").getCount(), "/n has room for one more");
            List<String> results;
            String outcome;
            try {
                results = describe(zk.multi(List.of(
                        Op.create("/n/x1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.create("/n/x2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
                outcome = "succeeded";
            } catch (KeeperException e) {
                results = describe(e.getResults());
                outcome = "failed: " + e;
            }
            List<String> children = sorted(zk.getChildren("/n", false));
            long count = stats(zk, "/n").getCount();
            System.out.printf("[%s] 4b: multi create+create crossing together %s; results %s; children %s; count %d%n",
                    server, outcome, results, children, count);
            assertEquals("succeeded", outcome);
            assertEquals(List.of("create /n/x1", "create /n/x2"), results);
            assertEquals(List.of("p1", "x1", "x2"), children);
            assertEquals(4, count, "the subtree ends one past its hard limit");
            assertThrows(KeeperException.QuotaExceededException.class,
                    () -> zk.create("/n/x3", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        }
    }

    /**
     * 5. Without {@code zookeeper.enforceQuota} (a fresh process of each server, same zoo.cfg, no flag), hard limits
     * refuse nothing: not a create, not a setData, not a multi; nothing is logged.
     */
    @Order(7)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void withoutTheFlag_hardLimitsRefuseNothing(Server server) throws Exception {
        try (ServerProcess proc = start(server, "unenforced-" + server, List.of())) {
            proc.awaitServing();
            try (ZooKeeper zk = connect(proc)) {
                zk.create("/h", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                setQuota(zk, "/h", -1, -1, 1, 2);
                assertEquals(1, stats(zk, "/h").getCount());
                zk.create("/h/c1", bytes(3), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/h/c2", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                assertEquals(1, zk.setData("/h", bytes(11), -1).getVersion());
                zk.multi(List.of(Op.create("/h/m1", NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.create("/h/m2", bytes(1), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
                assertEquals(List.of("c1", "c2", "m1", "m2"), sorted(zk.getChildren("/h", false)));
                StatsTrack st = stats(zk, "/h");
                assertEquals(5, st.getCount());
                assertEquals(15, st.getBytes());
                // the stats are kept all the same; the log says nothing of the quota
                Thread.sleep(200);
                assertFalse(proc.log().contains("Quota exceeded"), server + " logged:\n" + tail(proc));
            }
        }
    }

    /**
     * 8. After the same history on both enforcing servers, mntr carries ZooKeeper's per-namespace quota keys with
     * the same figures: {@code zk_<ns>_quota_count_limit_per_namespace} and its bytes, count-usage and bytes-usage
     * siblings for every namespace with a quota (hard limits where set, else soft), and
     * {@code zk_<ns>_quota_exceeded_error_per_namespace} for every namespace that refused a write.
     */
    @Order(8)
    @org.junit.jupiter.api.Test
    void mntrQuotaKeys_matchZooKeepersAfterTheSameHistory() {
        Map<String, String> ours = quotaKeys(ENFORCING.get(Server.OURS).fourLetterWord("mntr"));
        Map<String, String> theirs = quotaKeys(ENFORCING.get(Server.ZOOKEEPER).fourLetterWord("mntr"));
        assertTrue(theirs.containsKey("zk_b_quota_count_limit_per_namespace"), "ZooKeeper's mntr:\n" + theirs);
        assertTrue(theirs.keySet().stream().anyMatch(k -> k.endsWith("_quota_exceeded_error_per_namespace")),
                "ZooKeeper counted refusals:\n" + theirs);
        assertEquals(theirs, ours);
    }

    /**
     * The {@code zk_*_quota_*_per_namespace} lines of a mntr answer, key to value (ZooKeeper's per-namespace read
     * and write byte summaries, {@code zk_avg_<ns>_read_per_namespace} and the like, are another family).
     */
    private static Map<String, String> quotaKeys(String mntr) {
        assertNotNull(mntr, "mntr answered");
        Map<String, String> keys = new java.util.TreeMap<>();
        for (String line : mntr.split("\n")) {
            String[] kv = line.split("\t");
            if (kv.length == 2 && kv[0].contains("_quota_") && kv[0].endsWith("_per_namespace")) {
                keys.put(kv[0], kv[1].trim());
            }
        }
        return keys;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * zkCli's {@code setquota -n count -b bytes -N countHard -B byteHard path} (-1 for an option not given) on a
     * path without a quota yet: the same StatsTrack as {@code SetQuotaCommand} builds, and the same writes as its
     * {@code createQuota} makes — the quota path's nodes under /zookeeper/quota, then {@code zookeeper_limits} with
     * the limits and {@code zookeeper_stats} with {@code count=0,bytes=0}, which the server fills in from the tree.
     * {@code SetQuotaCommand} itself cannot be loaded here: it needs commons-cli, which ZooKeeper's pom declares
     * {@code provided}, so it is not on this module's test class path.
     */
    private static void setQuota(ZooKeeper zk, String path, int count, long bytes, int countHard, long byteHard)
            throws Exception {
        StatsTrack quota = new StatsTrack();
        quota.setCount(-1);
        quota.setBytes(-1L);
        quota.setCountHardLimit(-1);
        quota.setByteHardLimit(-1L);
        if (count > 0) {
            quota.setCount(count);
        }
        if (bytes >= 0) {
            quota.setBytes(bytes);
        }
        if (countHard > 0) {
            quota.setCountHardLimit(countHard);
        }
        if (byteHard >= 0) {
            quota.setByteHardLimit(byteHard);
        }
        assertNotNull(zk.exists(path, false), path + " must exist before its quota is set");
        String node = "/zookeeper/quota";
        for (String part : path.substring(1).split("/")) {
            node = node + "/" + part;
            if (zk.exists(node, false) == null) {
                zk.create(node, null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
        }
        assertNull(zk.exists(node + "/zookeeper_limits", false), path + " has a quota already");
        zk.create(node + "/zookeeper_limits", quota.getStatsBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        StatsTrack empty = new StatsTrack();
        empty.setCount(0);
        empty.setBytes(0L);
        zk.create(node + "/zookeeper_stats", empty.getStatsBytes(), Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private static StatsTrack stats(ZooKeeper zk, String path) throws Exception {
        return new StatsTrack(zk.getData("/zookeeper/quota" + path + "/zookeeper_stats", false, null));
    }

    /** Creates {@code path} (outside any quota) and returns its czxid: a marker of the zxid sequence. */
    private static long czxid(ZooKeeper zk, String path) throws Exception {
        zk.create(path, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        return zk.exists(path, false).getCzxid();
    }

    private static List<String> describe(List<OpResult> results) {
        List<String> out = new ArrayList<>();
        if (results == null) {
            return null;
        }
        for (OpResult r : results) {
            if (r instanceof OpResult.ErrorResult err) {
                out.add("error " + err.getErr());
            } else if (r instanceof OpResult.CreateResult c) {
                out.add("create " + c.getPath());
            } else {
                out.add(r.getClass().getSimpleName());
            }
        }
        return out;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'q');
        return b;
    }

    private static List<String> sorted(List<String> names) {
        List<String> s = new ArrayList<>(names);
        s.sort(Comparator.naturalOrder());
        return s;
    }

    private static ZooKeeper connect(ServerProcess proc) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(proc.connectString(), SESSION_MS, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no connection to " + proc.connectString() + " in 30 s:\n" + tail(proc));
        }
        return zk;
    }

    /** Waits, at most {@link #LOG_WAIT_MS}, until the process's output has {@code text}. */
    private static boolean awaitLog(ServerProcess proc, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOG_WAIT_MS);
        for (int i = 0; i < 1_000 && System.nanoTime() < deadline; i++) {
            if (proc.log().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return proc.log().contains(text);
    }

    private static String tail(ServerProcess proc) {
        String all = proc.log();
        return all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
