package dev.keeper.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/** The tree as a write's checks see it: the live tree, or the live tree under a multi's earlier ops. */
public interface TreeView {
    /** The node at {@code path}, or null. */
    NodeState get(String path);

    List<ACL> acl(NodeState node);

    boolean extendedTypesEnabled();
}
