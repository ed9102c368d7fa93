package dev.keeper.compat.diff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@link Token}s of one run into text, rewriting only what legitimately differs between two servers:
 * zxids become offsets from the scenario's base zxid (0 and -1 stay literal: "none" and "catch-up"), times
 * become "the time of transaction z+n", session ids become S1, S2... in order of first appearance (sessions of
 * the scenario's clients first, in the order they connected). Their real values are checked apart, by
 * {@link CreatedSessions}.
 *
 * <p>A time is checked, not just renamed: one zxid must always show one time (a transaction has one timestamp,
 * so a node's ctime equals the mtime of the same transaction), and the time must fall within the run, or it is
 * printed as a mismatch the other server will not share.
 */
final class Normaliser {
    private static final long SLACK_MILLIS = 5_000;

    private final long baseZxid;
    private final long runStart;
    private final long runEnd;
    private final Map<Long, String> sessions = new HashMap<>();
    private final Map<Long, List<Long>> timesByZxid = new HashMap<>();

    Normaliser(long baseZxid, List<Long> knownSessions, long runStart, long runEnd) {
        this.baseZxid = baseZxid;
        this.runStart = runStart;
        this.runEnd = runEnd;
        knownSessions.forEach(this::session);
    }

    String text(Object part) {
        if (part instanceof Token.Zxid z) {
            return zxid(z.value());
        }
        if (part instanceof Token.Time t) {
            return time(t);
        }
        if (part instanceof Token.SessionId s) {
            return s.value() == 0 ? "0" : session(s.value());
        }
        return String.valueOf(part);
    }

    private String zxid(long z) {
        if (z <= 0) {
            return Long.toString(z);
        }
        long offset = z - baseZxid;
        return offset >= 0 ? "z+" + offset : "z" + offset;
    }

    private String time(Token.Time t) {
        if (t.millis() == 0) {
            return "0";
        }
        if (t.millis() < runStart - SLACK_MILLIS || t.millis() > runEnd + SLACK_MILLIS) {
            return "t(" + zxid(t.zxid()) + ")=not-a-time-of-this-run:" + t.millis();
        }
        List<Long> seen = timesByZxid.computeIfAbsent(t.zxid(), k -> new ArrayList<>(1));
        int i = seen.indexOf(t.millis());
        if (i < 0) {
            seen.add(t.millis());
            i = seen.size() - 1;
        }
        return i == 0 ? "t(" + zxid(t.zxid()) + ")" : "t(" + zxid(t.zxid()) + ")#" + (i + 1);
    }

    private String session(long id) {
        return sessions.computeIfAbsent(id, k -> "S" + (sessions.size() + 1));
    }
}
