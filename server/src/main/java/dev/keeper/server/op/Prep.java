package dev.keeper.server.op;

import dev.keeper.server.tree.TreeView;
import java.util.List;
import org.apache.zookeeper.data.Id;

/**
 * What a write's prepare step may read: the tree (live, or under a multi's earlier ops), who is asking, and
 * the zxid and time already fixed for the transaction. Prepare may fail; it never changes anything.
 */
public record Prep(TreeView view, long sessionId, List<Id> auth, long zxid, long time, boolean enforceQuota) {
    /** Without quota enforcement, ZooKeeper's default. */
    public Prep(TreeView view, long sessionId, List<Id> auth, long zxid, long time) {
        this(view, sessionId, auth, zxid, time, false);
    }

    Prep withView(TreeView v) {
        return new Prep(v, sessionId, auth, zxid, time, enforceQuota);
    }
}
