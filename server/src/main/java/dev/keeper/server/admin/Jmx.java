package dev.keeper.server.admin;

import dev.keeper.server.net.Connection;
import java.lang.management.ManagementFactory;
import java.util.Date;
import java.util.HashMap;
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
 * <p>Connection beans are registered and unregistered by {@link #refresh}, which the server calls every tick:
 * a session's bean appears within a second of its handshake, not with it as in ZooKeeper.
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
    private final String base;
    private final Map<Connection, ObjectName> connections = new HashMap<>();
    private final ObjectName serverName;
    private final ObjectName treeName;

    /** Registers the server's and the tree's beans; {@code clientPort} names them, as ZooKeeper's. */
    public Jmx(ServerView view, Processor processor, int clientPort) throws JMException {
        this.view = view;
        this.processor = processor;
        this.base = DOMAIN + ":name0=StandaloneServer_port" + clientPort;
        this.serverName = new ObjectName(base);
        this.treeName = new ObjectName(base + ",name1=InMemoryDataTree");
        register(new ServerBean(this), serverName);
        register(new DataTreeBean(this), treeName);
    }

    <T> T read(Callable<T> work) {
        return processor.call(work);
    }

    ServerView view() {
        return view;
    }

    private void register(Object bean, ObjectName name) throws JMException {
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name); // a server restarted in the same JVM (tests)
        }
        mbeans.registerMBean(bean, name);
    }

    /** Any thread but the processor's: brings the connection beans in line with the connections that have a session. */
    public synchronized void refresh() {
        Map<Connection, String> now = read(() -> {
            Map<Connection, String> m = new HashMap<>();
            for (Connection c : view.connections()) {
                if (c.sessionId() != 0) {
                    m.put(c, c.remote().getAddress().getHostAddress() + ",name3=0x"
                            + Long.toHexString(c.sessionId()));
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
                    ObjectName name = new ObjectName(base + ",name1=Connections,name2=" + suffix);
                    register(new ConnectionBean(this, c), name);
                    connections.put(c, name);
                } catch (JMException e) {
                    LOG.warn("Could not register the MBean of {}: {}", c, e.getMessage());
                }
            }
        });
    }

    private void unregister(ObjectName name) {
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
        unregister(treeName);
        unregister(serverName);
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

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String date(long millis) {
        return new Date(millis).toString();
    }
}
