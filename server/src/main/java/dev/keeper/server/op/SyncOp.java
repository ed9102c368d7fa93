package dev.keeper.server.op;

import org.apache.jute.Record;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;

/**
 * sync (9): on a standalone server every read already sees every committed write, so sync only echoes the
 * path — after everything queued before it, since replies leave in order.
 */
public final class SyncOp implements Op.Read {
    @Override
    public Record read(OpContext ctx, Caller caller, Object request) {
        return new SyncResponse(((SyncRequest) request).getPath());
    }
}
