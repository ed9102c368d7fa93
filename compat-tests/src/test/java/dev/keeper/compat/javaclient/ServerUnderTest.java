package dev.keeper.compat.javaclient;

import dev.keeper.compat.Servers;

/**
 * Which server the client and Curator suites run against: ours by default, or the real ZooKeeper 3.9.5 with
 * {@code -Dkeeper.compat.server=zookeeper}. The same tests then serve as their own oracle: a test that fails on
 * ours is first run unchanged against ZooKeeper to show the behaviour it expects is ZooKeeper's.
 */
public final class ServerUnderTest {
    public static final String PROPERTY = "keeper.compat.server";

    private ServerUnderTest() {
    }

    public static Servers.Handle start(Servers.Settings settings) {
        return isZooKeeper() ? Servers.zookeeper(settings) : Servers.ours(settings);
    }

    /**
     * As {@link #start(Servers.Settings)}, with empty containers looked for every {@code containerCheckIntervalMs}
     * instead of every minute. ZooKeeper reads this from the system property {@code znode.container.checkIntervalMs}
     * when its container manager starts (curator-test's TestingZooKeeperMain does the same), so it is set around
     * the start only.
     */
    public static Servers.Handle startWithContainerCheck(Servers.Settings s, long containerCheckIntervalMs) {
        if (!isZooKeeper()) {
            return Servers.ours(Servers.oursConfig(s).containerCheckIntervalMs(containerCheckIntervalMs));
        }
        String key = "znode.container.checkIntervalMs";
        String previous = System.setProperty(key, Long.toString(containerCheckIntervalMs));
        try {
            return Servers.zookeeper(s);
        } finally {
            if (previous == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, previous);
            }
        }
    }

    private static boolean isZooKeeper() {
        String which = System.getProperty(PROPERTY, "ours");
        return switch (which) {
            case "ours" -> false;
            case "zookeeper" -> true;
            default -> throw new IllegalArgumentException(PROPERTY + " must be ours or zookeeper, got " + which);
        };
    }
}
