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
        String which = System.getProperty(PROPERTY, "ours");
        return switch (which) {
            case "ours" -> Servers.ours(settings);
            case "zookeeper" -> Servers.zookeeper(settings);
            default -> throw new IllegalArgumentException(PROPERTY + " must be ours or zookeeper, got " + which);
        };
    }
}
