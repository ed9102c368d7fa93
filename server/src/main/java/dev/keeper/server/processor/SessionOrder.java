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
 * <p>It also knows which connection sent a write still in the log ({@link #sent}): a client may lose its connection
 * and reconnect to this member while its write is in the log, and the write's answer belongs to the connection it
 * came on, as ZooKeeper answers a request on its own {@code request.cnxn} — never to the new connection, which
 * would receive an xid its client is not waiting for, nor count towards the new connection's order.
 *
 * <p>Processor thread.
 */
final class SessionOrder {
    /** A read that waits for the connection's {@code after}-th write to be applied. */
    record Deferred(Request request, long receivedNanos, long after) {
    }

    private static final class Line {
        /** The xids of the connection's writes in the log, in the order sent. */
        final ArrayDeque<Integer> inLog = new ArrayDeque<>();
        /** When each write in the log was received, by xid: its latency is counted from then once applied. */
        final Map<Integer, Long> receivedAt = new java.util.HashMap<>();
        long proposed;
        long applied;
        final ArrayDeque<Deferred> waiting = new ArrayDeque<>();
    }

    private final Map<Connection, Line> lines = new IdentityHashMap<>();

    /**
     * {@code c} sent write {@code xid}, which goes through the log (nothing to track when {@code replicated} is
     * false).
     */
    void proposed(Connection c, int xid, boolean replicated, long receivedNanos) {
        if (replicated) {
            Line l = lines.computeIfAbsent(c, k -> new Line());
            l.proposed++;
            l.inLog.add(xid);
            l.receivedAt.put(xid, receivedNanos);
        }
    }

    /**
     * When {@code c}'s write {@code xid}, in the log, was received here (System.nanoTime), or 0 if unknown: a
     * proposal that came back through the Raft log does not carry it.
     */
    long receivedAt(Connection c, int xid) {
        Line l = lines.get(c);
        Long at = l == null ? null : l.receivedAt.get(xid);
        return at == null ? 0 : at;
    }

    /** True if write {@code xid}, now applied, came on {@code c} (and {@code c} has not been forgotten since). */
    boolean sent(Connection c, int xid) {
        Line l = lines.get(c);
        return l != null && l.inLog.contains(xid);
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

    /** {@code c}'s write {@code xid} has been applied; returns the reads now free to be answered, in order. */
    List<Deferred> applied(Connection c, int xid) {
        Line l = lines.get(c);
        if (l == null || !l.inLog.remove(xid)) {
            return List.of();
        }
        l.receivedAt.remove(xid);
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
