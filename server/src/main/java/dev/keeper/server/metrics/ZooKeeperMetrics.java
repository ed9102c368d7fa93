package dev.keeper.server.metrics;

import java.util.List;

/**
 * The metrics ZooKeeper 3.9.5's {@code ServerMetrics} registers, by name and kind, in its order: what mntr, the
 * AdminServer's monitor command and the Prometheus endpoint list, whether or not this server has the event a metric
 * counts. A metric of ZooKeeper's own request pipeline (its prep, sync and commit processors, its throttles, its
 * learner handlers) stays at zero here: this server has none of those stages, and a zero is what a dashboard made for
 * ZooKeeper shows for a stage that never ran. Which ones this server feeds is in {@link ServerMetrics}.
 * (ZooKeeper's gauges are not here: they are figures of the server, computed when asked, in {@code admin/Mntr}.)
 */
public final class ZooKeeperMetrics {
    /** How a metric is kept and dumped ({@code DefaultMetricsContext}): a SET is keyed (a namespace, a server id). */
    public enum Kind {
        COUNTER, COUNTER_SET, SUMMARY, SUMMARY_ADVANCED, SUMMARY_SET, SUMMARY_SET_ADVANCED;

        /** ADVANCED summaries keep percentiles (mntr's p50..p999, Prometheus' 0.5, 0.9 and 0.99 quantiles). */
        public boolean advanced() {
            return this == SUMMARY_ADVANCED || this == SUMMARY_SET_ADVANCED;
        }

        public boolean set() {
            return this == COUNTER_SET || this == SUMMARY_SET || this == SUMMARY_SET_ADVANCED;
        }

        public boolean summary() {
            return this != COUNTER && this != COUNTER_SET;
        }
    }

    /** One metric: its name as ZooKeeper registers it, and its kind. */
    public record Metric(String name, Kind kind) {
    }

