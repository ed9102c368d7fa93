package dev.keeper.server.admin;

import dev.keeper.server.config.Peer;
import dev.keeper.server.config.ServerConfig;
import java.net.InetSocketAddress;

/**
 * {@code name0=ReplicatedServer_id<myid>,name1=replica.<myid>}: ZooKeeper's {@code LocalPeerBean}, this member as
 * the ensemble's configuration has it. State is ZooKeeper's word for it ({@code QuorumStats.Provider}): leading,
 * following, observing, or "leaderelection" while there is no leader. ConfigVersion and QuorumSystemInfo are those
 * of {@code /zookeeper/config}.
 */
final class LocalPeerBean implements Jmx.LocalPeerMXBean {
    private final Jmx jmx;
    private final long startedAt = System.currentTimeMillis();

    LocalPeerBean(Jmx jmx) {
        this.jmx = jmx;
    }

    private ServerConfig config() {
        return jmx.view().config();
    }

    private Peer me() {
        return jmx.member(config().quorum().myId());
    }

    @Override
    public String getName() {
        return "replica." + config().quorum().myId();
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
    public int getMaxClientCnxnsPerHost() {
        return config().maxClientCnxns();
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
    public int getInitLimit() {
        return config().initLimit();
    }

    @Override
    public int getSyncLimit() {
        return config().syncLimit();
    }

    @Override
    public int getTick() {
        // ZooKeeper's tick counter advances only while it leads; this server keeps none
        return 0;
    }

    @Override
    public String getState() {
        String mode = jmx.read(() -> jmx.view().mode());
        return mode == null ? "leaderelection" : switch (mode) {
            case "leader" -> "leading";
            case "observer" -> "observing";
            default -> "following";
        };
    }

    @Override
    public String getQuorumAddress() {
        Peer p = me();
        return p == null ? "" : p.quorumAddress();
    }

    @Override
    public int getElectionType() {
        return 3; // FastLeaderElection, the only kind ZooKeeper 3.9 has
    }

    @Override
    public String getElectionAddress() {
        Peer p = me();
        return p == null ? "" : p.electionAddress();
    }

    @Override
    public String getClientAddress() {
        InetSocketAddress a = jmx.view().clientAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public String getLearnerType() {
        Peer p = me();
        return p != null && p.observer() ? "OBSERVER" : "PARTICIPANT";
    }

    @Override
    public long getConfigVersion() {
        return jmx.read(jmx::configVersion);
    }

    @Override
    public String getQuorumSystemInfo() {
        return jmx.read(jmx::configText);
    }

    @Override
    public boolean isPartOfEnsemble() {
        return me() != null;
    }

    @Override
    public boolean isLeader() {
        return jmx.read(() -> jmx.view().quorum().leaderId()) == config().quorum().myId();
    }

    @Override
    public int getMaxCnxns() {
        return 0;
    }
}
