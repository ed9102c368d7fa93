package dev.keeper.bench;

/** The operations the load generator measures, each with 100-byte znode data. */
enum Op {
    CREATE("create"),
    SET_DATA("setData"),
    GET_DATA("getData"),
    EXISTS("exists");

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
        throw new IllegalArgumentException("unknown op " + s + "; expected create, setData, getData or exists");
    }
}
