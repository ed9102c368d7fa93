package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.ZPath;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.txn.SetACLTxn;

/** setACL (7): valid path, well-formed ACL, node exists, ADMIN permission, aversion. */
public final class SetAclOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        SetACLRequest r = (SetACLRequest) request;
        String path = r.getPath();
        if (!ZPath.isValid(path)) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        List<ACL> acl = Acls.fixup(r.getAcl(), p.auth(), p.schemes());
        NodeState node = p.view().get(path);
        if (node == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(p.view().acl(node), AclCache.Perms.ADMIN, p.auth());
        int newVersion = SetDataOp.checkVersion(node.aversion(), r.getVersion());
        return new Prepared(OpCode.SET_ACL, new SetACLTxn(path, acl, newVersion));
    }

    @Override
    public Record reply(Applied a) {
        return new SetACLResponse(a.stat());
    }
}
