package dev.keeper.server.console;

import dev.keeper.server.admin.ServerView;
import dev.keeper.server.admin.Version;
import dev.keeper.server.auth.Acls;
import dev.keeper.server.net.Connection;
import dev.keeper.server.session.Session;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Children;
import dev.keeper.server.tree.DataTree;
import dev.keeper.server.tree.Znode;
import dev.keeper.server.watch.HeapLayout;
import dev.keeper.server.watch.WatchFigures;
import dev.keeper.server.watch.WatchManager;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * The console's read API, answered on the processor thread from the live tree, sessions and watches, so every
 * answer is one consistent view. A node's data and children are shown only to a caller whose ids may READ it, and
 * its ACL to one who may READ or ADMIN it, as a ZooKeeper client would be answered (anonymous callers have their
 * address as an ip id, as a client connection has); its Stat, as {@code exists}, to anyone.
 *
 * <p>Every answer is bounded: children are paged, sessions and top lists are capped, so a page costs the processor
 * in proportion to what it shows (and to the number of watched paths for the watch figures).
 */
final class ConsoleApi {
    static final int MAX_PAGE = 1000;
    /** Children of a node with more than this are listed in the tree's order rather than sorted. */
    static final int SORT_LIMIT = 10_000;

    private final ServerView view;
    private final HeapLayout layout = HeapLayout.current();

    ConsoleApi(ServerView view) {
        this.view = view;
    }

    Map<String, Object> overview(int feedSubscribers, long feedDropped) {
        Map<String, Object> m = new LinkedHashMap<>();
        String mode = view.mode();
        m.put("mode", mode == null ? "not serving" : mode);
        m.put("version", Version.full());
        m.put("zxid", hex(view.tree().lastZxid()));
        m.put("znodes", view.tree().reportedNodeCount());
        m.put("ephemerals", view.tree().ephemeralCount());
        m.put("sessions", view.sessions().size());
        m.put("connections", view.connections().size());
        m.put("watches", view.watches().watchCount());
        m.put("watchHeapBytes", view.watches().heapBytes(layout));
        m.put("outstanding", view.outstanding());
        m.put("uptimeMs", view.metrics().uptimeMillis());
        m.put("feedSubscribers", feedSubscribers);
        m.put("feedDropped", feedDropped);
        return m;
    }

