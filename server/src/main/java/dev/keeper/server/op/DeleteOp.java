package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.NodeState;
import dev.keeper.wire.ErrorCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.txn.DeleteTxn;

/**
 * delete (2), with {@code PrepRequestProcessor}'s checks in order: not "/" or a built-in node, parent exists,
 * DELETE permission on the parent, node exists, version, no children.
 */
public final class DeleteOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        DeleteRequest r = (DeleteRequest) request;
        String path = OpError.requirePath(r.getPath());
        String parentPath = parentOfDeletable(path);
        NodeState parent = p.view().get(parentPath);
        if (parent == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(p.view().acl(parent), AclCache.Perms.DELETE, p.auth());
        NodeState node = p.view().get(path);
        if (node == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        SetDataOp.checkVersion(node.version(), r.getVersion());
        if (node.numChildren() > 0) {
            throw new OpError(ErrorCode.NOT_EMPTY);
        }
        return new Prepared(dev.keeper.wire.OpCode.DELETE, new DeleteTxn(path));
    }

    /** {@code getParentPathAndValidate}: the built-in nodes and "/" cannot be deleted. */
    static String parentOfDeletable(String path) throws OpError {
        int slash = path == null ? -1 : path.lastIndexOf('/');
        if (slash == -1 || path.indexOf('\0') != -1 || isBuiltIn(path)) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        return path.substring(0, slash);
    }

    private static boolean isBuiltIn(String path) {
        return "/".equals(path) || "/zookeeper".equals(path) || "/zookeeper/quota".equals(path)
                || "/zookeeper/config".equals(path);
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }
}
