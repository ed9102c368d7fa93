package dev.keeper.server.processor;

/**
 * How an ensemble orders writes: every member hands its proposals to the Raft log, and every member gets every
 * committed proposal back, in log order, as {@link Event.Apply}. A standalone server has none: it applies a
 * proposal as soon as it is made.
 */
public interface Broadcast {
    /** This member's id, its myid. */
    long myId();

    /**
     * Processor thread: hands a proposal to the log, perhaps only at the next {@link #flush}; a failure comes back
     * as {@link Event.Rejected}.
     */
    void propose(Proposal p);

    /** Processor thread, after each batch of events: nothing proposed stays behind. */
    default void flush() {
    }

    /** Processor thread: snapCount transactions were applied since the last snapshot; time to take one. */
    default void snapshotDue() {
    }

    /** True while this member is the leader: it alone expires sessions and reaps containers. */
    boolean leads();

    /** True while the ensemble has a leader this member follows: only then does it serve clients. */
    boolean serving();

    /** Processor thread, on a member that does not lead: tells the leader which sessions were kept alive here. */
    void reportTouches(long[] sessions);
}
