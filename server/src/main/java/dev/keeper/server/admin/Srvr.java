package dev.keeper.server.admin;

import dev.keeper.server.metrics.ServerMetrics;
import dev.keeper.server.net.Connection;
import java.io.PrintWriter;

/**
 * srvr, and stat (the same with a client list): {@code StatCommand} and {@code ServerStats.toString}.
 * {@code zkServer.sh status} reads the "Mode:" line.
 */
final class Srvr implements Word {
    private final boolean withClients;

    Srvr(boolean withClients) {
        this.withClients = withClients;
    }

    @Override
    public void run(ServerView v, PrintWriter out) {
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
        out.print("Mode: standalone\n");
        out.print("Node count: ");
        out.println(v.tree().nodeCount());
    }
}
