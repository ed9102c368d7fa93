package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;

/**
 * getChildren (8) and getChildren2 (12, the same plus the node's stat): node exists, READ, then a one-shot
 * child watch if asked. Children come in no particular order, as from ZooKeeper's HashSet.
 */
public final class GetChildrenOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        if (request instanceof GetChildren2Request r) {
            Znode z = find(ctx, caller, r.getPath(), r.getWatch());
            return new GetChildren2Response(ctx.tree().childNames(z), ctx.tree().stat(z));
        }
        GetChildrenRequest r = (GetChildrenRequest) request;
        return list(ctx, caller, r.getPath(), r.getWatch());
    }

    static GetChildrenResponse list(OpContext ctx, Caller caller, String path, boolean watch) throws OpError {
        return new GetChildrenResponse(ctx.tree().childNames(find(ctx, caller, path, watch)));
    }

    private static Znode find(OpContext ctx, Caller caller, String path, boolean watch) throws OpError {
        Znode z = ctx.tree().find(OpError.requirePath(path));
        if (z == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(ctx.tree().aclOf(z), AclCache.Perms.READ, caller.auth());
        if (watch) {
            ctx.watches().addChildWatch(path, caller);
        }
        return z;
    }
}
