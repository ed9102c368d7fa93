package dev.keeper.bench;

/**
 * The operations the load generator measures, each with 100-byte znode data. The first four are single requests
 * (the standalone load cells); the next three are the ensemble part's compound operations, one measured op each;
 * the last is the observability part's watched mix.
 */
enum Op {
    CREATE("create"),
    SET_DATA("setData"),
    GET_DATA("getData"),
    EXISTS("exists"),
    /** Nine getData and one setData in every ten requests of a session (request i % 10 == 9 writes). */
    MIX("mix"),
    /** A multi of {@link #MULTI_SIZE} setData on distinct znodes. */
    MULTI_SET_DATA("multi"),
    /** A sync of a znode, then a getData of it, sent back to back (the session's order keeps them in turn). */
    SYNC_GET_DATA("sync+getData"),
    /**
     * Nine getData with a watch and one setData in every ten requests of a session (request i % 10 == 9 writes), on
     * the data znodes, which every session reads and writes: the setData fire the watches other sessions (and this
     * one) set, so watch events flow all along (the observability part's load).
     */
    WATCH_MIX("watchMix");

    static final int MULTI_SIZE = 10;
    /** The single-request operations, what the load and durable parts measure by default. */
    static final java.util.List<Op> SINGLE = java.util.List.of(CREATE, SET_DATA, GET_DATA, EXISTS);

    private final String label;

    Op(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Whether every request leaves a new znode behind, to be deleted after the run. */
    boolean creates() {
        return this == CREATE;
    }

    static Op parse(String s) {
        for (Op op : values()) {
            if (op.label.equalsIgnoreCase(s) || op.name().equalsIgnoreCase(s)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op " + s + "; expected create, setData, getData, exists, mix,"
                + " multi, sync+getData or watchMix");
    }
}
