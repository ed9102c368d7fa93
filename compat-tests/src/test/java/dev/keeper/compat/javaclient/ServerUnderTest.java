package dev.keeper.compat.javaclient;

import dev.keeper.compat.Servers;

/**
 * Which server the client and Curator suites run against: ours by default, or the real ZooKeeper 3.9.5 with
 * {@code -Dkeeper.compat.server=zookeeper}. {@code mvn verify} runs every class that starts its server here both
 * ways (see {@link OnBothServers}), so the tests are their own oracle: each expectation is shown to be
 * ZooKeeper's on every run, not only when someone thinks to check.
 */
public final class ServerUnderTest {
    public static final String PROPERTY = "keeper.compat.server";

    private ServerUnderTest() {
    }

    public static Servers.Handle start(Servers.Settings settings) {
        requireOnBothServers();
        return isZooKeeper() ? Servers.zookeeper(settings) : Servers.ours(settings);
    }

    /**
     * As {@link #start(Servers.Settings)}, with empty containers looked for every {@code containerCheckIntervalMs}
     * instead of every minute. ZooKeeper reads this from the system property {@code znode.container.checkIntervalMs}
     * when its container manager starts (curator-test's TestingZooKeeperMain does the same), so it is set around
     * the start only.
     */
    public static Servers.Handle startWithContainerCheck(Servers.Settings s, long containerCheckIntervalMs) {
        requireOnBothServers();
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

    /**
     * A class that starts its server here but lacks {@link OnBothServers} would run against ours only, its
     * expectations never checked against ZooKeeper: refused, naming the class.
     */
    private static void requireOnBothServers() {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c != ServerUnderTest.class).findFirst())
                .orElseThrow();
        if (!caller.isAnnotationPresent(OnBothServers.class)) {
            throw new IllegalStateException(caller.getName() + " starts its server through ServerUnderTest but is not"
                    + " @OnBothServers, so it would never run against ZooKeeper");
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
