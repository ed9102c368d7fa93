package dev.keeper.server.admin;

/**
 * {@code ...,name1=replica.<myid>,name2=Follower}: ZooKeeper's {@code FollowerBean}, the server's attributes and the
 * follower's. QuorumAddress is the leader's Raft address (ZooKeeper prints its socket to the leader); the last
 * queued zxid is the last applied, as this member queues nothing it has not applied; no revalidations are pending
 * (sessions are checked through the log).
 */
final class FollowerBean extends ServerBean implements Jmx.FollowerMXBean {
    FollowerBean(Jmx jmx) {
        super(jmx);
    }

    @Override
    public String getQuorumAddress() {
        return jmx.leaderAddress();
    }

    @Override
    public String getLastQueuedZxid() {
        return jmx.read(() -> Jmx.hex(jmx.view().tree().lastZxid()));
    }

    @Override
    public int getPendingRevalidationCount() {
        return 0;
    }

    @Override
    public long getElectionTimeTaken() {
        return jmx.electionTimeTaken();
    }
}
