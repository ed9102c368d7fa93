package dev.keeper.server.processor;

/**
 * The zxid of the next transaction: its epoch in the high 32 bits, a counter in the low. Standalone, the counter
 * rises in the epoch the tree has. In an ensemble, each Raft term is a new epoch, as each new Zab leader is: the
 * first transaction applied from an entry of a later term starts the epoch {@code max(term, previous epoch + 1)}
 * at counter 1. The inputs are the entries' terms and the tree's last zxid, the same on every member, so every
 * member gives every transaction the same zxid.
 *
 * <p>Processor thread.
 */
final class Zxids {
    private long term = -1;
    /** The epoch the next transaction starts, or -1 when it continues the current one. */
    private long newEpoch = -1;

    /** An entry of Raft term {@code t} is about to be applied over a tree whose last zxid is {@code lastZxid}. */
    void entering(long t, long lastZxid) {
        if (t > term) {
            term = t;
            newEpoch = Math.max(t, (lastZxid >>> 32) + 1);
        }
    }

    /** The zxid the next transaction takes. */
    long next(long lastZxid) {
        return newEpoch >= 0 ? newEpoch << 32 | 1 : lastZxid + 1;
    }

    /** A transaction has taken {@link #next}. */
    void used() {
        newEpoch = -1;
    }
}
