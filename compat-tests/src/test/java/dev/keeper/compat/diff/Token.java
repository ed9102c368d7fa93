package dev.keeper.compat.diff;

/**
 * A value in a transcript that must be normalised before two servers' transcripts can be compared: the only
 * things allowed to differ between ZooKeeper and us. Everything else in a transcript is compared verbatim.
 */
sealed interface Token {
    /** A zxid: printed as an offset from the scenario's base zxid, so it must match ZooKeeper step for step. */
    record Zxid(long value) implements Token {
    }

    /**
     * A time a transaction stamped on a node (ctime or mtime), with the zxid of that transaction. Printed as
     * "the time of that zxid", so ctime==mtime relations survive while wall-clock values do not leak in.
     */
    record Time(long millis, long zxid) implements Token {
    }

    /** A session id (also an ephemeralOwner): printed S1, S2... in order of first appearance. */
    record SessionId(long value) implements Token {
    }
}
