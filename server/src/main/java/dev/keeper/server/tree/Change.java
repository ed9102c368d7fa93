package dev.keeper.server.tree;

import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * One effect of an applied transaction that watches can see: a node created, deleted or given new data.
 * The tree reports these facts; the watch manager turns them into ZooKeeper's triggers. The ACLs travel with
 * them because a watcher without READ on the changed node gets no event (CVE-2024-23944).
 */
public record Change(Kind kind, String path, List<ACL> acl, String parent, List<ACL> parentAcl) {
    public enum Kind { CREATED, DELETED, DATA_CHANGED }
}
