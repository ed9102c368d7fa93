package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;

/**
 * getAllChildrenNumber (104): how many nodes lie below a node, at any depth. ZooKeeper counts the keys of its
 * node map that start with the path plus "/" ({@code DataTree.getAllChildrenNumber}); that map holds the root
 * under both "" and "/", so the path "" (its alias for the root) counts the root itself too: one more than "/".
 */
public final class GetAllChildrenNumberOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        String path = OpError.requirePath(((GetAllChildrenNumberRequest) request).getPath());
        Znode z = ctx.tree().find(path);
        if (z == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(ctx.tree().aclOf(z), AclCache.Perms.READ, caller.auth());
        int count = ctx.tree().descendantCount(z);
        return new GetAllChildrenNumberResponse(path.isEmpty() ? count + 1 : count);
    }
}
