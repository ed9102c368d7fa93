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

    /**
     * Processor thread: a sync. {@code caughtUp} runs on the processor thread once this member has applied every
     * write committed anywhere before the leader got the sync — with null, or with the cause when that cannot be
     * known (no leader, or none a majority still follows).
     */
    void syncPoint(java.util.function.Consumer<Throwable> caughtUp);

    /** Processor thread, on a member that does not lead: tells the leader which sessions were kept alive here. */
    void reportTouches(long[] sessions);

    /**
     * Processor thread: asks the ensemble to change its members to {@code members} (a reconfig this member's
     * client asked for, already checked). Completes once the change is committed, or with a
     * {@link ReconfigFailure} naming ZooKeeper's error code, or with another failure whose outcome is unknown.
     * The change itself reaches every member as {@link Event.Configured}.
     */
    default java.util.concurrent.CompletableFuture<Void> reconfigure(
            java.util.List<dev.keeper.server.config.Peer> members) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new ReconfigFailure(dev.keeper.wire.ErrorCode.UNIMPLEMENTED, "no ensemble"));
    }

    /** A reconfig the ensemble refused, with the error code its client gets. */
    final class ReconfigFailure extends RuntimeException {
        private final int code;

        public ReconfigFailure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }
}
