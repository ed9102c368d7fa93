package dev.keeper.bench;

/** One row of the load table: an operation, a session count and a mode. */
record Cell(Op op, int sessions, Mode mode) {
    @Override
    public String toString() {
        return op.label() + "/" + sessions + "/" + mode.label();
    }
}
