package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
import dev.keeper.wire.Request;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * ZooKeeper's per-session order in an ensemble: a client's read must see the client's own earlier writes. A
 * write goes through the Raft log and is applied here some time later; a read is answered from this member's
 * tree. So a read that arrives while the connection has writes in the log waits behind them, and is answered
 * when the last write sent before it has been applied here — the job ZooKeeper's {@code CommitProcessor} does.
 * Standalone, writes are applied as they arrive and nothing ever waits.
 *
 * <p>Processor thread.
 */
final class SessionOrder {
    /** A read that waits for the connection's {@code after}-th write to be applied. */
    record Deferred(Request request, long receivedNanos, long after) {
    }

    private static final class Line {
        long proposed;
        long applied;
        final ArrayDeque<Deferred> waiting = new ArrayDeque<>();
    }

    private final Map<Connection, Line> lines = new IdentityHashMap<>();

    /** {@code c} sent a write that goes through the log (nothing to track when {@code replicated} is false). */
    void proposed(Connection c, boolean replicated) {
        if (replicated) {
            lines.computeIfAbsent(c, k -> new Line()).proposed++;
        }
    }

    /** True if a read from {@code c} must wait for writes still on their way. */
    boolean mustWait(Connection c) {
        Line l = lines.get(c);
        return l != null && l.applied < l.proposed;
    }

    void defer(Connection c, Request r, long receivedNanos) {
        Line l = lines.get(c);
        l.waiting.add(new Deferred(r, receivedNanos, l.proposed));
    }

    /** One of {@code c}'s writes has been applied; returns the reads now free to be answered, in order. */
    List<Deferred> applied(Connection c) {
        Line l = lines.get(c);
        if (l == null) {
            return List.of();
        }
        l.applied++;
        List<Deferred> ready = new java.util.ArrayList<>(0);
        while (!l.waiting.isEmpty() && l.waiting.peek().after() <= l.applied) {
            ready.add(l.waiting.poll());
        }
        if (l.applied == l.proposed && l.waiting.isEmpty()) {
            lines.remove(c);
        }
        return ready;
    }

    /** The connection is gone, or its session closed: nothing of it waits any more. */
    void forget(Connection c) {
        lines.remove(c);
    }
}
