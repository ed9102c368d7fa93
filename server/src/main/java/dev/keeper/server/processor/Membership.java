package dev.keeper.server.processor;

import dev.keeper.server.config.Peer;
import dev.keeper.server.config.Quorum;
import dev.keeper.server.net.Connection;
import dev.keeper.wire.Reply;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ensemble's members as the log has made them — zoo.cfg's (or its dynamic file's) until a reconfig changes
 * them — and the one reconfig on its way: checked when its request was applied, waiting for Apache Ratis to take
 * the new configuration. Every member holds the same, since all of it changes only in log order. Processor
 * thread only.
 *
 * <p>While a connection's reconfig waits, the replies to that connection's later requests wait behind it: a
 * ZooKeeper client takes replies in the order it sent the requests, and drops the connection otherwise.
 */
final class Membership {
    /** A reconfig that passed its checks: {@code proposal} is its request, {@code term} when it was applied. */
    record Pending(Proposal proposal, long term, List<Peer> target) {
    }

    record Held(int opCode, Reply reply, long receivedNanos) {
    }

    private List<Peer> members;
    /**
     * False until the log (its first configuration entry, or a snapshot) has said who the members are: before
     * that, zoo.cfg's lines stand in, and they need not be the log's (a member added by reconfig names itself).
     */
    private boolean known;
    private Pending pending;
    private Connection heldFor;
    private final List<Held> held = new ArrayList<>();

    Membership(List<Peer> members) {
        this.members = sorted(members);
    }

    List<Peer> members() {
        return members;
    }

    boolean known() {
        return known;
    }

    boolean contains(long id) {
        return members.stream().anyMatch(p -> p.id() == id);
    }

    /**
     * True if {@code peers} are the members now: the same ids with the same roles and quorum and election
     * addresses. Client addresses are left out: a member fills in its own when its line has none
     * ({@code /zookeeper/config} shows it so), and that must not look like a change.
     */
    boolean same(List<Peer> peers) {
        return alike(peers, members);
    }

    /** {@link #same} for two lists of members, in any order. */
    static boolean alike(List<Peer> a, List<Peer> b) {
        return identities(a).equals(identities(b));
    }

    void change(List<Peer> peers) {
        members = sorted(peers);
        known = true;
    }

    /** A snapshot's {@code /zookeeper/config} names the members as of it, when it names any. */
    void adopt(byte[] configData) {
        if (configData == null || configData.length == 0) {
            return;
        }
        List<Peer> named = Quorum.parseConfigData(new String(configData, java.nio.charset.StandardCharsets.UTF_8));
        if (!named.isEmpty()) {
            change(named);
        }
    }

    Pending pending() {
        return pending;
    }

    /** The connection whose reconfig is pending, when it is this member's; else null. */
    Connection connection() {
        return heldFor;
    }

    void begin(Pending p, Connection origin) {
        pending = p;
        heldFor = origin;
    }

    /** Ends the pending reconfig; returns the replies its connection's later requests got meanwhile, in order. */
    List<Held> end() {
        pending = null;
        heldFor = null;
        List<Held> out = List.copyOf(held);
        held.clear();
        return out;
    }

    /** True if this reply must wait behind {@code c}'s reconfig (pings and notifications never wait). */
    boolean hold(Connection c, int opCode, Reply reply, long receivedNanos) {
        if (c != heldFor || reply.xid() < 0) {
            return false;
        }
        held.add(new Held(opCode, reply, receivedNanos));
        return true;
    }

    private static List<String> identities(List<Peer> peers) {
        return sorted(peers).stream().map(p -> p.id() + "=" + p.host() + ":" + p.quorumPort() + ":"
                + p.electionPort() + ":" + p.observer()).toList();
    }

    private static List<Peer> sorted(List<Peer> peers) {
        List<Peer> copy = new ArrayList<>(peers);
        copy.sort(Comparator.comparingLong(Peer::id));
        return List.copyOf(copy);
    }
}
