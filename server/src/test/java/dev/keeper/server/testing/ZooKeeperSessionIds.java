package dev.keeper.server.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.common.Time;
import org.apache.zookeeper.server.SessionTracker;
import org.apache.zookeeper.server.SessionTrackerImpl;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * ZooKeeper 3.9.5's own session-id and password code, called as the oracle for ours ({@code SessionIds},
 * {@code SessionTracker}) by this module's tests and by compat-tests' differential harness (through the test-jar).
 * Nothing here restates a formula: each value comes out of ZooKeeper's classes.
 */
public final class ZooKeeperSessionIds {
    /**
     * The server id ZooKeeper's standalone server puts in the top byte of its session ids:
     * {@code ZooKeeperServer.createSessionTrackerServerId} starts at 1, and only a quorum peer changes it.
     */
    public static final long STANDALONE_SERVER_ID = 1;

    private static final int ATTEMPTS = 1_000;
    private static final Method GENERATE_PASSWD = generatePasswd();
    private static final ZooKeeperServer BARE_SERVER = new ZooKeeperServer();

    private ZooKeeperSessionIds() {
    }

    /** A first session id, with the millisecond of ZooKeeper's elapsed-time clock it was formed at. */
    public record FirstId(long id, long elapsedMillis) {
    }

    /** Successive session ids from a ZooKeeper session tracker: its first, then one per session created. */
    public static final class Tracker {
        private final SessionTrackerImpl tracker;
        private final long elapsedMillis;

        private Tracker(SessionTrackerImpl tracker, long elapsedMillis) {
            this.tracker = tracker;
            this.elapsedMillis = elapsedMillis;
        }

        /** The millisecond of ZooKeeper's elapsed-time clock its first id was formed at. */
        public long elapsedMillis() {
            return elapsedMillis;
        }

        /** {@code SessionTrackerImpl.createSession}: the next id. */
        public long createSession(int timeout) {
            return tracker.createSession(timeout);
        }
    }

    /**
     * {@code SessionTrackerImpl.initializeNextSessionId(serverId)}. It reads the clock itself, so the call is
     * bracketed by reads of the same clock ({@code Time.currentElapsedTime}) and retried (bounded) until both
     * reads agree: then the id was formed at exactly that millisecond.
     */
    public static FirstId firstSessionId(long serverId) {
        for (int i = 0; i < ATTEMPTS; i++) {
            long before = Time.currentElapsedTime();
            long id = SessionTrackerImpl.initializeNextSessionId(serverId);
            if (Time.currentElapsedTime() == before) {
                return new FirstId(id, before);
            }
        }
        throw new IllegalStateException("the clock moved during every one of " + ATTEMPTS + " attempts");
    }

    /**
     * A ZooKeeper session tracker as its server creates one ({@code ZooKeeperServer.createSessionTracker}), not
     * started (its thread only expires sessions), bracketed like {@link #firstSessionId}.
     */
    public static Tracker tracker(long serverId, int tickTime) {
        for (int i = 0; i < ATTEMPTS; i++) {
            long before = Time.currentElapsedTime();
            SessionTrackerImpl t = new SessionTrackerImpl(new NoExpiry(serverId), new ConcurrentHashMap<>(),
                    tickTime, serverId, (thread, code) -> { });
            if (Time.currentElapsedTime() == before) {
                return new Tracker(t, before);
            }
        }
        throw new IllegalStateException("the clock moved during every one of " + ATTEMPTS + " attempts");
    }

    /**
     * {@code ZooKeeperServer.generatePasswd(id)}: the password ZooKeeper hands out with session {@code id} and
     * checks on reconnect. It is a package-private instance method, so it is reached by reflection on a bare
     * {@code ZooKeeperServer} (its no-argument constructor starts nothing; the method reads only its argument
     * and a constant).
     */
    public static byte[] password(long sessionId) {
        try {
            return (byte[]) GENERATE_PASSWD.invoke(BARE_SERVER, sessionId);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("ZooKeeperServer.generatePasswd failed", e);
        }
    }

    private static Method generatePasswd() {
        try {
            Method m = ZooKeeperServer.class.getDeclaredMethod("generatePasswd", long.class);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("ZooKeeperServer.generatePasswd(long) is gone: not ZooKeeper 3.9.5?", e);
        }
    }

    /** The tracker is never started, so nothing expires; it asks for the server id only. */
    private record NoExpiry(long serverId) implements SessionTracker.SessionExpirer {
        @Override
        public void expire(SessionTracker.Session session) {
            throw new IllegalStateException("an unstarted tracker expired a session");
        }

        @Override
        public long getServerId() {
            return serverId;
        }
    }
}
