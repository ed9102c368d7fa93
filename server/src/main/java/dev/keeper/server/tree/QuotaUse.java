package dev.keeper.server.tree;

/**
 * A quota and what its subtree uses now, as {@code zookeeper_limits} and {@code zookeeper_stats} say: -1 where no
 * limit is set ({@code StatsTrack}). {@code count} and {@code bytes} limits are soft, the hard ones refuse.
 *
 * @param root the path the quota is set on
 */
public record QuotaUse(String root, long countLimit, long bytesLimit, long countHardLimit, long byteHardLimit,
        long count, long bytes) {
}
