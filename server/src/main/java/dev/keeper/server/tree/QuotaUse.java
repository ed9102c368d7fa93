package dev.keeper.server.tree;

/**
 * A quota and what its subtree uses now, as {@code zookeeper_limits} and {@code zookeeper_stats} say: -1 where no
 * limit is set ({@code StatsTrack}). {@code count} and {@code bytes} limits are soft, the hard ones refuse.
 *
 * @param root the path the quota is set on
 */
public record QuotaUse(String root, long countLimit, long bytesLimit, long countHardLimit, long byteHardLimit,
        long count, long bytes) {
    /** The quota's top-level namespace, the first component of its root, as mntr's per-namespace keys name it. */
    public String namespace() {
        return namespaceOf(root);
    }

    /** The first component of {@code root} ("a" for /a/b), {@code QuotaMetricsUtils}'s namespace. */
    static String namespaceOf(String root) {
        int end = root.indexOf('/', 1);
        return end < 0 ? root.substring(1) : root.substring(1, end);
    }
}
