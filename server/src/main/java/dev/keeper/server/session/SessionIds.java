package dev.keeper.server.session;

import java.util.Random;

/**
 * How ZooKeeper forms session ids and passwords ({@code SessionTrackerImpl.initializeNextSessionId},
 * {@code ZooKeeperServer.generatePasswd}). The password is a function of the id and a fixed secret, so a
 * restarted server recognises the password of a session it restored from disk.
 */
public final class SessionIds {
    private static final long SUPER_SECRET = 0XB3415C00L;
    private static final long CONTAINER_OWNER = Long.MIN_VALUE;

    private SessionIds() {
    }

    /** The first session id: the server id in the top byte, the start time (ms) in the next five. */
    public static long first(long elapsedMillis, long serverId) {
        long next = (elapsedMillis << 24) >>> 8;
        next = next | (serverId << 56);
        if (next == CONTAINER_OWNER) {
            ++next;
        }
        return next;
    }

    public static byte[] password(long sessionId) {
        byte[] p = new byte[16];
        new Random(sessionId ^ SUPER_SECRET).nextBytes(p);
        return p;
    }
}
