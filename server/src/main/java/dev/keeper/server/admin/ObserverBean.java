package dev.keeper.server.admin;

/**
 * {@code ...,name1=replica.<myid>,name2=Observer}: ZooKeeper's {@code ObserverBean}, the server's attributes and
 * the observer's: it learns from the leader (Ratis sends a listener the log from the leader), so LearnerMaster and
 * QuorumAddress are the leader's Raft address.
 */
final class ObserverBean extends ServerBean implements Jmx.ObserverMXBean {
    ObserverBean(Jmx jmx) {
        super(jmx);
    }

    @Override
    public int getPendingRevalidationCount() {
        return 0;
    }

    @Override
    public String getQuorumAddress() {
        return jmx.leaderAddress();
    }

    @Override
    public String getLearnerMaster() {
        return jmx.leaderAddress();
    }
}
