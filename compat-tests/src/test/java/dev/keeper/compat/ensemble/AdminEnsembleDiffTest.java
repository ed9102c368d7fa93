package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keeper.compat.ensemble.EnsembleUnderTest.Server;
import dev.keeper.compat.ops.Subprocess;
import dev.keeper.compat.support.JsonShape;
import dev.keeper.compat.support.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AdminServer commands whose answers depend on the member being part of an ensemble — leader, zabstate,
 * voting_view, observers, server_stats, stats, monitor, configuration, is_read_only, connections — ours against the
 * real ZooKeeper 3.9.5's ({@code QuorumPeerMain} with its {@code JettyAdminServer}), each on a three-member ensemble
 * of processes on 127.0.0.1 (see {@link MemberProcess}), every member with its AdminServer on a loopback port of its
 * own.
 *
 * <p>The two ensembles never run at once: ZooKeeper's is started, given a client history, asked every command on
 * every member, and killed; then ours goes through the same. The history: a client of the leader creates
 * {@code /app} and {@code /app/a}, a client of one follower creates the ephemeral {@code /app/eph} and watches
 * {@code /app/a}; both clients stay connected while the commands are asked, and every member has applied the
 * history (the same srvr Zxid on all three) before the first is asked. The answers are kept (under
 * compat-tests/target/ensembles/AdminEnsembleDiffTest/&lt;server&gt;/answers) and the tests compare them: the same
 * status, the same fields in the same order with the same JSON types, and the same values where the ensemble and
 * the history fix them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminEnsembleDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The commands this class compares, by ZooKeeper's primary names. */
    static final List<String> COMMANDS = List.of("leader", "zabstate", "voting_view", "observers", "server_stats",
            "stats", "monitor", "configuration", "is_read_only", "connections");
    /**
     * monitor keys ours has that ZooKeeper 3.9.5's does not (as in AdminServerDiffTest): figures older ZooKeeper
     * versions' mntr kept, which this server has printed since before the AdminServer.
     */
    private static final Set<String> OUR_EXTRA_MONITOR_KEYS = Set.of("datadir_size", "logdir_size",
            "p50_request_latency", "p99_request_latency");
    /**
     * monitor keys that say what the member is in its ensemble; each must be in ours exactly where it is in
     * ZooKeeper's (leader, follower), and where the ensemble fixes its value (all but {@link #PRESENCE_ONLY}), with
     * that value.
     */
    private static final List<String> QUORUM_MONITOR_KEYS = List.of("server_state", "peer_state", "quorum_size",
            "learners", "synced_followers", "synced_non_voting_followers", "synced_observers", "pending_syncs",
            "leader_uptime", "last_proposal_size", "min_proposal_size", "max_proposal_size");
    /** Quorum monitor keys whose values no history fixes: a time, and the leader's proposal sizes in bytes. */
    private static final Set<String> PRESENCE_ONLY = Set.of("leader_uptime", "last_proposal_size",
            "min_proposal_size", "max_proposal_size");
    private static final long READY_WITHIN_MS = 90_000;
    private static final int SESSION_MS = 20_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Server, Observed> observed = new EnumMap<>(Server.class);
    private Path root;

    /** One HTTP answer: the status, the body as sent, and the body parsed (null when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** What one ensemble answered, and what it was: its ports, its leader, the follower with a client. */
    static final class Observed {
        final Server server;
        final int[] clientPorts = new int[EnsembleUnderTest.SIZE + 1];
        final int[] quorumPorts = new int[EnsembleUnderTest.SIZE + 1];
        final int[] electionPorts = new int[EnsembleUnderTest.SIZE + 1];
        final int[] adminPorts = new int[EnsembleUnderTest.SIZE + 1];
        /** By myid, then by command. */
        final Map<Integer, Map<String, Answer>> answers = new TreeMap<>();
        int leader;
        int follower;
        long leaderSession;
        long followerSession;
        /** The srvr Zxid every member had applied when the commands were asked. */
        long zxid;
        /**
         * The monotonic clock ({@code System.nanoTime()} in ms, the clock of ZooKeeper's {@code
         * Time.currentElapsedTime()}, one for every process on the machine) before the first member started, and
         * after the last command was answered.
         */
        long startedMs;
        long askedMs;

        Observed(Server server) {
            this.server = server;
        }

        Answer answer(int id, String command) {
            return answers.get(id).get(command);
        }

        int member(String role) {
            return role.equals("leader") ? leader : follower;
        }
    }

    @BeforeAll
    void observeOneEnsembleAfterTheOther() throws Exception {
        root = Subprocess.REPO.resolve("compat-tests/target/ensembles").resolve(getClass().getSimpleName());
        Ensembles.deleteTree(root, p -> true);
        Files.createDirectories(root);
        // ZooKeeper's first: its answers are what ours are held to
        for (Server s : List.of(Server.ZOOKEEPER, Server.OURS)) {
            observed.put(s, observe(s));
        }
    }

    @AfterAll
    void keepLogsAndAnswers() {
        if (root != null) {
            // the members' data goes; their logs and the answers stay for a failure's post-mortem
            Ensembles.deleteTree(root, p -> Files.isDirectory(p) ? !p.getFileName().toString().equals("answers")
                    && !p.equals(root) && !p.getParent().equals(root)
                    : !p.getFileName().toString().endsWith(".log") && !p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().endsWith(".cfg"));
        }
    }

    // --- the ensembles

    /** Starts {@code server}'s ensemble, gives it the history, asks every command of every member, kills it. */
    private Observed observe(Server server) throws Exception {
        Observed o = new Observed(server);
        Path dir = root.resolve(server.toString());
        Files.createDirectories(dir.resolve("answers"));
        int size = EnsembleUnderTest.SIZE;
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= size; id++) {
            o.clientPorts[id] = LoopbackPorts.unused();
            o.quorumPorts[id] = LoopbackPorts.unused();
            o.electionPorts[id] = LoopbackPorts.unused();
            o.adminPorts[id] = LoopbackPorts.unused();
            servers.append("server.").append(id).append("=127.0.0.1:").append(o.quorumPorts[id]).append(':')
                    .append(o.electionPorts[id]).append(":participant;127.0.0.1:").append(o.clientPorts[id])
                    .append('\n');
        }
        MemberProcess[] members = new MemberProcess[size + 1];
        o.startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        try {
            for (int id = 1; id <= size; id++) {
                Path data = dir.resolve("member" + id);
                Files.createDirectories(data);
                Files.writeString(data.resolve("myid"), id + "\n");
                Path cfg = dir.resolve("member" + id + ".cfg");
                Files.writeString(cfg, "tickTime=" + EnsembleUnderTest.TICK_MS + "\ninitLimit=10\nsyncLimit=5\n"
                        + "dataDir=" + data + "\nmaxSessionTimeout=" + EnsembleUnderTest.MAX_SESSION_TIMEOUT_MS
                        + "\n4lw.commands.whitelist=*\n"
                        // zoo.cfg's keys win over MemberProcess's -Dzookeeper.admin.enableServer=false on both
                        + "admin.enableServer=true\nadmin.serverAddress=127.0.0.1\nadmin.serverPort="
                        + o.adminPorts[id] + "\n" + servers);
                members[id] = MemberProcess.start(server.mainClass(), cfg, dir.resolve("member" + id + ".log"),
                        o.clientPorts[id]);
            }
            o.leader = awaitSteadyLeader(members);
            o.follower = o.leader == 1 ? 2 : 1;
            for (int id = 1; id <= size; id++) {
                awaitAdmin(o, id, members);
            }
            try (ZooKeeper onLeader = ReconfigEnsembles.client("127.0.0.1:" + o.clientPorts[o.leader]);
                    ZooKeeper onFollower = ReconfigEnsembles.client("127.0.0.1:" + o.clientPorts[o.follower])) {
                onLeader.create("/app", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                onLeader.create("/app/a", "data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                sync(onFollower, "/app");
                onFollower.create("/app/eph", new byte[1], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                onFollower.getData("/app/a", e -> { }, null);
                sync(onLeader, "/app");
                o.leaderSession = onLeader.getSessionId();
                o.followerSession = onFollower.getSessionId();
                o.zxid = awaitSameZxid(members);
                for (int id = 1; id <= size; id++) {
                    Map<String, Answer> byCommand = new LinkedHashMap<>();
                    for (String command : COMMANDS) {
                        Answer a = get(o.adminPorts[id], command);
                        byCommand.put(command, a);
                        String role = id == o.leader ? "leader" : id == o.follower ? "follower" : "other-follower";
                        Files.writeString(dir.resolve("answers").resolve("member" + id + "-" + role + "-" + command
                                + ".json"), a.body());
                    }
                    o.answers.put(id, byCommand);
                }
                o.askedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
                int leaderAfter = soleLeader(members);
                if (leaderAfter != o.leader) {
                    throw new AssertionError(server + ": the leader changed while the commands were asked, from "
                            + o.leader + " to " + leaderAfter + "\n" + MemberProcess.logs(members));
                }
            }
            return o;
        } catch (Exception | AssertionError e) {
            throw new AssertionError(server + " ensemble: " + e + "\n" + MemberProcess.logs(members), e);
        } finally {
            MemberProcess.killAll(members);
        }
    }

    /** Every member serving, the same one leading for ten ticks (at most 90 s): its myid. */
    private static int awaitSteadyLeader(MemberProcess[] members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MS);
        long steady = TimeUnit.MILLISECONDS.toNanos(10L * EnsembleUnderTest.TICK_MS);
        int leader = -1;
        long since = System.nanoTime();
        while (leader < 0 || System.nanoTime() - since < steady) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no steady leader within " + READY_WITHIN_MS + " ms\n"
                        + MemberProcess.logs(members));
            }
            int now = soleLeader(members);
            if (now < 0 || now != leader) {
                leader = now;
                since = System.nanoTime();
            }
            Thread.sleep(50);
        }
        return leader;
    }

    /** The member whose srvr says leader while every other says follower; -1 otherwise. */
    private static int soleLeader(MemberProcess[] members) {
        int leader = -1;
        for (int id = 1; id < members.length; id++) {
            String m = members[id].mode();
            if (m == null || !m.equals("leader") && !m.equals("follower")) {
                return -1;
            }
            if (m.equals("leader")) {
                if (leader > 0) {
                    return -1;
                }
                leader = id;
            }
        }
        return leader;
    }

    /** Until member {@code id}'s AdminServer answers ruok (at most 30 s). */
    private void awaitAdmin(Observed o, int id, MemberProcess[] members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (get(o.adminPorts[id], "ruok").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("member " + id + "'s AdminServer on 127.0.0.1:" + o.adminPorts[id]
                        + " does not answer\n" + MemberProcess.logs(members));
            }
            Thread.sleep(100);
        }
    }

    /** Until every member's srvr shows the same Zxid (at most 20 s): that zxid. */
    private static long awaitSameZxid(MemberProcess[] members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> zxids = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            zxids.clear();
            for (int id = 1; id < members.length; id++) {
                zxids.add(srvrField(members[id].fourLetterWord("srvr"), "Zxid: "));
            }
            if (zxids.get(0) != null && zxids.stream().allMatch(zxids.get(0)::equals)) {
                return Long.decode(zxids.get(0));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the members' Zxids did not meet within 20 s: " + zxids);
    }

    private static String srvrField(String srvr, String prefix) {
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }


    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), (int) done.get(20, TimeUnit.SECONDS), "sync " + path);
    }

    private Answer get(int adminPort, String command) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/commands/"
                + command)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException notJson) {
            json = null;
        }
        return new Answer(r.statusCode(), body, json);
    }

    private Observed zk() {
        return observed.get(Server.ZOOKEEPER);
    }

    private Observed ours() {
        return observed.get(Server.OURS);
    }

    // --- every command: status and shape

    static Stream<Arguments> commandsByRole() {
        return COMMANDS.stream().flatMap(c -> Stream.of(Arguments.of(c, "leader"), Arguments.of(c, "follower")));
    }

    /**
     * Each command on the leader and on the follower with a client: the same status, and the same fields in the same
     * order with the same JSON types as ZooKeeper's answer on the member of the same role. monitor, whose ZooKeeper
     * answer ends with its metrics provider's hundreds of figures, as in AdminServerDiffTest: every key both have has
     * one type, the keys ours adds are the known few, and the quorum's keys are where ZooKeeper has them.
     */
    @ParameterizedTest(name = "{0} on the {1}")
    @MethodSource("commandsByRole")
    void statusAndShape_areZooKeepers(String command, String role) {
        Answer z = zk().answer(zk().member(role), command);
        Answer o = ours().answer(ours().member(role), command);
        String both = "\n  zookeeper: " + z + "\n  ours:      " + o;
        assertEquals(z.status(), o.status(), command + " on the " + role + ": the status" + both);
        assertNotNull(z.json(), command + " on the " + role + ": ZooKeeper's answer is not JSON" + both);
        assertNotNull(o.json(), command + " on the " + role + ": ours is not JSON" + both);
        if (command.equals("monitor")) {
            List<String> failures = new ArrayList<>();
            compareMonitor(o.json(), z.json(), failures);
            assertTrue(failures.isEmpty(), "monitor on the " + role + ":\n" + String.join("\n", failures));
        } else {
            assertEquals(JsonShape.shape(z.json()), JsonShape.shape(o.json()), command + " on the " + role
                    + ": the shape" + both);
        }
    }

    /** monitor: every key both have has one type; the keys ours has that ZooKeeper's lacks are the known few. */
    /**
     * A leader's figures per learner ({@code <stat>_<sid>_ack_latency}, {@code ..._learner_handler_qp_size}) are
     * keyed by the followers' ids, which differ when the two ensembles elected different members: compared with
     * the id taken out. ZooKeeper's leader times a follower's ack only for proposals whose zxid is a multiple of
     * {@code zookeeper.leader.ackLoggingFrequency} (1000), ours every append's (README, Metrics), so ours may have
     * ack_latency where ZooKeeper's, after a short history, has none yet.
     */
    private static final java.util.regex.Pattern PER_LEARNER =
            java.util.regex.Pattern.compile("^([a-z0-9]+)_\\d+_(ack_latency|learner_handler_qp_size)$");

    private static JsonNode withoutLearnerIds(JsonNode monitor) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        monitor.fields().forEachRemaining(f -> {
            java.util.regex.Matcher m = PER_LEARNER.matcher(f.getKey());
            out.set(m.matches() ? m.group(1) + "_<sid>_" + m.group(2) : f.getKey(), f.getValue());
        });
        return out;
    }

    private static void compareMonitor(JsonNode oursWithIds, JsonNode zkWithIds, List<String> failures) {
        JsonNode ours = withoutLearnerIds(oursWithIds);
        JsonNode zk = withoutLearnerIds(zkWithIds);
        Set<String> extra = JsonShape.extraFields(ours, zk, failures::add);
        extra.removeIf(k -> k.endsWith("_<sid>_ack_latency"));
        Set<String> expected = new TreeSet<>(OUR_EXTRA_MONITOR_KEYS);
        if (ours.has("learners")) {
            // the leader's older zk_followers, which tools written for ZooKeeper before 3.5 read; 3.9.5 no longer
            // prints it, ours does (README, Ensemble)
            expected.add("followers");
        }
        if (!extra.equals(expected)) {
            failures.add("keys ZooKeeper lacks " + extra + ", expected " + expected);
        }
        for (String k : QUORUM_MONITOR_KEYS) {
            if (zk.has(k) != ours.has(k)) {
                failures.add(k + (zk.has(k) ? " is ZooKeeper's (" + zk.get(k) + ") but not ours"
                        : " is ours (" + ours.get(k) + ") but not ZooKeeper's"));
            }
        }
    }


    // --- values the ensemble fixes

    /**
     * leader: is_leader on the leader only, leader_id the leader's myid and leader_ip its host (127.0.0.1) on every
     * member; on both servers.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void leader_namesTheLeaderOnEveryMember(Server server) {
        Observed o = observed.get(server);
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            JsonNode j = o.answer(id, "leader").json();
            ObjectNode expected = JsonNodeFactory.instance.objectNode();
            expected.put("is_leader", id == o.leader);
            expected.put("leader_id", (long) o.leader);
            expected.put("leader_ip", "127.0.0.1");
            expected.put("command", "leader");
            expected.putNull("error");
            assertEquals(reparsed(expected), j, server + " member " + id + " (leader " + o.leader + ")");
        }
    }

    /** leader: ours and ZooKeeper's, member by role, are the same JSON once the leader's myid is taken out. */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void leader_isZooKeepers(String role) {
        JsonNode z = withoutLeaderId(zk().answer(zk().member(role), "leader").json());
        JsonNode o = withoutLeaderId(ours().answer(ours().member(role), "leader").json());
        assertEquals(z, o, "leader on the " + role + " (leader_id aside)");
    }

    static Stream<String> roles() {
        return Stream.of("leader", "follower");
    }

    private static JsonNode withoutLeaderId(JsonNode j) {
        ObjectNode copy = j.deepCopy();
        copy.put("leader_id", "<leader's myid>");
        return copy;
    }

    /**
     * voting_view: the three members, keyed by myid, each as its server.N line has it — ["127.0.0.1:quorumPort"],
     * ["127.0.0.1:electionPort"], "127.0.0.1:clientPort", "participant" — the same on every member; on both servers.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void votingView_listsTheThreeMembersAsTheirLinesSay(Server server) {
        Observed o = observed.get(server);
        ObjectNode expected = JsonNodeFactory.instance.objectNode();
        ObjectNode config = expected.putObject("current_config");
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            ObjectNode m = config.putObject(Integer.toString(id));
            m.putArray("server_addresses").add("127.0.0.1:" + o.quorumPorts[id]);
            m.putArray("election_addresses").add("127.0.0.1:" + o.electionPorts[id]);
            m.put("client_address", "127.0.0.1:" + o.clientPorts[id]);
            m.put("learner_type", "participant");
        }
        expected.put("command", "voting_view");
        expected.putNull("error");
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            assertEquals(reparsed(expected), o.answer(id, "voting_view").json(), server + " member " + id);
        }
    }

    /** voting_view: ours is ZooKeeper's once each server's ports are named by what they are. */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void votingView_isZooKeepers(String role) {
        assertEquals(portsNamed(zk(), zk().answer(zk().member(role), "voting_view").json()),
                portsNamed(ours(), ours().answer(ours().member(role), "voting_view").json()),
                "voting_view on the " + role);
    }

    /**
     * zabstate on every member, on both servers: myid, is_leader on the leader only, voting, "broadcast", last_zxid
     * "0x" and lower-case hex, the srvr Zxid every member had applied, and zab_epoch/zab_counter its halves.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void zabstate_saysWhatEachMemberIs(Server server) {
        Observed o = observed.get(server);
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            JsonNode j = o.answer(id, "zabstate").json();
            String where = server + " member " + id + " (leader " + o.leader + "): " + j;
            assertEquals(id, j.get("myid").asLong(-1), where);
            assertTrue(j.get("myid").isIntegralNumber(), where);
            assertEquals(id == o.leader, j.get("is_leader").asBoolean(), where);
            assertTrue(j.get("voting").asBoolean(false), where);
            assertEquals("broadcast", j.get("zabstate").asText(), where);
            assertEquals("0x" + Long.toHexString(o.zxid), j.get("last_zxid").asText(), where);
            assertEquals(o.zxid >>> 32, j.get("zab_epoch").asLong(-1), where);
            assertEquals(o.zxid & 0xffffffffL, j.get("zab_counter").asLong(-1), where);
        }
    }

    /**
     * zabstate: ours is ZooKeeper's, member by role, once each server's ports are named by what they are — the
     * addresses and the zxid the same history leads to. ZooKeeper's quorum_address and election_address are its
     * {@code MultipleAddresses} objects as Jackson writes a bean (every public getter, snake_case: empty,
     * all_addresses, wildcard_addresses, all_ports, all_host_strings, reachable_address, all_reachable_addresses,
     * all_reachable_addresses_or_all, reachable_or_one, one), its client_address an {@code InetSocketAddress}, which
     * Jackson writes as "host:port".
     */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void zabstate_isZooKeepers(String role) {
        assertEquals(epochNamed(ownPortsNamed(zk(), zk().member(role), zk().answer(zk().member(role), "zabstate")
                .json())), epochNamed(ownPortsNamed(ours(), ours().member(role), ours().answer(ours().member(role),
                "zabstate").json())), "zabstate on the " + role);
    }

    /**
     * The epoch counts elections: ZooKeeper's fresh ensemble is in epoch 1 after its first, ours in the Raft term
     * its leader won, which is 1 or more (a split vote takes another term). The counter is the history's.
     */
    private static JsonNode epochNamed(JsonNode zabstate) {
        ObjectNode z = (ObjectNode) zabstate.deepCopy();
        long zxid = Long.parseLong(z.get("last_zxid").asText().substring(2), 16);
        assertTrue(z.get("zab_epoch").asLong() >= 1 && zxid >>> 32 == z.get("zab_epoch").asLong(), z.toString());
        z.put("last_zxid", "0x<epoch>" + String.format("%08x", zxid & 0xffffffffL));
        z.put("zab_epoch", "<epoch>");
        return z;
    }

    /** The same history: the same zxid counter on both ensembles, in an epoch of 1 or more. */
    @org.junit.jupiter.api.Test
    void sameHistory_sameZxid() {
        assertEquals(Long.toHexString(zk().zxid & 0xffffffffL), Long.toHexString(ours().zxid & 0xffffffffL),
                "srvr Zxid's counter after the same history, ZooKeeper's vs ours");
        assertTrue(zk().zxid >>> 32 >= 1 && ours().zxid >>> 32 >= 1);
    }

    /** observers: none on any member (no observers in the ensemble), ZooKeeper's answer on both. */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void observers_none(String role) {
        JsonNode z = zk().answer(zk().member(role), "observers").json();
        JsonNode o = ours().answer(ours().member(role), "observers").json();
        assertEquals(z, o, "observers on the " + role);
        assertEquals(0, o.get("synced_observers").asInt(-1), o.toString());
        assertEquals(0, o.get("observers").size(), o.toString());
    }

    /**
     * server_stats and stats: read_only false, server_state the member's role, node_count what the history leaves,
     * last_processed_zxid what every member applied, ZooKeeper's values; and on the leader ZooKeeper's
     * proposal_stats's fields.
     */
    @ParameterizedTest(name = "{0} on the {1}")
    @MethodSource("statsByRole")
    void serverStats_valuesTheEnsembleFixes(String command, String role) {
        JsonNode z = zk().answer(zk().member(role), command).json();
        JsonNode o = ours().answer(ours().member(role), command).json();
        String where = command + " on the " + role + "\n  zookeeper: " + z + "\n  ours:      " + o;
        assertEquals(z.get("read_only"), o.get("read_only"), where);
        assertEquals(z.get("node_count"), o.get("node_count"), where);
        assertEquals(role, o.get("server_stats").get("server_state").asText(), where);
        assertEquals(z.get("server_stats").get("server_state"), o.get("server_stats").get("server_state"), where);
        assertEquals(zk().zxid, z.get("server_stats").get("last_processed_zxid").asLong(), where);
        assertEquals(ours().zxid, o.get("server_stats").get("last_processed_zxid").asLong(), where);
        assertEquals(z.get("server_stats").get("provider_null"), o.get("server_stats").get("provider_null"), where);
        assertEquals(fieldNames(z), fieldNames(o), where);
        if (z.has("proposal_stats")) {
            assertTrue(o.has("proposal_stats"), where);
            assertEquals(JsonShape.shape(z.get("proposal_stats")), JsonShape.shape(o.get("proposal_stats")),
                    where);
        }
    }

    static Stream<Arguments> statsByRole() {
        return Stream.of("server_stats", "stats").flatMap(c -> Stream.of(Arguments.of(c, "leader"),
                Arguments.of(c, "follower")));
    }

    /** monitor: the quorum's keys where ZooKeeper has them, with ZooKeeper's values where the ensemble fixes them. */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void monitor_quorumFigures(String role) {
        JsonNode z = zk().answer(zk().member(role), "monitor").json();
        JsonNode o = ours().answer(ours().member(role), "monitor").json();
        List<String> failures = new ArrayList<>();
        for (String k : QUORUM_MONITOR_KEYS) {
            if (PRESENCE_ONLY.contains(k)) {
                if (z.has(k) != o.has(k)) {
                    failures.add(k + ": ZooKeeper's " + z.get(k) + ", ours " + o.get(k));
                }
            } else if (!java.util.Objects.equals(z.get(k), o.get(k))) {
                failures.add(k + ": ZooKeeper's " + z.get(k) + ", ours " + o.get(k));
            }
        }
        for (String k : List.of("znode_count", "ephemerals_count", "watch_count", "global_sessions",
                "num_alive_connections")) {
            if (!java.util.Objects.equals(z.get(k), o.get(k))) {
                failures.add(k + ": ZooKeeper's " + z.get(k) + ", ours " + o.get(k));
            }
        }
        assertTrue(failures.isEmpty(), "monitor on the " + role + ":\n" + String.join("\n", failures));
    }

    /** configuration: the member's own client port and myid, its dataDir's version-2; ZooKeeper's values. */
    @ParameterizedTest(name = "on the {0}")
    @MethodSource("roles")
    void configuration_isTheMembersOwn(String role) {
        for (Observed s : List.of(zk(), ours())) {
            int id = s.member(role);
            JsonNode j = s.answer(id, "configuration").json();
            String where = s.server + " member " + id + ": " + j;
            assertEquals(s.clientPorts[id], j.get("client_port").asInt(), where);
            assertEquals(id, j.get("server_id").asLong(), where);
            assertEquals(root.resolve(s.server.toString()).resolve("member" + id).resolve("version-2").toString(),
                    j.get("data_dir").asText(), where);
        }
        JsonNode z = ownPortsNamed(zk(), zk().member(role), zk().answer(zk().member(role), "configuration").json());
        JsonNode o = ownPortsNamed(ours(), ours().member(role),
                ours().answer(ours().member(role), "configuration").json());
        ((ObjectNode) z).remove(List.of("data_dir", "data_log_dir"));
        ((ObjectNode) o).remove(List.of("data_dir", "data_log_dir"));
        assertEquals(z, o, "configuration on the " + role + " (the directories aside)");
    }

    /** is_read_only: false on every member of a serving ensemble, on both. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void isReadOnly_falseOnEveryMember(Server server) {
        Observed o = observed.get(server);
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            JsonNode j = o.answer(id, "is_read_only").json();
            assertEquals(zk().answer(zk().leader, "is_read_only").json(), j, server + " member " + id);
            assertEquals(false, j.get("read_only").asBoolean(true), server + " member " + id);
        }
    }

    /**
     * connections (and stats' brief list): the leader and the follower each have the one client connected to it,
     * with its session; the member without a client has none; on both.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void connections_eachMembersOwnClient(Server server) {
        Observed o = observed.get(server);
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            long session = id == o.leader ? o.leaderSession : id == o.follower ? o.followerSession : 0;
            for (String command : List.of("connections", "stats")) {
                JsonNode j = o.answer(id, command).json();
                String where = server + " member " + id + " " + command + ": " + j;
                ArrayNode list = (ArrayNode) j.get("connections");
                assertEquals(session == 0 ? 0 : 1, list.size(), where);
                assertEquals(0, j.get("secure_connections").size(), where);
                if (session != 0 && command.equals("connections")) {
                    assertEquals(session, list.get(0).get("session_id").asLong(), where);
                }
            }
        }
    }

    /** {@code j} as it would be parsed: numbers as the smallest node type that holds them, as readTree makes them. */
    private static JsonNode reparsed(JsonNode j) {
        try {
            return JSON.readTree(j.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Latencies are milliseconds a request took, no more than the ensemble has run; a connection's
     * last_response_time is on ZooKeeper's monotonic clock ({@code Time.currentElapsedTime()}), between the start
     * of the ensemble and the last answer; in connections, server_stats and monitor of the leader and the follower
     * with a client, on both servers.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    void latenciesAndResponseTimes_areMillisecondsOfThisRun(Server server) {
        Observed o = observed.get(server);
        long span = o.askedMs - o.startedMs;
        List<String> failures = new ArrayList<>();
        for (int id : List.of(o.leader, o.follower)) {
            String member = server + " member " + id + (id == o.leader ? " (leader)" : " (follower)");
            JsonNode con = o.answer(id, "connections").json().get("connections").get(0);
            for (String f : List.of("last_latency", "min_latency", "avg_latency", "max_latency")) {
                within(failures, member + " connections " + f, con.get(f), 0, span);
            }
            within(failures, member + " connections last_response_time (monotonic ms; the run: " + o.startedMs
                    + ".." + o.askedMs + ")", con.get("last_response_time"), o.startedMs, o.askedMs);
            JsonNode stats = o.answer(id, "server_stats").json().get("server_stats");
            JsonNode mntr = o.answer(id, "monitor").json();
            for (String f : List.of("min_latency", "avg_latency", "max_latency")) {
                within(failures, member + " server_stats " + f, stats.get(f), 0, span);
                within(failures, member + " monitor " + f, mntr.get(f), 0, span);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void within(List<String> failures, String what, JsonNode value, long low, long high) {
        if (value == null || !value.isNumber() || value.asDouble() < low || value.asDouble() > high) {
            failures.add(what + " = " + value + ", not within " + low + ".." + high);
        }
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    /**
     * {@code j} with each of {@code o}'s ports, in strings ("host:port") and in numbers, replaced by what it is —
     * {@code <client port 1>}, {@code <quorum port 3>}, ... — so that two ensembles' answers can be compared.
     */
    private static JsonNode portsNamed(Observed o, JsonNode j) {
        Map<Integer, String> names = new TreeMap<>();
        for (int id = 1; id <= EnsembleUnderTest.SIZE; id++) {
            names.put(o.clientPorts[id], "<client port " + id + ">");
            names.put(o.quorumPorts[id], "<quorum port " + id + ">");
            names.put(o.electionPorts[id], "<election port " + id + ">");
            names.put(o.adminPorts[id], "<admin port " + id + ">");
        }
        return rename(j, names);
    }

    /**
     * As {@link #portsNamed(Observed, JsonNode)} for the answer of member {@code id}, whose own ports are named
     * {@code <own client port>} and so on, and whose myid in {@code myid} or {@code server_id} is {@code <own
     * myid>}: so that the answers of the two ensembles' leaders (or followers) compare, whatever their myids.
     */
    private static JsonNode ownPortsNamed(Observed o, int id, JsonNode j) {
        Map<Integer, String> names = new TreeMap<>();
        names.put(o.clientPorts[id], "<own client port>");
        names.put(o.quorumPorts[id], "<own quorum port>");
        names.put(o.electionPorts[id], "<own election port>");
        names.put(o.adminPorts[id], "<own admin port>");
        ObjectNode renamed = (ObjectNode) rename(j, names);
        for (String f : List.of("myid", "server_id")) {
            if (renamed.has(f) && renamed.get(f).asLong() == id) {
                renamed.put(f, "<own myid>");
            }
        }
        return renamed;
    }

    private static JsonNode rename(JsonNode j, Map<Integer, String> names) {
        if (j.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            j.fields().forEachRemaining(e -> copy.set(e.getKey(), rename(e.getValue(), names)));
            return copy;
        }
        if (j.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            j.forEach(e -> copy.add(rename(e, names)));
            return copy;
        }
        if (j.isIntegralNumber() && names.containsKey(j.asInt()) && j.asLong() == j.asInt()) {
            return JsonNodeFactory.instance.textNode(names.get(j.asInt()));
        }
        if (j.isTextual()) {
            String s = j.asText();
            for (Map.Entry<Integer, String> e : names.entrySet()) {
                s = s.replaceAll(":" + e.getKey() + "\\b", ":" + e.getValue());
            }
            return JsonNodeFactory.instance.textNode(s);
        }
        return j;
    }
}
