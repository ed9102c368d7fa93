package dev.keeper.server.processor;

import dev.keeper.server.net.Connection;
import dev.keeper.wire.Outbound;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replies and watch events of one batch, held per connection until the batch's transactions are durable, then
 * handed to each connection at once, so each channel is written and flushed once per batch. Order within a
 * connection is the order of processing: an event caused by a change is queued before the reply to the
 * request that made it.
 *
 * <p>Filled by the processor thread; a taken {@link Batch} is immutable and may be released from another.
 */
final class Outbox {
    private Map<Connection, List<Outbound>> messages = new IdentityHashMap<>();
    private Map<Connection, Boolean> closing = new IdentityHashMap<>();

    void add(Connection c, Outbound m) {
        messages.computeIfAbsent(c, k -> new ArrayList<>(4)).add(m);
    }

    /** Closes {@code c} once everything queued for it so far has been written. */
    void closeAfter(Connection c) {
        closing.put(c, Boolean.TRUE);
    }

    boolean isEmpty() {
        return messages.isEmpty() && closing.isEmpty();
    }

    Batch take() {
        Batch b = new Batch(messages, closing);
        messages = new IdentityHashMap<>();
        closing = new IdentityHashMap<>();
        return b;
    }

    /** One batch's output, ready to go. */
    static final class Batch {
        private final Map<Connection, List<Outbound>> messages;
        private final Map<Connection, Boolean> closing;

        private Batch(Map<Connection, List<Outbound>> messages, Map<Connection, Boolean> closing) {
            this.messages = messages;
            this.closing = closing;
        }

        void release() {
            messages.forEach((c, list) -> c.send(list, closing.containsKey(c)));
            closing.keySet().forEach(c -> {
                if (!messages.containsKey(c)) {
                    c.send(List.of(), true);
                }
            });
        }
    }
}
