package dev.keeper.server.admin;

/**
 * {@code org.apache.ZooKeeperService:name0=ReplicatedServer_id<myid>}: ZooKeeper's {@code QuorumBean}, the root of
 * an ensemble member's beans. This server keeps no digests of its tree (the AdminServer's {@code hash} answers
 * none), so DigestEnabled is false and disableDigest has nothing to do; quorum TLS and port unification are not
 * offered on the Raft port.
 */
final class QuorumBean implements Jmx.QuorumMXBean {
    private final Jmx jmx;

    QuorumBean(Jmx jmx) {
        this.jmx = jmx;
    }

    @Override
    public String getName() {
        return "ReplicatedServer_id" + jmx.view().config().quorum().myId();
    }

    @Override
    public int getQuorumSize() {
        return jmx.read(() -> jmx.view().quorum().quorumSize());
    }

    @Override
    public int getInitLimit() {
        return jmx.view().config().initLimit();
    }

    @Override
    public int getSyncLimit() {
        return jmx.view().config().syncLimit();
    }

    @Override
    public boolean isSslQuorum() {
        return false;
    }

    @Override
    public boolean isPortUnification() {
        return false;
    }

    @Override
    public long getObserverElectionDelayMS() {
        return 0;
    }

    @Override
    public boolean getDigestEnabled() {
        return false;
    }

    @Override
    public void disableDigest() {
        // no digests are kept
    }
}
