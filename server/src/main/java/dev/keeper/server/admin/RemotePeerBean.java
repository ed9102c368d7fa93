package dev.keeper.server.admin;

import dev.keeper.server.config.Peer;

/**
 * {@code name0=ReplicatedServer_id<myid>,name1=replica.<id>} of each other member: ZooKeeper's
 * {@code RemotePeerBean}, the member as this member's configuration has it.
 */
final class RemotePeerBean implements Jmx.RemotePeerMXBean {
    private final Jmx jmx;
    private final long id;

    RemotePeerBean(Jmx jmx, long id) {
        this.jmx = jmx;
        this.id = id;
    }

    private Peer peer() {
        return jmx.member(id);
    }

    @Override
    public String getName() {
        return "replica." + id;
    }

    @Override
    public String getQuorumAddress() {
        Peer p = peer();
        return p == null ? "" : p.quorumAddress();
    }

    @Override
    public String getElectionAddress() {
        Peer p = peer();
        return p == null ? "" : p.electionAddress();
    }

    @Override
    public String getClientAddress() {
        Peer p = peer();
        return p == null || p.clientPort() < 0 ? "" : p.clientHost() + ":" + p.clientPort();
    }

    @Override
    public String getLearnerType() {
        Peer p = peer();
        return p != null && p.observer() ? "OBSERVER" : "PARTICIPANT";
    }

    @Override
    public boolean isLeader() {
        return jmx.read(() -> jmx.view().quorum().leaderId()) == id;
    }
}
