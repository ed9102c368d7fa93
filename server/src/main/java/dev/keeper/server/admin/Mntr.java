package dev.keeper.server.admin;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.tree.QuotaTotals;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * mntr: "zk_name\tvalue" lines, under ZooKeeper's names ({@code ZooKeeperServer.registerMetrics} and
 * {@code ServerMetrics}) for every figure this server keeps.
 */
final class Mntr implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        String mode = v.mode();
        if (mode == null) {
            out.println(Srvr.NOT_SERVING);
            return;
        }
        ServerMetrics m = v.metrics();
        put(out, "version", Version.full());
        put(out, "server_state", mode);
        dev.keeper.server.quorum.RaftNode.Figures q = v.quorum();
        if (q != null) {
            put(out, "peer_state", q.peerState());
            put(out, "quorum_size", q.quorumSize());
            if (q.leading()) {
                put(out, "learners", q.learners());
                put(out, "synced_followers", q.syncedFollowers());
                put(out, "synced_non_voting_followers", 0);
                put(out, "synced_observers", q.syncedObservers());
                put(out, "pending_syncs", 0);
                put(out, "leader_uptime", q.leaderUptimeMs());
                // The older name, still in ZooKeeper's documentation and emitted by other servers of the protocol.
                put(out, "followers", q.syncedFollowers());
            }
        }
        put(out, "avg_latency", m.avgLatency());
        put(out, "max_latency", m.maxLatency());
        put(out, "min_latency", m.minLatency());
        put(out, "packets_received", m.packetsReceived());
        put(out, "packets_sent", m.packetsSent());
        put(out, "num_alive_connections", v.connections().size());
        put(out, "outstanding_requests", v.outstanding());
        put(out, "uptime", m.uptimeMillis());
        put(out, "znode_count", v.tree().nodeCount());
        put(out, "watch_count", v.watches().watchCount());
        put(out, "ephemerals_count", v.tree().ephemeralCount());
        put(out, "approximate_data_size", v.tree().approximateDataSize());
        put(out, "global_sessions", v.sessions().size());
        put(out, "local_sessions", 0);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            put(out, "open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            put(out, "max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        put(out, "connection_drop_probability", 0.0);
        put(out, "connection_rejected", m.connectionsRejected());
        put(out, "connection_drop_count", m.connectionsDroppedForBacklog());
        put(out, "p50_request_latency", m.latencyPercentile(0.5));
        put(out, "p99_request_latency", m.latencyPercentile(0.99));
        put(out, "datadir_size", v.dataDirSize());
        put(out, "logdir_size", v.logDirSize());
        // ZooKeeper's gauge sets and counter set print as <namespace>_<metric> (DefaultMetricsProvider.dump)
        for (QuotaTotals t : v.tree().quotaTotals()) {
            put(out, t.namespace() + "_quota_count_limit_per_namespace", t.countLimit());
            put(out, t.namespace() + "_quota_bytes_limit_per_namespace", t.bytesLimit());
            put(out, t.namespace() + "_quota_count_usage_per_namespace", t.countUsage());
            put(out, t.namespace() + "_quota_bytes_usage_per_namespace", t.bytesUsage());
        }
        m.quotaExceededErrors().forEach((ns, n) -> put(out, ns + "_quota_exceeded_error_per_namespace", n));
    }

    private static void put(PrintWriter out, String key, Object value) {
        out.print("zk_");
        out.print(key);
        out.print("\t");
        out.println(value instanceof Integer || value instanceof Long || value instanceof String
                ? value.toString() : String.valueOf(((Number) value).doubleValue()));
    }
}
