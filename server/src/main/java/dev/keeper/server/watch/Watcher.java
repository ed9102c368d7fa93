package dev.keeper.server.watch;

/**
 * Whoever holds watches: in the server, a client connection. ZooKeeper ties watches to the connection, not
 * the session: they go when the connection goes, and a reconnecting client re-registers them with setWatches.
 */
public interface Watcher {
    long sessionId();
}
