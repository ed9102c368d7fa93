package dev.keeper.compat.javaclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;

/**
 * Every event a stock client delivers to one watcher, in delivery order, with bounded waits. Tests use it as the
 * client's default watcher, so connection states and watch events land in one ordered record; a {@link #mark()}
 * lets a test wait for an event that happens after some point (a second SyncConnected, say).
 */
final class EventLog implements Watcher {
    private final List<WatchedEvent> events = new ArrayList<>();

    @Override
    public synchronized void process(WatchedEvent event) {
        events.add(event);
        notifyAll();
    }

    /** A position in the log; events at or after it are "since the mark". */
    synchronized int mark() {
        return events.size();
    }

    synchronized List<WatchedEvent> since(int mark) {
        return new ArrayList<>(events.subList(mark, events.size()));
    }

    synchronized List<WatchedEvent> all() {
        return new ArrayList<>(events);
    }

    /** Waits for an event at or after {@code mark} that matches; fails with the whole log if none comes. */
    synchronized WatchedEvent await(int mark, Predicate<WatchedEvent> match, Duration limit, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int from = mark;
        while (true) {
            for (int i = from; i < events.size(); i++) {
                if (match.test(events.get(i))) {
                    return events.get(i);
                }
            }
            from = events.size();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + limit + "; events: " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    WatchedEvent awaitState(int mark, KeeperState state, Duration limit) throws InterruptedException {
        return await(mark, e -> e.getType() == EventType.None && e.getState() == state, limit, state + " state");
    }

    WatchedEvent awaitEvent(int mark, EventType type, String path, Duration limit) throws InterruptedException {
        return await(mark, e -> e.getType() == type && path.equals(e.getPath()), limit, type + " on " + path);
    }

    /** The node events (type other than None) since {@code mark}. */
    synchronized List<String> nodeEventsSince(int mark) {
        List<String> out = new ArrayList<>();
        for (WatchedEvent e : events.subList(mark, events.size())) {
            if (e.getType() != EventType.None) {
                out.add(e.getType() + " " + e.getPath());
            }
        }
        return out;
    }
}
