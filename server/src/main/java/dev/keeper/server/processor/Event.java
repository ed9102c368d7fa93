package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
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

    /** A clean stop: the processor finishes the batch this is in, hands it to the log, and ends. */
    record Stop() implements Event {
    }
}
