package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * In an ensemble a sync is not in the log: the member asks the leader where to catch up to ({@link
 * Broadcast#syncPoint}), and answers once it has. Meanwhile the connection's later requests wait here, in order,
 * and go on once the syncs before them are answered (or deferred behind the connection's writes still in the log,
 * as a read is: {@link SessionOrder}), so nothing overtakes a sync: the stock client drops a connection whose
 * replies come out of order. ZooKeeper's {@code CommitProcessor} holds a session's requests behind its pending
 * sync the same way. A later sync asks as soon as it comes (the leader's rounds are shared: one round serves every
 * sync that came while the last was out), and is answered in its turn.
 *
 * <p>Processor thread.
 */
final class SyncGate {
    /** A request waiting its turn: a sync, whose point may have come, or any other, held behind one. */
    static final class Held {
        final Event.Received request;
        boolean sync;
        boolean answered;
        Throwable failure;

        Held(Event.Received request, boolean sync) {
            this.request = request;
            this.sync = sync;
        }

        /**
         * A sync held as any other request (it came while this member was read-only) that is now to be answered
         * out of the log: it waits for its point in its place.
         */
        void becomeSync() {
            sync = true;
        }

        /** A sync's point has come (failure null), or cannot (the cause). */
        void answered(Throwable cause) {
            answered = true;
            failure = cause;
        }
    }

    private final Map<Connection, ArrayDeque<Held>> lines = new IdentityHashMap<>();

    /** True while a sync of {@code c} waits for its turn. */
    boolean isShut(Connection c) {
        return lines.containsKey(c);
    }

    /** A sync of {@code c}: it and the connection's later requests wait in line until it is answered. */
    Held sync(Event.Received r) {
        Held h = new Held(r, true);
        lines.computeIfAbsent(r.connection(), k -> new ArrayDeque<>()).add(h);
        return h;
    }

    /** A request of {@code c} that came behind a sync still waiting. */
    void hold(Event.Received r) {
        lines.get(r.connection()).add(new Held(r, false));
    }

    /** {@code c}'s line (head first), or null if nothing of it waits; emptied by the caller. */
    ArrayDeque<Held> line(Connection c) {
        return lines.get(c);
    }

    /** {@code c}'s line is empty: its requests go straight on again. */
    void open(Connection c) {
        lines.remove(c);
    }

    /** The connection is gone, or its session closed or moved: nothing of it waits any more. */
    void forget(Connection c) {
        lines.remove(c);
    }
}
