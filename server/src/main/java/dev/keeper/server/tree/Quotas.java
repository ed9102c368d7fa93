package dev.keeper.server.tree;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * ZooKeeper's quota bookkeeping ({@code DataTree.updateQuotaStat}, {@code Quotas}, {@code StatsTrack}): a path X
 * has a quota when {@code /zookeeper/quota/X/zookeeper_limits} exists, and then
 * {@code /zookeeper/quota/X/zookeeper_stats} holds "count=N,bytes=M" for the subtree under X, kept current on
 * every create, delete and setData below X. As in ZooKeeper the stats node's data changes in place, without a
 * new version or zxid, and is recomputed from the tree after a snapshot is loaded. With
 * {@code zookeeper.enforceQuota=true} creates and setData check the limits first ({@code op.QuotaCheck}).
 *
 * <p>Costs nothing while no quota is set; afterwards one set lookup per ancestor of each written path.
 */
final class Quotas {
    static final String QUOTA_ROOT = "/zookeeper/quota";
    static final String LIMITS = "zookeeper_limits";
    static final String STATS = "zookeeper_stats";

    private final DataTree tree;
    private final Set<String> roots = new HashSet<>();

    Quotas(DataTree tree) {
        this.tree = tree;
    }

    /** A node was created at {@code path} with {@code bytes} of data. */
    void created(String path, String parent, String name, long bytes) {
        if (parent.startsWith(QUOTA_ROOT)) {
            if (LIMITS.equals(name)) {
                roots.add(parent.substring(QUOTA_ROOT.length()));
            } else if (STATS.equals(name)) {
                recompute(parent.substring(QUOTA_ROOT.length()));
            }
        }
        adjust(path, bytes, 1);
    }

    void deleted(String path, String parent, String name, long bytes) {
        if (parent.startsWith(QUOTA_ROOT) && LIMITS.equals(name)) {
            roots.remove(parent.substring(QUOTA_ROOT.length()));
        }
        adjust(path, -bytes, -1);
    }

    void dataChanged(String path, long bytesDiff) {
        adjust(path, bytesDiff, 0);
    }

    private void adjust(String path, long bytesDiff, int countDiff) {
        if (roots.isEmpty()) {
            return;
        }
        String root = longestRoot(path);
        if (root == null) {
            return;
        }
        Znode stats = tree.find(QUOTA_ROOT + root + "/" + STATS);
        if (stats == null) {
            return;
        }
        TreeMap<String, Long> st = parse(stats.data);
        st.put("count", st.getOrDefault("count", -1L) + countDiff);
        st.put("bytes", st.getOrDefault("bytes", -1L) + bytesDiff);
        stats.data = format(st);
    }

    /** The quota governing {@code path} and its use now, or null ({@link TreeView#quota}). */
    QuotaUse use(String path) {
        if (roots.isEmpty()) {
            return null;
        }
        String root = longestRoot(path);
        if (root == null) {
            return null;
        }
        Znode limits = tree.find(QUOTA_ROOT + root + "/" + LIMITS);
        Znode stats = tree.find(QUOTA_ROOT + root + "/" + STATS);
        if (limits == null || stats == null) {
            return null; // "should not happen", ZooKeeper logs, and checks nothing
        }
        TreeMap<String, Long> l = parse(limits.data);
        TreeMap<String, Long> s = parse(stats.data);
        return new QuotaUse(root, l.getOrDefault("count", -1L), l.getOrDefault("bytes", -1L),
                l.getOrDefault("countHardLimit", -1L), l.getOrDefault("byteHardLimit", -1L),
                s.getOrDefault("count", -1L), s.getOrDefault("bytes", -1L));
    }

