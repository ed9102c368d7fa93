package dev.keeper.server.quorum;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a follower tells the leader every half tick: the sessions its clients kept alive since it last told it
 * (ZooKeeper's followers send the same in their pings, {@code Learner.ping}). Only the leader expires sessions,
 * so without these a session whose client talks to a follower would expire while in use. Format: {@code int
 * magic, long member, int count, long session*}.
 */
final class SessionTouches {
    private static final int MAGIC = 0x544f4348; // "TOCH"

    /** The sessions {@code member}'s clients kept alive. */
    record Report(long member, long[] sessions) {
    }

    private SessionTouches() {
    }

    static byte[] encode(long member, long[] sessions) {
        ByteBuffer b = ByteBuffer.allocate(16 + 8 * sessions.length);
        b.putInt(MAGIC).putLong(member).putInt(sessions.length);
        for (long s : sessions) {
            b.putLong(s);
        }
        return b.array();
    }

    static Report decode(ByteBuffer b) throws IOException {
        if (b.remaining() < 16 || b.getInt() != MAGIC) {
            throw new IOException("not a session report");
        }
        long member = b.getLong();
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 8) {
            throw new IOException("session report of " + n + " sessions in " + b.remaining() + " bytes");
        }
        long[] sessions = new long[n];
        for (int i = 0; i < n; i++) {
            sessions[i] = b.getLong();
        }
        return new Report(member, sessions);
    }
}
