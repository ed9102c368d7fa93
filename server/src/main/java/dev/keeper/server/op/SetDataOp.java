package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.ZPath;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.txn.SetDataTxn;

/**
 * setData (5): valid path, node exists, WRITE permission, quota (when enforced), version; the txn carries the new
 * version.
 */
public final class SetDataOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        SetDataRequest r = (SetDataRequest) request;
        String path = r.getPath();
        if (!ZPath.isValid(path)) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeState node = p.view().get(path);
        if (node == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(p.view().acl(node), AclCache.Perms.WRITE, p.auth());
        QuotaCheck.setData(p, path, node.data(), r.getData());
        int newVersion = checkVersion(node.version(), r.getVersion());
        return new Prepared(OpCode.SET_DATA, new SetDataTxn(path, r.getData(), newVersion));
    }

    /** {@code checkAndIncVersion}: −1 matches any version. */
    static int checkVersion(int current, int expected) throws OpError {
        if (expected != -1 && expected != current) {
            throw new OpError(ErrorCode.BAD_VERSION);
        }
        return current + 1;
    }

    @Override
    public Record reply(Applied a) {
        return new SetDataResponse(a.stat());
    }
}
