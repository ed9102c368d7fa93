package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.ZPath;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.txn.CheckVersionTxn;

/**
 * check (13): a version assertion, valid only as an op inside a multi ({@code Request.isValid} rejects it on
 * its own, so the table of top-level opcodes does not list it).
 */
public final class CheckOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        CheckVersionRequest r = (CheckVersionRequest) request;
        String path = r.getPath();
        if (!ZPath.isValid(path)) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeState node = p.view().get(path);
        if (node == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(p.view().acl(node), AclCache.Perms.READ, p.auth());
        int next = SetDataOp.checkVersion(node.version(), r.getVersion());
        return new Prepared(OpCode.CHECK, new CheckVersionTxn(path, next));
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }
}
