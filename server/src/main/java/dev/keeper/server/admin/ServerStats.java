package dev.keeper.server.admin;

import dev.keeper.server.metrics.ServerMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server_stats command's body, and the first part of stats': ZooKeeper's {@code SrvrCommand}, whose
 * {@code server_stats} object is its {@code ServerStats} bean as Jackson writes it: snake_case getter names, in the
 * order Jackson finds the getters, which is the JVM's reflection order and not the same from one ZooKeeper process
 * to the next (measured: provider_null second, fifth or last). Ours is one of its orders.
 */
final class ServerStats {
    private ServerStats() {
    }

    static CommandResponse put(ServerView v, CommandResponse out) {
        ServerMetrics m = v.metrics();
        Map<String, Object> responses = responseSizes(m);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("packets_sent", m.packetsSent());
        s.put("packets_received", m.packetsReceived());
        s.put("fsync_threshold_exceed_count", v.fsyncThresholdExceedCount());
        s.put("client_response_stats", responses);
        s.put("provider_null", false);
        s.put("data_dir_size", v.dataDirSize());
        s.put("log_dir_size", v.logDirSize());
        s.put("last_processed_zxid", v.tree().lastZxid());
        s.put("outstanding_requests", (long) v.outstanding());
        s.put("server_state", v.mode());
        s.put("avg_latency", m.avgLatency());
        s.put("max_latency", m.maxLatency());
        s.put("min_latency", m.minLatency());
        s.put("num_alive_client_connections", v.connections().size());
        s.put("uptime", m.uptimeMillis());
        s.put("auth_failed_count", m.authFailedCount());
        // ZooKeeper counts plaintext connections when client.certificate.auth is required (non-mTLS ones); this
        // server has no such setting, so there are none to count
        s.put("non_mtlsremote_conn_count", 0L);
        s.put("non_mtlslocal_conn_count", 0L);
        out.put("version", Version.full());
        out.put("read_only", "read-only".equals(v.mode()));
        out.put("server_stats", s);
        out.put("client_response", responseSizes(m));
        if (v.quorum() != null && v.quorum().leading()) {
            // LeaderZooKeeperServer's proposal sizes (here: as each proposal is encoded in the Raft log)
            long[] p = v.quorum().proposalSizes();
            Map<String, Object> proposals = new LinkedHashMap<>();
            proposals.put("last_buffer_size", p[0]);
            proposals.put("min_buffer_size", p[1]);
            proposals.put("max_buffer_size", p[2]);
            out.put("proposal_stats", proposals);
        }
        out.put("node_count", v.tree().reportedNodeCount());
        return out;
    }

    /** {@code BufferStats}: the sizes of the responses sent, -1 before the first. */
    private static Map<String, Object> responseSizes(ServerMetrics m) {
        long[] sizes = m.responseSizes();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("last_buffer_size", sizes[0]);
        r.put("min_buffer_size", sizes[1]);
        r.put("max_buffer_size", sizes[2]);
        return r;
    }
}
