package dev.keeper.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/** The tree as a write's checks see it: the live tree, or the live tree under a multi's earlier ops. */
public interface TreeView {
    /** The node at {@code path}, or null. */
    NodeState get(String path);

    List<ACL> acl(NodeState node);

    boolean extendedTypesEnabled();

    /**
     * The quota that governs {@code path} — the longest path with a quota that is {@code path} or an ancestor —
     * as its limits and stats nodes say now; null when none does. Always the live tree's: ZooKeeper's checkQuota
     * reads the stats node, which a multi's earlier ops have not changed yet.
     */
    QuotaUse quota(String path);
}
