package dev.keeper.server.op;

import dev.keeper.server.auth.AuthIds;
import dev.keeper.server.auth.DigestAuth;
import dev.keeper.server.auth.SaslAuth;
import dev.keeper.server.auth.X509Auth;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.WhoAmIResponse;

/**
 * whoAmI (107): the caller's authenticated ids as (scheme, user) pairs ({@code AuthUtil.getClientInfos}), in
 * ZooKeeper's order ({@link AuthIds}); "super" has no provider, so no user.
 */
public final class WhoAmIOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) {
        List<ClientInfo> infos = new ArrayList<>();
        for (Id id : AuthIds.inServerOrder(caller.auth())) {
            String user = switch (id.getScheme()) {
                case DigestAuth.SCHEME -> DigestAuth.userOf(id.getId());
                case "ip" -> id.getId();
                // AuthenticationProvider.getUserName is the id itself; a scheme without a provider has no user
                case X509Auth.SCHEME, SaslAuth.SCHEME -> ctx.authSchemes().contains(id.getScheme()) ? id.getId() : "";
                default -> "";
            };
            infos.add(new ClientInfo(id.getScheme(), user));
        }
        return new WhoAmIResponse(infos);
    }
}
