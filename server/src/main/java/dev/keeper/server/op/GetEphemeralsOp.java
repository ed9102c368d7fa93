package dev.keeper.server.op;

import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetEphemeralsResponse;

/** getEphemerals (103): the caller's session's ephemerals, all of them or those whose path starts with a prefix. */
public final class GetEphemeralsOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) {
        String prefix = ((GetEphemeralsRequest) request).getPrefixPath();
        List<String> out = new ArrayList<>();
        boolean all = prefix == null || prefix.trim().isEmpty() || "/".equals(prefix.trim());
        for (String p : ctx.tree().ephemerals(caller.sessionId())) {
            if (all || p.startsWith(prefix)) {
                out.add(p);
            }
        }
        return new GetEphemeralsResponse(out);
    }
}
