package dev.keeper.server.processor;

import java.util.List;

/**
 * Told of the watch events the server sends, for the console's live feed: each batch's events, in the order they
 * fired, once the batch is durable and its events are on their way to the clients (never before a client could
 * see them). {@link #listening} is read on the processor thread for every fired event, so it must be cheap; when
 * it is false nothing is collected.
 */
public interface WatchTap {
    /** One fired event: when (wall clock, ms), the event, and the sessions whose watches it fired. */
    record Fired(long time, int type, String path, long zxid, long[] sessions) {
    }

    boolean listening();

    /** A batch's events; called on whichever thread released the batch. */
    void published(List<Fired> events);
}
