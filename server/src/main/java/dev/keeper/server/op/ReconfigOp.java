package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.config.Peer;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.TreeView;
import dev.keeper.wire.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReconfigRequest;

/**
 * reconfig (16): the members an ensemble should have after the request, checked as ZooKeeper's
 * {@code PrepRequestProcessor} checks them, in its order: reconfig enabled, not standalone, no reconfig in
 * progress, {@code fromConfig} (curConfigId) the current version or −1, the new members well formed (a whole list,
 * or servers joining and ids leaving), at least two voters, WRITE on {@code /zookeeper/config}. ZooKeeper then
 * checks that a quorum of the new configuration is connected and in sync (NewConfigNoQuorum); here Apache Ratis
 * does that when it takes the new configuration, after these checks.
 *
 * <p>Every member makes these checks when it applies the request, on the same tree and the same configuration,
 * so each failure is the same error transaction everywhere. A request that passes changes nothing yet: the member
 * its client is connected to hands the new members to Ratis, and the change comes back to every member in log
 * order as the configuration entry that makes it ({@code RequestProcessor}).
 */
public final class ReconfigOp implements Op.Write {
    /** What a reconfig is checked against: the ensemble as every member sees it at this point of the log. */
    public record Ensemble(boolean enabled, boolean replicated, boolean inProgress, List<Peer> members,
            long version) {
    }

    /** A standalone server: ReconfigDisabled, or Unimplemented when {@code reconfigEnabled=true}. */
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        throw new OpError(ErrorCode.RECONFIG_DISABLED);
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }

    /** The members after {@code r}, or the error ZooKeeper answers. */
    public static List<Peer> plan(ReconfigRequest r, Ensemble e, TreeView view, List<org.apache.zookeeper.data.Id> auth)
            throws OpError {
        if (!e.enabled()) {
            throw new OpError(ErrorCode.RECONFIG_DISABLED);
        }
        if (!e.replicated()) {
            throw new OpError(ErrorCode.UNIMPLEMENTED);
        }
        if (e.inProgress()) {
            throw new OpError(ErrorCode.RECONFIG_IN_PROGRESS);
        }
        if (r.getCurConfigId() != -1 && r.getCurConfigId() != e.version()) {
            throw new OpError(ErrorCode.BAD_VERSION);
        }
        Map<Long, Peer> next = r.getNewMembers() != null ? whole(r.getNewMembers()) : incremental(r, e.members());
        long voters = next.values().stream().filter(p -> !p.observer()).count();
        if (voters < 2) {
            // "new configuration must include at least 2 followers" (standaloneEnabled, ZooKeeper's default)
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeState config = view.get("/zookeeper/config");
        if (config != null) {
            Acls.check(view.acl(config), AclCache.Perms.WRITE, auth);
        }
        return List.copyOf(next.values());
    }

    /** newMembers: the whole list, separated by commas or newlines ({@code parseDynamicConfig}). */
    private static Map<Long, Peer> whole(String newMembers) throws OpError {
        Properties props = new Properties();
        try {
            props.load(new StringReader(newMembers.replace(',', '\n')));
        } catch (IOException | IllegalArgumentException ex) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        Map<Long, Peer> next = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            String k = key.trim();
            if (k.equals("version")) {
                continue;
            }
            if (!k.startsWith("server.")) {
                throw new OpError(ErrorCode.BAD_ARGUMENTS);
            }
            Peer p = peer(k.substring("server.".length()), props.getProperty(key));
            next.put(p.id(), p);
        }
        checkAddresses(next);
        return next;
    }

    /** leavingServers (ids) and joiningServers ({@code server.N=spec}), comma-separated, on the current members. */
    private static Map<Long, Peer> incremental(ReconfigRequest r, List<Peer> members) throws OpError {
        Map<Long, Peer> next = new TreeMap<>();
        for (Peer p : members) {
            next.put(p.id(), p);
        }
        for (String leaving : split(r.getLeavingServers())) {
            try {
                next.remove(Long.parseLong(leaving));
            } catch (NumberFormatException ex) {
                // ZooKeeper's Long.parseLong fails outside its KeeperException handling: MarshallingError
                throw new OpError(ErrorCode.MARSHALLING_ERROR);
            }
        }
        for (String joining : split(r.getJoiningServers())) {
            String[] parts = joining.split("=");
            if (parts.length != 2) {
                throw new OpError(ErrorCode.BAD_ARGUMENTS);
            }
            Peer p = peer(parts[0].substring(parts[0].lastIndexOf('.') + 1), parts[1]);
            if (p.clientPort() < 0) {
                // "each server should have 3 ports specified": a joiner needs its client address
                throw new OpError(ErrorCode.BAD_ARGUMENTS);
            }
            next.put(p.id(), p);
        }
        checkAddresses(next);
        return next;
    }

    private static Peer peer(String id, String spec) throws OpError {
        long sid;
        try {
            sid = Long.parseLong(id.trim());
        } catch (NumberFormatException ex) {
            throw new OpError(ErrorCode.MARSHALLING_ERROR);
        }
        try {
            return Peer.parse(sid, spec);
        } catch (IllegalArgumentException ex) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
    }

    /** Two members may not share a quorum or election address ({@code QuorumServer.checkAddressDuplicate}). */
    private static void checkAddresses(Map<Long, Peer> members) throws OpError {
        List<String> seen = new ArrayList<>();
        for (Peer p : members.values()) {
            for (String a : List.of(p.host() + ":" + p.quorumPort(), p.host() + ":" + p.electionPort())) {
                if (seen.contains(a)) {
                    throw new OpError(ErrorCode.BAD_ARGUMENTS);
                }
                seen.add(a);
            }
        }
    }

    /** ZooKeeper's {@code StringUtils.split}: comma-separated, trimmed, empty pieces dropped; null is none. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String piece : s.split(",")) {
            if (!piece.trim().isEmpty()) {
                out.add(piece.trim());
            }
        }
        return out;
    }
}