    /** All 122, in the order ZooKeeper's {@code ServerMetrics} constructor registers them. */
    public static final List<Metric> ALL = List.of(
            m("fsynctime", Kind.SUMMARY),
            m("snapshottime", Kind.SUMMARY),
            m("snapshot_error_count", Kind.COUNTER),
            m("snapshot_rate_limited_count", Kind.COUNTER),
            m("restore_time", Kind.SUMMARY),
            m("restore_error_count", Kind.COUNTER),
            m("restore_rate_limited_count", Kind.COUNTER),
            m("dbinittime", Kind.SUMMARY),
            m("readlatency", Kind.SUMMARY_ADVANCED),
            m("updatelatency", Kind.SUMMARY_ADVANCED),
            m("propagation_latency", Kind.SUMMARY_ADVANCED),
            m("follower_sync_time", Kind.SUMMARY),
            m("observer_sync_time", Kind.SUMMARY),
            m("election_time", Kind.SUMMARY),
            m("looking_count", Kind.COUNTER),
            m("diff_count", Kind.COUNTER),
            m("snap_count", Kind.COUNTER),
            m("commit_count", Kind.COUNTER),
            m("connection_request_count", Kind.COUNTER),
            m("connection_token_deficit", Kind.SUMMARY),
            m("connection_rejected", Kind.COUNTER),
            m("inflight_snap_count", Kind.SUMMARY),
            m("inflight_diff_count", Kind.SUMMARY),
            m("write_per_namespace", Kind.SUMMARY_SET),
            m("read_per_namespace", Kind.SUMMARY_SET),
            m("bytes_received_count", Kind.COUNTER),
            m("unrecoverable_error_count", Kind.COUNTER),
            m("node_created_watch_count", Kind.SUMMARY),
            m("node_deleted_watch_count", Kind.SUMMARY),
            m("node_changed_watch_count", Kind.SUMMARY),
            m("node_children_watch_count", Kind.SUMMARY),
            m("add_dead_watcher_stall_time", Kind.COUNTER),
            m("dead_watchers_queued", Kind.COUNTER),
            m("dead_watchers_cleared", Kind.COUNTER),
            m("dead_watchers_cleaner_latency", Kind.SUMMARY_ADVANCED),
            m("response_packet_cache_hits", Kind.COUNTER),
            m("response_packet_cache_misses", Kind.COUNTER),
            m("response_packet_get_children_cache_hits", Kind.COUNTER),
            m("response_packet_get_children_cache_misses", Kind.COUNTER),
            m("ensemble_auth_success", Kind.COUNTER),
            m("ensemble_auth_fail", Kind.COUNTER),
            m("ensemble_auth_skip", Kind.COUNTER),
            m("prep_processor_queue_time_ms", Kind.SUMMARY_ADVANCED),
            m("prep_processor_queue_size", Kind.SUMMARY),
            m("prep_processor_request_queued", Kind.COUNTER),
            m("outstanding_changes_queued", Kind.COUNTER),
            m("outstanding_changes_removed", Kind.COUNTER),
            m("prep_process_time", Kind.SUMMARY),
            m("proposal_process_time", Kind.SUMMARY),
            m("close_session_prep_time", Kind.SUMMARY_ADVANCED),
            m("revalidate_count", Kind.COUNTER),
            m("connection_drop_count", Kind.COUNTER),
            m("connection_revalidate_count", Kind.COUNTER),
            m("sessionless_connections_expired", Kind.COUNTER),
            m("stale_sessions_expired", Kind.COUNTER),
            m("unavailable_time", Kind.SUMMARY),
            m("leader_unavailable_time", Kind.SUMMARY),
            m("requests_in_session_queue", Kind.SUMMARY),
            m("pending_session_queue_size", Kind.SUMMARY),
            m("reads_after_write_in_session_queue", Kind.SUMMARY),
            m("reads_issued_from_session_queue", Kind.SUMMARY),
            m("session_queues_drained", Kind.SUMMARY),
            m("time_waiting_empty_pool_in_commit_processor_read_ms", Kind.SUMMARY),
            m("write_batch_time_in_commit_processor", Kind.SUMMARY),
            m("concurrent_request_processing_in_commit_processor", Kind.SUMMARY),
            m("read_commit_proc_req_queued", Kind.SUMMARY),
            m("write_commit_proc_req_queued", Kind.SUMMARY),
            m("commit_commit_proc_req_queued", Kind.SUMMARY),
            m("request_commit_queued", Kind.COUNTER),
            m("read_commit_proc_issued", Kind.SUMMARY),
            m("write_commit_proc_issued", Kind.SUMMARY),
            m("throttled_ops", Kind.COUNTER),
            m("read_commitproc_time_ms", Kind.SUMMARY_ADVANCED),
            m("write_commitproc_time_ms", Kind.SUMMARY_ADVANCED),
            m("local_write_committed_time_ms", Kind.SUMMARY_ADVANCED),
            m("server_write_committed_time_ms", Kind.SUMMARY_ADVANCED),
            m("commit_process_time", Kind.SUMMARY),
            m("om_proposal_process_time_ms", Kind.SUMMARY_ADVANCED),
            m("om_commit_process_time_ms", Kind.SUMMARY_ADVANCED),
            m("read_final_proc_time_ms", Kind.SUMMARY_ADVANCED),
            m("write_final_proc_time_ms", Kind.SUMMARY_ADVANCED),
            m("proposal_latency", Kind.SUMMARY_ADVANCED),
            m("proposal_ack_creation_latency", Kind.SUMMARY_ADVANCED),
            m("commit_propagation_latency", Kind.SUMMARY_ADVANCED),
            m("learner_proposal_received_count", Kind.COUNTER),
            m("learner_commit_received_count", Kind.COUNTER),
            m("learner_handler_qp_size", Kind.SUMMARY_SET),
            m("learner_handler_qp_time_ms", Kind.SUMMARY_SET_ADVANCED),
            m("startup_txns_loaded", Kind.SUMMARY),
            m("startup_txns_load_time", Kind.SUMMARY),
            m("startup_snap_load_time", Kind.SUMMARY),
            m("sync_processor_queue_and_flush_time_ms", Kind.SUMMARY_ADVANCED),
            m("sync_processor_queue_size", Kind.SUMMARY),
            m("sync_processor_request_queued", Kind.COUNTER),
            m("sync_processor_queue_time_ms", Kind.SUMMARY_ADVANCED),
            m("sync_processor_queue_flush_time_ms", Kind.SUMMARY_ADVANCED),
            m("sync_process_time", Kind.SUMMARY),
            m("sync_processor_batch_size", Kind.SUMMARY),
            m("quorum_ack_latency", Kind.SUMMARY_ADVANCED),
            m("ack_latency", Kind.SUMMARY_SET_ADVANCED),
            m("proposal_count", Kind.COUNTER),
            m("quit_leading_due_to_disloyal_voter", Kind.COUNTER),
            m("stale_requests", Kind.COUNTER),
            m("stale_requests_dropped", Kind.COUNTER),
            m("stale_replies", Kind.COUNTER),
            m("request_throttle_queue_time_ms", Kind.SUMMARY_ADVANCED),
            m("request_throttle_wait_count", Kind.COUNTER),
            m("large_requests_rejected", Kind.COUNTER),
            m("netty_queued_buffer_capacity", Kind.SUMMARY),
            m("digest_mismatches_count", Kind.COUNTER),
            m("learner_request_processor_queue_size", Kind.SUMMARY),
            m("unsuccessful_handshake", Kind.COUNTER),
            m("insecure_admin_count", Kind.COUNTER),
            m("tls_handshake_exceeded", Kind.COUNTER),
            m("cnxn_closed_without_zk_server_running", Kind.COUNTER),
            m("skip_learner_request_to_next_processor_count", Kind.COUNTER),
            m("socket_closing_time", Kind.SUMMARY),
            m("requests_not_forwarded_to_commit_processor", Kind.COUNTER),
            m("response_bytes", Kind.COUNTER),
            m("watch_bytes", Kind.COUNTER),
            m("jvm_pause_time_ms", Kind.SUMMARY_ADVANCED),
            m("quota_exceeded_error_per_namespace", Kind.COUNTER_SET));

    private ZooKeeperMetrics() {
    }

    private static Metric m(String name, Kind kind) {
        return new Metric(name, kind);
    }
}
