package dev.keeper.bench;

/**
 * How each session issues requests. In {@link #LATENCY} mode a session waits for each reply before it sends the
 * next request; in {@link #THROUGHPUT} mode it keeps a fixed window of requests outstanding (pipelined).
 */
enum Mode {
    LATENCY("latency"),
    THROUGHPUT("throughput");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Requests a session keeps outstanding. */
    int outstanding(int window) {
        return this == LATENCY ? 1 : window;
    }
}