    /**
     * Limits and usage per top-level namespace ({@code QuotaMetricsUtils}): every quota under the same first path
     * component added up, the hard limit counting where set, else the soft one.
     */
    java.util.Collection<QuotaTotals> totals() {
        TreeMap<String, long[]> sums = new TreeMap<>();
        for (String root : roots) {
            long[] sum = sums.computeIfAbsent(QuotaUse.namespaceOf(root), k -> new long[4]);
            Znode limits = tree.find(QUOTA_ROOT + root + "/" + LIMITS);
            if (limits != null) {
                TreeMap<String, Long> l = parse(limits.data);
                long hardCount = l.getOrDefault("countHardLimit", -1L);
                long hardBytes = l.getOrDefault("byteHardLimit", -1L);
                sum[0] += hardCount > -1 ? hardCount : l.getOrDefault("count", -1L);
                sum[1] += hardBytes > -1 ? hardBytes : l.getOrDefault("bytes", -1L);
            }
            Znode stats = tree.find(QUOTA_ROOT + root + "/" + STATS);
            if (stats != null) {
                TreeMap<String, Long> st = parse(stats.data);
                sum[2] += st.getOrDefault("count", -1L);
                sum[3] += st.getOrDefault("bytes", -1L);
            }
        }
        List<QuotaTotals> out = new ArrayList<>(sums.size());
        sums.forEach((ns, v) -> out.add(new QuotaTotals(ns, v[0], v[1], v[2], v[3])));
        return out;
    }

    /** The longest quota root that is {@code path} or one of its ancestors (never "/" or "/zookeeper"). */
    private String longestRoot(String path) {
        for (String p = path; p.length() > 1; p = p.substring(0, Math.max(1, p.lastIndexOf('/')))) {
            if (roots.contains(p) && !"/zookeeper".equals(p)) {
                return p;
            }
        }
        return null;
    }

    /** After a snapshot is loaded: find every limit node and recompute every stats node. */
    void rebuild() {
        roots.clear();
        Znode quota = tree.find(QUOTA_ROOT);
        if (quota == null) {
            return;
        }
        List<String> found = new ArrayList<>();
        collect(found);
        roots.addAll(found);
        for (String r : found) {
            recompute(r);
        }
    }

    /**
     * The quota roots: the paths under /zookeeper/quota that hold a limits node. Iterative, as the quota tree
     * mirrors the paths it limits, which may be as deep as a path may be long.
     */
    private void collect(List<String> out) {
        java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
        pending.push(QUOTA_ROOT);
        while (!pending.isEmpty()) {
            String path = pending.pop();
            Znode z = tree.find(path);
            if (z == null) {
                continue;
            }
            for (String n : tree.childNames(z)) {
                if (LIMITS.equals(n)) {
                    out.add(path.substring(QUOTA_ROOT.length()));
                } else {
                    pending.push(path + "/" + n);
                }
            }
        }
    }

    private void recompute(String root) {
        Znode stats = tree.find(QUOTA_ROOT + root + "/" + STATS);
        Znode top = tree.find(root);
        if (stats == null || top == null) {
            return;
        }
        long[] countBytes = {0, 0};
        DataTree.forEachInSubtree(top, z -> {
            countBytes[0]++;
            countBytes[1] += z.data == null ? 0 : z.data.length;
        });
        TreeMap<String, Long> st = parse(stats.data);
        st.put("count", countBytes[0]);
        st.put("bytes", countBytes[1]);
        stats.data = format(st);
    }

    static TreeMap<String, Long> parse(byte[] data) {
        TreeMap<String, Long> st = new TreeMap<>();
        if (data == null || data.length == 0) {
            return st;
        }
        for (String pair : new String(data, StandardCharsets.UTF_8).split("[,;]+")) {
            String[] kv = pair.split("=");
            if (kv.length >= 1 && !kv[0].isEmpty()) {
                try {
                    st.put(kv[0], kv.length < 2 || kv[1].isEmpty() ? -1L : Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    // ZooKeeper would fail here; we keep the counts we can read.
                }
            }
        }
        return st;
    }

    /** {@code StatsTrack.toString}: count and bytes first, then other keys sorted, after an extra "=". */
    static byte[] format(TreeMap<String, Long> st) {
        StringBuilder b = new StringBuilder();
        b.append("count=").append(st.getOrDefault("count", -1L)).append(",bytes=").append(st.getOrDefault("bytes", -1L));
        boolean first = true;
        for (var e : st.entrySet()) {
            if ("count".equals(e.getKey()) || "bytes".equals(e.getKey())) {
                continue;
            }
            if (first) {
                b.append('=');
                first = false;
            }
            b.append(';').append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
