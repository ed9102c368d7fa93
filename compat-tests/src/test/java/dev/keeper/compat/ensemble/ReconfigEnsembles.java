package dev.keeper.compat.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keeper.compat.ops.Subprocess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * An ensemble launched for one reconfig scenario (EnsembleReconfigDiffTest, EnsembleReconfigClientsTest), ours or
 * ZooKeeper 3.9.5's, and what those scenarios read from it: which member leaves and which stay, the clients that
 * reconfigure (with the super user, as the ACL of {@code /zookeeper/config} requires), and the config they get.
 */
final class ReconfigEnsembles {
    /** The super user, given to every member through {@code zookeeper.DigestAuthenticationProvider.superDigest}. */
    static final String SUPER = "super:test";
    static final String CONFIG = ZooDefs.CONFIG_NODE;
    /** Long enough for the members' work on a loaded machine; no scenario waits for a session to expire. */
    static final int SESSION_MS = 20_000;

    private ReconfigEnsembles() {
    }

    /**
     * An ensemble launched for one scenario, in a directory of its own: killed, and its data removed, at close. A
     * scenario launches its own because a reconfig changes the ensemble for good.
     */
    static final class Launched implements AutoCloseable {
        final EnsembleUnderTest ensemble;
        private final Path dir;

        private Launched(EnsembleUnderTest ensemble, Path dir) {
            this.ensemble = ensemble;
            this.dir = dir;
        }

        /**
         * {@code size} members with the super user, in compat-tests/target/ensembles/&lt;test's simple
         * name&gt;/&lt;scenario&gt;-&lt;server&gt;, with {@code reconfigEnabled=true} in their zoo.cfg if asked.
         */
        static Launched start(Class<?> test, EnsembleUnderTest.Server server, String scenario, int size,
                boolean reconfigEnabled) throws Exception {
            Path dir = Subprocess.REPO.resolve("compat-tests/target/ensembles")
                    .resolve(test.getSimpleName()).resolve(scenario + "-" + server);
            Ensembles.deleteTree(dir, p -> true);
            Files.createDirectories(dir);
            List<String> cfg = reconfigEnabled ? List.of("reconfigEnabled=true") : List.of();
            List<String> jvm = List.of("-Dzookeeper.DigestAuthenticationProvider.superDigest="
                    + DigestAuthenticationProvider.generateDigest(SUPER));
            EnsembleUnderTest ensemble = EnsembleUnderTest.launch(server, dir, size, cfg, jvm);
            return new Launched(ensemble, dir);
        }

        /** Kills every member; keeps their logs (one per start) for a failure's post-mortem. */
        @Override
        public void close() {
            ensemble.close();
            Ensembles.deleteTree(dir, p -> !p.getFileName().toString().endsWith(".log"));
        }
    }

    /**
     * Which member leaves (the highest-numbered follower), and which stay: the leader first, then by myid. Never the
     * leader: ZooKeeper's removal of its leader hands the leadership over and restarts the other members' roles,
     * which drops their clients and may lose the reply to the reconfig itself.
     */
    static final class Roles {
        final int leader;
        final int leaving;
        final int[] kept;

        private Roles(int leader, int leaving, int[] kept) {
            this.leader = leader;
            this.leaving = leaving;
            this.kept = kept;
        }

        /** The connect string of the members that stay. */
        String keptConnectString(EnsembleUnderTest ensemble) {
            StringBuilder b = new StringBuilder();
            for (int id : kept) {
                b.append(b.length() == 0 ? "" : ",").append(ensemble.connectString(id));
            }
            return b.toString();
        }

        /** Waits for a steady leader, then picks the roles around it. */
        static Roles of(EnsembleUnderTest ensemble) throws Exception {
            int leader = awaitSteadyLeader(ensemble);
            int leaving = ensemble.size();
            while (leaving == leader) {
                leaving--;
            }
            List<Integer> kept = new ArrayList<>();
            kept.add(leader);
            for (int id = 1; id <= ensemble.size(); id++) {
                if (id != leader && id != leaving) {
                    kept.add(id);
                }
            }
            return new Roles(leader, leaving, kept.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /**
     * Waits until every member serves, and the same one has led for ten ticks (at most 90 s): ours may change its
     * leader once just after the processes started on a loaded machine.
     */
    static int awaitSteadyLeader(EnsembleUnderTest ensemble) throws InterruptedException {
        ensemble.awaitLeader();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long steady = TimeUnit.MILLISECONDS.toNanos(10L * EnsembleUnderTest.TICK_MS);
        int leader = -1;
        long since = System.nanoTime();
        while (leader < 0 || System.nanoTime() - since < steady) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no steady leader within 90 s on " + ensemble + "\n" + ensemble.logs());
            }
            int now = soleLeader(ensemble);
            if (now < 0 || now != leader) {
                leader = now;
                since = System.nanoTime();
            }
            Thread.sleep(50);
        }
        return leader;
    }

