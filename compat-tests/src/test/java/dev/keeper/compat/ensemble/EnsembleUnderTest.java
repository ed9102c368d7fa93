package dev.keeper.compat.ensemble;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The members (three unless asked otherwise) of one server — ours or the real ZooKeeper 3.9.5 — each a process of
 * its own on 127.0.0.1,
 * started from the same kind of zoo.cfg ({@code server.N} lines with the client port, {@code myid} in the data
 * directory), so that one scenario runs unchanged against both ensembles and their behaviour can be compared.
 *
 * <p>Processes rather than members in this JVM (our {@link Members}, curator-test's {@code TestingCluster}), so that
 * killing the leader is what it is in production — SIGKILL, after which nothing of the member runs and its sockets
 * are closed by the kernel — the same for both servers, never depending on either server's own shutdown path
 * ({@code TestingCluster}'s kill closes ZooKeeper's client port by reflection and calls {@code QuorumPeer.shutdown},
 * which does not wait for the peer's threads), and so that three ZooKeeper peers share no JVM-wide state (its
 * static metrics, MBean registry and system properties) with each other, with our members or with the clients.
 * A killed member is started again as a new process on its data directory and ports.
 */
public final class EnsembleUnderTest implements AutoCloseable {
    /** Which server the members run. */
    public enum Server {
        OURS("dev.keeper.server.Main"),
        ZOOKEEPER("org.apache.zookeeper.server.quorum.QuorumPeerMain");

        private final String mainClass;

        Server(String mainClass) {
            this.mainClass = mainClass;
        }

        /** The class whose main method takes the member's zoo.cfg. */
        String mainClass() {
            return mainClass;
        }

        @Override
        public String toString() {
            return this == OURS ? "ours" : "zookeeper";
        }
    }

    /** Both servers' tick: heartbeats every half tick, elections within a few. */
    public static final int TICK_MS = 200;
    /** Sessions may ask for up to 20 s (more than the 20 ticks both servers allow by default). */
    public static final int MAX_SESSION_TIMEOUT_MS = 20_000;
    /** How many members {@link #launch(Server, Path)} starts. */
    public static final int SIZE = 3;
    private static final long READY_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final Server server;
    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final MemberProcess[] members;
    private final int[] starts;
    private final String[] writtenConfigs;
    private final List<String> extraCfgLines;
    private final List<String> jvmOptions;

    private EnsembleUnderTest(Server server, Path dir, int size, List<String> extraCfgLines,
            List<String> jvmOptions) {
        this.server = server;
        this.dir = dir;
        this.size = size;
        this.extraCfgLines = List.copyOf(extraCfgLines);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.clientPorts = new int[size + 1];
        this.members = new MemberProcess[size + 1];
        this.starts = new int[size + 1];
        this.writtenConfigs = new String[size + 1];
    }

    /** Writes each member's zoo.cfg and myid under {@code dir} and starts the three processes; returns at once. */
    public static EnsembleUnderTest launch(Server server, Path dir) throws IOException {
        return launch(server, dir, SIZE);
    }

    /** As {@link #launch(Server, Path)}, with {@code size} members (five, to lose two and keep a quorum). */
    public static EnsembleUnderTest launch(Server server, Path dir, int size) throws IOException {
        return launch(server, dir, size, List.of(), List.of());
    }

    /**
     * As {@link #launch(Server, Path, int)}, with {@code extraCfgLines} appended to every member's zoo.cfg (such as
     * {@code reconfigEnabled=true}) and {@code jvmOptions} given to every member's process, on each of its starts
     * (such as {@code -Dzookeeper.DigestAuthenticationProvider.superDigest=super:...}).
     */
    public static EnsembleUnderTest launch(Server server, Path dir, int size, List<String> extraCfgLines,
            List<String> jvmOptions) throws IOException {
        EnsembleUnderTest e = new EnsembleUnderTest(server, dir, size, extraCfgLines, jvmOptions);
        try {
            e.configure();
            for (int id = 1; id <= size; id++) {
                e.start(id);
            }
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
        return e;
    }

    private void configure() throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = freePort();
            servers.append("server.").append(id).append("=127.0.0.1:").append(freePort()).append(':')
                    .append(freePort()).append(":participant;127.0.0.1:").append(clientPorts[id]).append('\n');
        }
        StringBuilder extra = new StringBuilder();
        for (String line : extraCfgLines) {
            extra.append(line).append('\n');
        }
        for (int id = 1; id <= size; id++) {
            Path data = dataDir(id);
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), id + "\n");
            // admin.enableServer: ZooKeeper's admin HTTP server would take port 8080 in every member
            writtenConfigs[id] = "tickTime=" + TICK_MS + "\ninitLimit=10\n"
                    + "syncLimit=5\ndataDir=" + data + "\nmaxSessionTimeout=" + MAX_SESSION_TIMEOUT_MS + "\n"
                    + "4lw.commands.whitelist=*\nadmin.enableServer=false\n" + extra + servers;
            Files.writeString(configFile(id), writtenConfigs[id]);
        }
    }

    /** The directory that holds the members' zoo.cfg files, data directories and logs. */
    public Path dir() {
        return dir;
    }

    /**
     * Member {@code id}'s zoo.cfg ({@code member<id>.cfg} in {@link #dir()}): each start of the member reads it, and
     * a member may rewrite it (after a reconfig both servers point it at a dynamic configuration file).
     */
    public Path configFile(int id) {
        return dir.resolve("member" + id + ".cfg");
    }

    /** Member {@code id}'s dataDir ({@code member<id>} in {@link #dir()}), with its myid. */
    public Path dataDir(int id) {
        return dir.resolve("member" + id);
    }

    /** The zoo.cfg text the harness wrote for member {@code id} before its first start, whatever it is now. */
    public String writtenConfig(int id) {
        return writtenConfigs[id];
    }

    /** The output file of member {@code id}'s latest start ({@code member<id>-<start>.log}), or null if never started. */
    public Path logFile(int id) {
        return starts[id] == 0 ? null : dir.resolve("member" + id + "-" + starts[id] + ".log");
    }

    /** A port free on 127.0.0.1 now (the partition harness takes its members' ports here too). */
    static int freePort() throws IOException {
        return dev.keeper.compat.support.LoopbackPorts.unused();
    }

    public Server server() {
        return server;
    }

    /** How many members the ensemble has; their myids are 1 to this. */
    public int size() {
        return size;
    }

    /** Which server, and the members' processes, for messages. */
    @Override
    public String toString() {
        return server + " ensemble " + IntStream.rangeClosed(1, size)
                .mapToObj(id -> id + "=" + (members[id] == null || !members[id].isAlive() ? "down" : "pid "
                        + members[id].pid() + " port " + clientPorts[id]))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** Every member, in myid order: what an application's connect string lists. */
    public String connectString() {
        return IntStream.rangeClosed(1, size).mapToObj(this::connectString).collect(Collectors.joining(","));
    }

    public String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    public int clientPort(int id) {
        return clientPorts[id];
    }

    /** The myid of the member serving clients on {@code port}, or -1. */
    public int memberOnPort(int port) {
        for (int id = 1; id <= size; id++) {
            if (clientPorts[id] == port) {
                return id;
            }
        }
        return -1;
    }

    /** The process id of member {@code id} (for clients written in other languages that kill members). */
    public long pid(int id) {
        return members[id].pid();
    }

    public boolean isRunning(int id) {
        return members[id] != null && members[id].isAlive();
    }

    /** Member {@code id}'s answer to a four-letter word, or null when it does not answer. */
    public String fourLetterWord(int id, String word) {
        return members[id] == null ? null : members[id].fourLetterWord(word);
    }

    /** What member {@code id}'s srvr says after "Mode: ", or null ({@link MemberProcess#mode}); null if stopped. */
    public String mode(int id) {
        return members[id] == null ? null : members[id].mode();
    }

    /** What member {@code id}'s srvr says after "Zxid: ", or null when it is not serving (or not running). */
    public String zxid(int id) {
        return members[id] == null ? null : members[id].srvr("Zxid: ");
    }

    /** Member {@code id} crashes: SIGKILL. */
    public void kill(int id) throws InterruptedException {
        members[id].kill();
    }

    /** Member {@code id} freezes (SIGSTOP), its sockets and its clients' connections open. */
    public void pause(int id) throws IOException, InterruptedException {
        members[id].pause();
    }

    /** Member {@code id} goes on (SIGCONT) after {@link #pause}. */
    public void resume(int id) throws IOException, InterruptedException {
        members[id].resume();
    }

    /** Starts member {@code id} again, as a new process on its data directory and ports; returns at once. */
    public void start(int id) throws IOException {
        if (isRunning(id)) {
            throw new IllegalStateException("member " + id + " is running");
        }
        starts[id]++;
        Path log = logFile(id);
        members[id] = MemberProcess.start(server.mainClass, configFile(id), log,
                clientPorts[id], jvmOptions);
    }

    /**
     * Starts every member that is down, then waits until all of them serve with one leader among them; returns the
     * leader's myid. What each test begins with on a shared ensemble.
     */
    public int awaitReady() throws IOException, InterruptedException {
        for (int id = 1; id <= size; id++) {
            if (!isRunning(id)) {
                start(id);
            }
        }
        return awaitLeader();
    }

    /**
     * Waits (at most 90 s) until every running member serves — srvr says leader or follower — and one of them is
     * the leader; returns its myid.
     */
    public int awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + READY_WITHIN_NANOS;
        List<String> modes = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            modes.clear();
            int leader = -1;
            int leaders = 0;
            boolean allServing = true;
            for (int id = 1; id <= size; id++) {
                if (!isRunning(id)) {
                    modes.add(id + ":down");
                    continue;
                }
                String mode = members[id].mode();
                modes.add(id + ":" + mode);
                if (mode == null) {
                    allServing = false;
                } else if (mode.equals("leader")) {
                    leader = id;
                    leaders++;
                }
            }
            if (allServing && leaders == 1) {
                return leader;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no single leader with every running member serving within 90 s: " + modes
                + "\n" + this + "\n" + logs());
    }

    /** The members' recent output, for failure messages. */
    public String logs() {
        return MemberProcess.logs(members);
    }

    /** Kills every member still running. The data directories are the caller's. */
    @Override
    public void close() {
        MemberProcess.killAll(members);
    }
}
