package dev.keeper.server.config;

/**
 * One member of an ensemble, as a {@code server.N} line of zoo.cfg describes it
 * ({@code QuorumPeer.QuorumServer}): {@code host:quorumPort:electionPort[:participant|:observer][;[clientHost:]clientPort]}.
 * The quorum port carries replication (here: Apache Ratis); the election port is kept for the configuration
 * ZooKeeper clients and tools read back from {@code /zookeeper/config}.
 *
 * @param id           N of {@code server.N}, the member's myid
 * @param clientHost   the client address from the line, or null when the line has none ("0.0.0.0" when it
 *                     gives a port alone, as ZooKeeper reads it)
 * @param clientPort   the client port from the line, or -1 when the line has none
 */
public record Peer(long id, String host, int quorumPort, int electionPort, boolean observer, String clientHost,
        int clientPort) {

    private static final String WRONG_FORMAT = " does not have the form server_config or server_config;client_config"
            + " where server_config is host:port:port or host:port:port:type and client_config is port or host:port";

    /** Parses the value of {@code server.<id>}; the messages are ZooKeeper's {@code ConfigException} texts. */
    public static Peer parse(long id, String value) {
        String[] serverAndClient = value.trim().split(";");
        if (serverAndClient.length > 2) {
            throw new IllegalArgumentException(value + WRONG_FORMAT);
        }
        if (serverAndClient[0].contains("|")) {
            throw new IllegalArgumentException("Multiple address feature is disabled, but multiple addresses were"
                    + " specified for sid " + id);
        }
        String[] server = hostAndPort(serverAndClient[0]);
        if (server.length < 3 || server.length > 4) {
            throw new IllegalArgumentException(value + WRONG_FORMAT);
        }
        String host = server[0];
        int quorumPort = port(host, server[1]);
        int electionPort = port(host, server[2]);
        if (quorumPort == electionPort) {
            throw new IllegalArgumentException("Client and election port must be different! Please update the"
                    + " configuration file on server." + id);
        }
        boolean observer = false;
        if (server.length == 4) {
            observer = switch (server[3].trim().toLowerCase(java.util.Locale.ROOT)) {
                case "observer" -> true;
                case "participant" -> false;
                default -> throw new IllegalArgumentException("Unrecognised peertype: " + server[3]);
            };
        }
        String clientHost = null;
        int clientPort = -1;
        if (serverAndClient.length == 2) {
            String[] client = hostAndPort(serverAndClient[1]);
            if (client.length > 2) {
                throw new IllegalArgumentException(value + WRONG_FORMAT);
            }
            clientHost = client.length == 2 ? client[0] : "0.0.0.0";
            clientPort = port(clientHost, client[client.length - 1]);
        }
        return new Peer(id, host, quorumPort, electionPort, observer, clientHost, clientPort);
    }

    /** host:port splitting that keeps a bracketed IPv6 address whole ({@code ConfigUtils.getHostAndPort}). */
    private static String[] hostAndPort(String s) {
        s = s.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(s + " starts with '[' but has no matching ']'");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new String[] {host};
            }
            if (rest.charAt(0) != ':') {
                throw new IllegalArgumentException(s + " does not have : after ]");
            }
            String[] ports = rest.substring(1).split(":");
            String[] all = new String[ports.length + 1];
            all[0] = host;
            System.arraycopy(ports, 0, all, 1, ports.length);
            return all;
        }
        return s.split(":");
    }

    private static int port(String host, String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Address unresolved: " + host + ":" + s);
        }
    }

    /** The Ratis address of this member: its quorum port. */
    public String quorumAddress() {
        return host + ":" + quorumPort;
    }

    /** The election port's address, {@code host:electionPort} (unused here: Ratis elects on the quorum port). */
    public String electionAddress() {
        return host + ":" + electionPort;
    }

    /**
     * The line as {@code /zookeeper/config} shows it ({@code QuorumServer.toString}):
     * {@code server.N=host:quorumPort:electionPort:participant;clientHost:clientPort}.
     */
    public String configLine() {
        return "server." + id + "=" + spec();
    }

    /** The value of the {@code server.N} line: what {@link #parse} reads back. */
    public String spec() {
        StringBuilder b = new StringBuilder()
                .append(host).append(':').append(quorumPort).append(':').append(electionPort).append(':')
                .append(observer ? "observer" : "participant");
        if (clientPort >= 0) {
            b.append(';').append(clientHost).append(':').append(clientPort);
        }
        return b.toString();
    }
}
