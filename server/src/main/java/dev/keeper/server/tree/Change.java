package dev.keeper.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * One effect of an applied transaction that watches can see: a node created, deleted or given new data.
 * The tree reports these facts; the watch manager turns them into ZooKeeper's triggers. The ACLs travel with
 * them because a watcher without READ on the changed node gets no event (CVE-2024-23944).
 */
public record Change(Kind kind, String path, List<ACL> acl, String parent, List<ACL> parentAcl, int dataBytes) {
    public enum Kind { CREATED, DELETED, DATA_CHANGED }

    /**
     * What ZooKeeper's write_per_namespace counts for this write ({@code DataTree.updateWriteStat}): the path's
     * length and the data written (none for a delete).
     */
    public long writeBytes() {
        return path.length() + (kind == Kind.DELETED ? 0 : dataBytes);
    }
}
