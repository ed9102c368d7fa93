package dev.keeper.server.admin;

import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.net.Connection;
import java.io.PrintWriter;

/**
 * srvr, and stat (the same with a client list): {@code StatCommand} and {@code ServerStats.toString}.
 * {@code zkServer.sh status} reads the "Mode:" line.
 */
final class Srvr implements Word {
    /** {@code FourLetterCommands.ZK_NOT_SERVING}: a member that has no leader. */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    private final boolean withClients;

    Srvr(boolean withClients) {
        this.withClients = withClients;
    }

    @Override
    public void run(ServerView v, PrintWriter out) {
        String mode = v.mode();
        if (mode == null) {
            out.println(NOT_SERVING);
            return;
        }
        out.print("Zookeeper version: ");
        out.println(Version.full());
        if (withClients) {
            out.println("Clients:");
            for (Connection c : v.connections()) {
                c.dump(out, true);
                out.println();
            }
            out.println();
        }
        ServerMetrics m = v.metrics();
        out.print("Latency min/avg/max: " + m.minLatency() + "/" + m.avgLatency() + "/" + m.maxLatency() + "\n");
        out.print("Received: " + m.packetsReceived() + "\n");
        out.print("Sent: " + m.packetsSent() + "\n");
        out.print("Connections: " + v.connections().size() + "\n");
        out.print("Outstanding: " + v.outstanding() + "\n");
        out.print("Zxid: 0x" + Long.toHexString(v.tree().lastZxid()) + "\n");
        out.print("Mode: " + mode + "\n");
        out.print("Node count: ");
        out.println(v.tree().reportedNodeCount());
    }
}
