package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.zookeeper.ZooKeeper;

/**
 * An ensemble of member processes ({@link MemberProcess}, ours or ZooKeeper 3.9.5's) whose peers reach each other
 * only through {@link Links}, so a test can partition them. Every member's zoo.cfg has the same
 * {@code server.j=mj:quorumPort:electionPort;127.0.0.1:clientPort} lines; member {@code i}'s JVM alone gets
 * {@code -Djdk.net.hosts.file} with its own hosts file, in which each name {@code mj} is the link {@code i -> j}.
 * Client ports are on 127.0.0.1 and never pass through a link: a member cut off from its peers keeps its clients
 * attached, and whether it goes on serving them is up to it.
 *
 * <p>Apart from the names, the hosts files and a longer maximum session timeout, a member is configured as
 * {@link EnsembleUnderTest} configures one (the same tick, limits and four-letter words), so what the partition
 * tests see compares with the other ensemble tests.
 */
final class PartitionedMembers implements AutoCloseable {
    /**
     * Longer than {@link EnsembleUnderTest}'s: a client may ask for a session that outlives a member frozen for the
     * whole of an election and the writes after it (the stock client gives up on a silent server after two thirds
     * of its session timeout).
     */
    static final int MAX_SESSION_TIMEOUT_MS = 60_000;
    private static final Pattern ZXID = Pattern.compile("Zxid: 0x([0-9a-f]+)");
    private static final Pattern OUTSTANDING = Pattern.compile("Outstanding: (\\d+)");

    private final EnsembleUnderTest.Server server;
    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final MemberProcess[] members;
    private final Links links;

    private PartitionedMembers(EnsembleUnderTest.Server server, Path dir, int size, int[][] peerPorts)
            throws IOException {
        this.server = server;
        this.dir = dir;
        this.size = size;
        this.clientPorts = new int[size + 1];
        this.members = new MemberProcess[size + 1];
        this.links = new Links(size, peerPorts);
    }

