package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Applied;
import dev.keeper.server.tree.EphemeralType;
import dev.keeper.server.tree.NodeState;
import dev.keeper.server.tree.ZPath;
import dev.keeper.wire.ErrorCode;
import dev.keeper.wire.OpCode;
import java.util.List;
import java.util.Locale;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.txn.CreateContainerTxn;
import org.apache.zookeeper.txn.CreateTTLTxn;
import org.apache.zookeeper.txn.CreateTxn;

/**
 * create (1), create2 (15), createContainer (19) and createTTL (21), with {@code pRequest2TxnCreate}'s checks
 * in its order: create mode and TTL, parent path, ACL, parent exists, CREATE permission on the parent, the
 * sequential suffix, the full path, not already there, parent not ephemeral.
 *
 * <p>The sequential suffix is the parent's persisted cversion — its count of child creates — printed
 * {@code %010d}; the txn records that count plus one as the parent's new cversion. Curator creates everything
 * with create2 and makes parents with createContainer, so all four matter.
 */
public final class CreateOp implements Op.Write {
    private final int opCode;

    CreateOp(int opCode) {
        this.opCode = opCode;
    }

    /** {@code CreateMode} flags. */
    private static boolean ephemeral(int flags) {
        return flags == 1 || flags == 3;
    }

    private static boolean sequential(int flags) {
        return flags == 2 || flags == 3 || flags == 6;
    }

    private static boolean ttl(int flags) {
        return flags == 5 || flags == 6;
    }

    @Override
    public Prepared prepare(Prep p, Object request) throws OpError {
        String path;
        byte[] data;
        List<ACL> acl;
        int flags;
        long ttl;
        if (request instanceof CreateTTLRequest r) {
            path = r.getPath();
            data = r.getData();
            acl = r.getAcl();
            flags = r.getFlags();
            ttl = r.getTtl();
        } else {
            CreateRequest r = (CreateRequest) request;
            path = r.getPath();
            data = r.getData();
            acl = r.getAcl();
            flags = r.getFlags();
            ttl = -1;
        }
        if (flags < 0 || flags > 6) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        if (ttl(flags) && !p.view().extendedTypesEnabled()) {
            throw new OpError(ErrorCode.UNIMPLEMENTED);
        }
        if (ttl(flags) ? ttl <= 0 || ttl > EphemeralType.MAX_TTL : ttl >= 0) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        OpError.requirePath(path); // validatePathForCreate's NullPointerException, after the mode checks
        int slash = path.lastIndexOf('/');
        if (slash == -1 || path.indexOf('\0') != -1) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        String parentPath = path.substring(0, slash);
        List<ACL> fixed = Acls.fixup(acl, p.auth(), p.schemes());
        NodeState parent = p.view().get(parentPath);
        if (parent == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        Acls.check(p.view().acl(parent), AclCache.Perms.CREATE, p.auth());
        int parentCVersion = parent.cversion();
        if (sequential(flags)) {
            path = path + String.format(Locale.ENGLISH, "%010d", parentCVersion);
        }
        if (!ZPath.isValid(path)) {
            throw new OpError(ErrorCode.BAD_ARGUMENTS);
        }
        if (p.view().get(path) != null) {
            throw new OpError(ErrorCode.NODE_EXISTS);
        }
        if (EphemeralType.of(parent.ephemeralOwner(), p.view().extendedTypesEnabled()) == EphemeralType.NORMAL) {
            throw new OpError(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
        }
        int newCversion = parentCVersion + 1;
        QuotaCheck.create(p, path, data);
        Record txn = switch (opCode) {
            case OpCode.CREATE_CONTAINER -> new CreateContainerTxn(path, data, fixed, newCversion);
            case OpCode.CREATE_TTL -> new CreateTTLTxn(path, data, fixed, newCversion, ttl);
            default -> new CreateTxn(path, data, fixed, ephemeral(flags), newCversion);
        };
        return new Prepared(opCode, txn);
    }

    @Override
    public Record reply(Applied a) {
        return opCode == OpCode.CREATE ? new CreateResponse(a.path()) : new Create2Response(a.path(), a.stat());
    }
}
