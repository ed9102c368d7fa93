package dev.keeper.server.admin;

/**
 * {@code ...,name2=Leader,name3=Learner_Connections,name4="<address>",name5="id:<sid>"}: ZooKeeper's
 * {@code LearnerHandlerBean}, one per learner the leader replicates to. The address is the learner's Raft address
 * (ZooKeeper's is the remote end of the learner's socket). terminateConnection is refused: a Raft leader keeps no
 * connection of a learner's that it could close for it to reconnect, as ZooKeeper's learner handler does.
 */
final class LearnerBean implements Jmx.LearnerHandlerMXBean {
    private final long sid;

    LearnerBean(long sid) {
        this.sid = sid;
    }

    @Override
    public void terminateConnection() {
        throw new UnsupportedOperationException("learner " + sid + ": a Raft leader has no connection of a learner's"
                + " to terminate; remove it with reconfig, or stop it");
    }
}
