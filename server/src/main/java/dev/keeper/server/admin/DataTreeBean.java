package dev.keeper.server.admin;

/** {@code ...,name1=InMemoryDataTree}: ZooKeeper's {@code DataTreeBean}, read on the processor thread. */
final class DataTreeBean implements Jmx.DataTreeMXBean {
    private final Jmx jmx;

    DataTreeBean(Jmx jmx) {
        this.jmx = jmx;
    }

    @Override
    public int getNodeCount() {
        return jmx.read(() -> (int) jmx.view().tree().reportedNodeCount());
    }

    @Override
    public int getWatchCount() {
        return jmx.read(() -> (int) jmx.view().watches().watchCount());
    }

    @Override
    public String getLastZxid() {
        return jmx.read(() -> Jmx.hex(jmx.view().tree().lastZxid()));
    }

    @Override
    public long approximateDataSize() {
        return jmx.read(() -> jmx.view().tree().approximateDataSize());
    }

    @Override
    public int countEphemerals() {
        return jmx.read(() -> jmx.view().tree().ephemeralCount());
    }
}
