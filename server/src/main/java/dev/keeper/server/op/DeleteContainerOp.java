package dev.keeper.server.op;

import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.EphemeralType;
import dev.keeper.server.tree.NodeState;
import dev.keeper.wire.DeleteContainerRecord;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import org.apache.jute.Record;
import org.apache.zookeeper.txn.DeleteTxn;

/**
 * deleteContainer (20) sent by a client. ZooKeeper's container reaper uses this opcode, and {@code Request.isValid}
 * accepts it from anyone, so {@code PrepRequestProcessor} gives it its checks in this order: a deletable path,
 * the node exists, it has no children, it is not an ephemeral (BadVersion). There is no ACL check and no version;
 * a persistent node passes too, only ephemerals are refused.
 */
public final class DeleteContainerOp implements Op.Write {
    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        String path = ((DeleteContainerRecord) request).getPath();
        String parentPath = DeleteOp.parentOfDeletable(path);
        NodeState node = p.view().get(path);
        if (node == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        if (node.numChildren() > 0) {
            throw new OpError(ErrorCode.NOT_EMPTY);
        }
        if (EphemeralType.of(node.ephemeralOwner(), p.view().extendedTypesEnabled()) == EphemeralType.NORMAL) {
            throw new OpError(ErrorCode.BAD_VERSION);
        }
        if (p.view().get(parentPath) == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        return new Prepared(OpCode.DELETE_CONTAINER, new DeleteTxn(path));
    }

    @Override
    public Record reply(Applied a) {
        return null;
    }
}
