package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;

/**
 * exists (3). The watch is set whether or not the node exists — on a missing node it is the watch that later
 * sees NodeCreated ({@code DataTree.statNode}) — and READ is checked only when the node exists.
 */
public final class ExistsOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        ExistsRequest r = (ExistsRequest) request;
        String path = OpError.requirePath(r.getPath());
        if (path.indexOf('\0') != -1) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        Znode z = ctx.tree().find(path);
        if (z != null) {
            Acls.check(ctx.tree().aclOf(z), AclCache.Perms.READ, caller.auth());
        }
        if (r.getWatch()) {
            ctx.watches().addDataWatch(path, caller);
        }
        if (z == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        return new ExistsResponse(ctx.tree().stat(z));
    }
}
