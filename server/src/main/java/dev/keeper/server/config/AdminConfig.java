package dev.keeper.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The AdminServer's settings: ZooKeeper's {@code zookeeper.admin.*} properties, which zoo.cfg's {@code admin.*} keys
 * become ({@code JettyAdminServer}'s constructor and {@code Commands}).
 *
 * @param enabled          {@code admin.enableServer}: true unless it says false
 * @param address          {@code admin.serverAddress}, 0.0.0.0 by default
 * @param port             {@code admin.serverPort}, 8080 by default; 0 picks a free one (tests)
 * @param commandUrl       {@code admin.commandURL}, "/commands" by default
 * @param idleTimeoutMs    {@code admin.idleTimeout}: a connection idle this long is closed (30 s)
 * @param portUnification  {@code admin.portUnification}: HTTP and HTTPS on the one port
 * @param forceHttps       {@code admin.forceHttps}: HTTPS only
 * @param needClientAuth   {@code admin.needClientAuth}: an HTTPS client must present a certificate (which the x509
 *                         scheme of the snapshot and restore commands then reads)
 * @param tls              HTTPS's key and trust stores, from the quorum's {@code ssl.quorum.*} settings as ZooKeeper
 *                         reads them for this server; null without HTTPS
 * @param snapshotEnabled  {@code zookeeper.admin.snapshot.enabled}
 * @param restoreEnabled   {@code zookeeper.admin.restore.enabled}
 * @param rateLimitMs      {@code zookeeper.admin.rateLimiterIntervalInMS}: one snapshot, and one restore, per interval
 */
public record AdminConfig(
        boolean enabled,
        String address,
        int port,
        String commandUrl,
        int idleTimeoutMs,
        boolean portUnification,
        boolean forceHttps,
        boolean needClientAuth,
        TlsConfig tls,
        boolean snapshotEnabled,
        boolean restoreEnabled,
        long rateLimitMs) {

    public static final AdminConfig DISABLED = new AdminConfig(false, "0.0.0.0", 8080, "/commands", 30_000, false,
            false, false, null, true, true, 300_000);

    private static final String P = "zookeeper.admin.";

    /**
     * Reads the settings; {@code setting} answers a {@code zookeeper.*} property name (zoo.cfg's value, else the system
     * property's). {@code base} resolves relative store paths.
     */
    static AdminConfig read(Function<String, String> setting, Path base) {
        boolean enabled = !"false".equals(setting.apply(P + "enableServer"));
        boolean unified = Boolean.parseBoolean(setting.apply(P + "portUnification"));
        boolean force = Boolean.parseBoolean(setting.apply(P + "forceHttps"));
        int port = intOf(setting, P + "serverPort", 8080);
        TlsConfig tls = null;
        if (enabled && (unified || force)) {
            // JettyAdminServer loads its stores through QuorumX509Util: the ssl.quorum.* names
            Function<String, String> quorum = name -> name.startsWith(TlsConfig.PREFIX)
                    ? setting.apply(TlsConfig.PREFIX + "quorum." + name.substring(TlsConfig.PREFIX.length()))
                    : null;
            TlsConfig read = TlsConfig.read(quorum, port, null, base);
            // Jetty asks for a client certificate only with needClientAuth (setNeedClientAuth), whatever
            // ssl.quorum.clientAuth says
            boolean need = Boolean.parseBoolean(setting.apply(P + "needClientAuth"));
            // Nor does it read ssl.quorum.protocol, enabledProtocols, ciphersuites or sslProvider: Jetty's JDK
            // engine with its defaults, TLSv1.3 and TLSv1.2
            tls = new TlsConfig(port, null, unified, read.certReload(), read.keyStore(), read.trustStore(),
                    need ? TlsConfig.ClientAuth.NEED : TlsConfig.ClientAuth.NONE, List.of("TLSv1.3", "TLSv1.2"),
                    null, false, "JDK", read.authProvider(), read.revocation());
        }
        return new AdminConfig(enabled, orDefault(setting.apply(P + "serverAddress"), "0.0.0.0"), port,
                orDefault(setting.apply(P + "commandURL"), "/commands"), intOf(setting, P + "idleTimeout", 30_000),
                unified, force, Boolean.parseBoolean(setting.apply(P + "needClientAuth")), tls,
                !"false".equalsIgnoreCase(setting.apply(P + "snapshot.enabled")),
                !"false".equalsIgnoreCase(setting.apply(P + "restore.enabled")),
                intOf(setting, P + "rateLimiterIntervalInMS", 300_000));
    }

    private static int intOf(Function<String, String> setting, String name, int dflt) {
        String v = setting.apply(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name.substring("zookeeper.".length()) + " must be a number, got '"
                    + v + "'");
        }
    }

    private static String orDefault(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
