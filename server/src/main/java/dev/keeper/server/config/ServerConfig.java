package dev.keeper.server.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * Everything the server reads from {@code zoo.cfg} and system properties, read once at start and passed in.
 *
 * @param tickTime             ms; the unit of session timeouts and of expiry buckets
 * @param clientPortAddress    address to bind, or null for every address (ZooKeeper's default)
 * @param clientPort           port to bind; 0 picks a free one (tests)
 * @param dataDir              where snapshots (and, without dataLogDir, the log) live
 * @param dataLogDir           where the transaction log lives, or null for dataDir
 * @param maxClientCnxns       connections per client address; 0 is unlimited
 * @param minSessionTimeout    ms; negotiated timeouts are raised to this (default 2 ticks)
 * @param maxSessionTimeout    ms; and lowered to this (default 20 ticks)
 * @param fourLetterWords      the 4lw whitelist; {@code srvr} is always in it, as in ZooKeeper
 * @param containerCheckIntervalMs how often empty containers (and expired TTL nodes) are looked for
 * @param containerMaxPerMinute    the most containers deleted per minute
 * @param juteMaxBuffer        the largest frame accepted, and the largest znode data
 * @param extendedTypesEnabled TTL nodes ({@code zookeeper.extendedTypesEnabled})
 * @param superDigest          {@code zookeeper.DigestAuthenticationProvider.superDigest}, or null
 * @param maxClientOutboundBytes bytes a client may leave unread before its connection is closed
 * @param forceSync            fsync the log before replying ({@code forceSync=no} turns it off)
 * @param snapCount            transactions between snapshots (randomised by up to half, as ZooKeeper does)
 * @param preAllocSize         bytes the log file grows by at a time
 * @param snapRetainCount      snapshots autopurge keeps
 * @param purgeIntervalHours   hours between autopurge runs; 0 turns it off
 * @param fsyncWarningThresholdMs an fsync slower than this is logged
 * @param snapshotTrustEmpty   start from logs alone when there is no snapshot ({@code zookeeper.snapshot.trust.empty})
 * @param globalOutstandingLimit requests all connections together may have waiting for replies before the
 *                             server stops reading from any of them ({@code zookeeper.globalOutstandingLimit})
 * @param quorum               the ensemble this server is a member of, or null when it runs standalone
 * @param initLimit            ticks a member may take to join the ensemble and catch up
 * @param syncLimit            ticks a member may lag the leader before it is considered gone
 * @param raftProperties       zoo.cfg keys starting "raft.", handed to Apache Ratis as they are (tuning)
 * @param readOnlyMode         an ensemble member without a quorum serves reads to clients that allow it
 *                             ({@code readonlymode.enabled})
 * @param reconfigEnabled      {@code reconfig} changes the ensemble's members ({@code reconfigEnabled})
 * @param enforceQuota         hard quota limits refuse writes ({@code zookeeper.enforceQuota})
 * @param security           TLS on the client port and the authentication schemes beyond digest and ip
 * @param configFile           the zoo.cfg this configuration was read from, or null: after a {@code reconfig} the
 *                             member writes the next dynamic configuration file beside it, as ZooKeeper does
 * @param admin                the AdminServer (HTTP commands): on port 8080 from zoo.cfg unless
 *                             {@code admin.enableServer=false}; off in a config built in code (tests)
 * @param initialConfig        the text of the zoo.cfg read at start (the initial_configuration command), or null
 * @param metrics              {@code metricsProvider.*}: Prometheus on its own port, or not
 */
public record ServerConfig(
        int tickTime,
        String clientPortAddress,
        int clientPort,
        Path dataDir,
        Path dataLogDir,
        int maxClientCnxns,
        int minSessionTimeout,
        int maxSessionTimeout,
        Set<String> fourLetterWords,
        long containerCheckIntervalMs,
        int containerMaxPerMinute,
        int juteMaxBuffer,
        boolean extendedTypesEnabled,
        String superDigest,
        long maxClientOutboundBytes,
        boolean forceSync,
        int snapCount,
        long preAllocSize,
        int snapRetainCount,
        int purgeIntervalHours,
        long fsyncWarningThresholdMs,
        boolean snapshotTrustEmpty,
        int globalOutstandingLimit,
        Quorum quorum,
        int initLimit,
        int syncLimit,
        java.util.Map<String, String> raftProperties,
        boolean readOnlyMode,
        boolean reconfigEnabled,
        boolean enforceQuota,
        Path configFile,
        SecurityConfig security,
        AdminConfig admin,
        String initialConfig,
        MetricsConfig metrics) {

    public ServerConfig {
        if (tickTime <= 0) {
            throw new IllegalArgumentException("tickTime must be positive, got " + tickTime);
        }
        if (minSessionTimeout <= 0) {
            minSessionTimeout = 2 * tickTime;
        }
        if (maxSessionTimeout <= 0) {
            maxSessionTimeout = 20 * tickTime;
        }
        if (minSessionTimeout > maxSessionTimeout) {
            throw new IllegalArgumentException("minSessionTimeout must not be larger than maxSessionTimeout");
        }
        if (globalOutstandingLimit < 1) {
            throw new IllegalArgumentException("globalOutstandingLimit must be positive, got "
                    + globalOutstandingLimit);
        }
        fourLetterWords = Set.copyOf(fourLetterWords);
        raftProperties = java.util.Map.copyOf(raftProperties);
        if (security == null) {
            security = SecurityConfig.NONE;
        }
        if (admin == null) {
            admin = AdminConfig.DISABLED;
        }
        if (metrics == null) {
            metrics = MetricsConfig.NONE;
        }
    }

    /** ZooKeeper's defaults, listening on 127.0.0.1 and a free port, with no data directory. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.tickTime = tickTime;
        b.clientPortAddress = clientPortAddress;
        b.clientPort = clientPort;
        b.dataDir = dataDir;
        b.dataLogDir = dataLogDir;
        b.maxClientCnxns = maxClientCnxns;
        b.minSessionTimeout = minSessionTimeout;
        b.maxSessionTimeout = maxSessionTimeout;
        b.fourLetterWords = fourLetterWords;
        b.containerCheckIntervalMs = containerCheckIntervalMs;
        b.containerMaxPerMinute = containerMaxPerMinute;
        b.juteMaxBuffer = juteMaxBuffer;
        b.extendedTypesEnabled = extendedTypesEnabled;
        b.superDigest = superDigest;
        b.maxClientOutboundBytes = maxClientOutboundBytes;
        b.forceSync = forceSync;
        b.snapCount = snapCount;
        b.preAllocSize = preAllocSize;
        b.snapRetainCount = snapRetainCount;
        b.purgeIntervalHours = purgeIntervalHours;
        b.fsyncWarningThresholdMs = fsyncWarningThresholdMs;
        b.snapshotTrustEmpty = snapshotTrustEmpty;
        b.globalOutstandingLimit = globalOutstandingLimit;
        b.quorum = quorum;
        b.initLimit = initLimit;
        b.syncLimit = syncLimit;
        b.raftProperties = raftProperties;
        b.readOnlyMode = readOnlyMode;
        b.reconfigEnabled = reconfigEnabled;
        b.enforceQuota = enforceQuota;
        b.configFile = configFile;
        b.security = security;
        b.admin = admin;
        b.initialConfig = initialConfig;
        b.metrics = metrics;
        return b;
    }

    /** True if the four-letter word may run ({@code FourLetterCommands.isEnabled}). */
    public boolean fourLetterWordEnabled(String word) {
        return "srvr".equals(word) || fourLetterWords.contains("*") || fourLetterWords.contains(word);
    }

    /** True when this server is a member of an ensemble rather than standalone. */
    public boolean replicated() {
        return quorum != null;
    }

    public Path logDir() {
        return dataLogDir != null ? dataLogDir : dataDir;
    }

    public static final class Builder {
        private int tickTime = 2000;
        private String clientPortAddress = "127.0.0.1";
        private int clientPort;
        private Path dataDir;
        private Path dataLogDir;
        private int maxClientCnxns = 60;
        private int minSessionTimeout = -1;
        private int maxSessionTimeout = -1;
        private Set<String> fourLetterWords = Set.of("srvr");
        private long containerCheckIntervalMs = 60_000;
        private int containerMaxPerMinute = 10_000;
        private int juteMaxBuffer = 0xfffff;
        private boolean extendedTypesEnabled;
        private String superDigest;
        private long maxClientOutboundBytes = 64L << 20;
        private boolean forceSync = true;
        private int snapCount = 100_000;
        private long preAllocSize = 64L << 20;
        private int snapRetainCount = 3;
        private int purgeIntervalHours;
        private long fsyncWarningThresholdMs = 1000;
        private boolean snapshotTrustEmpty;
        private int globalOutstandingLimit = 1000;
        private Quorum quorum;
        private int initLimit = 10;
        private int syncLimit = 5;
        private java.util.Map<String, String> raftProperties = java.util.Map.of();
        private boolean readOnlyMode;
        private boolean reconfigEnabled;
        private boolean enforceQuota;
        private Path configFile;
        private SecurityConfig security = SecurityConfig.NONE;
        private AdminConfig admin = AdminConfig.DISABLED;
        private String initialConfig;
        private MetricsConfig metrics = MetricsConfig.NONE;

        public Builder tickTime(int v) {
            tickTime = v;
            return this;
        }

        public Builder clientPortAddress(String v) {
            clientPortAddress = v;
            return this;
        }

        public Builder clientPort(int v) {
            clientPort = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder dataLogDir(Path v) {
            dataLogDir = v;
            return this;
        }

        public Builder maxClientCnxns(int v) {
            maxClientCnxns = v;
            return this;
        }

        public Builder minSessionTimeout(int v) {
            minSessionTimeout = v;
            return this;
        }

        public Builder maxSessionTimeout(int v) {
            maxSessionTimeout = v;
            return this;
        }

        public Builder fourLetterWords(Set<String> v) {
            fourLetterWords = v;
            return this;
        }

        public Builder containerCheckIntervalMs(long v) {
            containerCheckIntervalMs = v;
            return this;
        }

        public Builder containerMaxPerMinute(int v) {
            containerMaxPerMinute = v;
            return this;
        }

        public Builder juteMaxBuffer(int v) {
            juteMaxBuffer = v;
            return this;
        }

        public Builder extendedTypesEnabled(boolean v) {
            extendedTypesEnabled = v;
            return this;
        }

        public Builder superDigest(String v) {
            superDigest = v;
            return this;
        }

        public Builder maxClientOutboundBytes(long v) {
            maxClientOutboundBytes = v;
            return this;
        }

        public Builder forceSync(boolean v) {
            forceSync = v;
            return this;
        }

        public Builder snapCount(int v) {
            snapCount = v;
            return this;
        }

        public Builder preAllocSize(long v) {
            preAllocSize = v;
            return this;
        }

        public Builder snapRetainCount(int v) {
            snapRetainCount = v;
            return this;
        }

        public Builder purgeIntervalHours(int v) {
            purgeIntervalHours = v;
            return this;
        }

        public Builder fsyncWarningThresholdMs(long v) {
            fsyncWarningThresholdMs = v;
            return this;
        }

        public Builder snapshotTrustEmpty(boolean v) {
            snapshotTrustEmpty = v;
            return this;
        }

        public Builder globalOutstandingLimit(int v) {
            globalOutstandingLimit = v;
            return this;
        }

        public Builder quorum(Quorum v) {
            quorum = v;
            return this;
        }

        public Builder initLimit(int v) {
            initLimit = v;
            return this;
        }

        public Builder syncLimit(int v) {
            syncLimit = v;
            return this;
        }

        public Builder raftProperties(java.util.Map<String, String> v) {
            raftProperties = v;
            return this;
        }

        public Builder readOnlyMode(boolean v) {
            readOnlyMode = v;
            return this;
        }

        public Builder reconfigEnabled(boolean v) {
            reconfigEnabled = v;
            return this;
        }

        public Builder enforceQuota(boolean v) {
            enforceQuota = v;
            return this;
        }

        public Builder configFile(Path v) {
            configFile = v;
            return this;
        }

        public Builder security(SecurityConfig v) {
            this.security = v;
            return this;
        }

        public Builder admin(AdminConfig v) {
            this.admin = v;
            return this;
        }

        public Builder metrics(MetricsConfig v) {
            this.metrics = v;
            return this;
        }

        public Builder initialConfig(String v) {
            this.initialConfig = v;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(tickTime, clientPortAddress, clientPort, dataDir, dataLogDir, maxClientCnxns,
                    minSessionTimeout, maxSessionTimeout, fourLetterWords, containerCheckIntervalMs,
                    containerMaxPerMinute, juteMaxBuffer, extendedTypesEnabled, superDigest,
                    maxClientOutboundBytes, forceSync, snapCount, preAllocSize, snapRetainCount,
                    purgeIntervalHours, fsyncWarningThresholdMs, snapshotTrustEmpty, globalOutstandingLimit, quorum, initLimit, syncLimit,
                    raftProperties, readOnlyMode, reconfigEnabled, enforceQuota, configFile, security, admin,
                    initialConfig, metrics);
        }
    }
}
