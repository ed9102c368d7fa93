package dev.keeper.server.session;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Session expiry in tick buckets, as ZooKeeper's {@code ExpiryQueue} does it: a session touched at time t with
 * timeout T expires at the first multiple of tickTime after t + T, and a session is only ever in one bucket.
 * Expiring is a walk over the due buckets, so its cost is the sessions expiring, not the sessions alive.
 *
 * <p>Time is always passed in (milliseconds of a monotonic clock), so tests move it by hand. Owned by the
 * processor thread.
 */
public final class SessionTracker {
    private final int interval;
    private final Map<Long, Session> byId = new HashMap<>();
    private final TreeMap<Long, Set<Session>> buckets = new TreeMap<>();
    private long nextId;

    public SessionTracker(int tickTime, long firstSessionId) {
        this.interval = tickTime;
        this.nextId = firstSessionId;
    }

    private long bucketFor(long time) {
        return (time / interval + 1) * interval;
    }

    /** Creates a session with a fresh id. */
    public Session create(int timeout, long now) {
        return track(nextId(), timeout, now);
    }

    /** A fresh session id, not yet tracked: the session exists once its createSession is applied. */
    public long nextId() {
        long id;
        do {
            id = nextId++;
        } while (byId.containsKey(id));
        return id;
    }

    /** Tracks a session with a known id: restored from disk, or replayed. */
    public Session track(long id, int timeout, long now) {
        Session s = byId.get(id);
        if (s == null) {
            s = new Session(id, timeout);
            byId.put(id, s);
        }
        s.timeout(timeout);
        move(s, bucketFor(now + timeout));
        return s;
    }

    /** Renews a session's lease with {@code timeout}; false if the session is unknown or closing. */
    public boolean touch(long id, int timeout, long now) {
        Session s = byId.get(id);
        if (s == null || s.closing) {
            return false;
        }
        s.timeout(timeout);
        move(s, bucketFor(now + timeout));
        return true;
    }

    private void move(Session s, long expiresAt) {
        if (s.expiresAt == expiresAt) {
            return;
        }
        if (s.expiresAt != 0) {
            Set<Session> old = buckets.get(s.expiresAt);
            if (old != null && old.remove(s) && old.isEmpty()) {
                buckets.remove(s.expiresAt);
            }
        }
        s.expiresAt = expiresAt;
        buckets.computeIfAbsent(expiresAt, k -> new LinkedHashSet<>()).add(s);
    }

    public Session get(long id) {
        return byId.get(id);
    }

    /** Marks a session as closing: it can no longer be touched, and will not be expired again. */
    public void setClosing(long id) {
        Session s = byId.get(id);
        if (s != null) {
            s.closing = true;
            removeFromBucket(s);
        }
    }

    public void remove(long id) {
        Session s = byId.remove(id);
        if (s != null) {
            removeFromBucket(s);
        }
    }

    private void removeFromBucket(Session s) {
        Set<Session> b = buckets.get(s.expiresAt);
        if (b != null && b.remove(s) && b.isEmpty()) {
            buckets.remove(s.expiresAt);
        }
        s.expiresAt = 0;
    }

    /** Takes the sessions whose buckets are due at {@code now}, marking them closing. */
    public List<Session> expire(long now) {
        List<Session> due = new ArrayList<>();
        while (!buckets.isEmpty() && buckets.firstKey() <= now) {
            for (Session s : buckets.pollFirstEntry().getValue()) {
                s.closing = true;
                s.expiresAt = 0;
                due.add(s);
            }
        }
        return due;
    }

    /**
     * Of the sessions {@code ids}, those due at {@code now}, removed: a read-only member's own sessions, which no
     * leader expires.
     */
    public List<Long> expireAmong(Collection<Long> ids, long now) {
        List<Long> due = new ArrayList<>();
        for (long id : ids) {
            Session s = byId.get(id);
            if (s != null && s.expiresAt != 0 && s.expiresAt <= now) {
                due.add(id);
                remove(id);
            }
        }
        return due;
    }

    public int size() {
        return byId.size();
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /**
     * The dump command's {@code expiry_time_to_session_ids}: each expiry bucket's time (ms on the server's
     * monotonic clock, as ZooKeeper's are on its elapsed-time clock) and the sessions in it.
     */
    public Map<Long, List<Long>> expiryBuckets() {
        Map<Long, List<Long>> m = new java.util.LinkedHashMap<>();
        buckets.forEach((at, sessions) -> m.put(at, sessions.stream().map(Session::id).toList()));
        return m;
    }

    /** The "dump" four-letter word's session section ({@code SessionTrackerImpl.dumpSessions}). */
    public void dump(PrintWriter out, long nowMillis, long wallMillis) {
        out.print("Session Sets (");
        out.print(buckets.size());
        out.print(")/(");
        out.print(byId.size());
        out.println("):");
        for (Map.Entry<Long, Set<Session>> e : buckets.entrySet()) {
            out.print(e.getValue().size());
            out.print(" expire at ");
            out.print(new java.util.Date(wallMillis + (e.getKey() - nowMillis)));
            out.println(":");
            for (Session s : e.getValue()) {
                out.print("\t0x");
                out.println(Long.toHexString(s.id()));
            }
        }
    }
}
