package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * In an ensemble a sync is not in the log: the member asks the leader where to catch up to ({@link
 * Broadcast#syncPoint}), and answers once it has. Meanwhile the connection's later requests wait here, in order,
 * and go on once the sync is answered (or deferred behind the connection's writes still in the log, as a read is:
 * {@link SessionOrder}), so nothing overtakes it: the stock client drops a connection whose replies come out of
 * order. ZooKeeper's {@code CommitProcessor} holds a session's requests behind its pending sync the same way.
 *
 * <p>Processor thread.
 */
final class SyncGate {
    private final Map<Connection, ArrayDeque<Event.Received>> shut = new IdentityHashMap<>();

    /** True while {@code c}'s sync waits for its answer. */
    boolean isShut(Connection c) {
        return shut.containsKey(c);
    }

    /** {@code c} sent a sync: its later requests wait until {@link #open}. */
    void shut(Connection c) {
        shut.put(c, new ArrayDeque<>());
    }

    /** A request of {@code c} that came behind its sync. */
    void hold(Event.Received r) {
        shut.get(r.connection()).add(r);
    }

    /** {@code c}'s sync is answered: the requests that came behind it, in order; null if {@code c} was forgotten. */
    ArrayDeque<Event.Received> open(Connection c) {
        return shut.remove(c);
    }

    /** The connection is gone, or its session closed or moved: nothing of it waits any more. */
    void forget(Connection c) {
        shut.remove(c);
    }
}
