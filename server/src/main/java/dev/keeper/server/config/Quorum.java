package dev.keeper.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble this server belongs to: the {@code server.N} lines of zoo.cfg and this server's {@code myid}
 * (the file {@code dataDir/myid}), read as ZooKeeper's {@code QuorumPeerConfig} reads them.
 *
 * @param myId  this server's id, from {@code dataDir/myid}
 * @param peers every member, participants and observers, by ascending id
 */
public record Quorum(long myId, List<Peer> peers) {
    private static final Logger LOG = LoggerFactory.getLogger(Quorum.class);

    public Quorum {
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(p -> p.id() == myId)) {
            throw new IllegalArgumentException("myid " + myId + " is not in the server list " + ids(peers));
        }
    }

    /** This server's own line. */
    public Peer me() {
        return peers.stream().filter(p -> p.id() == myId).findFirst().orElseThrow();
    }

    /**
     * What {@code /zookeeper/config} holds ({@code QuorumMaj.toString}): a {@code server.N=} line per member,
     * this member's with its client address ({@code clientAddress}) when its own line gives none, as ZooKeeper's
     * {@code setupClientPort} fills it in, then {@code version=} in hex.
     */
    public String configData(String clientAddress, long version) {
        return configData(peers, myId, clientAddress, version);
    }

    /** {@link #configData(String, long)} for {@code peers}, the members after a reconfig. */
    public static String configData(List<Peer> peers, long myId, String clientAddress, long version) {
        StringBuilder b = new StringBuilder();
        for (Peer p : peers) {
            if (p.id() == myId && p.clientPort() < 0 && clientAddress != null) {
                int colon = clientAddress.lastIndexOf(':');
                p = new Peer(p.id(), p.host(), p.quorumPort(), p.electionPort(), p.observer(),
                        clientAddress.substring(0, colon), Integer.parseInt(clientAddress.substring(colon + 1)));
            }
            b.append(p.configLine()).append('\n');
        }
        return b.append("version=").append(Long.toHexString(version)).toString();
    }

    /**
     * The members {@code /zookeeper/config}'s data names: its {@code server.N=} lines (the data as
     * {@link #configData} writes it, ZooKeeper's too); empty when it has none.
     */
    public static List<Peer> parseConfigData(String data) {
        List<Peer> peers = new java.util.ArrayList<>();
        for (String line : data.split("\n")) {
            line = line.trim();
            int eq = line.indexOf('=');
            if (!line.startsWith("server.") || eq < 0) {
                continue;
            }
            long id = Long.parseLong(line.substring("server.".length(), eq).trim());
            peers.add(Peer.parse(id, line.substring(eq + 1)));
        }
        peers.sort(java.util.Comparator.comparingLong(Peer::id));
        return List.copyOf(peers);
    }

    public List<Peer> participants() {
        return peers.stream().filter(p -> !p.observer()).toList();
    }

    public List<Peer> observers() {
        return peers.stream().filter(Peer::observer).toList();
    }

    /**
     * The ensemble the {@code server.N} values describe, or null for a standalone server: none at all, or a
     * single participant while {@code standaloneEnabled} (ZooKeeper then runs standalone too, and logs that it
     * ignores the line). Throws with ZooKeeper's message for a configuration it refuses.
     */
    static Quorum from(Map<Long, String> servers, Path dataDir, boolean standaloneEnabled) {
        if (servers.isEmpty()) {
            return null;
        }
        Map<Long, Peer> peers = new TreeMap<>();
        servers.forEach((id, value) -> peers.put(id, Peer.parse(id, value)));
        long participants = peers.values().stream().filter(p -> !p.observer()).count();
        long observers = peers.size() - participants;
        if (participants == 0) {
            if (!standaloneEnabled) {
                throw new IllegalArgumentException("standaloneEnabled = false then number of participants should"
                        + " be >0");
            }
            if (observers > 0) {
                throw new IllegalArgumentException("Observers w/o participants is an invalid configuration");
            }
            return null;
        }
        if (participants == 1 && standaloneEnabled) {
            if (observers > 0) {
                throw new IllegalArgumentException("Observers w/o quorum is an invalid configuration");
            }
            LOG.error("Invalid configuration, only one server specified (ignoring)");
            return null;
        }
        if (participants <= 2) {
            LOG.warn("No server failure will be tolerated. You need at least 3 servers.");
        } else if (participants % 2 == 0) {
            LOG.warn("Non-optimal configuration, consider an odd number of servers.");
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is not set");
        }
        return new Quorum(readMyId(dataDir), List.copyOf(peers.values()));
    }

    /** {@code dataDir/myid}: its first line, a number ({@code QuorumPeerConfig.setupMyId}). */
    static long readMyId(Path dataDir) {
        Path file = dataDir.resolve("myid");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("myid file is missing: " + file);
        }
        String line;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            line = lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("serverid " + line + " is not a number");
        }
    }

    private static List<Long> ids(List<Peer> peers) {
        return peers.stream().map(Peer::id).toList();
    }
}