    /**
     * Writes {@code size} members' zoo.cfg, myid and hosts file under {@code dir}, opens their links and starts
     * the processes; returns at once.
     */
    static PartitionedMembers launch(EnsembleUnderTest.Server server, Path dir, int size) throws IOException {
        int[][] peerPorts = new int[size + 1][];
        PartitionedMembers m = null;
        // A port found free on 127.0.0.1 may be taken by another test's process before the links bind it on
        // their own loopback addresses (seen once in CI): new ports, at most three times.
        for (int attempt = 1; m == null; attempt++) {
            for (int id = 1; id <= size; id++) {
                peerPorts[id] = new int[] {EnsembleUnderTest.freePort(), EnsembleUnderTest.freePort()};
            }
            try {
                m = new PartitionedMembers(server, dir, size, peerPorts);
            } catch (java.net.BindException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        try {
            m.configure(peerPorts);
            for (int id = 1; id <= size; id++) {
                m.start(id);
            }
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void configure(int[][] peerPorts) throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = EnsembleUnderTest.freePort();
            servers.append("server.").append(id).append('=').append(Links.host(id)).append(':')
                    .append(peerPorts[id][0]).append(':').append(peerPorts[id][1]).append(":participant;127.0.0.1:")
                    .append(clientPorts[id]).append('\n');
        }
        Files.createDirectories(dir);
        for (int id = 1; id <= size; id++) {
            Path data = dir.resolve("member" + id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), id + "\n");
            Files.writeString(dir.resolve("member" + id + ".hosts"), links.hostsFile(id));
            Files.writeString(dir.resolve("member" + id + ".cfg"), "tickTime=" + EnsembleUnderTest.TICK_MS
                    + "\ninitLimit=10\nsyncLimit=5\ndataDir=" + data + "\nmaxSessionTimeout=" + MAX_SESSION_TIMEOUT_MS
                    + "\n4lw.commands.whitelist=*\n"
                    + "admin.enableServer=false\n" + servers);
        }
    }

    private void start(int id) throws IOException {
        members[id] = MemberProcess.start(server.mainClass(), dir.resolve("member" + id + ".cfg"),
                dir.resolve("member" + id + ".log"), clientPorts[id],
                List.of("-Djdk.net.hosts.file=" + dir.resolve("member" + id + ".hosts")));
    }

    /** Member {@code id} freezes (SIGSTOP), its sockets and clients' connections open. */
    void pause(int id) throws IOException, InterruptedException {
        members[id].pause();
    }

    /** Member {@code id} goes on (SIGCONT). */
    void resume(int id) throws IOException, InterruptedException {
        members[id].resume();
    }

    EnsembleUnderTest.Server server() {
        return server;
    }

    Links links() {
        return links;
    }

    List<Integer> ids() {
        return IntStream.rangeClosed(1, size).boxed().toList();
    }

    /** The others: every member but those given. */
    List<Integer> except(Collection<Integer> these) {
        return ids().stream().filter(id -> !these.contains(id)).toList();
    }

    int clientPort(int id) {
        return clientPorts[id];
    }

    String connectString(Collection<Integer> ids) {
        return ids.stream().map(id -> "127.0.0.1:" + clientPorts[id]).collect(Collectors.joining(","));
    }

    String connectString(int id) {
        return connectString(List.of(id));
    }

    /** What {@code srvr} says after "Mode: ", or null (not serving, not answering). */
    String mode(int id) {
        return members[id].mode();
    }

    /** True when {@code srvr} answers that the member is not serving: up, but without a quorum. */
    boolean refusesToServe(int id) {
        String srvr = members[id].fourLetterWord("srvr");
        return srvr != null && srvr.contains("not currently serving requests");
    }

    /** The last zxid {@code srvr} reports, or -1 when it reports none. */
    long zxid(int id) {
        String srvr = members[id].fourLetterWord("srvr");
        Matcher m = srvr == null ? null : ZXID.matcher(srvr);
        return m != null && m.find() ? Long.parseLong(m.group(1), 16) : -1;
    }

    /** The requests member {@code id} has taken in and not yet answered, as {@code srvr} reports them, or -1. */
    int outstanding(int id) {
        String srvr = members[id].fourLetterWord("srvr");
        Matcher m = srvr == null ? null : OUTSTANDING.matcher(srvr);
        return m != null && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Waits until every member in {@code among} serves, one of them as leader and the rest as followers; returns the
     * leader's id. Fails after {@code limit} with every member's mode and log.
     */
    int awaitLeader(Collection<Integer> among, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            int leader = -1;
            int followers = 0;
            for (int id : among) {
                String mode = mode(id);
                if ("leader".equals(mode)) {
                    leader = leader < 0 ? id : -2;
                } else if ("follower".equals(mode)) {
                    followers++;
                }
            }
            if (leader > 0 && followers == among.size() - 1) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no single leader among " + among + " within " + limit + ": " + modes() + "\n"
                + logs());
    }

    /**
     * Waits (at most {@code limit}) until the members {@code ids} hold the same tree — every path, its data and every
     * {@code Stat} field, each dumped by a client of that member alone after a {@code sync} — and report the same
     * last zxid; returns the tree. Fails with the first difference if they do not settle.
     */
    Map<String, String> awaitAgreement(Collection<Integer> ids, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<Map<String, String>> trees = new ArrayList<>();
            for (int id : ids) {
                try (ZooKeeper zk = AttachedClient.connect(connectString(id), 30_000)) {
                    trees.add(TreeDump.of(zk));
                }
            }
            List<Long> zxids = ids.stream().map(this::zxid).toList();
            if (trees.stream().distinct().count() == 1 && zxids.stream().distinct().count() == 1) {
                return trees.get(0);
            }
            if (System.nanoTime() > deadline) {
                List<Integer> order = new ArrayList<>(ids);
                for (int i = 1; i < trees.size(); i++) {
                    assertEquals(trees.get(0), trees.get(i), "member " + order.get(i) + " holds the tree member "
                            + order.get(0) + " holds");
                }
                assertEquals(1, zxids.stream().distinct().count(), "the last zxids of " + ids + ": " + zxids);
            }
            Thread.sleep(300);
        }
    }

    /** Every member's mode, for messages: "1:leader 2:follower 3:null ...". */
    String modes() {
        return ids().stream().map(id -> id + ":" + mode(id)).collect(Collectors.joining(" "));
    }

    /** The members' recent output, for failure messages. */
    String logs() {
        return MemberProcess.logs(members);
    }

    /** Kills every member (SIGKILL), then closes the links. */
    @Override
    public void close() {
        MemberProcess.killAll(members);
        links.close();
    }
}
