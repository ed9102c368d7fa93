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
        if (v.quorum() != null) {
            out.put("peer_state", v.quorum().peerState());
        }
        out.putAll(gauges(v));
        if (v.quorum() != null && v.quorum().leading()) {
            // The older name, still in ZooKeeper's documentation and emitted by other servers of the protocol.
            out.put("followers", v.quorum().syncedFollowers());
        }
        // ours, from older ZooKeepers' mntr
        out.put("p50_request_latency", m.latencyPercentile(0.5));
        out.put("p99_request_latency", m.latencyPercentile(0.99));
        out.put("datadir_size", v.dataDirSize());
        out.put("logdir_size", v.logDirSize());
        // ZooKeeper's gauge sets print as <namespace>_<metric> (DefaultMetricsProvider.dump)
        gaugeSets(v).forEach((name, byKey) -> byKey.forEach((key, value) -> out.put(key + "_" + name, value)));
        // and ZooKeeper's ServerMetrics, its counters and summaries
        m.dump(out::put);
        return out;
    }

    /**
     * ZooKeeper's gauges by name, as its servers register them: the quorum's ({@code QuorumZooKeeperServer},
     * {@code LeaderZooKeeperServer}) where they apply, then {@code ZooKeeperServer.registerMetrics}' in its order.
     * Processor thread.
     */
    static Map<String, Number> gauges(ServerView v) {
        Map<String, Number> out = new LinkedHashMap<>();
        ServerMetrics m = v.metrics();
        dev.keeper.server.quorum.RaftNode.Figures q = v.quorum();
        if (q != null) {
            out.put("quorum_size", q.quorumSize());
            if (q.leading()) {
                out.put("learners", q.learners());
                out.put("synced_followers", q.syncedFollowers());
                out.put("synced_non_voting_followers", 0);
                out.put("synced_observers", q.syncedObservers());
                out.put("pending_syncs", q.pendingSyncs());
                out.put("leader_uptime", q.leaderUptimeMs());
                out.put("last_proposal_size", q.proposalSizes()[0]);
                out.put("min_proposal_size", q.proposalSizes()[1]);
                out.put("max_proposal_size", q.proposalSizes()[2]);
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
        long[] sizes = m.responseSizes();
        out.put("last_client_response_size", sizes[0]);
        out.put("max_client_response_size", sizes[2]);
        out.put("min_client_response_size", sizes[1]);
        // TLS handshakes in progress: Netty's SslHandler runs them here, uncounted (ZooKeeper counts its own)
        out.put("outstanding_tls_handshake", 0);
        out.put("auth_failed_count", m.authFailedCount());
        // plaintext connections counted when client certificates are required: no such setting here
        out.put("non_mtls_remote_conn_count", 0L);
        out.put("non_mtls_local_conn_count", 0L);
        return out;
    }

    /** ZooKeeper's gauge sets: the quota figures per top-level namespace. Processor thread. */
    static Map<String, Map<String, Number>> gaugeSets(ServerView v) {
        Map<String, Map<String, Number>> sets = new LinkedHashMap<>();
        for (String name : new String[] {"quota_count_limit_per_namespace", "quota_bytes_limit_per_namespace",
                "quota_count_usage_per_namespace", "quota_bytes_usage_per_namespace"}) {
            sets.put(name, new LinkedHashMap<>());
        }
        for (QuotaTotals t : v.tree().quotaTotals()) {
            sets.get("quota_count_limit_per_namespace").put(t.namespace(), t.countLimit());
            sets.get("quota_bytes_limit_per_namespace").put(t.namespace(), t.bytesLimit());
            sets.get("quota_count_usage_per_namespace").put(t.namespace(), t.countUsage());
            sets.get("quota_bytes_usage_per_namespace").put(t.namespace(), t.bytesUsage());
        }
        return sets;
    }

    private static void put(PrintWriter out, String key, Object value) {
        out.print("zk_");
        out.print(key);
        out.print("\t");
        out.println(value instanceof Integer || value instanceof Long || value instanceof String
                ? value.toString() : String.valueOf(((Number) value).doubleValue()));
    }
}
