package dev.keeper.server.admin;

import dev.keeper.server.config.Peer;
import dev.keeper.server.config.ServerConfig;
import dev.keeper.server.net.Connection;
import dev.keeper.server.quorum.RaftNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The AdminServer's commands, one name (or alias) to one {@link Command}: ZooKeeper 3.9.5's 28 commands and 24
 * aliases ({@code Commands}'s static block), with its field names, in its order. Small bodies live here; the
 * larger ones ({@link ServerStats}, {@link SnapshotCommand}, {@link RestoreCommand}) in files of their own.
 *
 * <p>Field names are ZooKeeper's snake_case; numbers are JSON numbers where ZooKeeper's are (session ids too:
 * Jackson writes a long as a number, and a map's long keys as strings).
 */
final class Commands {
    /** {@code ZooTrace}'s default mask: client requests, client pings and server pings (306). */
    static final long DEFAULT_TRACE_MASK = 0b1_0011_0010;

    private final Map<String, Command> byName = new TreeMap<>();
    private final Set<String> primaries = new TreeSet<>();
    /** set_trace_mask's value, which get_trace_mask reads back; this server traces nothing by it. */
    private final AtomicLong traceMask = new AtomicLong(DEFAULT_TRACE_MASK);

    Commands(SnapshotCommand snapshot, RestoreCommand restore) {
        add(Command.get((c, out) -> c.view().connections().forEach(Connection::resetStats),
                "connection_stat_reset", "crst"));
        add(Command.get((c, out) -> out.putAll(configuration(c.view())), "configuration", "conf", "config"));
        add(Command.get((c, out) -> out.put("connections", connections(c.view(), false, false))
                .put("secure_connections", connections(c.view(), true, false)), "connections", "cons"));
        add(Command.get((c, out) -> out.put("datadir_size", c.view().dataDirSize())
                .put("logdir_size", c.view().logDirSize()), "dirs"));
        add(Command.get((c, out) -> out.put("expiry_time_to_session_ids", c.view().sessions().expiryBuckets())
                .put("session_id_to_ephemeral_paths", ephemerals(c.view())), "dump"));
        add(new Command(List.of("environment", "env", "envi"), false, false, false, false,
                (c, out) -> out.putAll(Envi.entries())));
        add(new Command(List.of("get_trace_mask", "gtmk"), false, false, false, false,
                (c, out) -> out.put("tracemask", traceMask.get())));
        // DataTree.getDigestLog: the digests ZooKeeper keeps of its tree at each snapshot, for comparing members;
        // this server keeps none
        add(Command.get((c, out) -> out.put("digests", List.of()), "hash"));
        add(new Command(List.of("initial_configuration", "icfg"), true, false, false, false,
                (c, out) -> out.put("initial_configuration", c.view().config().initialConfig())));
        add(Command.get((c, out) -> out.put("read_only", "read-only".equals(c.view().mode())),
                "is_read_only", "isro"));
        add(new Command(List.of("last_snapshot", "lsnp"), true, false, false, false, SnapshotCommand::last));
        add(Command.get(Commands::leader, "leader", "lead"));
        add(new Command(List.of("monitor", "mntr"), false, false, false, true, Commands::monitor));
        // No learner keeps statistics of its observers here (they follow through the Raft log): nothing to reset.
        add(Command.get((c, out) -> { }, "observer_connection_stat_reset", "orst"));
        add(Command.get(Commands::observers, "observers", "obsr"));
        add(new Command(List.of("restore", "rest"), true, true, true, false, restore::run));
        add(Command.get((c, out) -> { }, "ruok"));
        add(new Command(List.of("set_trace_mask", "stmk"), false, false, false, false, this::setTraceMask));
        add(new Command(List.of("snapshot", "snap"), true, true, false, true, snapshot::run));
        add(Command.get((c, out) -> ServerStats.put(c.view(), out), "server_stats", "srvr"));
        add(Command.get((c, out) -> ServerStats.put(c.view(), out)
                .put("connections", connections(c.view(), false, true))
                .put("secure_connections", connections(c.view(), true, true)), "stats", "stat"));
        add(Command.get((c, out) -> c.view().metrics().reset(), "stat_reset", "srst"));
        add(new Command(List.of("system_properties", "sysp"), false, false, false, false,
                (c, out) -> out.putAll(systemProperties())));
        add(Command.get(Commands::votingView, "voting_view"));
        add(Command.get((c, out) -> out.put("session_id_to_watched_paths", c.view().watches().pathsBySession()),
                "watches", "wchc"));
        add(Command.get((c, out) -> out.put("path_to_session_ids", c.view().watches().sessionsByPath()),
                "watches_by_path", "wchp"));
        add(Command.get(Commands::watchSummary, "watch_summary", "wchs"));
        add(new Command(List.of("zabstate"), false, false, false, true, Commands::zabState));
    }

    private void add(Command c) {
        for (String name : c.names()) {
            if (byName.put(name, c) != null) {
                throw new IllegalStateException("two commands named " + name);
            }
        }
        primaries.add(c.primary());
    }

    /** The command by any of its names, or null. */
    Command find(String name) {
        return byName.get(name);
    }

    /** Every command's primary name, sorted: what GET on the command URL lists. */
    Set<String> primaries() {
        return Collections.unmodifiableSet(primaries);
    }

    /** {@code ZooKeeperServerConf.toMap}. */
    private static Map<String, Object> configuration(ServerView v) {
        ServerConfig c = v.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_port", c.clientPort());
        m.put("data_dir", c.dataDir() == null ? "" : c.dataDir().resolve("version-2").toString());
        m.put("data_log_dir", c.logDir() == null ? "" : c.logDir().resolve("version-2").toString());
        m.put("tick_time", c.tickTime());
        m.put("max_client_cnxns", c.maxClientCnxns());
        m.put("min_session_timeout", c.minSessionTimeout());
        m.put("max_session_timeout", c.maxSessionTimeout());
        m.put("server_id", c.quorum() == null ? 0L : c.quorum().myId());
        m.put("client_port_listen_backlog", -1); // clientPortListenBacklog: the OS's default
        return m;
    }

    /** The connections of the plain port (and port unification) or of the secure one. */
    private static List<Map<String, Object>> connections(ServerView v, boolean secure, boolean brief) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Connection c : v.connections()) {
            if (c.secure() == secure) {
                list.add(c.info(brief));
            }
        }
        return list;
    }

    private static Map<Long, List<String>> ephemerals(ServerView v) {
        Map<Long, List<String>> m = new LinkedHashMap<>();
        v.tree().allEphemerals().forEach((session, paths) -> m.put(session, List.copyOf(paths)));
        return m;
    }

    private static void leader(Command.Call c, CommandResponse out) {
        RaftNode.Figures q = c.view().quorum();
        if (q == null) {
            out.put("error", "server is not initialized"); // what a standalone ZooKeeper answers
            return;
        }
        out.put("is_leader", q.leading());
        out.put("leader_id", q.leaderId());
        // QuorumPeer.getLeaderAddress: the leader's quorum host(s), without the port
        String ip = q.members().stream().filter(p -> p.id() == q.leaderId()).map(Peer::host).findFirst()
                .orElse("");
        out.put("leader_ip", ip);
    }

    private static void monitor(Command.Call c, CommandResponse out) {
        Map<String, Object> values = Mntr.values(c.view());
        if (values == null) {
            out.put("error", Srvr.NOT_SERVING);
            return;
        }
        out.putAll(values);
    }

    private static void observers(Command.Call c, CommandResponse out) {
        RaftNode.Figures q = c.view().quorum();
        List<Map<String, Object>> list = new ArrayList<>();
        if (q != null && q.leading()) {
            for (Peer p : q.members()) {
                if (p.observer()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("remote_socket_address", p.quorumAddress());
                    m.put("sid", p.id());
                    list.add(m);
                }
            }
        }
        out.put("synced_observers", q != null && q.leading() ? q.syncedObservers() : 0);
        out.put("observers", list);
    }

    private void setTraceMask(Command.Call c, CommandResponse out) {
        String v = c.args().get("traceMask");
        if (v == null) {
            out.put("error", "setTraceMask requires long traceMask argument");
            return;
        }
        try {
            long mask = Long.parseLong(v);
            traceMask.set(mask);
            out.put("tracemask", mask);
        } catch (NumberFormatException e) {
            out.put("error", "setTraceMask requires long traceMask argument, got " + v);
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> m = new TreeMap<>();
        System.getProperties().forEach((k, v) -> m.put(k.toString(), v.toString()));
        return m;
    }

    /** {@code VotingViewCommand}: each voting member's addresses ({@code QuorumServerView}). */
    private static void votingView(Command.Call c, CommandResponse out) {
        RaftNode.Figures q = c.view().quorum();
        Map<Long, Map<String, Object>> view = new TreeMap<>();
        if (q != null) {
            for (Peer p : q.members()) {
                if (p.observer()) {
                    continue; // QuorumPeer.getVotingView: participants only
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("server_addresses", List.of(p.quorumAddress()));
                m.put("election_addresses", List.of(p.electionAddress()));
                m.put("client_address", p.clientPort() < 0 ? ""
                        : (p.clientHost() == null ? "0.0.0.0" : p.clientHost()) + ":" + p.clientPort());
                m.put("learner_type", "participant");
                view.put(p.id(), m);
            }
        }
        out.put("current_config", view);
    }

    /**
     * How zabstate shows a member's quorum and election address: ZooKeeper's {@code MultipleAddresses} as Jackson
     * writes a bean, each of its getters a field; one address here, as a {@code server.N} line without "|" gives.
     */
    private static Map<String, Object> multipleAddresses(String host, int port) {
        String one = host + ":" + port;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("empty", false);
        m.put("all_addresses", List.of(one));
        m.put("wildcard_addresses", List.of("0.0.0.0:" + port));
        m.put("all_ports", List.of(port));
        m.put("all_host_strings", List.of(host));
        m.put("reachable_address", one);
        m.put("all_reachable_addresses", List.of(one));
        m.put("all_reachable_addresses_or_all", List.of(one));
        m.put("reachable_or_one", one);
        m.put("one", one);
        return m;
    }

    private static void watchSummary(Command.Call c, CommandResponse out) {
        long[] s = c.view().watches().summary();
        out.put("num_connections", (int) s[0]);
        out.put("num_paths", (int) s[1]);
        out.put("num_total_watches", (int) s[2]);
    }

    /** {@code ZabStateCommand}: a standalone server has no Zab state. */
    private static void zabState(Command.Call c, CommandResponse out) {
        RaftNode.Figures q = c.view().quorum();
        if (q == null) {
            out.put("voting", false);
            out.put("zabstate", "");
            return;
        }
        ServerConfig cfg = c.view().config();
        long myId = cfg.quorum().myId();
        Peer me = q.members().stream().filter(p -> p.id() == myId).findFirst().orElse(cfg.quorum().me());
        long zxid = c.view().tree().lastZxid();
        out.put("myid", myId);
        out.put("is_leader", q.leading());
        out.put("quorum_address", multipleAddresses(me.host(), me.quorumPort()));
        out.put("election_address", multipleAddresses(me.host(), me.electionPort()));
        out.put("client_address", (cfg.clientPortAddress() == null ? "0.0.0.0" : cfg.clientPortAddress()) + ":"
                + cfg.clientPort());
        out.put("voting", !me.observer() && q.members().stream().anyMatch(p -> p.id() == myId));
        out.put("last_zxid", "0x" + Long.toHexString(zxid));
        out.put("zab_epoch", zxid >>> 32);
        out.put("zab_counter", zxid & 0xffffffffL);
        // QuorumPeer.ZabState: broadcast while serving; election while it has no leader
        out.put("zabstate", c.view().mode() == null ? "election" : "broadcast");
    }
}
