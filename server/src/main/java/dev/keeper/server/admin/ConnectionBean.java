package dev.keeper.server.admin;

import dev.keeper.server.net.Connection;
import java.util.Map;
import java.util.Set;

/**
 * {@code ...,name1=Connections,name2=<ip>,name3=0x<session>}: ZooKeeper's {@code ConnectionBean} for one
 * connection with a session. Its figures are the connections command's ({@link Connection#info}).
 */
final class ConnectionBean implements Jmx.ConnectionMXBean {
    private final Jmx jmx;
    private final Connection c;

    ConnectionBean(Jmx jmx, Connection c) {
        this.jmx = jmx;
        this.c = c;
    }

    private Map<String, Object> info() {
        return jmx.read(() -> c.info(false));
    }

    private long number(String key) {
        return ((Number) info().get(key)).longValue();
    }

    @Override
    public String getSourceIP() {
        return c.remote().getAddress().getHostAddress() + ":" + c.remote().getPort();
    }

    @Override
    public String getSessionId() {
        return Jmx.hex(jmx.read(c::sessionId));
    }

    @Override
    public String getStartedTime() {
        return Jmx.date(number("established"));
    }

    @Override
    public String[] getEphemeralNodes() {
        return jmx.read(() -> {
            Set<String> paths = jmx.view().tree().allEphemerals().get(c.sessionId());
            String[] sorted = paths == null ? new String[0] : paths.toArray(new String[0]);
            java.util.Arrays.sort(sorted); // as ZooKeeper's bean lists them
            return sorted;
        });
    }

    @Override
    public long getPacketsReceived() {
        return number("packets_received");
    }

    @Override
    public long getPacketsSent() {
        return number("packets_sent");
    }

    @Override
    public long getOutstandingRequests() {
        return number("outstanding_requests");
    }

    @Override
    public int getSessionTimeout() {
        return (int) number("session_timeout");
    }

    @Override
    public long getMinLatency() {
        return number("min_latency");
    }

    @Override
    public long getAvgLatency() {
        return number("avg_latency");
    }

    @Override
    public long getMaxLatency() {
        return number("max_latency");
    }

    @Override
    public String getLastOperation() {
        return (String) info().get("last_operation");
    }

    @Override
    public String getLastCxid() {
        return Jmx.hex(number("last_cxid"));
    }

    @Override
    public String getLastZxid() {
        return Jmx.hex(number("last_zxid"));
    }

    @Override
    public String getLastResponseTime() {
        return Jmx.date(number("last_response_time"));
    }

    @Override
    public long getLastLatency() {
        return number("last_latency");
    }

    @Override
    public void terminateSession() {
        jmx.read(() -> {
            jmx.view().terminateSession(c.sessionId());
            return null;
        });
    }

    @Override
    public void terminateConnection() {
        c.close();
    }

    @Override
    public void resetCounters() {
        jmx.read(() -> {
            c.resetStats();
            return null;
        });
    }
}