    /** The member whose srvr says leader while every other says follower; -1 otherwise. */
    static int soleLeader(EnsembleUnderTest ensemble) {
        int leader = -1;
        for (int id = 1; id <= ensemble.size(); id++) {
            String m = ensemble.mode(id);
            if (m == null) {
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

    // --- clients

    /** A ZooKeeperAdmin of {@code connectString}, connected (at most 20 s), with the super user if asked. */
    static ZooKeeperAdmin admin(String connectString, boolean superUser) throws Exception {
        return admin(connectString, superUser, new LinkedBlockingQueue<>());
    }

    /**
     * As {@link #admin(String, boolean)}, with its default watcher's events (the connection's) to {@code events}:
     * for a scenario that asserts its connection was never dropped.
     */
    static ZooKeeperAdmin admin(String connectString, boolean superUser, BlockingQueue<WatchedEvent> events)
            throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeperAdmin admin = new ZooKeeperAdmin(connectString, SESSION_MS, e -> {
            events.add(e);
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        });
        try {
            connected.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            admin.close();
            throw new AssertionError("admin not connected to " + connectString, e);
        }
        if (superUser) {
            admin.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
        }
        return admin;
    }

    /** A plain client of {@code connectString}, connected (at most 20 s). */
    static ZooKeeper client(String connectString) throws Exception {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_MS, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        });
        try {
            connected.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            zk.close();
            throw new AssertionError("not connected to " + connectString, e);
        }
        return zk;
    }

    /** The config {@code zk}'s member holds once it has caught up with the leader (a sync first). */
    static Config readConfig(ZooKeeper zk) throws Exception {
        sync(zk, CONFIG);
        Stat stat = new Stat();
        byte[] data = zk.getConfig(false, stat);
        return new Config(data, stat);
    }

    /** ZooKeeper's sync, waited for (at most 20 s): the member has caught up with the leader when it returns. */
    static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertEquals(KeeperException.Code.OK.intValue(), (int) done.get(20, TimeUnit.SECONDS), "sync " + path);
    }

    // --- waiting

    interface Check {
        boolean holds() throws Exception;
    }

    /** Computed only when the wait fails, so that it can read what the ensemble says then. */
    interface Message {
        String get() throws Exception;
    }

    /**
     * Polls {@code check} every {@code everyMs} for at most {@code ms}; fails with {@code message} otherwise. Both
     * are the caller's: each test class keeps its own bound and poll interval.
     */
    static void awaitTrue(Check check, Message message, EnsembleUnderTest ensemble, long ms, long everyMs)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + ms + " ms: " + message.get() + ", on " + ensemble);
            }
            Thread.sleep(everyMs);
        }
    }

    // --- text

    /** The lines of {@code text} that are not blank, trimmed. */
    static List<String> nonBlankLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    /** A config as getConfig and reconfig return it: {@code server.N=...} lines, then {@code version=<hex>}. */
    static final class Config {
        final byte[] data;
        final Stat stat;

        Config(byte[] data, Stat stat) {
            this.data = data;
            this.stat = stat;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        List<String> lines() {
            return nonBlankLines(text());
        }

        /** Each line's key up to and including its first '.' or '=': "server." or "version=". */
        List<String> lineKinds() {
            List<String> kinds = new ArrayList<>();
            for (String line : lines()) {
                int cut = line.startsWith("server.") ? "server.".length() : line.indexOf('=') + 1;
                kinds.add(line.substring(0, cut));
            }
            return kinds;
        }

        /** Each {@code server.N} line's value, by N. */
        Map<Integer, String> servers() {
            Map<Integer, String> servers = new TreeMap<>();
            for (String line : lines()) {
                if (line.startsWith("server.")) {
                    int eq = line.indexOf('=');
                    servers.put(Integer.parseInt(line.substring("server.".length(), eq)), line.substring(eq + 1));
                }
            }
            return servers;
        }

        /** The {@code version=} line's value, hexadecimal; fails when there is none. */
        long version() {
            for (String line : lines()) {
                if (line.startsWith("version=")) {
                    return Long.parseLong(line.substring("version=".length()), 16);
                }
            }
            throw new AssertionError("no version= line in the config:\n" + text());
        }
    }
}
