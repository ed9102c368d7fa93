package dev.keeper.compat.diff;

import static org.junit.jupiter.api.Assertions.fail;

import dev.keeper.compat.Servers;
import org.apache.zookeeper.common.Time;
import org.junit.jupiter.api.TestInfo;

/**
 * The real ZooKeeper 3.9.5 and our server, started with the same {@link Servers.Settings}, and the one check of
 * this suite: a scenario played against each must leave equal {@link Transcript}s. The session ids the
 * transcripts name S1, S2... are also checked for their real values: each server's against the rules
 * ZooKeeper's code fixes for them ({@link CreatedSessions}), given the window in which that server was started.
 *
 * <p>A pair of servers can be shared by the scenarios of a test class, each under its own path prefix (zxids
 * count from the prefix's creation, so earlier scenarios do not leak in); scenarios whose observations would see
 * their neighbours (the root's Stat, global counts, session order) use {@link #fresh}.
 */
final class Differential implements AutoCloseable {
    /** What both servers are started with. */
    record Config(Servers.Settings settings, long containerCheckIntervalMs, boolean extendedTypes) {
        static Config defaults() {
            return new Config(Servers.Settings.defaults(), 60_000, false);
        }

        Config withSettings(Servers.Settings s) {
            return new Config(s, containerCheckIntervalMs, extendedTypes);
        }

        Config withContainerCheckIntervalMs(long ms) {
            return new Config(settings, ms, extendedTypes);
        }

        Config withExtendedTypes() {
            return new Config(settings, containerCheckIntervalMs, true);
        }
    }

    private static final String CONTAINER_INTERVAL = "znode.container.checkIntervalMs";
    private static final String EXTENDED_TYPES = "zookeeper.extendedTypesEnabled";

    private final Config config;
    private final Servers.Handle zookeeper;
    private final CreatedSessions.StartWindow zookeeperStarted;
    private final Servers.Handle ours;
    private final CreatedSessions.StartWindow oursStarted;

    private Differential(Config config) {
        this.config = config;
        long before = Time.currentElapsedTime();
        this.zookeeper = startZooKeeper(config);
        this.zookeeperStarted = new CreatedSessions.StartWindow(before, Time.currentElapsedTime());
        Servers.Handle o;
        try {
            before = Time.currentElapsedTime();
            o = startOurs(config);
        } catch (RuntimeException e) {
            zookeeper.close();
            throw e;
        }
        this.ours = o;
        this.oursStarted = new CreatedSessions.StartWindow(before, Time.currentElapsedTime());
    }

    static Differential start(Config config) {
        return new Differential(config);
    }

    static Differential start() {
        return start(Config.defaults());
    }

    /** Plays {@code scenario} on a pair of servers started for it alone. */
    static void fresh(Config config, TestInfo info, Scenario scenario) {
        try (Differential d = start(config)) {
            d.check(info, scenario);
        }
    }

    /**
     * ZooKeeper reads its container interval (when its ContainerManager starts) and whether TTL nodes are
     * allowed (on every create) from system properties; both are set while it starts, and the second stays set
     * until {@link #close}.
     */
    private static Servers.Handle startZooKeeper(Config c) {
        String previous = System.getProperty(CONTAINER_INTERVAL);
        System.setProperty(CONTAINER_INTERVAL, Long.toString(c.containerCheckIntervalMs()));
        if (c.extendedTypes()) {
            System.setProperty(EXTENDED_TYPES, "true");
        }
        try {
            return Servers.zookeeper(c.settings());
        } finally {
            if (previous == null) {
                System.clearProperty(CONTAINER_INTERVAL);
            } else {
                System.setProperty(CONTAINER_INTERVAL, previous);
            }
        }
    }

    /**
     * Ours through {@link Servers#ours(Servers.Settings)}, the harness every compatibility test shares; only a
     * container interval or TTL nodes need the builder, with the same settings plus those two.
     */
    private static Servers.Handle startOurs(Config c) {
        Servers.Settings s = c.settings();
        if (c.containerCheckIntervalMs() == Config.defaults().containerCheckIntervalMs() && !c.extendedTypes()) {
            return Servers.ours(s);
        }
        return Servers.ours(Servers.oursConfig(s)
                .containerCheckIntervalMs(c.containerCheckIntervalMs())
                .extendedTypesEnabled(c.extendedTypes()));
    }

    /** Plays the scenario against ZooKeeper, then against ours, and fails with a diff if they differ. */
    void check(TestInfo info, Scenario scenario) {
        String name = info.getTestMethod().orElseThrow().getName();
        long t0 = System.nanoTime();
        Transcript expected = play(zookeeper, zookeeperStarted, name, scenario, true);
        long t1 = System.nanoTime();
        Transcript actual = play(ours, oursStarted, name, scenario, false);
        long t2 = System.nanoTime();
        // Surefire keeps a class's output in its -output.txt: the transcript a reader can check by eye.
        System.out.println("=== " + name + " (as ZooKeeper 3.9.5 showed it; played in " + (t1 - t0) / 1_000_000
                + " ms there, " + (t2 - t1) / 1_000_000 + " ms on ours)\n" + expected);
        if (!expected.equals(actual)) {
            fail(name + ": our server differs from ZooKeeper 3.9.5 (- zookeeper, + ours):\n"
                    + Transcript.diff(expected, actual));
        }
    }

    private static Transcript play(Servers.Handle server, CreatedSessions.StartWindow started, String name,
            Scenario scenario, boolean oracle) {
        Env env = new Env(server, started, name);
        Throwable aborted = null;
        try {
            scenario.play(env);
        } catch (Throwable t) {
            if (oracle) {
                env.finish(t);
                // A scenario that cannot even run against ZooKeeper is a broken scenario, not a finding.
                throw new AssertionError(name + " failed against ZooKeeper itself", t);
            }
            aborted = t;
        }
        Transcript transcript = env.finish(aborted);
        if (oracle && !env.sessionViolations().isEmpty()) {
            // The rules come from ZooKeeper's code; if its own sessions break them, the harness is wrong.
            throw new AssertionError(name + ": ZooKeeper's own session ids break the harness's rules:\n"
                    + String.join("\n", env.sessionViolations()));
        }
        return transcript;
    }

    Servers.Handle zookeeper() {
        return zookeeper;
    }

    Servers.Handle ours() {
        return ours;
    }

    @Override
    public void close() {
        try {
            ours.close();
        } finally {
            zookeeper.close();
            if (config.extendedTypes()) {
                System.clearProperty(EXTENDED_TYPES);
            }
        }
    }
}
