package dev.keeper.server.processor;

/**
 * The zxid of the next transaction: its epoch in the high 32 bits, a counter in the low. Standalone, the counter
 * rises in the epoch the tree has. In an ensemble each Raft term is an epoch, as each new Zab leader starts one:
 * a transaction from an entry of term {@code t} starts epoch {@code t} at counter 1 when the tree's last zxid is
 * of an earlier epoch, and continues the tree's epoch otherwise. A function of the entry's term and the tree's last
 * zxid alone — the same on every member, and after a restart from a snapshot — so every member gives every
 * transaction the same zxid. (A tree imported with an epoch above the current term keeps its epoch until the terms
 * pass it: zxids only ever rise.)
 */
final class Zxids {
    /** Standalone: no Raft term. */
    static final long NO_TERM = -1;

    private Zxids() {
    }

    static long next(long term, long lastZxid) {
        if (term > lastZxid >>> 32) {
            return term << 32 | 1;
        }
        return lastZxid + 1;
    }
}
