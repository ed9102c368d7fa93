package dev.keeper.server.admin;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.tree.QuotaTotals;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * mntr: "zk_name\tvalue" lines, under ZooKeeper's names ({@code ZooKeeperServer.registerMetrics} and
 * {@code ServerMetrics}) for every figure this server keeps.
 */
final class Mntr implements Word {
    @Override
    public void run(ServerView v, PrintWriter out) {
        Map<String, Object> values = values(v);
        if (values == null) {
            out.println(Srvr.NOT_SERVING);
            return;
        }
        values.forEach((key, value) -> put(out, key, value));
    }

    /**
     * The figures, by ZooKeeper's names without the "zk_" mntr prefixes them with (the AdminServer's monitor
     * command shows them so), or null while a member of an ensemble is not serving.
     */
    static Map<String, Object> values(ServerView v) {
        String mode = v.mode();
        if (mode == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ServerMetrics m = v.metrics();
        out.put("version", Version.full());
        out.put("server_state", mode);
        dev.keeper.server.quorum.RaftNode.Figures q = v.quorum();
        if (q != null) {
            out.put("peer_state", q.peerState());
            out.put("quorum_size", q.quorumSize());
            if (q.leading()) {
                out.put("learners", q.learners());
                out.put("synced_followers", q.syncedFollowers());
                out.put("synced_non_voting_followers", 0);
                out.put("synced_observers", q.syncedObservers());
                out.put("pending_syncs", 0);
                out.put("leader_uptime", q.leaderUptimeMs());
                out.put("last_proposal_size", q.proposalSizes()[0]);
                out.put("min_proposal_size", q.proposalSizes()[1]);
                out.put("max_proposal_size", q.proposalSizes()[2]);
                // The older name, still in ZooKeeper's documentation and emitted by other servers of the protocol.
                out.put("followers", q.syncedFollowers());
            }
        }
        out.put("avg_latency", m.avgLatency());
        out.put("max_latency", m.maxLatency());
        out.put("min_latency", m.minLatency());
        out.put("packets_received", m.packetsReceived());
        out.put("packets_sent", m.packetsSent());
        out.put("num_alive_connections", v.connections().size());
        out.put("outstanding_requests", v.outstanding());
        out.put("uptime", m.uptimeMillis());
        out.put("znode_count", v.tree().reportedNodeCount());
        out.put("watch_count", v.watches().watchCount());
        out.put("ephemerals_count", v.tree().ephemeralCount());
        out.put("approximate_data_size", v.tree().approximateDataSize());
        out.put("global_sessions", v.sessions().size());
        out.put("local_sessions", 0);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            out.put("open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            out.put("max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        out.put("connection_drop_probability", 0.0);
        out.put("connection_rejected", m.connectionsRejected());
        out.put("connection_drop_count", m.connectionsDroppedForBacklog());
        long[] sizes = m.responseSizes();
        out.put("last_client_response_size", sizes[0]);
        out.put("min_client_response_size", sizes[1]);
        out.put("max_client_response_size", sizes[2]);
        out.put("p50_request_latency", m.latencyPercentile(0.5));
        out.put("p99_request_latency", m.latencyPercentile(0.99));
        out.put("datadir_size", v.dataDirSize());
        out.put("logdir_size", v.logDirSize());
        // ZooKeeper's gauge sets and counter set print as <namespace>_<metric> (DefaultMetricsProvider.dump)
        for (QuotaTotals t : v.tree().quotaTotals()) {
            out.put(t.namespace() + "_quota_count_limit_per_namespace", t.countLimit());
            out.put(t.namespace() + "_quota_bytes_limit_per_namespace", t.bytesLimit());
            out.put(t.namespace() + "_quota_count_usage_per_namespace", t.countUsage());
            out.put(t.namespace() + "_quota_bytes_usage_per_namespace", t.bytesUsage());
        }
        m.quotaExceededErrors().forEach((ns, n) -> out.put(ns + "_quota_exceeded_error_per_namespace", n));
        return out;
    }

    private static void put(PrintWriter out, String key, Object value) {
        out.print("zk_");
        out.print(key);
        out.print("\t");
        out.println(value instanceof Integer || value instanceof Long || value instanceof String
                ? value.toString() : String.valueOf(((Number) value).doubleValue()));
    }
}
