package dev.keeper.compat.diff;

import dev.keeper.server.testing.ZooKeeperSessionIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sessions one run's clients were given, in the order the server created them, with the real ids and
 * passwords the transcript's S1, S2... hide. Two servers started at different moments cannot give equal ids,
 * but ZooKeeper's code fixes their structure, and {@link #violations} checks each server against it:
 * <ul>
 *   <li>the top byte is the server id, {@link ZooKeeperSessionIds#STANDALONE_SERVER_ID} for a standalone server;
 *   <li>bits 16..55 are the low 40 bits of the elapsed-time millisecond the server's session tracker was made
 *       at ({@code SessionTrackerImpl.initializeNextSessionId}: {@code (Time.currentElapsedTime() << 24) >>> 8}),
 *       so they must fall in the window in which the server was started; bits 0..15 count the sessions before
 *       (far fewer than 2^16 in a test, so they never carry into the time);
 *   <li>each new session's id is the one before plus 1 ({@code nextSessionId.getAndIncrement()});
 *   <li>the password is {@code ZooKeeperServer.generatePasswd(id)}, byte for byte.
 * </ul>
 * Thread-safe: a Curator client may be started from another thread.
 */
final class CreatedSessions {
    private static final long TIME_BITS = (1L << 40) - 1;

    /**
     * The interval of ZooKeeper's elapsed-time clock ({@code Time.currentElapsedTime()}, i.e.
     * {@code System.nanoTime() / 1_000_000}) in which a server was started, read in this JVM just before and
     * just after. Ours reads the same clock ({@code ServerClock.SYSTEM.elapsedMillis()}), and both servers run
     * in this JVM, so one clock measures both.
     */
    record StartWindow(long fromMillis, long toMillis) {
        boolean holds(long timeBits) {
            return ((timeBits - fromMillis) & TIME_BITS) <= toMillis - fromMillis;
        }
    }

    private record Created(String channel, long id, byte[] passwd) {
    }

    private final List<Created> created = new ArrayList<>();

    /** A session the server has just created for the client recording into {@code channel}. */
    synchronized void add(String channel, long id, byte[] passwd) {
        created.add(new Created(channel, id, passwd.clone()));
    }

    /** Every way the ids and passwords break ZooKeeper's rules, one line each; empty if none does. */
    synchronized List<String> violations(StartWindow started) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            Created c = created.get(i);
            String which = c.channel() + "'s session 0x" + Long.toHexString(c.id());
            if (c.id() >>> 56 != ZooKeeperSessionIds.STANDALONE_SERVER_ID) {
                out.add(which + ": server id " + (c.id() >>> 56) + " in the top byte, not "
                        + ZooKeeperSessionIds.STANDALONE_SERVER_ID + " as in a standalone ZooKeeper's ids");
            }
            long timeBits = (c.id() >>> 16) & TIME_BITS;
            if (!started.holds(timeBits)) {
                out.add(which + ": time bits " + timeBits + " (ms) are not the server's start, which was within ["
                        + (started.fromMillis() & TIME_BITS) + ", " + (started.toMillis() & TIME_BITS) + "]");
            }
            if (i > 0 && c.id() != created.get(i - 1).id() + 1) {
                out.add(which + ": not the session before it plus 1 (" + created.get(i - 1).channel() + "'s 0x"
                        + Long.toHexString(created.get(i - 1).id()) + ")");
            }
            if (!Arrays.equals(c.passwd(), ZooKeeperSessionIds.password(c.id()))) {
                out.add(which + ": password " + Render.hex(c.passwd()) + " is not ZooKeeper's "
                        + Render.hex(ZooKeeperSessionIds.password(c.id())));
            }
        }
        return out;
    }
}