    ApiResponse node(String path, int offset, int limit, List<Id> ids) {
        DataTree tree = view.tree();
        Znode z = path.equals("/") || (path.startsWith("/") && !path.endsWith("/")) ? tree.find(path) : null;
        if (z == null) {
            return ApiResponse.error(404, "NoNode", dev.keeper.wire.ErrorCode.NO_NODE);
        }
        List<ACL> acl = tree.aclOf(z);
        boolean read = Acls.allows(acl, AclCache.Perms.READ, ids);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("stat", stat(tree.stat(z)));
        if (read || Acls.allows(acl, AclCache.Perms.ADMIN, ids)) {
            List<Map<String, Object>> entries = new ArrayList<>(acl.size());
            for (ACL a : acl) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("perms", perms(a.getPerms()));
                e.put("scheme", a.getId().getScheme());
                e.put("id", a.getId().getId());
                entries.add(e);
            }
            m.put("acl", entries);
        } else {
            m.put("acl", null);
        }
        if (!read) {
            m.put("data", null);
            m.put("children", List.of());
            m.put("childrenTotal", z.numChildren());
            m.put("hidden", "no READ permission on this node for " + ids);
            return ApiResponse.ok(m);
        }
        byte[] data = z.data();
        m.put("data", data == null ? null : Base64.getEncoder().encodeToString(data));
        Children kids = z.children();
        int total = kids == null ? 0 : kids.size();
        List<Znode> page = new ArrayList<>(Math.min(limit, total));
        if (kids != null && total <= SORT_LIMIT) {
            List<Znode> all = new ArrayList<>(total);
            kids.forEach(all::add);
            all.sort(Comparator.comparing(c -> c.name()));
            page.addAll(all.subList(Math.min(offset, total), Math.min(total, offset + limit)));
        } else if (kids != null) {
            int[] i = {0};
            kids.forEach(c -> {
                if (i[0] >= offset && i[0] < offset + limit) {
                    page.add(c);
                }
                i[0]++;
            });
        }
        List<Map<String, Object>> children = new ArrayList<>(page.size());
        for (Znode c : page) {
            String name = c.name();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", name);
            e.put("path", path.equals("/") ? "/" + name : path + "/" + name);
            e.put("numChildren", c.numChildren());
            e.put("ephemeral", c.ephemeralOwner() != 0);
            children.add(e);
        }
        m.put("children", children);
        m.put("childrenTotal", total);
        m.put("sorted", total <= SORT_LIMIT);
        m.put("offset", offset);
        m.put("limit", limit);
        return ApiResponse.ok(m);
    }

    Map<String, Object> sessions(int limit) {
        Map<Long, Connection> byId = new HashMap<>();
        for (Connection c : view.connections()) {
            if (c.sessionId() != 0) {
                byId.put(c.sessionId(), c);
            }
        }
        Map<Long, Long> watches = view.watches().countsBySession();
        List<Session> all = new ArrayList<>(view.sessions().sessions());
        all.sort(Comparator.comparingLong(Session::id));
        List<Map<String, Object>> out = new ArrayList<>(Math.min(limit, all.size()));
        for (Session s : all.subList(0, Math.min(limit, all.size()))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", hex(s.id()));
            Connection c = byId.get(s.id());
            e.put("address", c == null ? null : c.remote().getAddress().getHostAddress() + ":" + c.remote().getPort());
            e.put("timeout", s.timeout());
            Set<String> eph = view.tree().ephemerals(s.id());
            List<String> ephemerals = eph == null ? List.of() : eph.stream().sorted().limit(100).toList();
            e.put("ephemerals", ephemerals);
            e.put("ephemeralCount", eph == null ? 0 : eph.size());
            e.put("watches", watches.getOrDefault(s.id(), 0L));
            e.put("closing", s.closing());
            out.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", all.size());
        m.put("sessions", out);
        return m;
    }

    Map<String, Object> watches(int top) {
        WatchFigures f = view.watches().figures(top, layout);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("watches", f.watches());
        m.put("paths", f.paths());
        m.put("sessions", f.sessions());
        m.put("heapBytes", f.heapBytes());
        m.put("bytesPerWatch", f.watches() == 0 ? 0 : Math.round((double) f.heapBytes() / f.watches() * 10) / 10.0);
        List<Map<String, Object>> paths = new ArrayList<>();
        for (WatchFigures.PathFigure p : f.topPaths()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", p.path());
            e.put("watches", p.watches());
            e.put("heapBytes", p.heapBytes());
            paths.add(e);
        }
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (WatchFigures.SessionFigure s : f.topSessions()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("session", hex(s.session()));
            e.put("watches", s.watches());
            e.put("heapBytes", s.heapBytes());
            sessions.add(e);
        }
        m.put("topPaths", paths);
        m.put("topSessions", sessions);
        return m;
    }

    Map<String, Object> watchesOfPath(String path) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (WatchManager.Watch w : view.watches().watchersOf(path)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("session", hex(w.sessionId()));
            e.put("kinds", w.kinds());
            out.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("watchers", out);
        return m;
    }

    Map<String, Object> watchesOfSession(long session, int limit) {
        List<WatchManager.Watch> all = view.watches().pathsOf(session);
        List<Map<String, Object>> out = new ArrayList<>();
        for (WatchManager.Watch w : all.subList(0, Math.min(limit, all.size()))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", w.path());
            e.put("kinds", w.kinds());
            out.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", hex(session));
        m.put("total", all.size());
        m.put("paths", out);
        return m;
    }

    static Map<String, Object> stat(Stat s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("czxid", hex(s.getCzxid()));
        m.put("mzxid", hex(s.getMzxid()));
        m.put("ctime", s.getCtime());
        m.put("mtime", s.getMtime());
        m.put("version", s.getVersion());
        m.put("cversion", s.getCversion());
        m.put("aversion", s.getAversion());
        m.put("ephemeralOwner", hex(s.getEphemeralOwner()));
        m.put("dataLength", s.getDataLength());
        m.put("numChildren", s.getNumChildren());
        m.put("pzxid", hex(s.getPzxid()));
        return m;
    }

    /** zkCli's spelling of permission bits: "cdrwa", in that order. */
    static String perms(int p) {
        StringBuilder b = new StringBuilder(5);
        if ((p & AclCache.Perms.CREATE) != 0) {
            b.append('c');
        }
        if ((p & AclCache.Perms.DELETE) != 0) {
            b.append('d');
        }
        if ((p & AclCache.Perms.READ) != 0) {
            b.append('r');
        }
        if ((p & AclCache.Perms.WRITE) != 0) {
            b.append('w');
        }
        if ((p & AclCache.Perms.ADMIN) != 0) {
            b.append('a');
        }
        return b.toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
