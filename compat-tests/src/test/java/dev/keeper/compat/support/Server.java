package dev.keeper.compat.support;

/**
 * Which server a differential scenario runs against, each as a process of its own started from the same zoo.cfg
 * ({@code persist.ServerProcess}): ours, or the real ZooKeeper 3.9.5 from this module's class path.
 */
public enum Server {
    OURS("dev.keeper.server.Main"),
    ZOOKEEPER("org.apache.zookeeper.server.ZooKeeperServerMain");

    private final String mainClass;

    Server(String mainClass) {
        this.mainClass = mainClass;
    }

    /** The class whose main method takes the zoo.cfg. */
    public String mainClass() {
        return mainClass;
    }

    @Override
    public String toString() {
        return this == OURS ? "ours" : "zookeeper";
    }
}
