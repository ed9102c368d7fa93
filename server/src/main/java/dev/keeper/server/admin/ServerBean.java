package dev.keeper.server.admin;

import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.config.TlsConfig;

/**
 * {@code org.apache.ZooKeeperService:name0=StandaloneServer_port<port>}: ZooKeeper's {@code ZooKeeperServerBean},
 * for the attributes this server has; an ensemble member's role beans ({@link LeaderBean}, {@link FollowerBean},
 * {@link ObserverBean}) add theirs, as ZooKeeper's extend it. Reads run on the processor thread ({@link Jmx#read}).
 */
class ServerBean implements Jmx.ZooKeeperServerMXBean {
    final Jmx jmx;
    private final long startedAt = System.currentTimeMillis();

    ServerBean(Jmx jmx) {
        this.jmx = jmx;
    }

    private ServerConfig config() {
        return jmx.view().config();
    }

    @Override
    public String getClientPort() {
        return Integer.toString(config().clientPort());
    }

    @Override
    public String getSecureClientPort() {
        TlsConfig t = config().security().tls();
        return t == null || t.securePort() < 0 ? "" : Integer.toString(t.securePort());
    }

    @Override
    public String getSecureClientAddress() {
        TlsConfig t = config().security().tls();
        return t == null || t.securePort() < 0 ? ""
                : (t.secureAddress() == null ? "0.0.0.0" : t.secureAddress()) + ":" + t.securePort();
    }

    @Override
    public String getVersion() {
        return Version.full();
    }

    @Override
    public String getStartTime() {
        return Jmx.date(startedAt);
    }

    @Override
    public int getTickTime() {
        return config().tickTime();
    }

    @Override
    public int getMinSessionTimeout() {
        return config().minSessionTimeout();
    }

    @Override
    public int getMaxSessionTimeout() {
        return config().maxSessionTimeout();
    }

    @Override
    public int getMaxClientCnxnsPerHost() {
        return config().maxClientCnxns();
    }

    /** ZooKeeper's maxCnxns, a limit on all connections together: none here, which it shows as 0. */
    @Override
    public int getMaxCnxns() {
        return 0;
    }

    @Override
    public int getJuteMaxBufferSize() {
        return config().juteMaxBuffer();
    }

    @Override
    public long getMinRequestLatency() {
        return jmx.read(() -> jmx.view().metrics().minLatency());
    }

    @Override
    public double getAvgRequestLatency() {
        return jmx.read(() -> jmx.view().metrics().avgLatency());
    }

    @Override
    public long getMaxRequestLatency() {
        return jmx.read(() -> jmx.view().metrics().maxLatency());
    }

    @Override
    public long getPacketsReceived() {
        return jmx.view().metrics().packetsReceived();
    }

    @Override
    public long getPacketsSent() {
        return jmx.view().metrics().packetsSent();
    }

    @Override
    public long getOutstandingRequests() {
        return jmx.read(() -> (long) jmx.view().outstanding());
    }

    @Override
    public long getNumAliveConnections() {
        return jmx.view().connections().size();
    }

    @Override
    public long getFsyncThresholdExceedCount() {
        return jmx.view().fsyncThresholdExceedCount();
    }

    @Override
    public long getAuthFailedCount() {
        return jmx.view().metrics().authFailedCount();
    }

    /** Plaintext connections counted when client certificates are required: no such setting here. */
    @Override
    public long getNonMTLSLocalConnCount() {
        return 0;
    }

    @Override
    public long getNonMTLSRemoteConnCount() {
        return 0;
    }

    @Override
    public long getDataDirSize() {
        return jmx.view().dataDirSize();
    }

    @Override
    public long getLogDirSize() {
        return jmx.view().logDirSize();
    }

    @Override
    public long getTxnLogElapsedSyncTime() {
        return jmx.view().lastFsyncMs();
    }

    @Override
    public int getLastClientResponseSize() {
        return (int) jmx.view().metrics().responseSizes()[0];
    }

    @Override
    public int getMinClientResponseSize() {
        return (int) jmx.view().metrics().responseSizes()[1];
    }

    @Override
    public int getMaxClientResponseSize() {
        return (int) jmx.view().metrics().responseSizes()[2];
    }

    @Override
    public void resetStatistics() {
        jmx.read(() -> {
            jmx.view().metrics().reset();
            return null;
        });
    }

    @Override
    public void resetLatency() {
        jmx.read(() -> {
            jmx.view().metrics().resetLatency();
            return null;
        });
    }

    @Override
    public void resetMaxLatency() {
        jmx.read(() -> {
            jmx.view().metrics().resetMaxLatency();
            return null;
        });
    }

    @Override
    public void resetFsyncThresholdExceedCount() {
        jmx.view().resetFsyncThresholdExceedCount();
    }

    @Override
    public void resetNonMTLSConnCount() {
        // nothing counted (see getNonMTLSLocalConnCount)
    }

    @Override
    public void resetAuthFailedCount() {
        jmx.view().metrics().resetAuthFailed();
    }
}
