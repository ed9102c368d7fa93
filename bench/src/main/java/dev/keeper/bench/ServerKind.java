package dev.keeper.bench;

/** The two servers a run compares. */
enum ServerKind {
    OURS("ours"),
    ZOOKEEPER("zookeeper");

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
