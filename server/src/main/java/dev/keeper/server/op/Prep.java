package dev.keeper.server.op;

import dev.keeper.server.tree.TreeView;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.zookeeper.data.Id;

/**
 * What a write's prepare step may read: the tree (live, or under a multi's earlier ops), who is asking, and
 * the zxid and time already fixed for the transaction, and the settings a check depends on ({@code schemes}: the
 * ACL schemes registered beyond digest and ip), and where a refusal by a hard quota is counted (by top-level
 * namespace, for mntr). Prepare may fail; it never changes anything.
 */
public record Prep(TreeView view, long sessionId, List<Id> auth, long zxid, long time, boolean enforceQuota,
        Set<String> schemes, Consumer<String> quotaExceeded) {
    /** Without quota enforcement, ZooKeeper's default, and with no ACL schemes beyond digest and ip. */
    public Prep(TreeView view, long sessionId, List<Id> auth, long zxid, long time) {
        this(view, sessionId, auth, zxid, time, false, Set.of(), namespace -> { });
    }

    Prep withView(TreeView v) {
        return new Prep(v, sessionId, auth, zxid, time, enforceQuota, schemes, quotaExceeded);
    }
}
