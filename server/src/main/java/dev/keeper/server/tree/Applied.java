package dev.keeper.server.tree;

import java.util.List;
import org.apache.zookeeper.data.Stat;

/**
 * What applying one transaction did: ZooKeeper's {@code ProcessTxnResult}, plus the {@link Change}s watches
 * may react to. {@code type} is the txn type (a multi's failed sub-results have type error), {@code path} the
 * node affected (the created name, with its sequence suffix), {@code stat} the node's stat after create2,
 * setData and setACL, and {@code multi} the sub-results of a multi.
 */
public record Applied(int type, long zxid, int err, String path, Stat stat, List<Applied> multi,
        List<Change> changes) {
}
