package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;

/** getData (4): node exists, READ, then a one-shot data watch if asked. */
public final class GetDataOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        GetDataRequest r = (GetDataRequest) request;
        return get(ctx, caller, r.getPath(), r.getWatch());
    }

    static GetDataResponse get(OpContext ctx, Caller caller, String path, boolean watch) throws OpError {
        Znode z = ctx.tree().find(OpError.requirePath(path));
        if (z == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(ctx.tree().aclOf(z), AclCache.Perms.READ, caller.auth());
        if (watch) {
            ctx.watches().addDataWatch(path, caller);
        }
        return new GetDataResponse(z.data(), ctx.tree().stat(z));
    }
}
