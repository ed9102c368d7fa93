package dev.keeper.compat.ensemble;

import static dev.keeper.compat.ensemble.ReconfigEnsembles.CONFIG;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.SESSION_MS;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.SUPER;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.admin;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.awaitTrue;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.client;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.nonBlankLines;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.readConfig;
import static dev.keeper.compat.ensemble.ReconfigEnsembles.sync;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keeper.compat.ensemble.ReconfigEnsembles.Config;
import dev.keeper.compat.ensemble.ReconfigEnsembles.Launched;
import dev.keeper.compat.ensemble.ReconfigEnsembles.Roles;
import dev.keeper.compat.ops.Subprocess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code reconfig} through clients other than ZooKeeperAdmin, and what a reconfig leaves on disk, differentially:
 * each scenario runs against our ensemble and ZooKeeper 3.9.5's (see {@link EnsembleUnderTest}) and asserts the
 * same behaviour on both, or, where the two differ, each server's own, said so where it is.
 *
 * <ul>
 * <li>Kazoo (Debian's 2.8 on /usr/bin/python3, src/test/python/ensemble_reconfig.py) removes a member, checks the
 * returned config and its version, and gets BadVersionError for a stale {@code from_config}.</li>
 * <li>Curator's {@code reconfig()} removes a member, {@code getConfig()} agrees, and the removed member comes back
 * as an observer through {@code reconfig().joining(...)}.</li>
 * <li>The dynamic configuration file each kept member writes beside its zoo.cfg, and a follower killed and started
 * again from the rewritten zoo.cfg.</li>
 * </ul>
 *
 * <p>Each scenario launches an ensemble of its own (a reconfig changes it for good), with {@code reconfigEnabled=true}
 * and the super user {@code super:test}, and kills it at the end. The member that leaves is the highest-numbered
 * follower, never the leader (see EnsembleReconfigDiffTest), and the clients that reconfigure connect to the members
 * that stay: on ours a removed member's own client gets ConnectionLoss (EnsembleReconfigDiffTest records it).
 */
class EnsembleReconfigClientsTest {
    /** Every bounded wait for a change to show: a file rewritten, a process answering. */
    private static final long WAIT_MS = 30_000;
    /** The bounded wait for a started member to serve in the role it should have. */
    private static final long ROLE_WAIT_MS = 90_000;
    /** How often those waits look again. */
    private static final long POLL_MS = 100;
    private static final byte[] NO_DATA = new byte[0];
    private static final String PYTHON = Kazoo.PYTHON;
    private static final Path KAZOO_SCRIPT = Path.of("compat-tests/src/test/python/ensemble_reconfig.py");

    @BeforeAll
    static void requireKazoo() {
        Kazoo.require();
    }

    // --- scenario 1: Kazoo

    /**
     * Kazoo's {@code KazooClient.reconfig(joining, leaving, new_members, from_config)}: the script's transcript is
     * the same on both servers but for the returned config, printed verbatim, which this test builds from its own
     * read of the config before (the kept members' lines) and after (the new version).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    void kazoo_removesAMember_getsTheNewConfigWithItsVersion_andBadVersionErrorFromAStaleFromConfig(
            EnsembleUnderTest.Server server) throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigClientsTest.class, server, "kazoo",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            Config before;
            try (ZooKeeper zk = client(roles.keptConnectString(ensemble))) {
                before = readConfig(zk);
            }
            Subprocess.Result r = Subprocess.run(Duration.ofMinutes(2), Map.of("PYTHONDONTWRITEBYTECODE", "1"),
                    List.of(PYTHON, KAZOO_SCRIPT.toString(), roles.keptConnectString(ensemble),
                            Integer.toString(roles.leaving)));
            System.out.println("[" + server + "] Kazoo's transcript:\n" + r.describe());
            Config after;
            try (ZooKeeper zk = client(ensemble.connectString(roles.kept[1]))) {
                after = readConfig(zk);
            }
            Map<Integer, String> kept = new TreeMap<>(before.servers());
            kept.remove(roles.leaving);
            assertEquals(kept, after.servers(), "the config after Kazoo's reconfig, on " + ensemble);

            StringBuilder expected = new StringBuilder();
            expected.append("connected: CONNECTED\n");
            expected.append("add_auth digest super: ok\n");
            expected.append("get /zookeeper/config: servers ")
                    .append(before.servers().keySet().stream().map(String::valueOf).collect(Collectors.joining(",")))
                    .append(", version= is the ZnodeStat's mzxid in hex: yes\n");
            expected.append("reconfig(joining=None, leaving=\"").append(roles.leaving)
                    .append("\", new_members=None, from_config=<the version read>) returned:\n");
            for (Map.Entry<Integer, String> e : kept.entrySet()) {
                expected.append("  server.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
            expected.append("  version=").append(Long.toHexString(after.stat.getMzxid())).append('\n');
            expected.append("server.").append(roles.leaving)
                    .append(" gone, the other servers' lines as they were: yes\n");
            expected.append("version= is the returned ZnodeStat's mzxid in hex: yes\n");
            expected.append("version= moved on from from_config: yes\n");
            expected.append("returned ZnodeStat's version: -1\n");
            expected.append("get /zookeeper/config after a sync: the returned data and mzxid: yes\n");
            expected.append("reconfig again from the stale from_config: BadVersionError\n");
            expected.append("get /zookeeper/config after the refusal: unchanged: yes\n");
            expected.append("done\n");
            String where = "Kazoo against " + ensemble + "\n" + r.describe();
            assertEquals(expected.toString(), r.stdout(), where + "\n" + ensemble.logs());
            assertEquals(0, r.exitCode(), where);
        }
    }

    // --- scenario 2: Curator's reconfig and getConfig, and the removed member back as an observer

    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void curator_removesAMember_getConfigAgrees_andTheMemberJoinsAgainAsAnObserver(EnsembleUnderTest.Server server)
            throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigClientsTest.class, server, "curator",
                EnsembleUnderTest.SIZE, true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            // no ensemble tracker: the client stays on the two members it was given, whatever the config says
            CuratorFramework curator = CuratorFrameworkFactory.builder()
                    .connectString(roles.keptConnectString(ensemble))
                    .authorization("digest", SUPER.getBytes(StandardCharsets.UTF_8))
                    .ensembleTracker(false).sessionTimeoutMs(SESSION_MS).connectionTimeoutMs(10_000)
                    .retryPolicy(new RetryNTimes(3, 200)).build();
            try (curator) {
                curator.start();
                assertTrue(curator.blockUntilConnected(20, TimeUnit.SECONDS), "Curator connected to " + ensemble);
                curatorSync(curator, CONFIG);
                Stat beforeStat = new Stat();
                Config before = new Config(curator.getConfig().storingStatIn(beforeStat).forEnsemble(), beforeStat);
                System.out.println("[" + server + "] Curator's getConfig before:\n" + before.text());
                assertEquals(before.stat.getMzxid(), before.version(), "version= is the mzxid, on " + ensemble);

                Stat removedStat = new Stat();
                byte[] removed = curator.reconfig().leaving(Integer.toString(roles.leaving))
                        .storingStatIn(removedStat).fromConfig(before.version()).forEnsemble();
                Config afterRemoval = new Config(removed, removedStat);
                System.out.println("[" + server + "] Curator's reconfig().leaving(\"" + roles.leaving
                        + "\") returned:\n" + afterRemoval.text());
                Map<Integer, String> kept = new TreeMap<>(before.servers());
                kept.remove(roles.leaving);
                assertEquals(kept, afterRemoval.servers(), "the returned config, on " + ensemble);
                assertEquals(removedStat.getMzxid(), afterRemoval.version(), "its version= is its mzxid, on "
                        + ensemble);
                assertTrue(afterRemoval.version() > before.version(), "on " + ensemble);

                // getConfig through the same client, and through a client of each kept member alone
                curatorSync(curator, CONFIG);
                assertArrayEquals(removed, curator.getConfig().forEnsemble(),
                        "Curator's getConfig after the reconfig, on " + ensemble);
                for (int id : roles.kept) {
                    try (CuratorFramework alone = curator(ensemble.connectString(id))) {
                        curatorSync(alone, CONFIG);
                        Stat stat = new Stat();
                        byte[] read = alone.getConfig().storingStatIn(stat).forEnsemble();
                        assertArrayEquals(removed, read, "member " + id + "'s config through Curator, on "
                                + ensemble + ": " + new String(read, StandardCharsets.UTF_8));
                        assertEquals(removedStat.getMzxid(), stat.getMzxid(), "member " + id + "'s config mzxid");
                    }
                }

                String srvrAfterRemoval = ensemble.fourLetterWord(roles.leaving, "srvr");
                System.out.println("[" + server + "] srvr of the removed member " + roles.leaving + ": "
                        + srvrAfterRemoval);
                if (server == EnsembleUnderTest.Server.OURS) {
                    // ours: a removed member's Raft state has to go before it can join again (README, "Ensemble"):
                    // stopped, its dataDir/ratis deleted, started again it waits outside the configuration
                    ensemble.kill(roles.leaving);
                    Path ratis = ensemble.dataDir(roles.leaving).resolve("ratis");
                    Ensembles.deleteTree(ratis, p -> true);
                    assertFalse(Files.exists(ratis), ratis + " deleted");
                    System.out.println("[" + server + "] member " + roles.leaving + "'s zoo.cfg when started "
                            + "again:\n" + Files.readString(ensemble.configFile(roles.leaving)));
                    ensemble.start(roles.leaving);
                    awaitTrue(() -> ensemble.fourLetterWord(roles.leaving, "srvr") != null,
                            () -> "member " + roles.leaving + " answers srvr after its start", ensemble, WAIT_MS,
                            POLL_MS);
                    System.out.println("[" + server + "] srvr of member " + roles.leaving + " started again, before"
                            + " the joining reconfig: " + ensemble.fourLetterWord(roles.leaving, "srvr")
                            + ourRejoinDiagnosis(server, ensemble, roles.leaving));
                    // it learnt from the others that the configuration leaves it out, and waits to be added
                    // (before Ratis's group, not its conf, was read, it always started as a voter of zoo.cfg's)
                    assertTrue(Files.readString(ensemble.logFile(roles.leaving))
                            .contains("is not in the ensemble's configuration yet"),
                            "member " + roles.leaving + " waits outside the configuration"
                                    + ourRejoinDiagnosis(server, ensemble, roles.leaving));
                } else {
                    // ZooKeeper: the removed follower went on as a non-voting follower; nothing to do to it
                    assertNotNull(srvrAfterRemoval, "ZooKeeper's removed member still answers");
                }

                String observerSpec = before.servers().get(roles.leaving).replace(":participant;", ":observer;");
                assertTrue(observerSpec.contains(":observer;"), observerSpec);
                String joining = "server." + roles.leaving + "=" + observerSpec;
                Stat joinedStat = new Stat();
                byte[] joined;
                try {
                    joined = curator.reconfig().joining(joining).storingStatIn(joinedStat).forEnsemble();
                } catch (KeeperException e) {
                    throw new AssertionError("the reconfig joining member " + roles.leaving + " as an observer "
                            + "failed: " + e + ", on " + ensemble + ourRejoinDiagnosis(server, ensemble,
                                    roles.leaving) + "\n" + ensemble.logs(), e);
                }
                Config afterJoin = new Config(joined, joinedStat);
                System.out.println("[" + server + "] Curator's reconfig().joining(\"" + joining + "\") returned:\n"
                        + afterJoin.text());
                Map<Integer, String> withObserver = new TreeMap<>(kept);
                withObserver.put(roles.leaving, observerSpec);
                assertEquals(withObserver, afterJoin.servers(), "the config with the observer, on " + ensemble);
                assertEquals(joinedStat.getMzxid(), afterJoin.version(), "on " + ensemble);
                assertTrue(afterJoin.version() > afterRemoval.version(), "on " + ensemble);

                awaitTrue(() -> "observer".equals(ensemble.mode(roles.leaving)),
                        () -> "member " + roles.leaving + " serves as an observer, srvr says: "
                                + ensemble.fourLetterWord(roles.leaving, "srvr") + "\n" + ensemble.logs(),
                        ensemble, ROLE_WAIT_MS, POLL_MS);
                System.out.println("[" + server + "] srvr of member " + roles.leaving + " after the joining "
                        + "reconfig: " + ensemble.fourLetterWord(roles.leaving, "srvr"));

                String path = "/written-through-the-leader";
                try (ZooKeeper leader = client(ensemble.connectString(roles.leader))) {
                    leader.create(path, "v".getBytes(StandardCharsets.UTF_8), Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                }
                try (ZooKeeper observer = client(ensemble.connectString(roles.leaving))) {
                    sync(observer, path);
                    assertNotNull(observer.exists(path, false), "the observer " + roles.leaving + " has " + path
                            + " after a sync, on " + ensemble);
                    Config seen = readConfig(observer);
                    assertArrayEquals(joined, seen.data, "the observer's config, on " + ensemble + ": "
                            + seen.text());
                }
            }
        }
    }

    // --- scenario 3: the dynamic configuration file, and a follower started again from it

    /**
     * Four members, so that after one leaves the three that stay keep a quorum while one of them is down, and a
     * znode can be written meanwhile: the follower started again must catch up with it.
     *
     * <p>Both servers write, after the reconfig, {@code member<N>.cfg.dynamic.<version in hex>} beside each kept
     * member's zoo.cfg and rewrite zoo.cfg without its {@code server.} lines, ending in
     * {@code dynamicConfigFile=<absolute path>}. The dynamic file is ZooKeeper's on both: its
     * {@code QuorumPeerConfig.writeDynamicConfig} drops the {@code version=} line (the version is in the file's
     * name) and writes the sorted server lines joined by '\n', with no newline at the end. ZooKeeper also rewrites
     * zoo.cfg in its own key order (a Properties' hash order) and already did so when its first
     * leader versioned the static config, before any reconfig; ours keeps the lines in order. Compared here as sets.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(EnsembleUnderTest.Server.class)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void afterAReconfig_keptMembersPointZooCfgAtADynamicFile_andAFollowerKilledRestartsFromIt(
            EnsembleUnderTest.Server server) throws Exception {
        try (Launched launched = Launched.start(EnsembleReconfigClientsTest.class, server, "dynamic-file", 4,
                true)) {
            EnsembleUnderTest ensemble = launched.ensemble;
            Roles roles = Roles.of(ensemble);
            System.out.println("[" + server + "] before the reconfig: leader " + roles.leader + "; files "
                    + listing(ensemble.dir()));
            for (int id = 1; id <= ensemble.size(); id++) {
                System.out.println("[" + server + "] member" + id + ".cfg before the reconfig:\n"
                        + Files.readString(ensemble.configFile(id)));
            }

            byte[] returned;
            Stat stat = new Stat();
            try (ZooKeeperAdmin admin = admin(roles.keptConnectString(ensemble), true)) {
                Config before = readConfig(admin);
                returned = admin.reconfigure(null, Integer.toString(roles.leaving), null, before.version(), stat);
            }
            Config after = new Config(returned, stat);
            String dynamicName = ".cfg.dynamic." + Long.toHexString(after.version());
            System.out.println("[" + server + "] reconfig(leaving=" + roles.leaving + ") returned:\n"
                    + after.text());
            assertEquals(3, after.servers().size(), after.text());
            assertFalse(after.servers().containsKey(roles.leaving), after.text());

            Set<String> newServerLines = new TreeSet<>();
            for (Map.Entry<Integer, String> e : after.servers().entrySet()) {
                newServerLines.add("server." + e.getKey() + "=" + e.getValue());
            }
            for (int id : roles.kept) {
                Path cfg = ensemble.configFile(id);
                String expectedFile = "member" + id + dynamicName;
                awaitTrue(() -> expectedFile.equals(dynamicFileName(Files.readString(cfg))),
                        () -> "member" + id + ".cfg points at " + expectedFile + ":\n" + Files.readString(cfg),
                        ensemble, WAIT_MS, POLL_MS);
                String cfgText = Files.readString(cfg);
                List<String> cfgLines = nonBlankLines(cfgText);
                String pointer = dynamicConfigFileValue(cfgText);
                Path dynamic = Path.of(pointer);
                String dynamicText = Files.isRegularFile(dynamic) ? Files.readString(dynamic) : null;
                System.out.println("[" + server + "] member" + id + ".cfg after the reconfig (verbatim):\n" + cfgText
                        + "<end>\n[" + server + "] " + dynamic + " (verbatim):\n" + dynamicText + "<end>");

                assertTrue(cfgLines.stream().noneMatch(l -> l.startsWith("server.")),
                        "no server. line left in member" + id + ".cfg on " + ensemble + ":\n" + cfgText);
                assertEquals(1, cfgLines.stream().filter(l -> l.startsWith("dynamicConfigFile")).count(),
                        "one dynamicConfigFile line in member" + id + ".cfg:\n" + cfgText);
                // every other line the harness wrote is kept, the server lines are gone
                Set<String> written = new TreeSet<>(nonBlankLines(ensemble.writtenConfig(id)));
                written.removeIf(l -> l.startsWith("server."));
                Set<String> rest = new TreeSet<>(cfgLines);
                rest.removeIf(l -> l.startsWith("dynamicConfigFile"));
                assertEquals(written, rest, "member" + id + ".cfg's other lines, on " + ensemble);
                // both write an absolute path (ZooKeeper its canonical path, ours the absolute one), naming a
                // file beside zoo.cfg
                assertTrue(dynamic.isAbsolute(), "an absolute dynamicConfigFile: " + pointer);
                assertNotNull(dynamicText, "the dynamic file " + dynamic + " exists, on " + ensemble);
                assertEquals(ensemble.dir().toRealPath(), dynamic.getParent().toRealPath(),
                        "the dynamic file is beside zoo.cfg: " + dynamic);

                List<String> dynamicLines = nonBlankLines(dynamicText);
                Set<String> dynamicServers = new TreeSet<>();
                List<String> others = new ArrayList<>();
                for (String line : dynamicLines) {
                    (line.startsWith("server.") ? dynamicServers : others).add(line);
                }
                assertEquals(newServerLines, dynamicServers, "the dynamic file's servers, on " + ensemble);
                // no version line (the version is the file name's suffix), sorted lines, no final newline: ours
                // writes the file as ZooKeeper's QuorumPeerConfig.writeDynamicConfig does
                assertEquals(List.of(), others, "the dynamic file has server lines alone, on " + ensemble);
                assertEquals(String.join("\n", newServerLines), dynamicText, "the dynamic file, on " + ensemble);
            }
            System.out.println("[" + server + "] after the reconfig: files " + listing(ensemble.dir()));
            System.out.println("[" + server + "] the removed member" + roles.leaving + ".cfg (not asserted):\n"
                    + Files.readString(ensemble.configFile(roles.leaving)));

            // a kept follower crashes; a write goes on without it; it starts again from its rewritten zoo.cfg
            int follower = roles.kept[1];
            ensemble.kill(follower);
            String path = "/written-while-" + follower + "-was-down";
            try (ZooKeeper leader = client(ensemble.connectString(roles.leader))) {
                leader.create(path, NO_DATA, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            String cfgAtRestart = Files.readString(ensemble.configFile(follower));
            ensemble.start(follower);
            awaitTrue(() -> "follower".equals(ensemble.mode(follower)),
                    () -> "member " + follower + ", started again from its rewritten zoo.cfg, serves as a follower;"
                            + " srvr says: " + ensemble.fourLetterWord(follower, "srvr") + "\nzoo.cfg it read:\n"
                            + cfgAtRestart + "\n" + ensemble.logs(),
                    ensemble, ROLE_WAIT_MS, POLL_MS);
            System.out.println("[" + server + "] srvr of member " + follower + " started again: "
                    + ensemble.fourLetterWord(follower, "srvr"));
            try (ZooKeeper alone = client(ensemble.connectString(follower))) {
                sync(alone, path);
                assertNotNull(alone.exists(path, false), "member " + follower + " caught up with " + path
                        + ", on " + ensemble);
                Config seen = readConfig(alone);
                assertArrayEquals(returned, seen.data, "member " + follower + "'s config, on " + ensemble + ": "
                        + seen.text());
            }
            System.out.println("[" + server + "] member" + follower + ".cfg after its restart:\n"
                    + Files.readString(ensemble.configFile(follower)));
        }
    }

    /**
     * Ours only: whether member {@code id}, started again with its dataDir/ratis deleted, said it waits outside the
     * configuration (what RaftNode logs when, at a first start, the leader's configuration lacks it), and whether
     * its Raft server then refused the leader's appends because it was closing.
     */
    private static String ourRejoinDiagnosis(EnsembleUnderTest.Server server, EnsembleUnderTest ensemble, int id)
            throws IOException {
        if (server != EnsembleUnderTest.Server.OURS) {
            return "";
        }
        Path log = ensemble.logFile(id);
        String text = Files.readString(log);
        return "\nours: " + log + (text.contains("is not in the ensemble's configuration yet")
                ? " says the member waits outside the configuration" : " does NOT say \"is not in the ensemble's "
                + "configuration yet\": the member started with zoo.cfg's members")
                + (text.contains("current state is CLOSING") ? "; its Raft server was CLOSING when the leader's "
                + "appends came" : "");
    }

    /** The file name a zoo.cfg's dynamicConfigFile line names, or null. */
    private static String dynamicFileName(String cfgText) {
        String value = dynamicConfigFileValue(cfgText);
        return value == null ? null : Path.of(value).getFileName().toString();
    }

    private static String dynamicConfigFileValue(String cfgText) {
        for (String line : nonBlankLines(cfgText)) {
            if (line.startsWith("dynamicConfigFile=")) {
                return line.substring("dynamicConfigFile=".length()).trim();
            }
        }
        return null;
    }

    /** The files in {@code dir} (not its subdirectories' contents), by name. */
    private static String listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString() + (Files.isDirectory(p) ? "/" : "")).sorted()
                    .collect(Collectors.joining(" "));
        }
    }

    // --- Curator's clients

    /** A Curator client of {@code connectString} (no tracker, no auth), connected (at most 20 s). */
    private static CuratorFramework curator(String connectString) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).ensembleTracker(false)
                .sessionTimeoutMs(SESSION_MS).connectionTimeoutMs(10_000).retryPolicy(new RetryNTimes(3, 200))
                .build();
        c.start();
        if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) {
            c.close();
            throw new AssertionError("Curator not connected to " + connectString);
        }
        return c;
    }

    /** Curator's sync is always in the background: waits (at most 20 s) for its result. */
    private static void curatorSync(CuratorFramework c, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        c.sync().inBackground((client, event) -> done.complete(event.getResultCode())).forPath(path);
        assertEquals(KeeperException.Code.OK.intValue(), (int) done.get(20, TimeUnit.SECONDS), "Curator's sync");
    }
}
