package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
import dev.keeper.server.session.SessionOwners;
import dev.keeper.wire.Handshake;
import dev.keeper.wire.Request;

/** What the I/O threads and timers hand to the processor thread. */
public sealed interface Event {
    /** A connection's handshake. */
    record Connected(Connection connection, Handshake.Connect connect) implements Event {
    }

    /** A decoded request; {@code receivedNanos} starts its latency clock. */
    record Received(Connection connection, Request request, long receivedNanos) implements Event {
    }

    /** A connection closed: its watches go, its session stays until it expires. */
    record Disconnected(Connection connection) implements Event {
    }

    /** The tick: expire due sessions. */
    record Tick() implements Event {
    }

    /** Look for empty containers and expired TTL nodes. */
    record ReapContainers() implements Event {
    }

    /** Work that must see the processor's state, such as a four-letter word's report. */
    record Task(Runnable work) implements Event {
    }

    /**
     * A proposal the Raft log committed, to apply in log order ({@code term} is the Raft term of its entry:
     * zxids take their epoch from it); {@code applied} runs once it has been.
     */
    record Apply(Proposal proposal, long term, Runnable applied) implements Event {
    }

    /** The leader: sessions other members' clients kept alive. */
    record Touched(long[] sessions) implements Event {
    }

    /** The ensemble has a new leader ({@code thisMember}: this one), or none ({@code known} false). */
    record LeaderChanged(boolean known, boolean thisMember) implements Event {
    }

    /** An ensemble member's Raft server asks for a snapshot of the state as applied now. */
    record Snapshot(java.util.concurrent.CompletableFuture<Taken> done) implements Event {
        /**
         * The snapshot: the tree's file in version-2, and the sessions' owners at the same point; the future
         * completes with null instead when no snapshot can be taken now (an import is being assembled).
         */
        public record Taken(java.nio.file.Path file, SessionOwners owners) {
        }
    }

    /**
     * An ensemble member takes {@code tree} and {@code owners}, read from a snapshot (its own at start, or one its
     * leader sent), as its state after the Raft entry of term {@code term}; its clients reconnect.
     */
    record Install(dev.keeper.server.tree.DataTree tree, SessionOwners owners, long term) implements Event {
    }

    /**
     * An ensemble member is about to read a snapshot its leader sent: it lets its tree go first and serves no one
     * until the {@link Install} that follows; {@code released} completes once it has.
     */
    record Release(java.util.concurrent.CompletableFuture<Void> released) implements Event {
    }

    /** A proposal of this member's that the log did not take. */
    record Rejected(Proposal proposal, Throwable cause) implements Event {
    }

    /** A clean stop: the processor finishes the batch this is in, hands it to the log, and ends. */
    /**
     * The ensemble's Raft configuration changed to {@code members} (a stable one, not a joint one), in log order: a
     * reconfig took effect, or a new leader began its term (its first entry repeats the configuration). Every member
     * gets it at the same place among the {@link Apply}s, so every member makes the same transaction of it.
     */
    record Configured(java.util.List<dev.keeper.server.config.Peer> members, long term) implements Event {
    }

    record Stop() implements Event {
    }
}
