package dev.keeper.server.admin;

import dev.keeper.server.net.Connection;
import java.lang.management.ManagementFactory;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's MBeans, under its names, in the platform MBean server: a standalone server is
 * {@code org.apache.ZooKeeperService:name0=StandaloneServer_port<clientPort>}, with {@code name1=InMemoryDataTree}
 * and, for each connection that has a session, {@code name1=Connections,name2=<ip>,name3=0x<session>}
 * ({@code ZooKeeperServerBean}, {@code DataTreeBean}, {@code ConnectionBean}). The attributes are ZooKeeper's
 * names and types, read on the processor thread so each read is consistent. ZooKeeper's tuning knobs of its own
 * request pipeline (throttling, commit batching, response caching, ...) have no counterpart here and are absent;
 * the attributes this server has are read-only (its configuration is read once at start).
 *
 * <p>An ensemble member's tree is ZooKeeper's {@code QuorumPeer}'s ({@link #Jmx(ServerView, Processor)}).
 *
 * <p>Connection beans are registered and unregistered by {@link #refresh}, which the server calls every second:
 * a session's bean appears within a second of its handshake, not with it as in ZooKeeper; so does a member's
 * change of role.
 */
public final class Jmx implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);
    static final String DOMAIN = "org.apache.ZooKeeperService";

    /** Runs work on the processor thread and returns its result. */
    public interface Processor {
        <T> T call(Callable<T> work);
    }

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private final ServerView view;
    private final Processor processor;
    private final Map<Connection, ObjectName> connections = new HashMap<>();
    /** Every bean registered but the connections', to unregister at close. */
    private final java.util.Set<ObjectName> registered = new java.util.LinkedHashSet<>();

    /** Where the server bean is (null while an ensemble member has none), and how many name keys that name has. */
    private String serverBase;
    private int depth;

    /** An ensemble member's: its root, its peers' beans, and the role whose beans are registered. */
    private final String quorumBase;
    private final Map<Long, ObjectName> peers = new HashMap<>();
    private String role;
    private ObjectName roleName;
    private ObjectName treeName;
    private final Map<Long, ObjectName> learners = new HashMap<>();
    private volatile List<dev.keeper.server.config.Peer> members = List.of();
    private volatile long leaderId = -1;
    private long lookingSince = -1;
    private volatile long electionTimeTaken;

    /** A standalone server's beans; {@code clientPort} names them, as ZooKeeper's. */
    public Jmx(ServerView view, Processor processor, int clientPort) throws JMException {
        this.view = view;
        this.processor = processor;
        this.quorumBase = null;
        this.serverBase = DOMAIN + ":name0=StandaloneServer_port" + clientPort;
        this.depth = 1;
        register(new ServerBean(this), new ObjectName(serverBase));
        register(new DataTreeBean(this), new ObjectName(serverBase + ",name1=InMemoryDataTree"));
    }

    /**
     * An ensemble member's beans, as a ZooKeeper {@code QuorumPeer} registers them: {@code
     * name0=ReplicatedServer_id<myid>} ({@link QuorumBean}); {@code name1=replica.<id>} for each member
     * ({@link LocalPeerBean} for this one, {@link RemotePeerBean} for the others); under this member's, {@code
     * name2=Leader}, {@code Follower} or {@code Observer} with the server's attributes, {@code
     * name3=InMemoryDataTree} and {@code name3=Connections,name4=<ip>,name5=0x<session>} below it, or {@code
     * name2=LeaderElection} while it has no leader. {@link #refresh} follows the role and the membership.
     */
    public Jmx(ServerView view, Processor processor) throws JMException {
        this.view = view;
        this.processor = processor;
        this.quorumBase = DOMAIN + ":name0=ReplicatedServer_id" + view.config().quorum().myId();
        register(new QuorumBean(this), new ObjectName(quorumBase));
        refresh();
    }

    <T> T read(Callable<T> work) {
        return processor.call(work);
    }

    ServerView view() {
        return view;
    }

    /** The member {@code id} as the ensemble's configuration has it now, or null. */
    dev.keeper.server.config.Peer member(long id) {
        for (dev.keeper.server.config.Peer p : members) {
            if (p.id() == id) {
                return p;
            }
        }
        return null;
    }

    /** The leader's Raft address, or "" without one. */
    String leaderAddress() {
        dev.keeper.server.config.Peer p = member(leaderId);
        return p == null ? "" : p.quorumAddress();
    }

    /** How long this member was without a leader before its last one, ms, as its refreshes saw it. */
    long electionTimeTaken() {
        return electionTimeTaken;
    }

    /** Processor thread: {@code /zookeeper/config}'s version. */
    long configVersion() {
        String text = configText();
        int at = text.lastIndexOf("version=");
        try {
            return at < 0 ? 0 : Long.parseLong(text.substring(at + 8).trim(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Processor thread: {@code /zookeeper/config}'s text ({@code QuorumVerifier.toString}). */
    String configText() {
        var node = view.tree().get("/zookeeper/config");
        byte[] data = node == null ? null : node.data();
        return data == null ? "" : new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void register(Object bean, ObjectName name) throws JMException {
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name); // a server restarted in the same JVM (tests)
        }
        mbeans.registerMBean(bean, name);
        registered.add(name);
    }

    /**
     * Any thread but the processor's, every second: an ensemble member's role and peers, then the connection beans
     * in line with the connections that have a session.
     */
    public synchronized void refresh() {
        if (quorumBase != null) {
            refreshMember();
        }
        if (serverBase == null) {
            return;
        }
        String prefix = serverBase + ",name" + depth + "=Connections,name" + (depth + 1) + "=";
        String sessionKey = ",name" + (depth + 2) + "=0x";
        Map<Connection, String> now = read(() -> {
            Map<Connection, String> m = new HashMap<>();
            for (Connection c : view.connections()) {
                if (c.sessionId() != 0) {
                    m.put(c, c.remote().getAddress().getHostAddress() + sessionKey + Long.toHexString(c.sessionId()));
                }
            }
            return m;
        });
        connections.entrySet().removeIf(e -> {
            if (now.containsKey(e.getKey())) {
                return false;
            }
            unregister(e.getValue());
            return true;
        });
        now.forEach((c, suffix) -> {
            if (!connections.containsKey(c)) {
                try {
                    ObjectName name = new ObjectName(prefix + suffix);
                    mbeans.registerMBean(new ConnectionBean(this, c), name);
                    connections.put(c, name);
                } catch (JMException e) {
                    LOG.warn("Could not register the MBean of {}: {}", c, e.getMessage());
                }
            }
        });
    }

    private void refreshMember() {
        long myId = view.config().quorum().myId();
        record State(String mode, dev.keeper.server.quorum.RaftNode.Figures figures) {
        }
        State st = read(() -> new State(view.mode(), view.quorum()));
        members = st.figures().members();
        leaderId = st.figures().leaderId();
        String local = quorumBase + ",name1=replica." + myId;
        try {
            // the peers: this member's LocalPeerBean, a RemotePeerBean for each other member
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (dev.keeper.server.config.Peer p : st.figures().members()) {
                ids.add(p.id());
                if (!peers.containsKey(p.id())) {
                    ObjectName n = new ObjectName(quorumBase + ",name1=replica." + p.id());
                    register(p.id() == myId ? new LocalPeerBean(this) : new RemotePeerBean(this, p.id()), n);
                    peers.put(p.id(), n);
                }
            }
            peers.entrySet().removeIf(e -> {
                if (ids.contains(e.getKey()) || e.getKey() == myId) {
                    return false;
                }
                unregister(e.getValue());
                return true;
            });
            if (!peers.containsKey(myId)) {
                ObjectName n = new ObjectName(local);
                register(new LocalPeerBean(this), n);
                peers.put(myId, n);
            }
            // the role
            String now = st.mode() == null ? "LeaderElection" : switch (st.mode()) {
                case "leader" -> "Leader";
                case "observer" -> "Observer";
                default -> "Follower";
            };
            if (now.equals(role)) {
                refreshLearners(st.figures());
                return;
            }
            long t = System.currentTimeMillis();
            if (now.equals("LeaderElection")) {
                lookingSince = t;
            } else if (lookingSince >= 0) {
                electionTimeTaken = t - lookingSince;
                lookingSince = -1;
            }
            dropRole();
            role = now;
            roleName = new ObjectName(local + ",name2=" + now);
            if (now.equals("LeaderElection")) {
                register(new LeaderElectionBean(t), roleName);
                return;
            }
            ServerBean bean = switch (now) {
                case "Leader" -> new LeaderBean(this);
                case "Observer" -> new ObserverBean(this);
                default -> new FollowerBean(this);
            };
            register(bean, roleName);
            treeName = new ObjectName(local + ",name2=" + now + ",name3=InMemoryDataTree");
            register(new DataTreeBean(this), treeName);
            serverBase = local + ",name2=" + now;
            depth = 3;
            refreshLearners(st.figures());
        } catch (JMException e) {
            LOG.warn("Could not register the ensemble's MBeans: {}", e.getMessage());
        }
    }

    /** The leader's learner beans, one per learner it replicates to now. */
    private void refreshLearners(dev.keeper.server.quorum.RaftNode.Figures figures) throws JMException {
        java.util.Set<Long> now = new java.util.HashSet<>();
        if ("Leader".equals(role)) {
            for (dev.keeper.server.quorum.RaftNode.Learner l : figures.learnerInfo()) {
                now.add(l.id());
                dev.keeper.server.config.Peer p = member(l.id());
                if (!learners.containsKey(l.id()) && p != null) {
                    ObjectName n = new ObjectName(serverBase + ",name3=Learner_Connections,name4="
                            + ObjectName.quote(p.quorumAddress()) + ",name5=\"id:" + l.id() + "\"");
                    register(new LearnerBean(l.id()), n);
                    learners.put(l.id(), n);
                }
            }
        }
        learners.entrySet().removeIf(e -> {
            if (now.contains(e.getKey())) {
                return false;
            }
            unregister(e.getValue());
            return true;
        });
    }

    /** The previous role's beans: the server's, the tree's, the learners' and the connections' under them. */
    private void dropRole() {
        learners.values().forEach(this::unregister);
        learners.clear();
        connections.values().forEach(this::unregister);
        connections.clear();
        if (treeName != null) {
            unregister(treeName);
            treeName = null;
        }
        if (roleName != null) {
            unregister(roleName);
            roleName = null;
        }
        serverBase = null;
    }

    private void unregister(ObjectName name) {
        registered.remove(name);
        try {
            if (mbeans.isRegistered(name)) {
                mbeans.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.debug("Could not unregister {}: {}", name, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        connections.values().forEach(this::unregister);
        connections.clear();
        List<ObjectName> all = new java.util.ArrayList<>(registered);
        java.util.Collections.reverse(all);
        all.forEach(this::unregister);
    }

    /** {@code ZooKeeperServerMXBean}'s attributes and operations that this server has. */
    public interface ZooKeeperServerMXBean {
        String getClientPort();

        String getSecureClientPort();

        String getSecureClientAddress();

        String getVersion();

        String getStartTime();

        int getTickTime();

        int getMinSessionTimeout();

        int getMaxSessionTimeout();

        int getMaxClientCnxnsPerHost();

        int getMaxCnxns();

        int getJuteMaxBufferSize();

        long getMinRequestLatency();

        double getAvgRequestLatency();

        long getMaxRequestLatency();

        long getPacketsReceived();

        long getPacketsSent();

        long getOutstandingRequests();

        long getNumAliveConnections();

        long getFsyncThresholdExceedCount();

        long getAuthFailedCount();

        long getNonMTLSLocalConnCount();

        long getNonMTLSRemoteConnCount();

        long getDataDirSize();

        long getLogDirSize();

        long getTxnLogElapsedSyncTime();

        int getLastClientResponseSize();

        int getMinClientResponseSize();

        int getMaxClientResponseSize();

        void resetStatistics();

        void resetLatency();

        void resetMaxLatency();

        void resetFsyncThresholdExceedCount();

        void resetNonMTLSConnCount();

        void resetAuthFailedCount();
    }

    /** {@code DataTreeMXBean}. */
    public interface DataTreeMXBean {
        int getNodeCount();

        int getWatchCount();

        String getLastZxid();

        long approximateDataSize();

        int countEphemerals();
    }

    /** {@code ConnectionMXBean}. */
    public interface ConnectionMXBean {
        String getSourceIP();

        String getSessionId();

        String getStartedTime();

        String[] getEphemeralNodes();

        long getPacketsReceived();

        long getPacketsSent();

        long getOutstandingRequests();

        int getSessionTimeout();

        long getMinLatency();

        long getAvgLatency();

        long getMaxLatency();

        String getLastOperation();

        String getLastCxid();

        String getLastZxid();

        String getLastResponseTime();

        long getLastLatency();

        void terminateSession();

        void terminateConnection();

        void resetCounters();
    }

    /** {@code QuorumMXBean}: {@code name0=ReplicatedServer_id<myid>}. */
    public interface QuorumMXBean {
        String getName();

        int getQuorumSize();

        int getInitLimit();

        int getSyncLimit();

        boolean isSslQuorum();

        boolean isPortUnification();

        long getObserverElectionDelayMS();

        boolean getDigestEnabled();

        void disableDigest();
    }

    /** {@code LocalPeerMXBean} (with {@code ServerMXBean}'s Name and StartTime): {@code name1=replica.<myid>}. */
    public interface LocalPeerMXBean {
        String getName();

        String getStartTime();

        int getTickTime();

        int getMaxClientCnxnsPerHost();

        int getMinSessionTimeout();

        int getMaxSessionTimeout();

        int getInitLimit();

        int getSyncLimit();

        int getTick();

        String getState();

        String getQuorumAddress();

        int getElectionType();

        String getElectionAddress();

        String getClientAddress();

        String getLearnerType();

        long getConfigVersion();

        String getQuorumSystemInfo();

        boolean isPartOfEnsemble();

        boolean isLeader();

        int getMaxCnxns();
    }

    /** {@code RemotePeerMXBean}: {@code name1=replica.<id>} of every other member. */
    public interface RemotePeerMXBean {
        String getName();

        String getQuorumAddress();

        String getElectionAddress();

        String getClientAddress();

        String getLearnerType();

        boolean isLeader();
    }

    /** {@code LeaderMXBean}: {@code name2=Leader}, with the server's attributes. */
    public interface LeaderMXBean extends ZooKeeperServerMXBean {
        String getCurrentZxid();

        String followerInfo();

        String nonVotingFollowerInfo();

        long getElectionTimeTaken();

        int getLastProposalSize();

        int getMinProposalSize();

        int getMaxProposalSize();

        void resetProposalStatistics();
    }

    /** {@code FollowerMXBean}: {@code name2=Follower}, with the server's attributes. */
    public interface FollowerMXBean extends ZooKeeperServerMXBean {
        String getQuorumAddress();

        String getLastQueuedZxid();

        int getPendingRevalidationCount();

        long getElectionTimeTaken();
    }

    /** {@code ObserverMXBean}: {@code name2=Observer}, with the server's attributes. */
    public interface ObserverMXBean extends ZooKeeperServerMXBean {
        int getPendingRevalidationCount();

        String getQuorumAddress();

        String getLearnerMaster();
    }

    /** {@code LearnerHandlerMXBean}: {@code name3=Learner_Connections,...} under the leader's bean. */
    public interface LearnerHandlerMXBean {
        void terminateConnection();
    }

    /** {@code LeaderElectionMXBean}: {@code name2=LeaderElection}, while the member has no leader. */
    public interface LeaderElectionMXBean {
        String getStartTime();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String date(long millis) {
        return new Date(millis).toString();
    }
}
