package dev.keeper.bench;

/**
 * The znodes the load cells use. Reads and updates rotate over {@link #DATA_NODES} znodes of 100 bytes; each
 * session creates under its own parent, so no parent collects every session's children.
 */
final class BenchPaths {
    static final String ROOT = "/bench";
    static final String DATA = ROOT + "/d";
    static final String CREATE = ROOT + "/c";
    static final int DATA_NODES = 1000;

    private BenchPaths() {
    }

    static String dataNode(int i) {
        return DATA + "/n" + i;
    }

    /** The znode request {@code i} of session {@code session} reads or updates. */
    static String dataNodeFor(int session, long i) {
        return dataNode((int) ((session * 31L + i) % DATA_NODES));
    }

    static String createParent(int session) {
        return CREATE + "/s" + session;
    }

    static String created(int session, long i) {
        return createParent(session) + "/n" + i;
    }
}
