package dev.keeper.server.admin;

/**
 * The version this server reports. Clients read it to decide which features they may use (Kazoo parses
 * {@code zookeeper.version=} out of envi), so it leads with the ZooKeeper release whose protocol we speak.
 */
public final class Version {
    public static final String ZOOKEEPER = "3.9.5";
    public static final String KEEPER = "0.1.0";

    private Version() {
    }

    /** {@code Version.getFullVersion()}'s shape: "3.9.5-&lt;build&gt;, built on &lt;date&gt;". */
    public static String full() {
        return ZOOKEEPER + "-keeper-" + KEEPER + ", built on 2026-11-25 00:00 UTC";
    }
}
