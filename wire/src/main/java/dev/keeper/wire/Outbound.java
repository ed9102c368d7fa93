package dev.keeper.wire;

/** Something the server sends on a session's connection: a {@link Reply}, a {@link Notification}, or
 * the {@link Handshake.Response} that opens a session. */
public sealed interface Outbound permits Reply, Notification, Handshake.Response {
}
