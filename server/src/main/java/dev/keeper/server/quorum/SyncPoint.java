package dev.keeper.server.quorum;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A member's sync, as it asks the leader where to catch up to, and the leader's answer: the log index, which the
 * leader gives once a majority has confirmed it still leads ({@link LeadershipCheck}). Both ride Ratis's read-only
 * client requests, which reach the leader's state machine as queries, beside {@link SessionTouches}. Format of the
 * question: {@code int magic, long member}; of the answer: {@code long index}.
 */
final class SyncPoint {
    private static final int MAGIC = 0x53594e43; // "SYNC"

    private SyncPoint() {
    }

    static byte[] question(long member) {
        return ByteBuffer.allocate(12).putInt(MAGIC).putLong(member).array();
    }

    /** True if {@code b} (not consumed) holds a sync's question. */
    static boolean isQuestion(ByteBuffer b) {
        return b.remaining() == 12 && b.getInt(b.position()) == MAGIC;
    }

    static byte[] answer(long index) {
        return ByteBuffer.allocate(8).putLong(index).array();
    }

    static long index(ByteBuffer b) throws IOException {
        if (b.remaining() != 8) {
            throw new IOException("a sync point of " + b.remaining() + " bytes");
        }
        return b.getLong();
    }
}
