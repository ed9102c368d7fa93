package dev.keeper.server.op;

import dev.keeper.server.auth.Acls;
import dev.keeper.server.tree.AclCache;
import dev.keeper.server.tree.Znode;
import dev.keeper.wire.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;

/**
 * getACL (6): READ or ADMIN suffices; a caller without ADMIN sees digest ids with the hash masked as
 * "user:x" ({@code FinalRequestProcessor}, CVE-2018-8012's follow-up).
 */
public final class GetAclOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) throws OpError {
        String path = OpError.requirePath(((GetACLRequest) request).getPath());
        Znode z = ctx.tree().find(path);
        if (z == null) {
            throw new OpError(ErrorCode.NO_NODE);
        }
        List<ACL> acl = ctx.tree().aclOf(z);
        Acls.check(acl, AclCache.Perms.READ | AclCache.Perms.ADMIN, caller.auth());
        if (Acls.allows(acl, AclCache.Perms.ADMIN, caller.auth())) {
            return new GetACLResponse(new ArrayList<>(acl), ctx.tree().stat(z));
        }
        List<ACL> masked = new ArrayList<>(acl.size());
        for (ACL a : acl) {
            Id id = a.getId();
            masked.add("digest".equals(id.getScheme())
                    ? new ACL(a.getPerms(), new Id(id.getScheme(), id.getId().replaceAll(":.*", ":x")))
                    : a);
        }
        return new GetACLResponse(masked, ctx.tree().stat(z));
    }
}
