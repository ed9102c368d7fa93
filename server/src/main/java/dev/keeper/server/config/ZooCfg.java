package dev.keeper.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code zoo.cfg} (Java properties syntax, as ZooKeeper's {@code QuorumPeerConfig} does) and the system
 * properties ZooKeeper users set with -D, into a {@link ServerConfig}. Runs once at start.
 *
 * <p>ZooKeeper turns a zoo.cfg key it does not know into the system property {@code zookeeper.<key>}; that is
 * how {@code 4lw.commands.whitelist} and {@code snapCount} work from zoo.cfg, and we honour them the same way.
 * A key we do not use is logged once and otherwise ignored, never fatal.
 */
public final class ZooCfg {
    private static final Logger LOG = LoggerFactory.getLogger(ZooCfg.class);

    /** Keys ZooKeeper knows that this server accepts without acting on them. */
    private static final Set<String> IGNORED = Set.of("electionAlg", "peerType", "audit.enable", "clientPortListenBacklog", "localSessionsEnabled",
            "localSessionsUpgradingEnabled", "quorumListenOnAllIPs", "maxCnxns", "connectToLearnerMasterLimit",
            "jvm.pause.monitor", "multiAddress.enabled", "sslQuorum", "portUnification",
            "serverCnxnFactory", "syncEnabled", "zookeeper.serverCnxnFactory");

    /**
     * Prefixes of the keys ZooKeeper reads as {@code zookeeper.<key>} properties: TLS, authentication and the
     * AdminServer.
     */
    private static final List<String> SECURITY = List.of("ssl.", "client.portUnification", "client.certReload",
            "authProvider.", "X509AuthenticationProvider.", "fips-mode", "superUser", "sasl.", "kerberos.",
            "enforce.auth.", "sessionRequireClientSASLAuth", "SASLAuthenticationProvider.", "allowSaslFailedClients",
            "admin.");

    private ZooCfg() {
    }

    public static ServerConfig load(Path file) throws IOException {
        Properties p = new Properties();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try (Reader r = new java.io.StringReader(text)) {
            p.load(r);
        }
        Map<String, String> kv = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            kv.put(k.trim(), p.getProperty(k).trim());
        }
        // Like ZooKeeper, a relative dataDir is taken from the working directory, not from zoo.cfg's.
        return parse(kv, System.getProperties(), Path.of("").toAbsolutePath()).toBuilder()
                .configFile(file.toAbsolutePath()).initialConfig(text).build();
    }

    /** Builds the config from zoo.cfg entries and system properties; relative paths resolve against {@code base}. */
    public static ServerConfig parse(Map<String, String> cfg, Properties sys, Path base) {
        // ZooKeeperServer.DEFAULT_TICK_TIME: a zoo.cfg without tickTime gets 3000 ms (and so 6 s minimum sessions)
        ServerConfig.Builder b = ServerConfig.builder().clientPortAddress(null).clientPort(2181).tickTime(3000);
        // System properties first, then zoo.cfg, which wins (zoo.cfg keys become zookeeper.* properties in
        // ZooKeeper and so override -D settings too).
        String whitelist = sys.getProperty("zookeeper.4lw.commands.whitelist");
        b.juteMaxBuffer(intOf(sys.getProperty("jute.maxbuffer"), 0xfffff, "jute.maxbuffer"));
        b.extendedTypesEnabled(Boolean.parseBoolean(sys.getProperty("zookeeper.extendedTypesEnabled")));
        b.superDigest(sys.getProperty("zookeeper.DigestAuthenticationProvider.superDigest"));
        b.containerCheckIntervalMs(longOf(sys.getProperty("znode.container.checkIntervalMs"), 60_000,
                "znode.container.checkIntervalMs"));
        b.containerMaxPerMinute(intOf(sys.getProperty("znode.container.maxPerMinute"), 10_000,
                "znode.container.maxPerMinute"));
        b.snapCount(intOf(sys.getProperty("zookeeper.snapCount"), 100_000, "zookeeper.snapCount"));
        b.preAllocSize(longOf(sys.getProperty("zookeeper.preAllocSize"), 64L * 1024, "zookeeper.preAllocSize")
                * 1024);
        b.snapshotTrustEmpty(Boolean.parseBoolean(sys.getProperty("zookeeper.snapshot.trust.empty")));
        b.globalOutstandingLimit(intOf(sys.getProperty("zookeeper.globalOutstandingLimit"), 1000,
                "zookeeper.globalOutstandingLimit"));
        // ZooKeeper reads this one from the system property only (QuorumPeer); zoo.cfg may say it too, here.
        b.readOnlyMode(Boolean.parseBoolean(sys.getProperty("readonlymode.enabled")));
        b.enforceQuota(Boolean.parseBoolean(sys.getProperty("zookeeper.enforceQuota")));
        String forceSync = sys.getProperty("zookeeper.forceSync");
        if (forceSync != null) {
            b.forceSync(!"no".equals(forceSync));
        }
        b.fsyncWarningThresholdMs(longOf(sys.getProperty("zookeeper.fsync.warningthresholdms",
                sys.getProperty("fsync.warningthresholdms")), 1000, "fsync.warningthresholdms"));

        Set<String> unknown = new LinkedHashSet<>();
        Map<Long, String> servers = new TreeMap<>();
        Map<String, String> raft = new TreeMap<>();
        Map<String, String> metricsKeys = new TreeMap<>();
        Path dataDir = null;
        boolean standaloneEnabled = true;
        Path dynamic = null;
        Integer securePort = null;
        String secureAddress = null;
        boolean plainPort = false;
        // Keys ZooKeeper reads as zookeeper.<key> properties (ssl.*, client.*, authProvider.*): zoo.cfg's win.
        Map<String, String> zk = new TreeMap<>();
        for (Map.Entry<String, String> e : cfg.entrySet()) {
            String key = e.getKey();
            String v = e.getValue();
            switch (key) {
                case "tickTime" -> b.tickTime(intOf(v, 3000, key));
                case "clientPort" -> {
                    b.clientPort(intOf(v, 2181, key));
                    plainPort = true;
                }
                case "secureClientPort" -> securePort = intOf(v, -1, key);
                case "secureClientPortAddress" -> secureAddress = v;
                case "clientPortAddress" -> b.clientPortAddress(v);
                case "dataDir" -> {
                    dataDir = base.resolve(v);
                    b.dataDir(dataDir);
                }
                case "dataLogDir" -> b.dataLogDir(base.resolve(v));
                case "maxClientCnxns" -> b.maxClientCnxns(intOf(v, 60, key));
                case "minSessionTimeout" -> b.minSessionTimeout(intOf(v, -1, key));
                case "maxSessionTimeout" -> b.maxSessionTimeout(intOf(v, -1, key));
                case "4lw.commands.whitelist" -> whitelist = v;
                case "znode.container.checkIntervalMs" -> b.containerCheckIntervalMs(longOf(v, 60_000, key));
                case "znode.container.maxPerMinute" -> b.containerMaxPerMinute(intOf(v, 10_000, key));
                case "jute.maxbuffer" -> b.juteMaxBuffer(intOf(v, 0xfffff, key));
                case "extendedTypesEnabled" -> b.extendedTypesEnabled(Boolean.parseBoolean(v));
                case "forceSync" -> b.forceSync(!"no".equals(v));
                case "snapCount" -> b.snapCount(intOf(v, 100_000, key));
                case "preAllocSize" -> b.preAllocSize(longOf(v, 64L * 1024, key) * 1024);
                case "autopurge.snapRetainCount" -> b.snapRetainCount(Math.max(3, intOf(v, 3, key)));
                case "autopurge.purgeInterval" -> b.purgeIntervalHours(intOf(v, 0, key));
                case "fsync.warningthresholdms" -> b.fsyncWarningThresholdMs(longOf(v, 1000, key));
                case "snapshot.trust.empty" -> b.snapshotTrustEmpty(Boolean.parseBoolean(v));
                case "maxClientOutboundBytes" -> b.maxClientOutboundBytes(longOf(v, 64L << 20, key));
                case "globalOutstandingLimit" -> b.globalOutstandingLimit(intOf(v, 1000, key));
                case "initLimit" -> b.initLimit(intOf(v, 10, key));
                case "syncLimit" -> b.syncLimit(intOf(v, 5, key));
                case "standaloneEnabled" -> standaloneEnabled = Boolean.parseBoolean(v);
                case "readonlymode.enabled" -> b.readOnlyMode(Boolean.parseBoolean(v));
                case "reconfigEnabled" -> b.reconfigEnabled(Boolean.parseBoolean(v));
                // ZooKeeper makes an unknown zoo.cfg key the system property zookeeper.<key>: this one too
                case "enforceQuota" -> b.enforceQuota(Boolean.parseBoolean(v));
                case "dynamicConfigFile" -> dynamic = base.resolve(v);
                default -> {
                    if (key.startsWith("server.")) {
                        servers.put(serverId(key), v);
                    } else if (key.startsWith("metricsProvider.")) {
                        metricsKeys.put(key, v);
                    } else if (key.startsWith("raft.")) {
                        raft.put(key, v); // Apache Ratis's own settings, for an ensemble member
                    } else if (key.startsWith("group.") || key.startsWith("weight.")) {
                        LOG.warn("Ignoring {}: hierarchical quorums are not supported", key);
                    } else if (SECURITY.stream().anyMatch(key::startsWith)) {
                        zk.put("zookeeper." + key, v);
                    } else if (IGNORED.contains(key)) {
                        LOG.info("zoo.cfg key {} is accepted and has no effect on this server", key);
                    } else {
                        unknown.add(key);
                    }
                }
            }
        }
        if (!unknown.isEmpty()) {
            LOG.warn("Unknown zoo.cfg keys, ignored: {}", unknown);
        }
        if (dynamic != null) {
            // ZooKeeper 3.5+: the members live in the dynamic file, which a reconfig rewrites; its server lines
            // are the ensemble's (QuorumPeerConfig.parseDynamicConfig), and "version" is the configuration's.
            if (!servers.isEmpty()) {
                LOG.warn("zoo.cfg has server lines and dynamicConfigFile {}; the dynamic file's are used", dynamic);
            }
            servers = dynamicServers(dynamic);
        }
        // ZooKeeper's security settings are zookeeper.* system properties, which zoo.cfg's keys become there
        Map<String, String> settings = new TreeMap<>();
        for (String name : sys.stringPropertyNames()) {
            if (name.startsWith("zookeeper.")) {
                settings.put(name, sys.getProperty(name));
            }
        }
        settings.putAll(zk);
        b.security(SecurityConfig.read(settings, sys.getProperty("java.security.auth.login.config"), securePort,
                secureAddress, base));
        b.admin(AdminConfig.read(settings::get, base));
        b.metrics(MetricsConfig.read(metricsKeys::get));
        if (securePort != null && !plainPort) {
            // ZooKeeperServerMain opens no plain port when zoo.cfg names only the secure one
            b.clientPort(-1);
        }
        Quorum quorum = Quorum.from(servers, dataDir, standaloneEnabled);
        b.quorum(quorum);
        b.raftProperties(raft);
        if (quorum != null && quorum.me().clientPort() >= 0) {
            // A client address in this member's server.N line wins over clientPort/clientPortAddress, as in
            // ZooKeeper's QuorumPeerConfig.setupClientPort.
            Peer me = quorum.me();
            b.clientPort(me.clientPort());
            b.clientPortAddress("0.0.0.0".equals(me.clientHost()) ? null : me.clientHost());
        }
        if (whitelist != null) {
            b.fourLetterWords(Arrays.stream(whitelist.split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()));
        }
        return b.build();
    }

    /** The {@code server.N} lines of a dynamic configuration file ({@code dynamicConfigFile}). */
    private static Map<Long, String> dynamicServers(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read dynamicConfigFile " + file + ": " + e.getMessage(), e);
        }
        Map<Long, String> servers = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            String key = k.trim();
            if (key.startsWith("server.")) {
                servers.put(serverId(key), p.getProperty(k).trim());
            } else if (!key.equals("version")) {
                LOG.warn("Ignoring {} in dynamicConfigFile {}: only server lines and version belong there", key,
                        file);
            }
        }
        return servers;
    }

    /** N of a {@code server.N} key. */
    private static long serverId(String key) {
        try {
            return Long.parseLong(key.substring("server.".length()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a valid server key: the id after 'server.' must be a"
                    + " number");
        }
    }

    /**
     * An int setting. A value beyond the int range is refused, naming the key, never truncated: ZooKeeper's
     * {@code QuorumPeerConfig.parseProperties} reads its int keys with {@code Integer.parseInt}, so such a value
     * stops its start-up too ("Error processing zoo.cfg"); its {@code Integer.getInteger} reads of system
     * properties fall back to the default instead, silently, which we do not copy.
     */
    private static int intOf(String v, int dflt, String key) {
        long n = longOf(v, dflt, key);
        if (n != (int) n) {
            throw new IllegalArgumentException(key + " must be a number from " + Integer.MIN_VALUE + " to "
                    + Integer.MAX_VALUE + ", got '" + v.trim() + "'");
        }
        return (int) n;
    }

    private static long longOf(String v, long dflt, String key) {
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }
}
