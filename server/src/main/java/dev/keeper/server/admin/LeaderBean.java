package dev.keeper.server.admin;

import dev.keeper.server.quorum.RaftNode;

/**
 * {@code ...,name1=replica.<myid>,name2=Leader}: ZooKeeper's {@code LeaderBean}, the server's attributes and the
 * leader's. followerInfo lists each learner as ZooKeeper's {@code LearnerHandler.toString} does, with what this
 * server knows of it (its id and address, whether it is in sync, when it was last heard from). The proposal sizes
 * are of the proposals as the Raft log carries them.
 */
final class LeaderBean extends ServerBean implements Jmx.LeaderMXBean {
    LeaderBean(Jmx jmx) {
        super(jmx);
    }

    @Override
    public String getCurrentZxid() {
        return jmx.read(() -> Jmx.hex(jmx.view().tree().lastZxid()));
    }

    @Override
    public String followerInfo() {
        return learners(false);
    }

    @Override
    public String nonVotingFollowerInfo() {
        return learners(true);
    }

    private String learners(boolean observers) {
        StringBuilder b = new StringBuilder();
        for (RaftNode.Learner l : jmx.read(() -> jmx.view().quorum().learnerInfo())) {
            if (l.observer() == observers) {
                var p = jmx.member(l.id());
                b.append("LearnerHandler sid:").append(l.id())
                        .append(" addr:").append(p == null ? "?" : p.quorumAddress())
                        .append(" synced?:").append(l.synced())
                        .append(" lastContactMs:").append(l.lastContactMs()).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public long getElectionTimeTaken() {
        return jmx.electionTimeTaken();
    }

    @Override
    public int getLastProposalSize() {
        return (int) jmx.read(() -> jmx.view().quorum().proposalSizes())[0];
    }

    @Override
    public int getMinProposalSize() {
        return (int) jmx.read(() -> jmx.view().quorum().proposalSizes())[1];
    }

    @Override
    public int getMaxProposalSize() {
        return (int) jmx.read(() -> jmx.view().quorum().proposalSizes())[2];
    }

    @Override
    public void resetProposalStatistics() {
        jmx.view().resetProposalStatistics();
    }
}
