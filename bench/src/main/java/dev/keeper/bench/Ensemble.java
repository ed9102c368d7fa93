package dev.keeper.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three members of one server — ours or ZooKeeper 3.9.5 — each its own process on 127.0.0.1 (a
 * {@link ServerProcess}), from the same zoo.cfg shape ({@code server.N} lines with the client port, {@code myid} in
 * the data directory). A member can be killed (SIGKILL) and started again as a new process on its data directory
 * and ports. {@link #close()} stops every member by its PID and deletes their data directories (configs and logs
 * stay in the run's folder).
 */
final class Ensemble implements AutoCloseable {
    static final int SIZE = 3;
    /** ZooKeeper's sample zoo.cfg values, in ticks; the same for both servers. */
    static final int INIT_LIMIT = 10;
    static final int SYNC_LIMIT = 5;
    private static final long READY_TIMEOUT_MS = 120_000;
    private static final long POLL_MS = 20;

    private final ServerKind kind;
    private final ServerSetup setup;
    private final Path dir;
    private final ProcessGuard guard;
    private final int[] clientPorts = new int[SIZE + 1];
    private final String[] configs = new String[SIZE + 1];
    private final ServerProcess[] members = new ServerProcess[SIZE + 1];
    private final int[] starts = new int[SIZE + 1];

    private Ensemble(ServerKind kind, ServerSetup setup, Path dir, ProcessGuard guard) {
        this.kind = kind;
        this.setup = setup;
        this.dir = dir;
        this.guard = guard;
    }

    /** Starts three members on fresh data directories under {@code runDir} and waits until they serve. */
    static Ensemble start(ServerKind kind, ServerSetup setup, Path runDir, ProcessGuard guard)
            throws IOException, InterruptedException {
        Ensemble e = new Ensemble(kind, setup, Files.createTempDirectory(runDir, "ensemble-" + kind.label() + "-"),
                guard);
        try {
            e.configure();
            for (int id = 1; id <= SIZE; id++) {
                e.startMember(id);
            }
            e.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException ex) {
            e.close();
            throw ex;
        }
        return e;
    }

    private void configure() throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            clientPorts[id] = freePort();
            servers.append("server.").append(id).append("=127.0.0.1:").append(freePort()).append(':')
                    .append(freePort()).append(";127.0.0.1:").append(clientPorts[id]).append('\n');
        }
        for (int id = 1; id <= SIZE; id++) {
            Path data = Files.createDirectories(memberDir(id).resolve("data"));
            Files.writeString(data.resolve("myid"), id + "\n");
            configs[id] = setup.memberZooCfg(data, INIT_LIMIT, SYNC_LIMIT, servers.toString());
        }
    }

    private Path memberDir(int id) {
        return dir.resolve("member" + id);
    }

    ServerKind kind() {
        return kind;
    }

    /** Starts member {@code id} (again) on its data directory and ports; returns at once. */
    void startMember(int id) throws IOException {
        if (members[id] != null && members[id].alive()) {
            throw new IllegalStateException(kind.label() + " member " + id + " is running");
        }
        starts[id]++;
        members[id] = ServerProcess.startMember(kind, setup, memberDir(id), memberDir(id).resolve("data"),
                clientPorts[id], configs[id], memberDir(id).resolve("server-" + starts[id] + ".log"), guard);
    }

    /** Member {@code id} stops cleanly: SIGTERM, as {@code zkServer.sh stop} sends. */
    void stop(int id) {
        members[id].close();
    }

    /** Member {@code id} crashes: SIGKILL. */
    void kill(int id) throws InterruptedException {
        members[id].kill();
    }

    /**
     * Waits until every member serves — srvr says leader or follower — with exactly one leader; returns its id.
     */
    int awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        List<String> modes = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            modes.clear();
            int leader = -1;
            int leaders = 0;
            boolean serving = true;
            for (int id = 1; id <= SIZE; id++) {
                if (!members[id].alive()) {
                    throw new IOException(kind.label() + " member " + id + " exited:\n" + members[id].logTail(30));
                }
                String mode = members[id].srvrField("Mode");
                modes.add(id + ":" + mode);
                if (mode == null) {
                    serving = false;
                } else if (mode.equals("leader")) {
                    leader = id;
                    leaders++;
                }
            }
            if (serving && leaders == 1) {
                return leader;
            }
            Thread.sleep(POLL_MS);
        }
        throw new IOException(kind.label() + " ensemble not serving with one leader within " + READY_TIMEOUT_MS
                + " ms: " + modes);
    }

    /** The member srvr calls leader, or -1. */
    int leader() {
        for (int id = 1; id <= SIZE; id++) {
            if (members[id].alive() && "leader".equals(members[id].srvrField("Mode"))) {
                return id;
            }
        }
        return -1;
    }

    /**
     * The members in the order sessions are spread over them: the followers by id, then the leader. So a single
     * session goes through a follower (as two clients in three do) in both ensembles alike, and 32 sessions give
     * the leader 10 of them.
     */
    List<Integer> followersThenLeader(int leader) {
        List<Integer> order = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            if (id != leader) {
                order.add(id);
            }
        }
        order.add(leader);
        return order;
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    /** Member {@code id}'s last zxid as srvr reports it ("0x..."), or null. */
    String zxid(int id) {
        return members[id].srvrField("Zxid");
    }

    boolean allAlive() {
        for (int id = 1; id <= SIZE; id++) {
            if (members[id] == null || !members[id].alive()) {
                return false;
            }
        }
        return true;
    }

    /** The last lines of every member's current log, for error messages. */
    String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            if (members[id] != null) {
                sb.append("--- ").append(kind.label()).append(" member ").append(id)
                        .append(members[id].alive() ? "" : " (down)").append(":\n")
                        .append(members[id].logTail(lines)).append('\n');
            }
        }
        return sb.toString();
    }

    /** Stops every member (SIGTERM, then SIGKILL after the grace time) and deletes their data directories. */
    @Override
    public void close() {
        for (int id = 1; id <= SIZE; id++) {
            if (members[id] != null) {
                members[id].close();
            }
            ServerProcess.deleteTree(memberDir(id).resolve("data"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.label()).append(" ensemble [");
        for (int id = 1; id <= SIZE; id++) {
            sb.append(id == 1 ? "" : ", ").append(id).append('=').append(members[id] == null ? "-" : members[id]);
        }
        return sb.append(']').toString();
    }
}
