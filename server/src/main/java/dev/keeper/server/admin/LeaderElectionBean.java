package dev.keeper.server.admin;

/**
 * {@code ...,name1=replica.<myid>,name2=LeaderElection}: ZooKeeper's {@code LeaderElectionBean}, registered while the
 * member has no leader; StartTime is when it found itself without one.
 */
final class LeaderElectionBean implements Jmx.LeaderElectionMXBean {
    private final long startedAt;

    LeaderElectionBean(long startedAt) {
        this.startedAt = startedAt;
    }

    @Override
    public String getStartTime() {
        return Jmx.date(startedAt);
    }
}
