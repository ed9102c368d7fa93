package dev.keeper.server.tree;

/**
 * The quotas of one top-level namespace added up, as ZooKeeper 3.9.5's {@code QuotaMetricsUtils} adds them for the
 * {@code quota_*_per_namespace} metrics: each quota's limit is its hard limit when set, else its soft one; usage is
 * what its {@code zookeeper_stats} node says.
 *
 * @param namespace the first component of the quota'd paths ("a" for /a/b)
 */
public record QuotaTotals(String namespace, long countLimit, long bytesLimit, long countUsage, long bytesUsage) {
}
