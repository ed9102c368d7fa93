package dev.keeper.compat.ensemble;

import dev.keeper.compat.Servers;
import dev.keeper.compat.support.FourLetterWord;
import dev.keeper.server.ZkServer;
import dev.keeper.server.config.Peer;
import dev.keeper.server.config.Quorum;
import dev.keeper.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ensemble of our servers in this JVM, on 127.0.0.1: member i has myid i, its own data directory and free
 * client and quorum ports. Each member can be stopped and started again on its directory.
 */
final class Members implements AutoCloseable {
    private final Path root;
    private final List<Peer> peers = new ArrayList<>();
    private final int[] clientPorts;
    private final ZkServer[] servers;
    private final int tickTime;
    private final int snapCount;
    private boolean readOnlyMode;
    private boolean reconfig;
    /** Members that are not in the others' zoo.cfg: they join by reconfig. */
    private final java.util.Set<Long> joiners = new java.util.HashSet<>();

    static {
        // Ratis ends the JVM when a member cannot start (its gRPC port taken, say): in a test run that would take
        // every later test with it. With this it throws instead, and only the test whose member failed fails.
        org.apache.ratis.util.ExitUtils.disableSystemExit();
    }

    Members(Path root, int size, int tickTime) throws IOException {
        this(root, size, tickTime, 100_000);
    }

    /** Members that snapshot every {@code snapCount} transactions. */
    Members(Path root, int size, int tickTime, int snapCount) throws IOException {
        this(root, size, 0, tickTime, snapCount);
    }

    /** {@code participants} voting members, then {@code observers} more that follow and never vote. */
    Members(Path root, int participants, int observers, int tickTime, int snapCount) throws IOException {
        int size = participants + observers;
        this.root = root;
        this.tickTime = tickTime;
        this.snapCount = snapCount;
        this.clientPorts = new int[size + 1];
        this.servers = new ZkServer[size + 1];
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = freePort();
            peers.add(new Peer(id, "127.0.0.1", freePort(), freePort(), id > participants, "127.0.0.1",
                    clientPorts[id]));
            Files.createDirectories(dir(id));
            Files.writeString(dir(id).resolve("myid"), id + "\n");
        }
    }

    private static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }

    Path dir(int id) {
        return root.resolve("member" + id);
    }

    ServerConfig config(int id) {
        return Servers.oursConfig(new Servers.Settings(tickTime, 2 * tickTime, 20 * tickTime, 60))
                .clientPort(clientPorts[id])
                .dataDir(dir(id))
                .quorum(new Quorum(id, joiners.contains((long) id) ? peers
                        : peers.stream().filter(p -> !joiners.contains(p.id())).toList()))
                .initLimit(10)
                .syncLimit(5)
                .snapCount(snapCount)
                // small log segments, so that a snapshot lets the log be purged (Ratis purges closed segments);
                // small snapshot chunks, so that a snapshot sent to a member that is behind takes several requests
                .raftProperties(java.util.Map.of("raft.server.log.segment.size.max", "64KB",
                        "raft.server.log.appender.snapshot.chunk.size.max", "8KB"))
                .readOnlyMode(readOnlyMode)
                .reconfigEnabled(reconfig)
                .superDigest(reconfig ? SUPER_DIGEST : null)
                // TTL nodes, and the reaper every tick (ZooKeeper's default is a minute)
                .extendedTypesEnabled(true)
                .containerCheckIntervalMs(tickTime)
                .build();
    }

    /** The super user's digest ("super:test") members started by {@link #withReconfig} accept. */
    static final String SUPER_DIGEST = superDigest();

    private static String superDigest() {
        try {
            return org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest("super:test");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Members started from now on take reconfig ({@code reconfigEnabled=true}) from the super user. */
    Members withReconfig() {
        reconfig = true;
        return this;
    }

    /**
     * Members {@code ids} are new: the others' zoo.cfg does not name them, their own names everyone. Start them with
     * {@link #start}, then add them by reconfig.
     */
    Members withJoiners(long... ids) {
        for (long id : ids) {
            joiners.add(id);
        }
        return this;
    }

    /** Starts every member but the joiners. */
    Members startFounders() throws IOException {
        for (int id = 1; id < servers.length; id++) {
            if (!joiners.contains((long) id)) {
                start(id);
            }
        }
        return this;
    }

    /** Member {@code id}'s line, as its zoo.cfg has it. */
    Peer peer(int id) {
        return peers.get(id - 1);
    }

    /** Members started from now on serve read-only clients while they have no quorum. */
    Members withReadOnlyMode() {
        readOnlyMode = true;
        return this;
    }

    Members startAll() throws IOException {
        for (int id = 1; id < servers.length; id++) {
            start(id);
        }
        return this;
    }

    void start(int id) throws IOException {
        servers[id] = ZkServer.start(config(id));
    }

    void stop(int id) {
        if (servers[id] != null) {
            servers[id].close();
            servers[id] = null;
        }
    }

    ZkServer server(int id) {
        return servers[id];
    }

    int size() {
        return servers.length - 1;
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    String connectString() {
        return peers.stream().map(p -> "127.0.0.1:" + clientPorts[(int) p.id()]).collect(Collectors.joining(","));
    }

    /** What member {@code id}'s srvr says after "Mode: ", or null when it is not serving (or not running). */
    String mode(int id) {
        return srvr(id, "Mode: ");
    }

    /** What member {@code id}'s srvr says after "Zxid: ", or null when it is not serving (or not running). */
    String zxid(int id) {
        return srvr(id, "Zxid: ");
    }

    private String srvr(int id, String field) {
        if (servers[id] == null) {
            return null;
        }
        try {
            String srvr = FourLetterWord.ask(clientPorts[id], "srvr");
            for (String line : srvr.split("\n")) {
                if (line.startsWith(field)) {
                    return line.substring(field.length()).trim();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The id of the member srvr calls leader, once every running member serves (at most 60 s); fails otherwise. */
    int awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            int leader = -1;
            boolean allServing = true;
            for (int id = 1; id < servers.length; id++) {
                if (servers[id] == null) {
                    continue;
                }
                String m = mode(id);
                if (m == null || m.equals("follower") && isObserver(id)) {
                    allServing = false;
                } else if (m.equals("leader")) {
                    leader = id;
                }
            }
            if (allServing && leader > 0) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within 60 s");
    }

    private boolean isObserver(int id) {
        return peers.get(id - 1).observer();
    }

    @Override
    public void close() {
        for (int id = 1; id < servers.length; id++) {
            stop(id);
        }
    }
}
