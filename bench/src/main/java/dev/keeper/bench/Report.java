package dev.keeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Everything one run measured, both servers side by side; rendered by {@link MarkdownReport} and
 * {@link RawResults}.
 *
 * @param meta      how the run was made
 * @param cells     the load cells, in the order they ran
 * @param memory    memory figures per server, or null when that phase did not run
 * @param fanOut    fan-out figures per server, or null when that phase did not run
 * @param durable   the durable write cells (fsync on for both servers), empty when that phase did not run
 * @param snapshot  write latency around snapshots per server, or null when that phase did not run (or failed)
 * @param startup   start-up times on the big tree, or null when that phase did not run (or failed)
 * @param flood     canary latency under a flood of malformed frames per server, or null when that phase did not
 *                  run (or failed)
 * @param ensemble  the ensemble part (three members of each server), or null when that phase did not run
 * @param tls       the TLS part (both engines, TLS against plaintext), or null when that phase did not run
 * @param observe   the observability part (ours observed against unobserved, the watch heap), or null when that
 *                  phase did not run
 * @param notes     anything that went wrong (a server erroring, hanging, or dying), verbatim
 */
record Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
              List<CellRow> durable, Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup,
              Pair<FloodBench.Figures> flood, EnsembleBench.Figures ensemble, TlsBench.Figures tls,
              ObserveBench.Figures observe, List<String> notes) {

    /** A run without the observability part (the shape of runs before it existed). */
    Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
           List<CellRow> durable, Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup,
           Pair<FloodBench.Figures> flood, EnsembleBench.Figures ensemble, TlsBench.Figures tls, List<String> notes) {
        this(meta, cells, memory, fanOut, durable, snapshot, startup, flood, ensemble, tls, null, notes);
    }

    /** A run without the TLS part (the shape of runs before it existed). */
    Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
           List<CellRow> durable, Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup,
           Pair<FloodBench.Figures> flood, EnsembleBench.Figures ensemble, List<String> notes) {
        this(meta, cells, memory, fanOut, durable, snapshot, startup, flood, ensemble, null, notes);
    }

    /** A run without the ensemble part (the shape of runs before it existed). */
    Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
           List<CellRow> durable, Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup,
           Pair<FloodBench.Figures> flood, List<String> notes) {
        this(meta, cells, memory, fanOut, durable, snapshot, startup, flood, null, null, notes);
    }

    /** A run without the flood part (the shape of runs before it existed). */
    Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
           List<CellRow> durable, Pair<SnapshotBench.Figures> snapshot, StartupBench.Figures startup,
           List<String> notes) {
        this(meta, cells, memory, fanOut, durable, snapshot, startup, null, null, null, notes);
    }

    /** A run without the durability parts (the shape of runs before they existed). */
    Report(Meta meta, List<CellRow> cells, Pair<MemoryBench.Figures> memory, Pair<FanOutBench.Figures> fanOut,
           List<String> notes) {
        this(meta, cells, memory, fanOut, List.of(), null, null, null, null, null, notes);
    }

    /**
     * @param startedAt     ISO time the run started
     * @param quick         a --quick smoke run
     * @param fsync         forceSync on both servers
     * @param repeats       repeats per cell and server
     * @param warmupMillis  unmeasured load before each repeat
     * @param measureMillis measured span of each repeat
     * @param window        outstanding requests per session in throughput mode
     * @param heap          -Xms/-Xmx of both servers
     * @param tickTime      tickTime of both servers
     * @param java          the JVM both servers ran on
     * @param cores         processors the machine has
     * @param loadBefore    /proc/loadavg at the start
     * @param loadAfter     /proc/loadavg at the end
     * @param loadDuring    the 1-minute load average sampled through the run ({@link LoadSampler#summary})
     * @param dataDisk      the file system both servers' data and log directories were on
     */
    record Meta(String startedAt, boolean quick, boolean fsync, int repeats, long warmupMillis, long measureMillis,
                int window, String heap, int tickTime, String java, int cores, String loadBefore, String loadAfter,
                String loadDuring, String dataDisk) {
    }

    /** The same measurement on both servers. */
    record Pair<T>(T ours, T zookeeper) {
    }

    /** One cell's repeats on each server; figures reported are medians over repeats. */
    record CellRow(Cell cell, List<CellRun> ours, List<CellRun> zookeeper) {
        CellRow {
            ours = List.copyOf(ours);
            zookeeper = List.copyOf(zookeeper);
        }

        double oursOpsPerSecond() {
            return median(ours, CellRun::opsPerSecond);
        }

        double zookeeperOpsPerSecond() {
            return median(zookeeper, CellRun::opsPerSecond);
        }

        double oursP50() {
            return median(ours, CellRun::p50Micros);
        }

        double zookeeperP50() {
            return median(zookeeper, CellRun::p50Micros);
        }

        double oursP99() {
            return median(ours, CellRun::p99Micros);
        }

        double zookeeperP99() {
            return median(zookeeper, CellRun::p99Micros);
        }

        long oursErrors() {
            return ours.stream().mapToLong(CellRun::errors).sum();
        }

        long zookeeperErrors() {
            return zookeeper.stream().mapToLong(CellRun::errors).sum();
        }

        private static double median(List<CellRun> runs, ToDoubleFunction<CellRun> f) {
            List<Double> v = new ArrayList<>();
            for (CellRun r : runs) {
                v.add(f.applyAsDouble(r));
            }
            return Stats.median(v);
        }
    }
}
